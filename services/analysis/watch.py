"""Levels to watch, from the history: the nearest moving average or 52-week extreme on the
side a move would have to cross. A level is never one the close has already crossed."""

from __future__ import annotations

from collections.abc import Mapping

from services import format as fmt
from services.models.analysis import Levels, Move, WatchLevel

NEAR_PCT = 5.0  # a level farther from the close than this is not a trigger for the next days


def _candidates(levels: Levels, side: str) -> list[tuple[str, float]]:
    extreme = "52-week" if levels.full_year else f"since-{fmt.day(levels.since)}"
    found: list[tuple[str, float | None]] = [
        ("50-session average", levels.ma50), ("200-session average", levels.ma200),
        (f"{extreme} low" if side == "below" else f"{extreme} high",
         levels.low if side == "below" else levels.high)]
    return [(name, value) for name, value in found if value is not None]


def nearest(levels: Levels | None, side: str, label: str) -> WatchLevel | None:
    """The nearest level ``side`` (below | above) of the close; None when there is none (no
    history, or the close is already beyond every level on that side)."""
    if levels is None:
        return None
    close = levels.close
    beyond = [(name, value) for name, value in _candidates(levels, side)
              if (value < close if side == "below" else value > close)]
    if not beyond:
        return None
    name, value = (max if side == "below" else min)(beyond, key=lambda item: item[1])
    return WatchLevel(levels.id, label, name, value, side, close, True)


def near_level(move: Move, levels: Mapping[str, Levels], side: str, label: str
               ) -> WatchLevel | None:
    """The nearest level, when it is within ``NEAR_PCT`` of the close: a trigger to watch in
    the next sessions, not one a year away."""
    found = nearest(levels.get(move.id), side, label)
    if found is None or abs(found.value / found.close - 1) * 100 > NEAR_PCT:
        return None
    return found


def describe(level: WatchLevel) -> str:
    """``a close below HSI's 50-session average (25,610)``."""
    return (f"a close {level.side} {level.label}'s {level.name} "
            f"({fmt.level(level.value)})")
