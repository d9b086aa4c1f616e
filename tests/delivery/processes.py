"""Running ``python -m bot …`` as a real process against a test database and the fake."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from services.storage import open_database
from services.storage.tables import DeliveryRow
from tests.conftest import ROOT
from tests.fakes.telegram_api import FakeBotApi


@dataclass(frozen=True)
class Api:
    """The fake Bot API and the loopback URL it is served on."""

    fake: FakeBotApi
    base_url: str


def bot_env(db_url: str, api: Api | None = None, **extra: str) -> dict[str, str]:
    """A clean environment: no token, key or .env of the developer's leaks in."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "DISCORD_", "ANTHROPIC_", "DATABASE_", "NARRATOR"))}
    env.update({"PYTHONPATH": str(ROOT), "DATABASE_URL": db_url, "LOG_LEVEL": "WARNING",
                "NARRATOR": "template"})
    if api is not None:
        env.update({"TELEGRAM_BOT_TOKEN": api.fake.token, "TELEGRAM_BASE_URL": api.base_url})
    env.update(extra)
    return env


async def start_bot(args: list[str], env: dict[str, str], cwd: Path
                    ) -> asyncio.subprocess.Process:
    """In a session (process group) of its own, so that ``crash`` takes its chart workers
    down with it, as a crashed container would."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, env=env, cwd=str(cwd),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        start_new_session=True)


def crash(process: asyncio.subprocess.Process) -> None:
    """SIGKILL the bot and every process it started (its process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


async def run_bot(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 300
                  ) -> tuple[int, str, str]:
    process = await start_bot(args, env, cwd)
    out, err = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def summary(stdout: str) -> dict[str, Any]:
    """The push command's one JSON line."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    assert len(lines) == 1, stdout
    data = json.loads(lines[0])
    assert isinstance(data, dict)
    return data


async def ledger_rows(db_url: str) -> list[DeliveryRow]:
    db = await open_database(db_url)
    try:
        async with db.sessions() as session:
            return list(await session.scalars(select(DeliveryRow)))
    finally:
        await db.close()


class Watched:
    """A running bot process whose log lines are collected as they come."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stderr is not None
        async for raw in self.process.stderr:
            self.lines.append(raw.decode(errors="replace").rstrip())

    def said(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    async def stop(self) -> int:
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), 120)
        await self._task
        return code


async def until(check: Callable[[], bool | Awaitable[bool]], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        outcome = check()
        if isinstance(outcome, Awaitable):
            outcome = await outcome
        if outcome:
            return
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)
