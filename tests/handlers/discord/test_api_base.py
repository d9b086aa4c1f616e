"""``DISCORD_API_BASE``: loopback or HTTPS only, refused at start-up with one line; the REST
base it gives discord.py; a gateway URL the server hands out is held to the same rule."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import discord
import pytest
from discord.gateway import DiscordWebSocket

from bot.config import Settings
from bot.container import build_container
from handlers.discord import DiscordService
from handlers.discord.endpoints import rest_base
from services.errors import ConfigError
from services.report.editions import FixedSource
from services.snapshot_io import load_sample
from tests.conftest import ROOT
from tests.fakes.discord_api import FakeDiscordAPI
from tests.handlers.discord.conftest import TOKEN


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.mark.parametrize("url", ["https://discord.com", "https://proxy.example/discord/",
                                 "http://127.0.0.1:8082", "http://127.1.2.3",
                                 "http://[::1]:8082", "http://localhost:8082/api/v10"])
def test_https_anywhere_and_http_on_loopback_are_accepted(url: str) -> None:
    assert settings(discord_api_base=url).discord_api_base == url.rstrip("/")


def test_unset_or_empty_is_discords_own() -> None:
    assert settings().discord_api_base is None
    assert settings(discord_api_base=" ").discord_api_base is None


@pytest.mark.parametrize(("url", "problem"), [
    ("http://example.com", "http:// is allowed on loopback only"),
    ("http://10.0.0.5:8082", "http:// is allowed on loopback only"),
    ("ws://127.0.0.1:8082", "must be a https:// URL, or http:// on loopback"),
    ("127.0.0.1:8082", "must be a https:// URL, or http:// on loopback"),
    ("https://user:pass@discord.com", "without credentials"),
    ("http://127.0.0.1:99999", "does not parse"),
])
def test_anything_else_is_refused(url: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        settings(discord_api_base=url)


@pytest.mark.parametrize(("base", "rest"), [
    ("https://discord.com", "https://discord.com/api/v10"),
    ("http://127.0.0.1:8082/", "http://127.0.0.1:8082/api/v10"),
    ("https://proxy.example/discord", "https://proxy.example/discord/api/v10"),
    ("http://127.0.0.1:8082/api/v9", "http://127.0.0.1:8082/api/v9"),
])
def test_the_rest_base(base: str, rest: str) -> None:
    assert rest_base(base) == rest


def test_run_refuses_a_plain_http_remote_base_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "DISCORD_", "ANTHROPIC_", "DATABASE_"))}
    env.update({"PYTHONPATH": str(ROOT), "DISCORD_BOT_TOKEN": TOKEN,
                "DISCORD_API_BASE": "http://discord.example.com"})
    result = subprocess.run([sys.executable, "-m", "bot", "run", "--sample"], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: DISCORD_API_BASE: http:// is allowed on loopback only (127.0.0.1, ::1, "
        "localhost), not on discord.example.com; use https://"]
    assert result.stdout == "" and TOKEN not in result.stderr
    assert not (tmp_path / "marketbot.db").exists(), "refused before anything started"


async def test_a_gateway_url_that_would_carry_the_token_in_clear_is_refused(
        fake: FakeDiscordAPI, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's ``GET /gateway/bot`` answers ``ws://`` off this machine."""
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    monkeypatch.setattr(FakeDiscordAPI, "gateway_url", "ws://gateway.example.com")
    container = await build_container(
        settings(database_url=sqlite_url, discord_bot_token=TOKEN,
                 discord_api_base=fake.root_url), FixedSource(load_sample()))
    service = DiscordService(container)
    try:
        with pytest.raises(ConfigError, match="ws:// is allowed on loopback only"):
            await service.start()
        assert fake.base_url == discord.http.Route.BASE
        assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "wss://gateway.discord.gg/"
    finally:
        await service.stop()
        await container.close()
