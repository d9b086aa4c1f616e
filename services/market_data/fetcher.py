"""The requests of one build: the one retry policy, the per-upstream limits, the deadline.

``Fetcher.get(request)`` sends a ``Request`` through its upstream's client with that upstream's
headers (``sources.py``), and:

- keeps at most ``max_in_flight`` requests of an upstream in flight; the rest wait their turn;
- retries only what is retryable (timeouts, 5xx, 429), with exponential backoff; a 429 waits at
  least its Retry-After, plus jitter so that throttled requests do not come back in step; a
  Retry-After beyond the cap is not waited for;
- opens an upstream's circuit when it keeps answering 429 (``open_after_429s`` in a row, or a
  Retry-After past the build deadline): its other requests of the build fail at once, unsent;
- caps every attempt's timeout, every wait and every wait for a slot by the time left to the
  build deadline, so a request never outlives the build;
- counts each feed's requests and answer latencies for the build's source statuses.

A fetcher lives for one build (the circuits are the build's); a process runs one build at a
time (``SnapshotCache`` shares the one in flight), so its limits are the process's.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from services.errors import (
    UpstreamCircuitOpen,
    UpstreamError,
    UpstreamStatus,
    UpstreamTimeout,
)
from services.market_data.providers.base import (
    Fetched,
    Request,
    RetryPolicy,
    parse_http_date,
    parse_retry_after,
)
from services.market_data.sources import UPSTREAMS, Upstream
from services.market_data.transport import Answer, HttpClients
from services.ops.metrics import Metrics

log = logging.getLogger(__name__)

Monotonic = Callable[[], float]


@dataclass
class Circuit:
    """An upstream's record of 429s in this build; open means: ask it nothing more."""

    upstream: str
    threshold: int
    in_a_row: int = 0
    why: str | None = None

    def check(self, feed: str) -> None:
        if self.why is not None:
            raise UpstreamCircuitOpen(feed, f"not asked: {self.why}")

    def throttled(self, retry_after: float | None, remaining_s: float) -> None:
        self.in_a_row += 1
        if self.why is not None:
            return
        if self.in_a_row >= self.threshold:
            self.why = (f"{self.upstream} answered HTTP 429 to {self.in_a_row} requests in a "
                        "row; left alone for the rest of this build")
        elif retry_after is not None and retry_after >= remaining_s:
            self.why = (f"{self.upstream} asked for a wait of {retry_after:g} s, past the "
                        "build deadline")

    def answered(self) -> None:
        self.in_a_row = 0


@dataclass
class Traffic:
    """One feed's requests in this build."""

    sent: int = 0
    latencies: list[float] = field(default_factory=list)

    @property
    def latency_s(self) -> float | None:
        """The median time to an answer (any status), or None when nothing answered."""
        return statistics.median(self.latencies) if self.latencies else None


@dataclass
class _Tries:
    sent: int = 0
    last: UpstreamError | None = None


