"""Levels to watch, from the history: the nearest moving average or 52-week extreme on the
side a move would have to cross. A level is never one the close has already crossed."""

from __future__ import annotations

from collections.abc import Mapping

from services.i18n.text import day, fig, said
from services.models.analysis import Levels, Move, WatchLevel

NEAR_PCT = 5.0  # a level farther from the close than this is not a trigger for the next days


def _candidates(levels: Levels, side: str) -> list[tuple[str, float]]:
    extreme = said("52-week") if levels.full_year else said("since-{day}", day=day(levels.since))
    found: list[tuple[str, float | None]] = [
        (said("50-session average"), levels.ma50), (said("200-session average"), levels.ma200),
        (said("{extreme} low", extreme=extreme) if side == "below" else
         said("{extreme} high", extreme=extreme),
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
    if level.side == "below":
        return said("a close below {label}'s {name} ({value})", label=level.label,
                    name=level.name, value=fig("level", level.value))
    return said("a close above {label}'s {name} ({value})", label=level.label, name=level.name,
                value=fig("level", level.value))
