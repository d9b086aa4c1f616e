"""The ordinary faults of ``run`` and ``push`` through the command line, as a user meets them:
one line on stderr naming the problem and what to do, the exit status the README documents, no
traceback, no "Exception ignored" at shutdown.

Telegram's faults run ``python -m bot`` as a process (so that anything printed while the
interpreter shuts down is seen); Discord's run in-process through ``main`` (its API base is
a module attribute, ``discord.http.Route.BASE``), where an unraisable exception fails the test.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest

from bot.cli import main
from bot.failures import EXIT_DATABASE, EXIT_NO_DATA, EXIT_TOKEN, EXIT_UNREACHABLE
from tests.conftest import ROOT
from tests.fakes.discord_api import FakeDiscordAPI
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.telegram_server import serve
from tests.upstream.world import endpoints

TELEGRAM_TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijklmn"
WRONG_TELEGRAM_TOKEN = "123456789:AAwrongTokenTheFakeRefuses_abcdefghi"
DISCORD_TOKEN = "MTEwMDAw.fake-discord-bot-token.secret-part-XYZ"
WRONG_DISCORD_TOKEN = "MTEwMDAw.not-the-token-the-fake-wants.secret-ABC"

TELEGRAM_REJECTED = ("error: Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): copy the "
                     "token from @BotFather into TELEGRAM_BOT_TOKEN")
DISCORD_REJECTED = ("error: Discord rejected DISCORD_BOT_TOKEN (401 Unauthorized): copy the bot "
                    "token from the Discord developer portal (Bot, Reset Token) into "
                    "DISCORD_BOT_TOKEN")
UPSTREAM_DOWN = ("error: every market data source was unreachable or failed; nothing was sent: "
                 "check the network, then push again")


def telegram_unreachable(port: int) -> str:
    return (f"error: cannot reach Telegram at http://127.0.0.1:{port} (connection refused): "
            "check the network and TELEGRAM_BASE_URL, then try again")


def discord_unreachable(port: int) -> str:
    return (f"error: cannot reach Discord at http://127.0.0.1:{port} (connection refused): "
            "check the network, then try again")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def assert_one_line(stderr: str, expected: str) -> None:
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert stderr.splitlines() == [expected]


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No developer token, key, database or .env; the default log level."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "DISCORD_", "ANTHROPIC_", "DATABASE_", "NARRATOR",
                                "LOG_", "COINGECKO_"))}
    env.update({"PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/b.db",
                "NARRATOR": "template", "LOG_LEVEL": "INFO"})
    env.update(extra)
    return env


def bot_process(args: list[str], env: dict[str, str], cwd: Path
                ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
               logging_restored: None) -> Path:
    """``main`` in this process with the clean environment (the logging it sets up is put
    back afterwards)."""
    for key in list(os.environ):
        monkeypatch.delenv(key)
    for key, value in clean_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@contextlib.contextmanager
def discord_fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeDiscordAPI]:
    """The Discord REST fake on its own loop in a thread (``main`` runs ``asyncio.run``)."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    api = asyncio.run_coroutine_threadsafe(FakeDiscordAPI(token=DISCORD_TOKEN).start(),
                                           loop).result(timeout=10)
    monkeypatch.setattr(discord.http.Route, "BASE", api.base_url)
    try:
        yield api
    finally:
        asyncio.run_coroutine_threadsafe(api.close(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


def subscribe(*argv: str) -> None:
    assert main(["subscriptions", "add", *argv]) == 0


# ------------------------------------------------------------------ Telegram, as a process
@pytest.mark.parametrize("command", [["run", "--sample"], ["push", "--sample"]])
def test_telegram_unreachable(tmp_path: Path, command: list[str]) -> None:
    port = closed_port()
    env = clean_env(tmp_path, TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN,
                    TELEGRAM_BASE_URL=f"http://127.0.0.1:{port}/bot")
    result = bot_process(command, env, tmp_path)
    assert result.returncode == EXIT_UNREACHABLE
    assert_one_line(result.stderr, telegram_unreachable(port))
    assert result.stdout == ""


@pytest.mark.parametrize("command", [["run", "--sample"], ["push", "--sample"]])
def test_telegram_token_rejected(tmp_path: Path, command: list[str]) -> None:
    fake = FakeBotApi(TELEGRAM_TOKEN)
    with serve(fake) as base_url:
        env = clean_env(tmp_path, TELEGRAM_BOT_TOKEN=WRONG_TELEGRAM_TOKEN,
                        TELEGRAM_BASE_URL=base_url)
        result = bot_process(command, env, tmp_path)
    assert result.returncode == EXIT_TOKEN
    assert_one_line(result.stderr, TELEGRAM_REJECTED)
    assert WRONG_TELEGRAM_TOKEN.split(":")[1] not in result.stderr + result.stdout
    assert not fake.calls and fake.sent == []  # the fake counts only calls it accepted


def test_run_keeps_serving_while_every_upstream_is_down(tmp_path: Path) -> None:
    """Live data with every source unreachable: ``run`` is a service, so it does not exit; it
    says so in one warning line and answers commands with the figures marked missing."""
    fake = FakeBotApi(TELEGRAM_TOKEN)
    dead = {k.upper(): v for k, v in endpoints(f"http://127.0.0.1:{closed_port()}").items()}
    with serve(fake) as base_url:
        env = clean_env(tmp_path, TELEGRAM_BOT_TOKEN=TELEGRAM_TOKEN, TELEGRAM_BASE_URL=base_url,
                        **dead)
        process = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 120  # a bound for a hang, not a speed check
            while not fake.commands and time.monotonic() < deadline:  # the menu: it started
                time.sleep(0.05)
            from tests.fakes import telegram_updates

            fake.add_update(telegram_updates.command("/report", 1001,
                                                     update_id=fake.next_update_id()))
            while not fake.to(1001) and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            process.send_signal(signal.SIGTERM)
            _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert fake.to(1001), "no answer to /report"
    assert "Traceback" not in err and "Exception ignored" not in err
    problems = [line for line in err.splitlines() if " WARNING " in line or " ERROR " in line]
    assert len(problems) == 1 and "every market data source was unreachable" in problems[0]


# ------------------------------------------------------------------ Discord, in-process
@pytest.mark.parametrize("command", [["run", "--sample"], ["push", "--sample"]])
def test_discord_unreachable(in_process: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    port = closed_port()
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
    monkeypatch.setenv("DISCORD_BOT_TOKEN", DISCORD_TOKEN)
    assert main(command) == EXIT_UNREACHABLE
    captured = capsys.readouterr()
    assert_one_line(captured.err, discord_unreachable(port))


@pytest.mark.parametrize("command", [["run", "--sample"], ["push", "--sample"]])
def test_discord_token_rejected(in_process: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    monkeypatch.setenv("DISCORD_BOT_TOKEN", WRONG_DISCORD_TOKEN)
    with discord_fake(monkeypatch) as api:
        assert main(command) == EXIT_TOKEN
    captured = capsys.readouterr()
    assert_one_line(captured.err, DISCORD_REJECTED)
    assert [call.path for call in api.calls] == ["/users/@me"]
    assert "not-the-token" not in captured.out + captured.err


def test_one_platform_refused_the_other_still_gets_the_edition(
        in_process: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DISCORD_BOT_TOKEN", WRONG_DISCORD_TOKEN)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)
    subscribe("telegram", "1001")
    subscribe("discord", "912345678901234567")
    capsys.readouterr()
    fake = FakeBotApi(TELEGRAM_TOKEN)
    with discord_fake(monkeypatch), serve(fake) as base_url:
        monkeypatch.setenv("TELEGRAM_BASE_URL", base_url)
        assert main(["push", "--sample"]) == EXIT_TOKEN
    captured = capsys.readouterr()
    assert DISCORD_REJECTED in captured.err.splitlines()
    assert "Traceback" not in captured.err
    assert json.loads(captured.out)["sent"] == 1
    assert len(fake.to(1001)) == 1


def test_dry_run_makes_no_network_call(in_process: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """With a token set and Discord's API unreachable, a dry run says who would get the
    edition and never tries to log in."""
    subscribe("discord", "912345678901234567")
    monkeypatch.setenv("DISCORD_BOT_TOKEN", DISCORD_TOKEN)
    with discord_fake(monkeypatch) as api:
        assert main(["push", "--sample", "--dry-run"]) == 0
    captured = capsys.readouterr()
    assert api.calls == []
    assert "discord   912345678901234567     would send" in captured.out
    assert json.loads(captured.out.splitlines()[-1])["would_send"] == 1
    assert "Traceback" not in captured.err


def test_dry_run_without_a_database_creates_none(in_process: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """No token, no database file: it says there are no subscriptions, gives the edition's id
    and size, and leaves the folder as it was."""
    before = sorted(p.name for p in in_process.iterdir())
    assert main(["push", "--sample", "--dry-run"]) == 0
    captured = capsys.readouterr()
    assert sorted(p.name for p in in_process.iterdir()) == before
    assert "no subscriptions: the database does not exist yet" in captured.err
    summary = json.loads(captured.out)
    assert summary["would_send"] == 0 and summary["edition"].startswith("2026-03-21T00:30Z-")
    assert summary["size"]["full_report_chars"] > 0


def test_dry_run_leaves_an_existing_database_untouched(in_process: Path,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    subscribe("telegram", "1", "2")
    capsys.readouterr()
    files = {p.name: p.stat().st_mtime_ns for p in in_process.iterdir()}
    assert main(["push", "--sample", "--dry-run"]) == 0
    assert {p.name: p.stat().st_mtime_ns for p in in_process.iterdir()} == files
    captured = capsys.readouterr()
    assert captured.out.splitlines()[:2] == [
        "telegram  1                      not sent: TELEGRAM_BOT_TOKEN is not set",
        "telegram  2                      not sent: TELEGRAM_BOT_TOKEN is not set"]


# ------------------------------------------------------------------ database and upstream
@pytest.mark.parametrize("command", [["run", "--sample"], ["push", "--sample"],
                                     ["push", "--sample", "--dry-run"]])
def test_database_unreachable(in_process: Path, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    port = closed_port()
    monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres:pg-Secret-9876@127.0.0.1:{port}/t")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)
    assert main(command) == EXIT_DATABASE
    captured = capsys.readouterr()
    assert_one_line(captured.err, (
        f"error: cannot open the database at postgresql://postgres:***@127.0.0.1:{port}/t "
        "(connection refused): check that the database server is running and DATABASE_URL "
        "is right, then try again"))


def test_sqlite_file_that_cannot_be_created(in_process: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    missing = in_process / "no-such-folder" / "bot.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{missing}")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)
    assert main(["push", "--sample"]) == EXIT_DATABASE
    assert_one_line(capsys.readouterr().err, (
        f"error: cannot open the database at sqlite+aiosqlite:///{missing} (cannot open or "
        "create the file: its folder is missing or not writable): check DATABASE_URL"))


def test_push_with_every_upstream_down_sends_nothing(in_process: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    for key, url in endpoints(f"http://127.0.0.1:{closed_port()}").items():
        monkeypatch.setenv(key.upper(), url)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN)
    subscribe("telegram", "1001")
    capsys.readouterr()
    fake = FakeBotApi(TELEGRAM_TOKEN)
    with serve(fake) as base_url:
        monkeypatch.setenv("TELEGRAM_BASE_URL", base_url)
        assert main(["push"]) == EXIT_NO_DATA
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and captured.out == ""
    assert [line for line in captured.err.splitlines() if line.startswith("error:")] == [
        UPSTREAM_DOWN]
    assert fake.sent == []
