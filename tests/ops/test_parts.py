"""The pieces of the operations side on their own: readiness checks, the JSON log lines, the
systemd notifications over a real datagram socket, the endpoint's refusal of a taken port."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.logging import setup_logging
from services.errors import ConfigError
from services.ops.context import log_context
from services.ops.metrics import Metrics
from services.ops.readiness import (
    Check,
    check_all,
    database_probe,
    describe,
    duration,
    edition_probe,
    report,
)
from services.ops.server import OpsServer
from services.ops.systemd import SystemdNotifier, notify, watchdog_interval
from services.storage import Database

NOW = datetime(2026, 3, 21, 9, 0, tzinfo=UTC)
TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijklmn"


async def test_edition_check_by_age(sqlite_db: Database) -> None:
    def clock() -> datetime:
        return NOW

    fresh = edition_probe(lambda: NOW - timedelta(hours=3), sqlite_db, 26 * 3600, clock)
    stale = edition_probe(lambda: NOW - timedelta(hours=30), sqlite_db, 26 * 3600, clock)
    none = edition_probe(lambda: None, sqlite_db, 26 * 3600, clock)
    assert await fresh() == Check("edition", True,
                                  "built 3 h ago (limit 26 h, OPS_EDITION_MAX_AGE_S)")
    assert await stale() == Check("edition", False, "the newest edition was built 30 h ago "
                                                     "(limit 26 h, OPS_EDITION_MAX_AGE_S)")
    assert await none() == Check("edition", False, "no edition built yet")


async def test_a_check_that_does_not_answer_in_time_fails_with_that_reason() -> None:
    async def slow() -> Check:
        await asyncio.sleep(10)
        return Check("slow", True, "")

    async def quick() -> Check:
        return Check("quick", True, "fine")

    checks = await check_all([("slow", slow), ("quick", quick)], timeout_s=0.05)
    assert checks == [Check("slow", False, "no answer within 0.05 s"),
                      Check("quick", True, "fine")]
    body = report(checks)
    assert body == {"ready": False,
                    "checks": {"slow": {"ok": False, "detail": "no answer within 0.05 s"},
                               "quick": {"ok": True, "detail": "fine"}},
                    "problems": ["slow: no answer within 0.05 s"]}


async def test_database_check(sqlite_db: Database) -> None:
    answered = await database_probe(sqlite_db)()
    assert answered.ok and answered.detail.startswith("answered in ")


def test_errors_are_described_by_class_and_errno_only() -> None:
    try:
        raise ConnectionRefusedError(111, "Connect call failed ('10.0.0.5', 5432)")
    except ConnectionRefusedError as exc:
        wrapped = RuntimeError("postgresql://bot:secret@10.0.0.5/db unreachable")
        wrapped.__cause__ = exc
        assert describe(wrapped) == "ConnectionRefusedError: connection refused"
    assert describe(ValueError("postgresql://bot:secret@db")) == "ValueError"
    assert [duration(s) for s in (5, 300, 3 * 3600 + 120, 50 * 3600)] == [
        "5 s", "5 min", "3 h 2 min", "2 d 2 h"]


@pytest.fixture
def captured(logging_restored: None) -> Iterator[io.StringIO]:
    stream = io.StringIO()
    setup_logging("INFO", (TOKEN,), "json")
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    yield stream


def test_json_lines_carry_the_edition_and_the_chat_and_no_token(
        captured: io.StringIO) -> None:
    log = logging.getLogger("marketbot.test")
    log.info("plain")
    with log_context(edition="2026-03-21T00:30Z-abcd", chat=-1001):
        log.warning("sending with %s", TOKEN)
        try:
            raise ValueError("boom")
        except ValueError:
            log.exception("failed")
    log.info("explicit", extra={"chat_id": 55})
    lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    assert [x["message"] for x in lines] == ["plain", "sending with [REDACTED]", "failed",
                                             "explicit"]
    assert set(lines[0]) == {"time", "level", "logger", "message"}
    assert lines[0]["logger"] == "marketbot.test" and lines[0]["level"] == "INFO"
    assert lines[0]["time"].endswith("Z") and "T" in lines[0]["time"]
    assert lines[1]["edition_id"] == "2026-03-21T00:30Z-abcd"
    assert lines[1]["chat_id"] == "-1001"
    assert "ValueError: boom" in lines[2]["exception"]
    assert lines[3]["chat_id"] == "55" and "edition_id" not in lines[3]
    assert TOKEN.split(":")[1] not in captured.getvalue()


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    path = str(tmp_path / "notify")
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind(path)
        sock.setblocking(False)
        yield sock, path


def received(sock: socket.socket) -> list[str]:
    out = []
    while True:
        try:
            out.append(sock.recv(4096).decode())
        except BlockingIOError:
            return out


async def test_systemd_hears_status_until_ready_then_ready_and_stopping(
        notify_socket: tuple[socket.socket, str]) -> None:
    sock, path = notify_socket
    state = {"ok": False}

    async def checks() -> list[Check]:
        return [Check("database", True, "answered"),
                Check("telegram", state["ok"], "polling" if state["ok"] else "not polling")]

    notifier = SystemdNotifier(checks, {"NOTIFY_SOCKET": path}, every_s=0.01)
    await notifier.start()
    await asyncio.sleep(0.05)
    assert received(sock) == ["STATUS=waiting: telegram: not polling"]
    state["ok"] = True
    for _ in range(100):
        if notifier.ready:
            break
        await asyncio.sleep(0.01)
    await notifier.stop()
    assert received(sock) == ["READY=1\nSTATUS=ready", "STOPPING=1\nSTATUS=stopping"]


def test_no_socket_no_notification_and_the_watchdog_interval() -> None:
    assert notify("READY=1", None) is False
    assert watchdog_interval({"WATCHDOG_USEC": "30000000"}) == 15.0
    assert watchdog_interval({"WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"}) is None
    assert watchdog_interval({}) is None


async def test_a_taken_port_is_one_line_naming_the_setting() -> None:
    async def checks() -> list[Check]:
        return []

    first = OpsServer("127.0.0.1", 0, Metrics(), checks)
    await first.start()
    try:
        assert first.port
        second = OpsServer("127.0.0.1", first.port, Metrics(), checks)
        with pytest.raises(ConfigError, match=r"^OPS_PORT: cannot listen on 127\.0\.0\.1:"):
            await second.start()
    finally:
        await first.stop()
