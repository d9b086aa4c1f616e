"""``python -m bot run --sample`` as a real process, talking to the loopback fake of Discord
(``tests/fakes/discord_server.py``) served in the test's own event loop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from tests.conftest import ROOT
from tests.delivery.processes import bot_env, crash, start_bot
from tests.fakes.discord_server import FakeDiscord

# the hook that lets a test set the process's wall clock (tests/support/clock_hook)
CLOCK_HOOK = ROOT / "tests" / "support" / "clock_hook"


class BotProcess:
    """A running bot whose output lines (stdout and stderr) are collected as they come."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[str] = []
        assert process.stdout is not None and process.stderr is not None
        self._readers = [asyncio.create_task(self._read(process.stdout)),
                         asyncio.create_task(self._read(process.stderr))]

    async def _read(self, stream: asyncio.StreamReader) -> None:
        async for raw in stream:
            self.lines.append(raw.decode(errors="replace").rstrip())

    def count(self, text: str) -> int:
        return sum(text in line for line in self.lines)

    def said(self, text: str) -> bool:
        return self.count(text) > 0

    async def until(self, condition: Callable[[], bool], timeout: float = 30.0) -> None:
        """Wait for ``condition()``; fail with the process's last lines if it never holds
        or the process ends first."""
        deadline = time.monotonic() + timeout
        while not condition():
            if self.process.returncode is not None or time.monotonic() > deadline:
                tail = "\n".join(self.lines[-30:])
                raise AssertionError(f"gave up waiting (exit {self.process.returncode}):\n"
                                     f"{tail}")
            await asyncio.sleep(0.02)

    def signal(self, number: int) -> None:
        os.kill(self.process.pid, number)

    async def stop(self) -> int:
        """SIGTERM, as a supervisor stops it; the exit status."""
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), 30)
        await asyncio.gather(*self._readers)
        return code


@contextlib.asynccontextmanager
async def running_bot(fake: FakeDiscord, tmp_path: Path, clock_hook: bool = False,
                      **settings: str) -> AsyncIterator[BotProcess]:
    """The bot on a fresh SQLite file, pointed at ``fake`` by ``DISCORD_API_BASE``, until it
    has connected to the gateway (READY answered) and synced its commands."""
    env = bot_env(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
                  DISCORD_BOT_TOKEN=fake.token, DISCORD_API_BASE=fake.api_base, **settings)
    if clock_hook:
        env["PYTHONPATH"] = os.pathsep.join([str(CLOCK_HOOK), env["PYTHONPATH"]])
    bot = BotProcess(await start_bot(["run", "--sample"], env, tmp_path))
    try:
        await bot.until(lambda: fake.gateway.connected and bool(fake.api.synced))
        yield bot
    finally:
        if bot.process.returncode is None:
            crash(bot.process)  # a failed test: the process group goes, chart workers too
            await bot.process.wait()
