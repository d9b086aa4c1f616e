"""What every provider shares.

A provider is three steps: build a ``Request`` (pure), fetch it (``market_data.fetcher``: the only
I/O, with the one retry policy of the product), then parse the decoded JSON (pure, testable on a
recorded file). This module holds the request value, the retry policy, JSON decoding that names
what went wrong, and the cleaning of vendor numbers and timestamps (``"-"``, null, NaN and
missing keys become ``None``).
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import math
import random
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from services.errors import UpstreamFormatError, UpstreamImplausible

T = TypeVar("T")
log = logging.getLogger(__name__)

# A vendor timestamp later than "now" by more than this is rejected (clocks drift a little).
FUTURE_TOLERANCE = timedelta(minutes=10)


@dataclass(frozen=True)
class Request:
    """One GET. ``source`` names the feed in warnings (``"yahoo chart"``), ``upstream`` the
    service whose client, headers and limits apply (``sources.UPSTREAMS``). Never holds a secret
    in ``url`` or ``params`` (httpx logs URLs): keys go in ``headers``, which hold only what is
    particular to this request."""

    source: str
    upstream: str
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
    Waits double from ``backoff_s``; a 429's wait adds up to one more backoff at random
    (``jitter`` gives a number in [0, 1)).
    """

    timeout_s: float = 10.0
    attempts: int = 3
    retry_after_cap_s: float = 5.0
    backoff_s: float = 0.25
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    jitter: Callable[[], float] = random.random


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