class Fetcher:
    """``deadline_s`` is the build's; requests end ``margin_s`` before it, so that their
    failures are reported by the feeds themselves, figure by figure."""

    def __init__(self, clients: HttpClients, policy: RetryPolicy, *, deadline_s: float,
                 margin_s: float = 0.0, monotonic: Monotonic = time.monotonic,
                 metrics: Metrics | None = None) -> None:
        self._clients = clients
        self.metrics = metrics or Metrics()
        self._policy = policy
        self._monotonic = monotonic
        self._deadline_s = deadline_s
        self._deadline_at = monotonic() + deadline_s - margin_s
        self._gates: dict[str, asyncio.Semaphore] = {}
        self._circuits: dict[str, Circuit] = {}
        self.traffic: dict[str, Traffic] = {}  # by feed
        self.sent: dict[str, int] = {}  # by upstream

    def remaining(self) -> float:
        return self._deadline_at - self._monotonic()

    def circuit(self, upstream: str) -> Circuit:
        profile = UPSTREAMS[upstream]
        return self._circuits.setdefault(upstream, Circuit(upstream, profile.open_after_429s))

    async def get(self, request: Request) -> Fetched:
        """GET ``request`` with the retry policy; raise a named ``UpstreamError`` on failure.
        ``.attempts`` of the error counts the requests actually sent."""
        upstream = UPSTREAMS[request.upstream]
        circuit = self.circuit(upstream.name)
        tries = _Tries()
        retrying = AsyncRetrying(
            stop=lambda state: self._stop(state, circuit),
            wait=self._wait,
            retry=retry_if_exception(self._retryable),
            sleep=self._policy.sleep,
            before_sleep=_log_retry(request),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    try:
                        return await self._once(request, upstream, circuit, tries)
                    except UpstreamCircuitOpen:
                        if tries.last is not None:  # it opened while this request waited
                            raise tries.last from None
                        raise
        except UpstreamError as exc:
            exc.attempts = max(1, tries.sent)
            raise
        raise AssertionError("tenacity ended without an outcome")  # pragma: no cover

    async def _once(self, request: Request, upstream: Upstream, circuit: Circuit,
                    tries: _Tries) -> Fetched:
        circuit.check(request.source)
        gate = self._gates.setdefault(upstream.name, asyncio.Semaphore(upstream.max_in_flight))
        self._time_left(request.source)
        try:
            async with asyncio.timeout(self.remaining()):
                await gate.acquire()
        except TimeoutError:
            raise UpstreamTimeout(request.source, "no free connection before the build "
                                                  "deadline") from None
        try:
            circuit.check(request.source)  # it may have opened while this request waited
            timeout = min(self._policy.timeout_s, self._time_left(request.source))
            traffic = self.traffic.setdefault(request.source, Traffic())
            traffic.sent += 1
            tries.sent += 1
            self.sent[upstream.name] = self.sent.get(upstream.name, 0) + 1
            started = self._monotonic()
            try:
                answer = await self._clients.for_client(upstream.client).get(
                    request.url, params=request.params,
                    headers={**upstream.headers, **request.headers}, timeout_s=timeout,
                    feed=request.source)
            except UpstreamTimeout as timed_out:
                self.metrics.source_request(request.source, "timeout")
                error = timed_out
                if timeout < self._policy.timeout_s:  # cut short by the build deadline
                    error = UpstreamTimeout(request.source, "no answer before the build "
                                                            f"deadline of {self._deadline_s:g} s")
                tries.last = error
                raise error from None
            except UpstreamError as exc:
                self.metrics.source_request(request.source, "network")
                tries.last = exc
                raise
            traffic.latencies.append(self._monotonic() - started)
            self.metrics.source_request(request.source, result_of(answer.status))
        finally:
            gate.release()
        try:
            return self._read(request, answer, circuit)
        except UpstreamError as exc:
            tries.last = exc
            raise

    def _read(self, request: Request, answer: Answer, circuit: Circuit) -> Fetched:
        retry_after = parse_retry_after(answer.headers.get("retry-after"))
        if answer.status == 429:
            circuit.throttled(retry_after, self.remaining())
        else:
            circuit.answered()
        if not 200 <= answer.status < 300:
            raise UpstreamStatus(request.source, answer.status, retry_after=retry_after)
        return Fetched(answer.body, parse_http_date(answer.headers.get("date")))

    def _time_left(self, feed: str) -> float:
        remaining = self.remaining()
        if remaining <= 0:
            raise UpstreamTimeout(feed, f"no time left before the build deadline of "
                                        f"{self._deadline_s:g} s")
        return remaining

    def _retryable(self, exc: BaseException) -> bool:
        if not isinstance(exc, UpstreamError) or not exc.retryable:
            return False
        if isinstance(exc, UpstreamStatus) and exc.retry_after is not None:
            return exc.retry_after <= self._policy.retry_after_cap_s
        return True

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        base = float(self._policy.backoff_s * 2 ** (state.attempt_number - 1))
        if isinstance(exc, UpstreamStatus) and exc.status == 429:
            floor = min(exc.retry_after, self._policy.retry_after_cap_s) if (
                exc.retry_after is not None) else 0.0
            return max(floor, base) + base * self._policy.jitter()
        return base

    def _stop(self, state: RetryCallState, circuit: Circuit) -> bool:
        if state.attempt_number >= self._policy.attempts or circuit.why is not None:
            return True
        return (state.upcoming_sleep or 0.0) >= self.remaining()


def result_of(status: int) -> str:
    """The ``result`` label of a request that was answered."""
    if 200 <= status < 300:
        return "ok"
    if status == 429:
        return "http_429"
    return "http_5xx" if status >= 500 else "http_4xx"


def _log_retry(request: Request) -> Callable[[RetryCallState], None]:
    """One INFO line per retry, naming the feed, the URL (never a secret: see ``Request``), the
    failure and the wait; the same as ``extra`` fields (``upstream``, ``url``, ``wait_s``), so a
    test counts the waits of one route among a whole build's."""
    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        log.info("%s: attempt %d failed (%s); retrying in %.2f s", request.source,
                 state.attempt_number, getattr(exc, "reason", type(exc).__name__), wait,
                 extra={"upstream": request.upstream, "url": request.url, "wait_s": wait})
    return before_sleep
