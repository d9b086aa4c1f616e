"""One poll's evaluation of every alert (pure): which fire, which re-arm, and which
instruments could not be fetched. The figure of each (kind, instrument) is computed once,
so 10,000 alerts on a few hundred instruments cost a few hundred figures and one comparison
each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from services.alerts.figures import Figure, figure
from services.alerts.rules import Margins, decide
from services.alerts.store import StoredAlert
from services.models.history import History
from services.watch.quotes import QuoteBatch
from services.watch.zscore import ZScore, z_score


@dataclass(frozen=True)
class Evaluation:
    fire: tuple[tuple[StoredAlert, Figure], ...]
    rearm: tuple[StoredAlert, ...]
    unfetched: Mapping[str, str]  # instrument id → why it has no figure
    evaluated: Mapping[str, int]  # alerts evaluated, by kind


def needed(alerts: Sequence[StoredAlert]) -> set[str]:
    """Every instrument the alerts read."""
    ids = {a.instrument_id for a in alerts}
    ids.update(a.other_id for a in alerts if a.other_id)
    return ids


def evaluate(alerts: Sequence[StoredAlert], batch: QuoteBatch, history: History,
             margins: Margins) -> Evaluation:
    figures: dict[tuple[str, str, str | None], Figure | None] = {}
    zs: dict[str, ZScore | None] = {}
    fire: list[tuple[StoredAlert, Figure]] = []
    rearm: list[StoredAlert] = []
    unfetched: dict[str, str] = {}
    evaluated: Counter[str] = Counter()
    for alert in alerts:
        key = (alert.kind, alert.instrument_id, alert.other_id)
        if key not in figures:
            quote = batch.get(alert.instrument_id)
            other = batch.get(alert.other_id) if alert.other_id else None
            z = None
            if alert.kind == "z" and quote is not None and quote.ok:
                if alert.instrument_id not in zs:
                    zs[alert.instrument_id] = z_score(history.get(alert.instrument_id),
                                                      quote.session, quote.change_pct)
                z = zs[alert.instrument_id]
            figures[key] = figure(alert.kind, quote, other, z)
            for listing_id, got in ((alert.instrument_id, quote), (alert.other_id, other)):
                if listing_id and (got is None or not got.ok):
                    unfetched[listing_id] = (got.problem if got is not None and got.problem
                                             else "no answer")
        found = figures[key]
        evaluated[alert.kind] += 1
        decision = decide(alert.kind, alert.armed, found.value if found else None,
                          alert.threshold, margins)
        if decision == "fire" and found is not None:
            fire.append((alert, found))
        elif decision == "rearm":
            rearm.append(alert)
    return Evaluation(tuple(fire), tuple(rearm), unfetched, dict(evaluated))
