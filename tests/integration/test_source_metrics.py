"""What a build counts on /metrics, against the loopback fake of every upstream: each source's
requests by result, and the figures handed to a fallback when a source fails."""

from __future__ import annotations

from typing import Any

from services.market_data.build import MarketData
from services.market_data.calendars import Calendars
from services.market_data.providers import eastmoney, yahoo
from services.market_data.transport import open_clients
from services.ops.metrics import Metrics
from tests.integration.conftest import JITTER, Sleeps, settings_for
from tests.upstream.server import FakeUpstream
from tests.upstream.world import World

CN = ("SSE", "SZSE", "CHINEXT")


async def built(upstream: FakeUpstream, world: World, calendars: Calendars,
                metrics: Metrics, **overrides: Any) -> None:
    settings = settings_for(upstream.url, **overrides)
    async with open_clients(settings.provider_timeout_s) as clients:
        data = MarketData(clients, settings, clock=lambda: world.now, calendars=calendars,
                          sleep=Sleeps(), jitter=lambda: JITTER, metrics=metrics)
        await data.build()


async def test_requests_by_result_and_the_fallback_of_a_failed_source(
        upstream: FakeUpstream, world: World, calendars: Calendars) -> None:
    metrics = Metrics()
    await built(upstream, world, calendars, metrics)
    answered = sum(metrics.value("marketbot_source_requests_total", source=feed, result="ok")
                   for feed in (yahoo.SPARK_FEED, yahoo.FEED))  # spark batches, any chart
    assert answered == sum(n for route, n in world.hits.items() if route.startswith("yahoo:"))
    assert metrics.value("marketbot_source_requests_total", source=yahoo.SPARK_FEED,
                         result="ok") == 3
    assert metrics.value("marketbot_source_requests_total", source=eastmoney.FEED,
                         result="ok") == 1
    assert metrics.value("marketbot_source_fallbacks_total", source=eastmoney.FEED) == 0

    world.faults["eastmoney"] = ["500"] * 3
    failing = Metrics()
    await built(upstream, world, calendars, failing)
    assert failing.value("marketbot_source_requests_total", source=eastmoney.FEED,
                         result="http_5xx") == 3, "every attempt, by its result"
    assert failing.value("marketbot_source_requests_total", source=eastmoney.FEED,
                         result="ok") == 0
    assert failing.value("marketbot_source_fallbacks_total", source=eastmoney.FEED) == len(CN)
