"""The port to the daily history: ``HistoryReader.read(ids)`` gives the closes the history holds
for those ids (a ``History``, empty where it has none).

The history store (a table of daily closes, another branch) satisfies it; until it is wired,
``NO_HISTORY`` reads nothing and a watchlist shows no z. ``StaticHistory`` serves a ``History``
held in memory (tests, ``--sample`` with its bundled history).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from services.models.history import EMPTY_HISTORY, History


class HistoryReader(Protocol):
    async def read(self, ids: Collection[str]) -> History:
        """The series the history holds for ``ids`` (missing ids are simply absent)."""
        ...


@dataclass(frozen=True)
class StaticHistory:
    history: History

    async def read(self, ids: Collection[str]) -> History:
        wanted = set(ids)
        return History({s.id: s for s in self.history if s.id in wanted})


NO_HISTORY = StaticHistory(EMPTY_HISTORY)
