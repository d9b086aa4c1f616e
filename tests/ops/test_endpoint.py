"""The operations endpoint of a real ``python -m bot run`` process, against the fake Bot API
on loopback: /healthz, /readyz (ready; not ready with its database stopped, and ready again
when it is back) and /metrics, whose counters move after a /report and after a push; and
systemd's READY=1 over NOTIFY_SOCKET.

The database of the "stopped" test is PostgreSQL behind a TCP relay the test owns: closing the
relay (and every connection through it) is the database going away, as a stopped server or
a cut network is, without touching the shared server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from services.delivery.leader import make_leader_lock
from services.delivery.slots import Slot, SlotStore
from services.storage import open_database
from services.storage.subscriptions import SubscriptionStore
from tests.delivery.processes import Api, Watched, bot_env, crash, start_bot, until
from tests.fakes import telegram_updates
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.telegram_server import serve

ENDPOINT = re.compile(r"ops endpoint on (http://127\.0\.0\.1:\d+)")
CHATS = [str(7000 + i) for i in range(12)]
ASKER = 4242


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a /metrics answer, by (name, sorted labels)."""
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def value(text: str, name: str, **labels: str) -> float:
    return samples(text).get((name, tuple(sorted(labels.items()))), 0.0)


class Bot:
    """A running bot with its endpoint."""

    def __init__(self, watched: Watched) -> None:
        self.watched = watched
        self.base = ""

    async def endpoint(self) -> str:
        def found() -> bool:
            for line in self.watched.lines:
                match = ENDPOINT.search(line)
                if match:
                    self.base = match.group(1)
                    return True
            assert self.watched.process.returncode is None, "\n".join(self.watched.lines)
            return False

        await until(found, 60)
        return self.base

    async def get(self, path: str) -> httpx.Response:
        async with httpx.AsyncClient(timeout=10) as client:
            return await client.get(self.base + path)

    async def ready(self) -> bool:
        return (await self.get("/readyz")).status_code == 200

    async def metrics(self) -> str:
        answer = await self.get("/metrics")
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/plain")
        return answer.text


@contextlib.asynccontextmanager
async def running(db_url: str, api: Api, tmp_path: Path, **env: str) -> AsyncIterator[Bot]:
    process = await start_bot(["run", "--sample"], bot_env(
        db_url, api, LOG_LEVEL="INFO", OPS_PORT="0", SCHEDULER_POLL_S="0.2", **env), tmp_path)
    watched = Watched(process)
    bot = Bot(watched)
    try:
        await bot.endpoint()
        yield bot
        assert await watched.stop() == 0, "\n".join(watched.lines[-20:])
    finally:
        crash(process)


async def due_slot(db_url: str) -> Slot:
    """The chats subscribed to a slot that came due two minutes ago (it last fired
    yesterday): the bot that leads sends it at once."""
    due = (datetime.now(UTC) - timedelta(minutes=2)).replace(second=0, microsecond=0)
    slot = Slot(due.strftime("%H:%M"), "UTC")
    db = await open_database(db_url)
    try:
        store = SubscriptionStore(db)
        for chat in CHATS:
            await store.upsert("telegram", chat, slot.time_hhmm, slot.tz)
        async with db.sessions.begin() as session:
            await SlotStore.record(session, slot, due - timedelta(days=1), None)
    finally:
        await db.close()
    return slot


