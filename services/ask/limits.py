"""The per-user rate limit and the answer cache of ``/ask`` (in memory, per process)."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable

from services.ask.answer import Answer
from services.ask.question import Question
from services.errors import TooManyQuestions


class RateLimit:
    """At most ``limit`` questions per user in any ``window_s`` seconds (a sliding window)."""

    def __init__(self, limit: int, window_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._asked: dict[str, deque[float]] = {}

    def hit(self, user: str) -> None:
        """Count a question now, or raise ``TooManyQuestions`` saying when to ask again."""
        now = self._clock()
        times = self._asked.setdefault(user, deque())
        while times and now - times[0] >= self.window_s:
            times.popleft()
        if len(times) >= self.limit:
            raise TooManyQuestions(self.limit, self.window_s, times[0] + self.window_s - now)
        times.append(now)
        if len(self._asked) > 10_000:
            self._forget(now)

    def _forget(self, now: float) -> None:
        for user in [u for u, t in self._asked.items() if not t or now - t[-1] >= self.window_s]:
            del self._asked[user]


CacheKey = tuple[str, str, str]


class AnswerCache:
    """Answers by (edition, language, question); only the current edition's are kept."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._answers: OrderedDict[CacheKey, Answer] = OrderedDict()

    @staticmethod
    def key(edition_id: str, question: Question) -> CacheKey:
        return edition_id, question.language.value, question.key

    def get(self, key: CacheKey) -> Answer | None:
        found = self._answers.get(key)
        if found is not None:
            self._answers.move_to_end(key)
        return found

    def put(self, key: CacheKey, answer: Answer) -> None:
        for stale in [k for k in self._answers if k[0] != key[0]]:
            del self._answers[stale]
        self._answers[key] = answer
        self._answers.move_to_end(key)
        while len(self._answers) > self._size:
            self._answers.popitem(last=False)
