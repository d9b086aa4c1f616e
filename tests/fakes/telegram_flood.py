"""Flood control for the fake Bot API: sliding windows like Telegram's limits, 429 with
``retry_after``, and forced 429s per chat. Configurable, so a fan-out bench can run against
Telegram's real figures (``TELEGRAM_LIMITS``).

A send with ``allow_paid_broadcast`` counts against the paid window (``paid_per_second``,
Telegram's 1,000) instead of the free one; the per-chat and per-group windows apply to both.
With no paid window configured, paid sends count against the free one."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from tests.fakes.telegram_wire import ApiError


@dataclass(frozen=True)
class RateLimits:
    """Sliding-window flood limits; ``None`` switches one off. Telegram's are about 30/s
    overall, 1/s per chat and 20/min per group."""

    global_per_second: int | None = None
    chat_per_second: int | None = None
    group_per_minute: int | None = None
    paid_per_second: int | None = None  # sends with allow_paid_broadcast


TELEGRAM_LIMITS = RateLimits(global_per_second=30, chat_per_second=1, group_per_minute=20,
                             paid_per_second=1000)


class FloodControl:
    """Counts accepted sends per window; ``check`` raises a 429 ``ApiError`` when one is full."""

    def __init__(self, limits: RateLimits, clock: Callable[[], float]) -> None:
        self.limits = limits
        self.clock = clock
        self.rejected = 0  # 429s answered
        self._forced: dict[int, list[int]] = {}
        self._global: deque[float] = deque()
        self._paid: deque[float] = deque()
        self._chat: dict[int, deque[float]] = {}
        self._group: dict[int, deque[float]] = {}

    def throttle(self, chat_id: int, retry_after: int, times: int) -> None:
        self._forced.setdefault(chat_id, []).extend([retry_after] * times)

    def check(self, chat_id: int, count: int, is_group: bool, paid: bool = False) -> None:
        """Admit ``count`` messages to ``chat_id`` now, or raise 429."""
        now = self.clock()
        forced = self._forced.get(chat_id)
        if forced:
            self._too_many(forced.pop(0))
        limits = self.limits
        overall = ((self._paid, limits.paid_per_second)
                   if paid and limits.paid_per_second is not None
                   else (self._global, limits.global_per_second))
        checks: list[tuple[deque[float], int | None, float]] = [(*overall, 1.0)]
        if limits.chat_per_second is not None:
            checks.append((self._chat.setdefault(chat_id, deque()),
                           limits.chat_per_second, 1.0))
        if limits.group_per_minute is not None and is_group:
            checks.append((self._group.setdefault(chat_id, deque()),
                           limits.group_per_minute, 60.0))
        for window, limit, span in checks:
            while window and window[0] <= now - span:
                window.popleft()
            if limit is not None and len(window) + count > limit:
                wait = window[0] + span - now if window else span
                self._too_many(max(1, math.ceil(wait)))
        for window, _limit, _span in checks:
            window.extend([now] * count)

    def _too_many(self, retry_after: int) -> None:
        self.rejected += 1
        raise ApiError(429, f"Too Many Requests: retry after {retry_after}",
                       {"retry_after": retry_after})

