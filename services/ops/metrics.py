"""Every metric of the bot, defined here and nowhere else (``/metrics``, Prometheus' text
format, through prometheus-client).

One ``Metrics`` per process, built by the container and passed in to what counts (no global
registry: each ``Metrics`` has its own ``CollectorRegistry``, so tests and a second bot in one
process never share counts). A service built without one gets ``Metrics()`` of its own, which
nobody reads.

    marketbot_editions_built_total{narrator}           editions built (snapshot + analysis +
    marketbot_edition_build_seconds                     narration + report), and how long
    marketbot_edition_age_seconds                       age of the newest edition (at scrape)
    marketbot_source_requests_total{source,result}     upstream requests: ok, http_4xx,
                                                        http_429, http_5xx, timeout, network
    marketbot_source_fallbacks_total{source}           figures of a source handed to its fallback
    marketbot_sends_total{platform,outcome}            sent, in_doubt, failed, deactivated, moved
    marketbot_rate_limited_total{platform}             429 answers
    marketbot_rate_limited_seconds_total{platform}     time the platform's sends were held by them
    marketbot_command_seconds{platform,command}        command latency (histogram)
    marketbot_narration_calls_total{outcome}           model calls: ok, failed
    marketbot_narration_tokens_total{kind}             input, output
    marketbot_narration_rejected_figures_total         figures the fact-check refused
    marketbot_alert_evaluations_total{kind}            alerts evaluated, by rule kind
    marketbot_alerts_fired_total{kind}                 alerts fired (one per crossing)
    marketbot_ledger_rows{ledger,state}                rows of a ledger touched in the last 24 h

Labels take only names the code chooses (a platform, a command, a source, a state), never a
chat id, a token or text from outside.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

log = logging.getLogger(__name__)

CONTENT_TYPE = CONTENT_TYPE_LATEST
BUILD_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)
COMMAND_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
SEND_OUTCOMES = ("sent", "in_doubt", "failed", "deactivated", "moved")
LEDGER_WINDOW_H = 24


class Metrics:
    def __init__(self) -> None:
        disable_created_metrics()  # no ``*_created`` series: they double /metrics for nothing
        self.registry = registry = CollectorRegistry(auto_describe=True)
        self._editions = Counter("marketbot_editions_built", "Editions built", ["narrator"],
                                 registry=registry)
        self._build = Histogram("marketbot_edition_build_seconds",
                                "Time to build an edition: data, analysis, narration, report",
                                buckets=BUILD_BUCKETS, registry=registry)
        self._edition_age = Gauge("marketbot_edition_age_seconds",
                                  "Age of the newest edition, when /metrics was read "
                                  "(absent until one is built)", registry=registry)
        self._requests = Counter("marketbot_source_requests",
                                 "Requests to a market data source, by result",
                                 ["source", "result"], registry=registry)
        self._fallbacks = Counter("marketbot_source_fallbacks",
                                  "Figures of a source whose fallback source was asked",
                                  ["source"], registry=registry)
        self._sends = Counter("marketbot_sends", "Deliveries by platform and outcome",
                              ["platform", "outcome"], registry=registry)
        self._limited = Counter("marketbot_rate_limited",
                                "429 (rate limited) answers from a platform", ["platform"],
                                registry=registry)
        self._held = Counter("marketbot_rate_limited_seconds",
                             "Time a platform's sends were held by its 429s (overlapping "
                             "waits counted once)", ["platform"], registry=registry)
        self._commands = Histogram("marketbot_command_seconds",
                                   "Time from a command's arrival to its answer",
                                   ["platform", "command"], buckets=COMMAND_BUCKETS,
                                   registry=registry)
        self._narration = Counter("marketbot_narration_calls", "Calls to the narration model",
                                  ["outcome"], registry=registry)
        self._tokens = Counter("marketbot_narration_tokens", "Narration model tokens",
                               ["kind"], registry=registry)
        self._rejected = Counter("marketbot_narration_rejected_figures",
                                 "Figures in the model's text that the fact-check rejected",
                                 registry=registry)
        self._evaluations = Counter("marketbot_alert_evaluations", "Alerts evaluated",
                                    ["kind"], registry=registry)
        self._fired = Counter("marketbot_alerts_fired", "Alerts fired (once per crossing)",
                              ["kind"], registry=registry)
        self._ledger = Gauge("marketbot_ledger_rows",
                             f"Rows of a ledger touched in the last {LEDGER_WINDOW_H} h, by "
                             "state (read when /metrics is read)", ["ledger", "state"],
                             registry=registry)
        self._held_until: dict[str, float] = {}

    # ------------------------------------------------------------------ editions
    def edition_built(self, narrator: str, seconds: float) -> None:
        self._editions.labels(narrator).inc()
        self._build.observe(seconds)

    def edition_age(self, seconds: float | None) -> None:
        if seconds is None:
            self._edition_age.set(float("nan"))
        else:
            self._edition_age.set(max(0.0, seconds))

    # ------------------------------------------------------------------ sources
    def source_request(self, source: str, result: str) -> None:
        self._requests.labels(source, result).inc()

    def source_fallback(self, source: str, figures: int = 1) -> None:
        if figures:
            self._fallbacks.labels(source).inc(figures)

    # ------------------------------------------------------------------ sends
    def platforms(self, names: tuple[str, ...] | list[str]) -> None:
        """Show every send outcome and the 429 counts of these platforms, at 0 until they
        move (a counter that appears only on its first event hides the zero before it)."""
        for platform in names:
            for outcome in SEND_OUTCOMES:
                self._sends.labels(platform, outcome)
            self._limited.labels(platform)
            self._held.labels(platform)

    def send(self, platform: str, outcome: str, count: int = 1) -> None:
        self._sends.labels(platform, outcome).inc(count)

    def rate_limited(self, platform: str, retry_after: float,
                     now: float | None = None) -> None:
        """One 429; the platform's sends are held ``retry_after`` from ``now``. Only the
        part of the hold past any earlier one is added to the held time."""
        now = time.monotonic() if now is None else now
        self._limited.labels(platform).inc()
        until = now + max(0.0, retry_after)
        before = max(self._held_until.get(platform, 0.0), now)
        if until > before:
            self._held.labels(platform).inc(until - before)
            self._held_until[platform] = until

    # ------------------------------------------------------------------ commands

    @contextmanager
    def timed(self, platform: str, command: str) -> Iterator[None]:
        """Observe the block's duration as ``command``'s latency, whatever its outcome."""
        started = time.perf_counter()
        try:
            yield
        finally:
            self.command(platform, command, time.perf_counter() - started)

    def command(self, platform: str, command: str, seconds: float) -> None:
        """One command answered (or failed) after ``seconds``: observed, and one log line
        (the chat it was in comes from the log context)."""
        self._commands.labels(platform, command).observe(seconds)
        log.info("%s /%s answered in %.0f ms", platform, command, seconds * 1000)

    # ------------------------------------------------------------------ narration
    def narration_call(self, outcome: str) -> None:
        self._narration.labels(outcome).inc()

    def narration_tokens(self, input_tokens: int, output_tokens: int) -> None:
        if input_tokens:
            self._tokens.labels("input").inc(input_tokens)
        if output_tokens:
            self._tokens.labels("output").inc(output_tokens)

    def narration_rejected(self, figures: int) -> None:
        if figures:
            self._rejected.inc(figures)

    # ------------------------------------------------------------------ alerts
    # (``services.alerts.metrics.AlertCounters``)
    def alert_evaluations(self, kind: str, count: int) -> None:
        self._evaluations.labels(kind).inc(count)

    def alerts_fired(self, kind: str, count: int) -> None:
        self._fired.labels(kind).inc(count)

    # ------------------------------------------------------------------ ledgers
    def ledger_rows(self, ledger: str, by_state: Mapping[str, int],
                    states: tuple[str, ...] = ()) -> None:
        """The ledger's rows by state; every state in ``states`` is shown, 0 when absent."""
        for state in dict.fromkeys((*states, *by_state)):
            self._ledger.labels(ledger, state).set(by_state.get(state, 0))

    # ------------------------------------------------------------------ reading
    def render(self) -> bytes:
        """The exposition text (``CONTENT_TYPE``)."""
        return generate_latest(self.registry)

    def value(self, name: str, **labels: str) -> float:
        """One sample's value (0 when absent): for tests and the bench."""
        found = self.registry.get_sample_value(name, labels)
        return 0.0 if found is None else found
