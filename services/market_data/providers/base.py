"""What every provider shares.

A provider is three steps: build a ``Request`` (pure), ``fetch`` it (the only I/O, with the one
retry policy of the product), then parse the decoded JSON (pure, testable on a recorded file).
This module holds the request value, the fetch, JSON decoding that names what went wrong, and the
cleaning of vendor numbers and timestamps (``"-"``, null, NaN and missing keys become ``None``).
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt

from services.errors import (
    UpstreamError,
    UpstreamFormatError,
    UpstreamImplausible,
    UpstreamStatus,
    UpstreamTimeout,
    UpstreamUnreachable,
)

T = TypeVar("T")
log = logging.getLogger(__name__)

# A browser User-Agent: Eastmoney blocks clients without one and Yahoo throttles library agents.
BROWSER_USER_AGENT = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                      "(KHTML, like Gecko) Chrome/124.0 Safari/537.36")
ACCEPT_JSON = {"Accept": "application/json", "User-Agent": BROWSER_USER_AGENT}

# A vendor timestamp later than "now" by more than this is rejected (clocks drift a little).
FUTURE_TOLERANCE = timedelta(minutes=10)


@dataclass(frozen=True)
class Request:
    """One GET. ``source`` names the feed in warnings (``"yahoo chart"``); never holds a secret
    in ``url`` or ``params`` (httpx logs URLs): keys go in ``headers``."""

    source: str
    url: str
    params: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Fetched:
    body: bytes
    date: datetime | None  # the response's Date header: the as-of of a source with no timestamp


@dataclass(frozen=True)
class RetryPolicy:
    """The one retry policy: timeouts, 5xx and 429 only, honouring Retry-After up to a cap.

    ``timeout_s`` bounds each attempt. A Retry-After longer than the cap is not waited for: the
    request fails at once with that status, as the server asked us not to come back sooner.
    """

    timeout_s: float = 10.0
    attempts: int = 3
    retry_after_cap_s: float = 5.0
    backoff_s: float = 0.25
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


@dataclass(frozen=True)
class Rejection:
    """A figure dropped at the edge, and why."""

    figure: str
    reason: str


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """A parser's value plus the figures it rejected (each becomes a snapshot warning)."""

    value: T
    rejected: tuple[Rejection, ...] = ()


async def fetch(client: httpx.AsyncClient, request: Request, policy: RetryPolicy) -> Fetched:
    """GET ``request`` with retries; raise a named ``UpstreamError`` on failure."""
    retrying = AsyncRetrying(
        stop=stop_after_attempt(policy.attempts),
        wait=_waiter(policy),
        retry=retry_if_exception(lambda exc: _should_retry(exc, policy)),
        sleep=policy.sleep,
        before_sleep=_log_retry(request),
        reraise=True,
    )
    attempt_number = 0
    try:
        async for attempt in retrying:
            with attempt:
                attempt_number = attempt.retry_state.attempt_number
                return await _get_once(client, request, policy.timeout_s)
    except UpstreamError as exc:
        exc.attempts = attempt_number
        raise
    raise AssertionError("tenacity ended without an outcome")  # pragma: no cover


async def _get_once(client: httpx.AsyncClient, request: Request, timeout_s: float) -> Fetched:
    try:
        response = await client.get(request.url, params=dict(request.params),
                                    headers=dict(request.headers), timeout=timeout_s)
    except httpx.TimeoutException:
        raise UpstreamTimeout(request.source, f"no answer within {timeout_s:g} s") from None
    except httpx.TransportError as exc:
        # The class name only: httpx messages can carry the URL.
        raise UpstreamUnreachable(request.source,
                                  f"connection failed ({type(exc).__name__})") from None
    if not 200 <= response.status_code < 300:
        raise UpstreamStatus(request.source, response.status_code,
                             retry_after=parse_retry_after(response.headers.get("retry-after")))
    return Fetched(response.content, parse_http_date(response.headers.get("date")))


