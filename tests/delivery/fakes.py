"""A scriptable ``Sender`` for the fan-out tests: it records each send and raises, per
destination, whatever error a test lines up."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from services.delivery.channels import SendResult
from services.report.editions import Edition


def no_sleep(record: list[float]) -> Callable[[float], Awaitable[None]]:
    """A sleep that records the wait and returns at once (the clock is compressed)."""
    async def sleep(seconds: float) -> None:
        record.append(seconds)
        await asyncio.sleep(0)

    return sleep


@dataclass
class FakeSender:
    platform: str
    concurrency: int = 4
    delivered: list[tuple[str, str]] = field(default_factory=list)  # (destination, edition)
    attempts: Counter[str] = field(default_factory=Counter)
    errors: dict[str, list[BaseException]] = field(default_factory=dict)
    delay_s: float = 0.0
    turns: int = 0
    prepared: list[str] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def prepare(self, edition: Edition) -> None:
        self.prepared.append(edition.id)

    async def pace(self) -> None:
        self.turns += 1

    def fail(self, destination: str | int, *errors: BaseException) -> None:
        """The next sends to ``destination`` raise these, in order; then it succeeds."""
        self.errors.setdefault(str(destination), []).extend(errors)

    async def send_edition(self, destination_id: str, edition: Edition) -> SendResult:
        self.attempts[destination_id] += 1
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        queued = self.errors.get(destination_id)
        if queued:
            raise queued.pop(0)
        self.delivered.append((destination_id, edition.id))
        return SendResult((str(next(self._ids)),))

    def received(self) -> Counter[str]:
        return Counter(d for d, _ in self.delivered)


@dataclass
class FakeClock:
    """Monotonic time that moves only when someone sleeps on it."""

    now: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)
