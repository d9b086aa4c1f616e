"""One press counted once: the same button pressed again within a few seconds is dropped.

A double tap on "Full report" used to send it twice, and in a group a few members pressing
the same button used up the 20 messages a minute Telegram allows there. Each platform keys a
press by what makes it the same press (Telegram: chat, message, button; Discord adds the user,
because its answers are private to each user). A press counts from when it was handled and
again from when its answer went out, so a second tap queued behind a slow answer is dropped too.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

DEBOUNCE_S = 5.0


class Debounce:
    def __init__(self, seconds: float = DEBOUNCE_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._last: OrderedDict[Hashable, float] = OrderedDict()  # oldest first

    def first(self, key: Hashable) -> bool:
        """True for a press to handle (and it is recorded); False for a repeat to drop."""
        now = self._clock()
        self._forget_before(now - self.seconds)
        if key in self._last:
            return False
        self._mark(key, now)
        return True

    def done(self, key: Hashable) -> None:
        """The press's answer went out: repeats are dropped for ``seconds`` from now."""
        self._mark(key, self._clock())

    def _mark(self, key: Hashable, at: float) -> None:
        self._last[key] = at
        self._last.move_to_end(key)

    def _forget_before(self, cutoff: float) -> None:
        while self._last:
            key, at = next(iter(self._last.items()))
            if at > cutoff:
                return
            del self._last[key]
