"""Pacing sends within a platform's flood limits, before the platform has to say 429.

``Pacer`` combines:

- an overall spacing (``per_second``): sends start at least ``1 / per_second`` apart, so any
  one-second window holds at most ``per_second`` of them (Telegram: about 30 messages/s; the
  default 29 leaves room for jitter between our clock and the server's);
- per-destination sliding windows (Telegram: 1 per second per chat, 20 per minute per group);
- a pause: after a 429, nobody sends until ``retry_after`` has passed (a flood limit is the
  bot's, not one chat's).

Turns are planned ``1 / per_second`` apart and never granted before their planned time. A turn
granted late (the event loop was busy) still counts from its planned time when it is at most
``catch_up`` intervals late, so a loaded loop does not lose the rate; later than that, the
plan starts again from now. A turn is used by the send that follows it (``acquire_key``) when
it is at most ``catch_up`` intervals old: the fan-out takes its turn, then claims a row, and a
claim that waited a few milliseconds for its batch write must not cost the turn (taking a new
one wasted a turn in ten at a paid 950, and capped the push near 860 a second). An older turn
(the send waited for the first upload) is taken again.

Whatever the turns, the sends themselves are counted in a sliding one-second window of the
whole pace: at most ``per_second + catch_up`` start in any second. ``catch_up`` is 1 at
Telegram's free pace (30 a second, its limit) and 25 ms of sends at a paid pace (974 at 950,
under Telegram's 1,000). Catching up for longer was tried (100 ms): the bursts it released
reached the server closer together than they left, and the fake Bot API answered 429s.

The clock and the sleep are injectable, so the tests run on a fake clock.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Window:
    limit: int
    seconds: float


class Pacer:
    def __init__(self, per_second: float,
                 windows: Callable[[str], tuple[Window, ...]] = lambda _key: (),
                 clock: Callable[[], float] = time.monotonic, sleep: Sleep = asyncio.sleep,
                 catch_up: int = 1) -> None:
        self._interval = 1.0 / per_second
        self._catch_up = max(1, catch_up) * self._interval
        self._most_per_second = int(per_second) + max(1, catch_up)
        self._sends: deque[float] = deque()  # the sends of the last second, overall
        self._windows = windows
        self._clock = clock
        self._sleep = sleep
        self._next_start = 0.0
        self._paused_until = 0.0
        self._recent: dict[str, deque[float]] = {}
        self._lock = asyncio.Lock()  # the per-destination windows
        self._turns = asyncio.Lock()  # the overall spacing (FIFO)
        self._since_sweep = 0
        self.waited = 0.0

    def pause(self, seconds: float) -> None:
        """Hold every send for ``seconds`` from now (a 429's ``retry_after``)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    async def turn(self) -> float:
        """Wait for a place in the overall rate (and any pause); returns the turn's time. The
        fan-out takes its turn before it claims a row, so rows are claimed only when they can
        go out at once: a crash then leaves few rows in flight, and the in-doubt count stays
        close to exact."""
        await self._wait(None, spacing=True)
        return self._clock()

    async def acquire_key(self, key: str, turn: float | None = None) -> None:
        """After ``turn``: wait for this destination's own windows (and any pause). A turn
        older than ``catch_up`` intervals (the send waited for something else meanwhile, such
        as the first upload) is taken again, so sends never bunch up."""
        stale = turn is None or self._clock() - turn > self._catch_up
        await self._wait(key, spacing=stale)

    async def acquire(self, key: str) -> None:
        """``turn`` and ``acquire_key`` in one: the send may start on return."""
        await self._wait(key, spacing=True)

    async def _wait(self, key: str | None, spacing: bool) -> None:
        while True:
            if spacing:
                await self._take_turn()
            if key is None:
                return
            async with self._lock:
                now = self._clock()
                ready = max(now, self._paused_until, self._key_ready(key, now),
                            self._second_ready(now))
                if ready <= now:
                    self._recent.setdefault(key, deque()).append(now)
                    self._sends.append(now)
                    self._sweep(now)
                    return
            self.waited += ready - now
            await self._sleep(ready - now)
            spacing = True  # the turn went stale while this destination waited: a new one

    async def _take_turn(self) -> None:
        """The next start in the overall rate. Waiters queue on a FIFO lock and only the
        first sleeps: at 1,000 turns a second, fifty workers waking for each turn would cost
        more than the sends."""
        async with self._turns:
            while True:
                now = self._clock()
                ready = max(now, self._paused_until, self._next_start)
                if ready <= now:
                    # Schedule from the planned start when we woke a little late (at most
                    # ``catch_up`` intervals), so the loop's latency does not add up send
                    # after send (the rate holds); after an idle spell, from now.
                    late = now - self._next_start
                    base = self._next_start if 0 <= late < self._catch_up else now
                    self._next_start = base + self._interval
                    return
                self.waited += ready - now
                await self._sleep(ready - now)

    def _second_ready(self, now: float) -> float:
        """When the overall one-second window has room for one more send."""
        sends = self._sends
        while sends and sends[0] <= now - 1.0:
            sends.popleft()
        if len(sends) < self._most_per_second:
            return now
        return sends[-self._most_per_second] + 1.0

    def _sweep(self, now: float, every: int = 1000) -> None:
        """Forget destinations whose every window has passed (a 100,000-chat push would
        otherwise keep a deque per chat for the rest of the run)."""
        self._since_sweep += 1
        if self._since_sweep < every:
            return
        self._since_sweep = 0
        for key in [k for k, times in self._recent.items()
                    if times[-1] <= now - max((w.seconds for w in self._windows(k)),
                                              default=0.0)]:
            del self._recent[key]

    def _key_ready(self, key: str, now: float) -> float:
        windows = self._windows(key)
        if not windows:
            return now
        recent = self._recent.get(key)
        if not recent:
            return now
        longest = max(w.seconds for w in windows)
        while recent and recent[0] <= now - longest:
            recent.popleft()
        if not recent:
            del self._recent[key]
            return now
        ready = now
        for window in windows:
            inside = [t for t in recent if t > now - window.seconds]
            if len(inside) >= window.limit:
                ready = max(ready, inside[-window.limit] + window.seconds)
        return ready


TELEGRAM_PER_SECOND = 29.0
TELEGRAM_CHAT = Window(1, 1.0)
TELEGRAM_GROUP = Window(20, 60.0)


def telegram_windows(chat_id: str) -> tuple[Window, ...]:
    """Groups, supergroups and channels have negative ids: 20 per minute there; every chat
    gets at most one message per second."""
    if chat_id.startswith("-"):
        return (TELEGRAM_CHAT, TELEGRAM_GROUP)
    return (TELEGRAM_CHAT,)


def telegram_pacer(per_second: float = TELEGRAM_PER_SECOND,
                   clock: Callable[[], float] = time.monotonic,
                   sleep: Sleep = asyncio.sleep) -> Pacer:
    """Telegram's windows at ``per_second``; above the free 30, late turns catch up for
    about 25 ms (see ``Pacer``)."""
    catch_up = 1 if per_second <= 30 else max(1, round(per_second * 0.025))
    return Pacer(per_second, telegram_windows, clock, sleep, catch_up)
