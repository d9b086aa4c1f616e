"""The day read against the history: levels per instrument, the three co-movements, the base
rates with today's states marked, and the note that says when fixed thresholds stay."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from services.analysis import rules
from services.analysis.base_rates import base_rates
from services.analysis.comovement import comovements
from services.analysis.levels import levels
from services.analysis.moves import short_name
from services.analysis.sentiment import Readings
from services.analysis.tape import MIN_RETURNS
from services.i18n.text import Name, pct, said
from services.models.analysis import BaseRate, CoMovement, Evidence, Levels, Move, Sentiment


@dataclass(frozen=True)
class HistoryReading:
    levels: dict[str, Levels]
    comovement: dict[str, CoMovement]
    base_rates: dict[str, BaseRate]


def _session(readings: Readings, quote_id: str) -> date | None:
    found = readings.evidence.get(quote_id)
    return found.session if found is not None else None


def today_states(sentiment: Sentiment, fired_risks: Iterable[str]) -> set[str]:
    """The base-rate keys that describe the edition's own day."""
    keys = {f"chain.{link.key}.{link.state.value}" for link in sentiment.links}
    keys.add(f"chain.btc_spx.{sentiment.crypto_state.value}")
    if sentiment.setup is not None and sentiment.setup.base_rate_key:
        keys.add(sentiment.setup.base_rate_key)
        keys.add(f"{sentiment.setup.base_rate_key}.cn")
    keys.update(f"risk.{key}" for key in fired_risks)
    return keys


def read_history(moves: Mapping[str, Move], readings: Readings, sentiment: Sentiment,
                 fired_risks: Iterable[str] = ()) -> HistoryReading:
    if not readings.tape:
        return HistoryReading({}, {}, {})
    found_levels = {}
    for quote_id, evidence in readings.evidence.items():
        series = readings.tape.history.get(quote_id)
        move = moves.get(quote_id)
        if series is None or evidence.session is None or move is None:
            continue
        reading = levels(series, evidence.session, move.close)
        if reading is not None:
            found_levels[quote_id] = reading
    co = comovements(readings.tape, _session(readings, "SPX"), _session(readings, "HSI"),
                     _session(readings, "CHINEXT") or _session(readings, "SSE"))
    sessions = [e.session for e in readings.evidence.values()
                if e.session is not None and moves.get(e.id) is not None
                and moves[e.id].market != "CRYPTO"]
    until = max(sessions) if sessions else None
    today = today_states(sentiment, fired_risks)
    rates = {key: replace(rate, today=key in today)
             for key, rate in base_rates(readings.tape, until).items()}
    return HistoryReading(found_levels, co, rates)


def scale_note(moves: Mapping[str, Move], evidence: Mapping[str, Evidence],
               has_history: bool) -> str | None:
    """Said when some current move is read with the fixed thresholds instead of its σ."""
    fixed = said("±{strong} strong, ±{flat} flat", strong=pct(rules.STRONG_PCT, signed=False),
                 flat=pct(rules.FLAT_PCT, signed=False))
    current = [m for m in moves.values() if m.change_pct is not None and not m.closed
               and not m.stale and m.kind in (None, "index", "coin", "crypto")]
    if not current:
        return None
    if not has_history:
        return said("No history was given: every move is read with the fixed thresholds "
                    "({fixed}), not in its own volatility.", fixed=fixed)
    short = [Name(m.id, short_name(m)) for m in current
             if (e := evidence.get(m.id)) is None or e.z is None]
    if not short:
        return None
    return said("Fewer than {n} sessions of history for {names}: read with the fixed "
                "thresholds ({fixed}).", n=MIN_RETURNS, names=short, fixed=fixed)
