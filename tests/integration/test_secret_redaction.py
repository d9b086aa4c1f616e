"""No byte of a secret reaches stdout, stderr or the log, whatever a client library puts in its
exception texts.

A hostile loopback API answers every request 401 and echoes what it was sent (the URL, the
``Authorization`` and ``x-api-key`` headers) in its error body. Each of the five clients the
bot uses (python-telegram-bot, discord.py, httpx, curl_cffi, the anthropic SDK) is given a
secret and turned away; its real exception then goes through every way the product prints
one: a log line, a logged traceback, an ``error:`` line, a plain ``print`` and the interpreter's
hook for an uncaught exception, with the output guard (``bot.redact.guard``) and the logging of
``python -m bot``. The raw texts are checked to hold the secrets first, so the test cannot pass
by the secrets never being there.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import sys
import traceback
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import discord
import httpx
import pytest

from bot.config import Settings
from bot.logging import setup_logging
from bot.redact import FRAGMENT, guard
from tests.upstream.server import FakeRequest, FakeUpstream, Reply, serving_in_thread

TELEGRAM = f"{secrets.randbelow(10**9) + 10**9}:AA{secrets.token_urlsafe(26)}"
DISCORD = f"MT{secrets.token_urlsafe(20)}.{secrets.token_urlsafe(5)}.{secrets.token_urlsafe(20)}"
ANTHROPIC = f"sk-ant-api03-{secrets.token_urlsafe(30)}"
COINGECKO = f"CG-{secrets.token_urlsafe(18)}"
DB_PASSWORD = f"pw-{secrets.token_urlsafe(12)}"


def settings() -> Settings:
    return Settings(_env_file=None, telegram_bot_token=TELEGRAM,  # type: ignore[call-arg]
                    discord_bot_token=DISCORD, anthropic_api_key=ANTHROPIC,
                    coingecko_api_key=COINGECKO,
                    database_url=f"postgresql://bot:{DB_PASSWORD}@127.0.0.1:1/db")


def private_parts() -> list[str]:
    """What must never show: each secret (a Telegram token without its public bot id)."""
    return [TELEGRAM.split(":", 1)[1], DISCORD, ANTHROPIC, COINGECKO, DB_PASSWORD]


def leaks(text: str) -> list[str]:
    """Every run of FRAGMENT characters of a secret found in ``text``."""
    return [part[i:i + FRAGMENT] for part in private_parts()
            for i in range(len(part) - FRAGMENT + 1) if part[i:i + FRAGMENT] in text]


def echo(request: FakeRequest) -> Reply:
    """401, with everything the client sent that could hold a secret, in every field an error
    body of Telegram, Discord or Anthropic is read from."""
    said = " ".join([request.target, request.headers.get("authorization", ""),
                     request.headers.get("x-api-key", ""),
                     request.headers.get("x-cg-pro-api-key", "")])
    body = {"ok": False, "error_code": 401, "description": f"Unauthorized: {said}",
            "message": f"401: Unauthorized: {said}", "code": 0, "type": "error",
            "error": {"type": "authentication_error", "message": said}}
    return Reply(status=401, body=json.dumps(body).encode())


@pytest.fixture(scope="module")
def api() -> Iterator[FakeUpstream]:
    with serving_in_thread(echo) as server:
        yield server


# --- each client, turned away -----------------------------------------------------------------

async def telegram_rejects(url: str) -> None:
    from telegram import Bot

    bot = Bot(TELEGRAM, base_url=f"{url}/bot")
    try:
        await bot.initialize()  # getMe: InvalidToken("The token `…` was rejected …")
    finally:
        await bot.shutdown()


async def discord_rejects(url: str) -> None:
    previous = discord.http.Route.BASE
    discord.http.Route.BASE = f"{url}/api/v10"
    client = discord.Client(intents=discord.Intents.none())
    try:
        await client.login(DISCORD)  # LoginFailure from the 401 HTTPException
    finally:
        discord.http.Route.BASE = previous
        await client.close()


async def httpx_rejects(url: str) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{url}/bot{TELEGRAM}/getMe",
                                    headers={"x-cg-pro-api-key": COINGECKO})
        response.raise_for_status()  # HTTPStatusError naming the URL


async def curl_rejects(url: str) -> None:
    from curl_cffi.requests import AsyncSession

    async with AsyncSession() as session:
        response = await session.get(f"{url}/api/v3/global?x_cg_pro_api_key={COINGECKO}",
                                     headers={"x-api-key": COINGECKO})
        response.raise_for_status()


async def anthropic_rejects(url: str) -> None:
    from anthropic import AsyncAnthropic

    client = AsyncAnthropic(api_key=ANTHROPIC, base_url=url, max_retries=0, timeout=10)
    try:
        await client.messages.create(model="claude-sonnet-5-5", max_tokens=1,
                                     messages=[{"role": "user", "content": "hi"}])
    finally:
        await client.close()


CLIENTS: dict[str, Callable[[str], Coroutine[Any, Any, None]]] = {
    "python-telegram-bot": telegram_rejects, "discord.py": discord_rejects,
    "httpx": httpx_rejects, "curl_cffi": curl_rejects, "anthropic": anthropic_rejects}


def rejected(client: str, url: str) -> BaseException:
    with pytest.raises(Exception) as caught:
        asyncio.run(CLIENTS[client](url))
    return caught.value


def raw_text(exc: BaseException) -> str:
    """All an exception can print: its text, its causes' texts, a response body it carries."""
    parts = ["".join(traceback.format_exception(exc))]
    for link in (exc, exc.__cause__, exc.__context__):
        response = getattr(link, "response", None)
        text = getattr(response, "text", None)
        if isinstance(text, str):
            parts.append(text)
    return "\n".join(parts)