async def test_health_readiness_and_counters_after_a_report_and_a_push(
        db_url: str, tmp_path: Path) -> None:
    await due_slot(db_url)
    fake = FakeBotApi()
    holder = await open_database(db_url)
    lock = make_leader_lock(holder)
    assert await lock.try_acquire()  # the push waits until the test lets the bot lead
    try:
        with serve(fake) as base_url, socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sd:
            sd.bind(str(tmp_path / "notify"))
            sd.setblocking(False)
            async with running(db_url, Api(fake, base_url), tmp_path,
                               NOTIFY_SOCKET=str(tmp_path / "notify"),
                               LOG_FORMAT="json") as bot:
                health = await bot.get("/healthz")
                assert (health.status_code, health.json()) == (200, {"alive": True})
                await until(bot.ready, 60)
                ready = (await bot.get("/readyz")).json()
                assert ready["ready"] is True and ready["problems"] == []
                assert set(ready["checks"]) == {"database", "telegram", "edition"}
                assert ready["checks"]["telegram"] == {"ok": True, "detail": "polling"}
                waiting, ready_said = await _until_ready_said(sd)
                assert ready_said == ["READY=1", "STATUS=ready"]
                # before it, only waiting states (a loaded machine builds the edition later)
                assert all(w[0].startswith("STATUS=waiting: ") for w in waiting), waiting

                before = await bot.metrics()
                assert value(before, "marketbot_command_seconds_count", platform="telegram",
                             command="report") == 0
                assert value(before, "marketbot_editions_built_total",
                             narrator="template") == 1  # built at start, for /readyz
                assert value(before, "marketbot_sends_total", platform="telegram",
                             outcome="sent") == 0

                fake.add_update(telegram_updates.command("/report", ASKER))
                await until(lambda: bool(fake.to(ASKER)), 60)
                await until(lambda: _moved(bot, "marketbot_command_seconds_count",
                                           platform="telegram", command="report"), 30)
                after_report = await bot.metrics()
                assert value(after_report, "marketbot_command_seconds_bucket",
                             platform="telegram", command="report", le="+Inf") == 1

                await lock.release()  # the bot leads and sends the missed slot
                await until(lambda: {str(s.chat_id) for s in fake.sent} >= set(CHATS), 120)
                await until(lambda: _count(bot, "marketbot_sends_total", len(CHATS),
                                           platform="telegram", outcome="sent"), 30)
                after_push = await bot.metrics()
                assert value(after_push, "marketbot_ledger_rows", ledger="deliveries",
                             state="sent") == len(CHATS)
                assert value(after_push, "marketbot_ledger_rows", ledger="deliveries",
                             state="pending") == 0
                assert value(after_push, "marketbot_sends_total", platform="telegram",
                             outcome="failed") == 0
                assert value(after_push, "marketbot_rate_limited_total",
                             platform="telegram") == 0
                assert value(after_push, "marketbot_editions_built_total",
                             narrator="template") == 2  # the slot rebuilds its edition
                assert fake.token.split(":")[1] not in after_push
            lines = [json.loads(line) for line in bot.watched.lines if line.startswith("{")]
    finally:
        await lock.release()
        await holder.close()
    assert lines and all({"time", "level", "logger", "message"} <= set(x) for x in lines)
    assert any(x.get("chat_id") == str(ASKER) for x in lines), "a command's lines name the chat"
    pushed = [x for x in lines if x["message"].startswith("slot ")]
    assert pushed and all("edition_id" in x for x in pushed)
    assert not any(fake.token.split(":")[1] in json.dumps(x) for x in lines)


async def _moved(bot: Bot, name: str, **labels: str) -> bool:
    return value(await bot.metrics(), name, **labels) > 0


async def _count(bot: Bot, name: str, wanted: float, **labels: str) -> bool:
    return value(await bot.metrics(), name, **labels) >= wanted


async def _until_ready_said(sd: socket.socket) -> tuple[list[list[str]], list[str]]:
    """The datagrams systemd would have got up to READY=1: those before it, and its own."""
    before: list[list[str]] = []
    while True:
        said = await _notified(sd)
        if "READY=1" in said:
            return before, said
        before.append(said)


async def _notified(sd: socket.socket, timeout: float = 30.0) -> list[str]:
    """The first datagram systemd would have got, as lines."""
    loop = asyncio.get_running_loop()
    data = await asyncio.wait_for(loop.sock_recv(sd, 4096), timeout)
    return data.decode().splitlines()


class Relay:
    """A TCP relay to the database server; ``stop`` closes it and every connection through
    it, ``start`` opens it again on the same port."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._pipe, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        await self._server.wait_closed()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self._target)
        except OSError:
            writer.close()
            return
        self._writers.update((writer, up_writer))

        async def copy(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(copy(reader, up_writer), copy(up_reader, writer))
        self._writers.difference_update((writer, up_writer))


@pytest.mark.postgres
async def test_not_ready_while_the_database_is_stopped(pg_url: str, tmp_path: Path) -> None:
    target = urlsplit(pg_url)
    assert target.hostname is not None
    relay = Relay(target.hostname, target.port or 5432)
    await relay.start()
    relayed = urlunsplit(target._replace(
        netloc=f"{target.username}@127.0.0.1:{relay.port}" if target.username
        else f"127.0.0.1:{relay.port}"))
    fake = FakeBotApi()
    with serve(fake) as base_url:
        async with running(relayed, Api(fake, base_url), tmp_path) as bot:
            await until(bot.ready, 60)
            await relay.stop()
            await until(lambda: _not_ready(bot), 30)
            answer = await bot.get("/readyz")
            body: dict[str, Any] = answer.json()
            assert answer.status_code == 503
            assert answer.headers["content-type"].startswith("application/json")
            assert body["ready"] is False
            assert [p.split(":")[0] for p in body["problems"]] == ["database"]
            assert body["checks"]["database"]["ok"] is False
            assert body["checks"]["database"]["detail"].startswith("no answer")
            assert body["checks"]["telegram"]["ok"] and body["checks"]["edition"]["ok"]
            assert "postgres@" not in answer.text and str(relay.port) not in answer.text
            health = await bot.get("/healthz")
            assert health.status_code == 200, "alive, only not ready"
            assert (await bot.get("/metrics")).status_code == 200
            print("readyz while the database is stopped:", answer.text.strip())
            await relay.start()  # the database is back
            await until(bot.ready, 60)


async def _not_ready(bot: Bot) -> bool:
    return (await bot.get("/readyz")).status_code == 503