def _should_retry(exc: BaseException, policy: RetryPolicy) -> bool:
    if not isinstance(exc, UpstreamError) or not exc.retryable:
        return False
    if isinstance(exc, UpstreamStatus) and exc.retry_after is not None:
        return exc.retry_after <= policy.retry_after_cap_s
    return True


def _log_retry(request: Request) -> Callable[[RetryCallState], None]:
    """One INFO line per retry, naming the source, the URL (never a secret: see ``Request``),
    the failure and the wait; the same as ``extra`` fields (``upstream``, ``url``, ``wait_s``)."""
    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome is not None else None
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        log.info("%s: attempt %d failed (%s); retrying in %.2f s", request.source,
                 state.attempt_number, getattr(exc, "reason", type(exc).__name__), wait,
                 extra={"upstream": request.source, "url": request.url, "wait_s": wait})
    return before_sleep


def _waiter(policy: RetryPolicy) -> Callable[[RetryCallState], float]:
    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, UpstreamStatus) and exc.retry_after is not None:
            return min(exc.retry_after, policy.retry_after_cap_s)
        return float(policy.backoff_s * 2 ** (state.attempt_number - 1))
    return wait


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait, from a Retry-After of delta-seconds or an HTTP date; None if absent."""
    if value is None or not value.strip():
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        when = parse_http_date(value)
        if when is None:
            return None
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def parse_http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def decode_json(body: bytes, source: str) -> Any:
    """Bytes → JSON value, or ``UpstreamFormatError`` saying empty, HTML, truncated or invalid."""
    text = body.strip()
    if not text:
        raise UpstreamFormatError(source, "empty body instead of JSON")
    if text[:1] == b"<":
        raise UpstreamFormatError(source, "HTML instead of JSON")
    try:
        return json.loads(text)
    except UnicodeDecodeError:
        raise UpstreamFormatError(source, "body is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        kind = "truncated JSON" if _unclosed(exc.doc) else "invalid JSON"
        raise UpstreamFormatError(source, f"{kind} (at char {exc.pos} of {len(exc.doc)})"
                                  ) from None


def _unclosed(doc: str) -> bool:
    """Whether a JSON text ends inside a string, object or array: it was cut short."""
    depth, in_string, escaped = 0, False, False
    for char in doc:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
    return in_string or depth > 0


# --- cleaning vendor values -------------------------------------------------------------------

_MISSING_TEXT = {"", "-", "--", "null", "none", "nan", "n/a"}


def number(value: object) -> float | None:
    """A finite number, or None for null, ``"-"``, NaN, infinity, booleans and non-numbers."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        result = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "")
        if text.lower() in _MISSING_TEXT:
            return None
        try:
            result = float(text)
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def count(value: object) -> int | None:
    """A non-negative whole number, or None."""
    result = number(value)
    if result is None or result < 0 or result != int(result):
        return None
    return int(result)


def unix_time(value: object) -> datetime | None:
    """Seconds (or milliseconds) since the epoch → an aware UTC datetime, or None."""
    seconds = number(value)
    if seconds is None or seconds <= 0:
        return None
    if seconds > 1e11:  # milliseconds
        seconds /= 1000.0
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def mapping(value: object, source: str, where: str) -> dict[str, Any]:
    """``value`` as a JSON object, or ``UpstreamFormatError`` naming where the shape broke."""
    if not isinstance(value, dict):
        raise UpstreamFormatError(source, f"unexpected shape: {where} is not an object")
    return value


def sequence(value: object, source: str, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise UpstreamFormatError(source, f"unexpected shape: {where} is not a list")
    return value


def check_not_future(when: datetime | None, now: datetime, source: str, what: str) -> None:
    if when is not None and when > now + FUTURE_TOLERANCE:
        raise UpstreamImplausible(source, f"{what} timestamp {when.isoformat()} is in the future")


def change_pct(current: float | None, previous: float | None) -> float | None:
    """Percent change from ``previous`` to ``current``; None when either is missing or
    ``previous`` is not positive."""
    if current is None or previous is None or previous <= 0:
        return None
    return (current / previous - 1.0) * 100.0
