"""The one fetch and retry policy (over httpx.MockTransport), JSON decoding, value cleaning."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import httpx
import pytest

from services.errors import (
    UpstreamFormatError,
    UpstreamStatus,
    UpstreamTimeout,
    UpstreamUnreachable,
)
from services.market_data.providers.base import (
    Request,
    RetryPolicy,
    count,
    decode_json,
    fetch,
    number,
    parse_retry_after,
)

REQUEST = Request(source="test feed", url="https://upstream.test/data", params={"a": "1"})


class Recorder:
    def __init__(self, *answers: httpx.Response | type[Exception]) -> None:
        self.answers = list(answers)
        self.calls = 0
        self.sleeps: list[float] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, type):
            # httpx messages can carry the URL: the error must not repeat it.
            raise answer("boom https://upstream.test/data?a=1")
        return answer

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def policy(self, **overrides: float) -> RetryPolicy:
        values = {"timeout_s": 1.0, "attempts": 3, "retry_after_cap_s": 5.0, "backoff_s": 0.25,
                  **overrides}
        return RetryPolicy(timeout_s=values["timeout_s"], attempts=int(values["attempts"]),
                           retry_after_cap_s=values["retry_after_cap_s"],
                           backoff_s=values["backoff_s"], sleep=self.sleep)

    async def run(self, **overrides: float) -> bytes:
        transport = httpx.MockTransport(self.handler)
        async with httpx.AsyncClient(transport=transport) as client:
            return (await fetch(client, REQUEST, self.policy(**overrides))).body


def ok(body: bytes = b'{"x": 1}', **headers: str) -> httpx.Response:
    return httpx.Response(200, content=body, headers=headers)


def status(code: int, **headers: str) -> httpx.Response:
    return httpx.Response(code, content=b"{}", headers=headers)


async def test_success_returns_the_body_and_the_date_header() -> None:
    transport = httpx.MockTransport(lambda r: ok(date="Mon, 23 Nov 2026 12:00:00 GMT"))
    async with httpx.AsyncClient(transport=transport) as client:
        fetched = await fetch(client, REQUEST, RetryPolicy())
    assert fetched.body == b'{"x": 1}'
    assert fetched.date == datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def test_timeouts_are_retried_with_backoff_then_named() -> None:
    recorder = Recorder(httpx.ReadTimeout)
    with pytest.raises(UpstreamTimeout) as caught:
        await recorder.run()
    assert recorder.calls == 3 and recorder.sleeps == [0.25, 0.5]
    assert caught.value.attempts == 3
    assert str(caught.value) == "test feed: no answer within 1 s"


async def test_5xx_is_retried_until_success() -> None:
    recorder = Recorder(status(500), status(503), ok())
    assert await recorder.run() == b'{"x": 1}'
    assert recorder.calls == 3


@pytest.mark.parametrize("code", [400, 401, 403, 404, 451])
async def test_other_4xx_is_never_retried(code: int) -> None:
    recorder = Recorder(status(code), ok())
    with pytest.raises(UpstreamStatus) as caught:
        await recorder.run()
    assert recorder.calls == 1 and caught.value.status == code and not caught.value.retryable


async def test_429_honours_retry_after() -> None:
    recorder = Recorder(status(429, **{"Retry-After": "2"}), ok())
    assert await recorder.run() == b'{"x": 1}'
    assert recorder.sleeps == [2.0]


async def test_429_with_retry_after_beyond_the_cap_gives_up_at_once() -> None:
    recorder = Recorder(status(429, **{"Retry-After": "30"}), ok())
    with pytest.raises(UpstreamStatus) as caught:
        await recorder.run(retry_after_cap_s=5.0)
    assert recorder.calls == 1 and caught.value.retry_after == 30.0
    assert str(caught.value) == "test feed: HTTP 429"


async def test_429_without_retry_after_backs_off() -> None:
    recorder = Recorder(status(429), status(429), status(429))
    with pytest.raises(UpstreamStatus):
        await recorder.run()
    assert recorder.calls == 3 and recorder.sleeps == [0.25, 0.5]


async def test_connection_failures_are_named_without_the_url_and_not_retried() -> None:
    recorder = Recorder(httpx.ConnectError)
    with pytest.raises(UpstreamUnreachable) as caught:
        await recorder.run()
    assert recorder.calls == 1
    assert str(caught.value) == "test feed: connection failed (ConnectError)"


async def test_a_secret_header_never_reaches_the_log(caplog: pytest.LogCaptureFixture) -> None:
    secret = "CG-do-not-log-me-123456"
    request = Request(source="coingecko global", url="https://upstream.test/global",
                      headers={"x-cg-demo-api-key": secret})
    seen: list[httpx.Request] = []

    def handler(r: httpx.Request) -> httpx.Response:
        seen.append(r)
        return status(500)

    caplog.set_level(logging.DEBUG)
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(UpstreamStatus) as caught:
            await fetch(client, request, RetryPolicy(attempts=2, backoff_s=0.0))
    assert seen[0].headers["x-cg-demo-api-key"] == secret
    assert secret not in str(seen[0].url)
    assert secret not in caplog.text and secret not in str(caught.value)


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

