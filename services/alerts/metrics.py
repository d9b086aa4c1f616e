"""The one place alert evaluations and firings are counted.

``count_poll`` is called once per poll with the alerts evaluated and fired, by kind. The
running bot passes its ``services.ops.metrics.Metrics`` (``bot.delivery.alert_poller``), which
satisfies ``AlertCounters``: ``marketbot_alert_evaluations_total{kind}`` and
``marketbot_alerts_fired_total{kind}`` on ``/metrics``. A poller built without counters
(tests, benches) gets ``NO_COUNTERS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class AlertCounters(Protocol):
    def alert_evaluations(self, kind: str, count: int) -> None: ...

    def alerts_fired(self, kind: str, count: int) -> None: ...


class NoCounters:
    def alert_evaluations(self, kind: str, count: int) -> None:
        return None

    def alerts_fired(self, kind: str, count: int) -> None:
        return None


NO_COUNTERS = NoCounters()


def count_poll(counters: AlertCounters, evaluated: Mapping[str, int],
               fired: Mapping[str, int]) -> None:
    """One poll's counts: alerts evaluated by kind, and alerts fired (one per crossing)."""
    for kind, count in evaluated.items():
        if count:
            counters.alert_evaluations(kind, count)
    for kind, count in fired.items():
        if count:
            counters.alerts_fired(kind, count)