def print_every_way(exc: BaseException) -> None:
    log = logging.getLogger("bot.test")
    body = raw_text(exc).splitlines()[-1]
    log.error("send failed: %s (%s)", exc, body)
    try:
        raise exc
    except Exception:
        log.exception("with its traceback")
    print(f"error: {exc}", file=sys.stderr)
    print(repr(exc), raw_text(exc))
    sys.excepthook(type(exc), exc, exc.__traceback__)


@pytest.mark.parametrize("client", list(CLIENTS))
def test_no_secret_reaches_the_output(client: str, api: FakeUpstream, logging_restored: None,
                                      capfd: pytest.CaptureFixture[str]) -> None:
    config = settings()
    assert len(config.secrets()) >= 5
    exc = rejected(client, api.url)
    assert leaks(raw_text(exc)), f"{client}'s error should carry a secret for this test"

    with guard(config.secrets()):
        setup_logging("INFO", config.secrets())
        print_every_way(exc)
    out, err = capfd.readouterr()

    assert "[REDACTED]" in err
    assert "Traceback" in err, "the hook printed the traceback, scrubbed"
    assert leaks(out) == [] and leaks(err) == []


def test_a_truncated_secret_is_scrubbed_too() -> None:
    from bot.redact import Redactor

    redactor = Redactor([ANTHROPIC, TELEGRAM])
    cut = ANTHROPIC[:20] + "…"
    assert leaks(redactor.scrub(f"key {cut} was refused")) == []
    bot_id = TELEGRAM.split(":")[0]
    assert bot_id in redactor.scrub(f"bot {bot_id} started"), "a bot's id is not a secret"


def test_a_secret_printed_in_pieces_is_scrubbed(capfd: pytest.CaptureFixture[str]) -> None:
    with guard([DISCORD]):
        print(DISCORD[:10], end="")
        print(DISCORD[10:], "done")
    out, _ = capfd.readouterr()
    assert leaks(out) == [] and out.endswith("done\n")
