"""What every provider shares: Retry-After parsing, JSON decoding, value cleaning. (The fetch
and its retry policy: test_fetcher.py.)"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.errors import UpstreamFormatError
from services.market_data.providers.base import count, decode_json, number, parse_retry_after


@pytest.mark.parametrize("value, seconds", [
    ("3", 3.0), (" 0 ", 0.0), ("-4", 0.0), ("", None), (None, None), ("soon", None),
    ("Mon, 23 Nov 2026 12:00:30 GMT", 30.0), ("Mon, 23 Nov 2026 11:00:00 GMT", 0.0)])
def test_retry_after_values(value: str | None, seconds: float | None) -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert parse_retry_after(value, now) == seconds


@pytest.mark.parametrize("body, message", [
    (b"", "empty body"),
    (b"  <!DOCTYPE html><html>Blocked</html>", "HTML instead of JSON"),
    (b'{"data": {"diff": [1, 2', "truncated JSON"),
    (b'{"name": "\xe4\xb8\x8a\xe8', "body is not UTF-8"),
    (b'{"a": 1} trailing', "invalid JSON"),
    (b"{'single': 'quotes'}", "invalid JSON"),
])
def test_decode_json_names_what_is_wrong(body: bytes, message: str) -> None:
    with pytest.raises(UpstreamFormatError, match=message):
        decode_json(body, "feed")


def test_decode_json_keeps_nan_for_the_cleaner() -> None:
    value = decode_json(b'{"x": NaN, "y": "-"}', "feed")
    assert number(value["x"]) is None and number(value["y"]) is None


@pytest.mark.parametrize("raw, cleaned", [
    (None, None), ("-", None), ("--", None), ("", None), ("NaN", None), (float("nan"), None),
    (float("inf"), None), (True, None), ([], None), ("abc", None), ("1,234.5", 1234.5),
    (" 7 ", 7.0), (3, 3.0), (-2.5, -2.5)])
def test_number_cleaning(raw: object, cleaned: float | None) -> None:
    assert number(raw) == cleaned


def test_count_cleaning() -> None:
    assert [count(v) for v in (3, 3.0, "12", -1, 2.5, "-", None)] == [3, 3, 12, None, None,
                                                                      None, None]

