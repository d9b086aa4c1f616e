"""The one fetch of a build: retry policy, per-upstream limits, the 429 circuit, the deadline.

Over ``httpx.MockTransport`` (the plain client) and a clock the test moves by hand; the browser
client (curl_cffi) is exercised over the loopback fake in tests/integration.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import httpx
import pytest

from services.errors import (
    UpstreamCircuitOpen,
    UpstreamStatus,
    UpstreamTimeout,
    UpstreamUnreachable,
)
from services.market_data.fetcher import Fetcher
from services.market_data.providers.base import Request, RetryPolicy
from services.market_data.sources import COINGECKO, UPSTREAMS
from services.market_data.transport import HttpClients, PlainTransport

REQUEST = Request(source="test feed", upstream="coingecko", url="https://upstream.test/data",
                  params={"a": "1"})


class Clock:
    """A monotonic clock that moves only when told (or when a wait is asked)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Recorder:
    def __init__(self, *answers: httpx.Response | type[Exception]) -> None:
        self.answers = list(answers)
        self.calls = 0
        self.sleeps: list[float] = []
        self.timeouts: list[float] = []
        self.clock = Clock()

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        self.timeouts.append(request.extensions["timeout"]["read"])
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, type):
            # httpx messages can carry the URL: the error must not repeat it.
            raise answer("boom https://upstream.test/data?a=1")
        return answer

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.clock.now += seconds

    def fetcher(self, client: httpx.AsyncClient, deadline_s: float = 60.0,
                **overrides: float) -> Fetcher:
        values = {"timeout_s": 1.0, "attempts": 3, "retry_after_cap_s": 5.0, "backoff_s": 0.25,
                  **overrides}
        policy = RetryPolicy(timeout_s=values["timeout_s"], attempts=int(values["attempts"]),
                             retry_after_cap_s=values["retry_after_cap_s"],
                             backoff_s=values["backoff_s"], sleep=self.sleep,
                             jitter=lambda: 0.5)
        transport = PlainTransport(client)
        return Fetcher(HttpClients(browser=transport, plain=transport), policy,
                       deadline_s=deadline_s, monotonic=self.clock)

    async def run(self, request: Request = REQUEST, deadline_s: float = 60.0,
                  **overrides: float) -> bytes:
        async with httpx.AsyncClient(transport=httpx.MockTransport(self.handler)) as client:
            fetcher = self.fetcher(client, deadline_s, **overrides)
            return (await fetcher.get(request)).body


def ok(body: bytes = b'{"x": 1}', **headers: str) -> httpx.Response:
    return httpx.Response(200, content=body, headers=headers)


def status(code: int, **headers: str) -> httpx.Response:
    return httpx.Response(code, content=b"{}", headers=headers)


# --- the retry policy

async def test_success_returns_the_body_and_the_date_header() -> None:
    recorder = Recorder(ok(date="Mon, 23 Nov 2026 12:00:00 GMT"))
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder.handler)) as client:
        fetched = await recorder.fetcher(client).get(REQUEST)
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


async def test_429_honours_retry_after_and_adds_jitter() -> None:
    recorder = Recorder(status(429, **{"Retry-After": "2"}), ok())
    assert await recorder.run() == b'{"x": 1}'
    assert recorder.sleeps == [2.0 + 0.25 * 0.5]  # at least Retry-After, plus half a backoff


async def test_429_with_retry_after_beyond_the_cap_gives_up_at_once() -> None:
    recorder = Recorder(status(429, **{"Retry-After": "30"}), ok())
    with pytest.raises(UpstreamStatus) as caught:
        await recorder.run(retry_after_cap_s=5.0)
    assert recorder.calls == 1 and caught.value.retry_after == 30.0
    assert str(caught.value) == "test feed: HTTP 429"


async def test_429_without_retry_after_backs_off_with_jitter() -> None:
    recorder = Recorder(status(429), status(429), status(429))
    with pytest.raises(UpstreamStatus):
        await recorder.run(attempts=3)
    assert recorder.calls == 3 and recorder.sleeps == [0.25 * 1.5, 0.5 * 1.5]


async def test_connection_failures_are_named_without_the_url_and_not_retried() -> None:
    recorder = Recorder(httpx.ConnectError)
    with pytest.raises(UpstreamUnreachable) as caught:
        await recorder.run()
    assert recorder.calls == 1
    assert str(caught.value) == "test feed: connection failed (ConnectError)"


async def test_a_secret_header_never_reaches_the_log(caplog: pytest.LogCaptureFixture) -> None:
    secret = "CG-do-not-log-me-123456"
    request = Request(source="coingecko global", upstream="coingecko",
                      url="https://upstream.test/global", headers={"x-cg-demo-api-key": secret})
    seen: list[httpx.Request] = []

    def handler(r: httpx.Request) -> httpx.Response:
        seen.append(r)
        return status(500)

    caplog.set_level(logging.DEBUG)
    recorder = Recorder(status(500))
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(UpstreamStatus) as caught:
            await recorder.fetcher(client, attempts=2, backoff_s=0.0).get(request)
    assert seen[0].headers["x-cg-demo-api-key"] == secret
    assert secret not in str(seen[0].url)
    assert secret not in caplog.text and secret not in str(caught.value)


async def test_the_upstream_headers_come_from_the_one_place() -> None:
    seen: list[httpx.Request] = []

    def handler(r: httpx.Request) -> httpx.Response:
        seen.append(r)
        return ok()

    recorder = Recorder(ok())
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        await recorder.fetcher(client).get(REQUEST)
    for name, value in COINGECKO.headers.items():
        assert seen[0].headers[name] == value


# --- the build deadline

async def test_an_attempt_never_outlives_the_build_deadline() -> None:
    recorder = Recorder(ok())
    await recorder.run(deadline_s=0.4, timeout_s=10.0)
    assert recorder.timeouts == [pytest.approx(0.4)]


async def test_a_timeout_cut_short_by_the_deadline_says_so() -> None:
    recorder = Recorder(httpx.ReadTimeout)
    with pytest.raises(UpstreamTimeout) as caught:
        await recorder.run(deadline_s=0.4, timeout_s=10.0, attempts=1)
    assert str(caught.value) == "test feed: no answer before the build deadline of 0.4 s"


async def test_no_retry_waits_past_the_deadline() -> None:
    recorder = Recorder(status(503))
    with pytest.raises(UpstreamStatus) as caught:
        await recorder.run(deadline_s=0.6)  # the first backoff fits, the second would not
    assert recorder.calls == 2 and recorder.sleeps == [0.25]
    assert caught.value.attempts == 2


async def test_nothing_is_sent_after_the_deadline() -> None:
    recorder = Recorder(ok())
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder.handler)) as client:
        fetcher = recorder.fetcher(client, deadline_s=5.0)
        recorder.clock.now += 5.0
        with pytest.raises(UpstreamTimeout, match="no time left before the build deadline"):
            await fetcher.get(REQUEST)
    assert recorder.calls == 0


# --- per-upstream limits

async def test_at_most_four_requests_of_an_upstream_are_in_flight() -> None:
    in_flight, most = 0, 0
    release = asyncio.Event()

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await release.wait()
        in_flight -= 1
        return ok()

    recorder = Recorder(ok())
    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        fetcher = recorder.fetcher(client)
        calls = [asyncio.ensure_future(fetcher.get(REQUEST)) for _ in range(10)]
        while in_flight < UPSTREAMS["coingecko"].max_in_flight:
            await asyncio.sleep(0)
        for _ in range(20):  # give the waiting ones every chance to slip through
            await asyncio.sleep(0)
        assert in_flight == most == 4
        release.set()
        await asyncio.gather(*calls)
    assert most == 4
    assert fetcher.traffic["test feed"].sent == 10


async def test_an_upstream_answering_429_again_and_again_is_left_alone() -> None:
    recorder = Recorder(status(429))
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder.handler)) as client:
        fetcher = recorder.fetcher(client, attempts=3)
        results = await asyncio.gather(*(fetcher.get(REQUEST) for _ in range(12)),
                                       return_exceptions=True)
    # The mock answers at once: the first request's three attempts meet three 429s, which open
    # the circuit; the eleven other requests fail unsent.
    assert recorder.calls == UPSTREAMS["coingecko"].open_after_429s == 3
    assert isinstance(results[0], UpstreamStatus) and results[0].attempts == 3
    unsent = [r for r in results if isinstance(r, UpstreamCircuitOpen)]
    assert len(unsent) == 11
    assert str(unsent[0]) == ("test feed: not asked: coingecko answered HTTP 429 to 3 "
                              "requests in a row; left alone for the rest of this build")
    other = Request(source="other feed", upstream="defillama", url="https://other.test/")
    recorder.answers = [ok()]
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder.handler)) as client:
        assert (await recorder.fetcher(client).get(other)).body == b'{"x": 1}'


async def test_a_retry_after_past_the_deadline_opens_the_circuit_at_once() -> None:
    recorder = Recorder(status(429, **{"Retry-After": "20"}), ok())
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder.handler)) as client:
        fetcher = recorder.fetcher(client, deadline_s=10.0, retry_after_cap_s=30.0)
        with pytest.raises(UpstreamStatus):
            await fetcher.get(REQUEST)
        with pytest.raises(UpstreamCircuitOpen, match="asked for a wait of 20 s, past the "
                                                      "build deadline"):
            await fetcher.get(REQUEST)
    assert recorder.calls == 1


async def test_a_success_between_429s_keeps_the_circuit_closed() -> None:
    recorder = Recorder(status(429), ok(), status(429), ok(), status(429), ok())
    async with httpx.AsyncClient(transport=httpx.MockTransport(recorder.handler)) as client:
        fetcher = recorder.fetcher(client)
        for _ in range(3):
            assert (await fetcher.get(REQUEST)).body == b'{"x": 1}'
    assert fetcher.circuit("coingecko").why is None and recorder.calls == 6
