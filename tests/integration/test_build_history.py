"""The closed sessions a build's answers carry, returned alongside its snapshot (``History``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from services.market_data.build import BuildResult, MarketData
from services.market_data.calendars import Calendars
from services.market_data.feeds import YAHOO_IDS
from services.market_data.instruments import QUOTE_BY_ID
from services.market_data.providers.yahoo import SYMBOLS
from services.market_data.transport import open_clients
from tests.integration.conftest import settings_for
from tests.upstream.server import FakeUpstream
from tests.upstream.world import World, dated


async def build_in(world: World, calendars: Calendars, **overrides: Any) -> BuildResult:
    async with FakeUpstream(world.handler) as upstream:
        settings = settings_for(upstream.url, **overrides)
        async with open_clients(settings.provider_timeout_s) as clients:
            return await MarketData(clients, settings, clock=lambda: world.now,
                                    calendars=calendars).build_with_history()


async def test_a_year_of_closes_comes_with_the_snapshot_at_no_extra_request(
        calendars: Calendars) -> None:
    world = World()
    result = await build_in(world, calendars)
    history, snapshot = result.history, result.snapshot

    assert sorted(s.id for s in history) == sorted(YAHOO_IDS)  # A-shares came from Eastmoney
    for quote_id in YAHOO_IDS:
        series, quote = history.get(quote_id), snapshot.quote(quote_id)
        assert series is not None and quote is not None
        assert (series.source, series.unit) == ("yahoo", QUOTE_BY_ID[quote_id].unit)
        # Each series ends at its quote's own session, with its close.
        assert (series.last, series.closes[-1][1]) == (quote.session, quote.close)
        served = [(day, close) for day, close in world.series[SYMBOLS[quote_id]]
                  if close is not None and day <= series.closes[-1][0]]
        assert list(series.closes) == served[-len(series):]
    spx = history.get("SPX")
    assert spx is not None and len(spx) >= 250
    assert spx.first is not None and (date(2026, 11, 23) - spx.first).days <= 366
    hstech = history.get("HSTECH")
    assert hstech is not None and len(hstech) == 5  # Hong Kong asks for five days
    us = calendars.at("US", world.now)
    assert us is not None and all(us.is_session(day) for day in spx.dates)


async def test_the_bar_of_a_session_still_trading_is_not_a_close(calendars: Calendars) -> None:
    now = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 10:00 in New York, a Tuesday
    days = tuple(date.fromisoformat(d) for d in ("2026-11-19", "2026-11-20", "2026-11-23"))
    world = dated(now, us=(*days, date(2026, 11, 24)), hk=(*days, date(2026, 11, 24)),
                  cn=(*days, date(2026, 11, 24)))
    result = await build_in(world, calendars)
    spx, quote = result.history.get("SPX"), result.snapshot.quote("SPX")
    assert spx is not None and quote is not None
    assert world.series["^GSPC"][-1][0] == date(2026, 11, 24)  # served, but live
    assert spx.dates == days and quote.session == days[-1]


async def test_an_a_share_index_from_its_yahoo_fallback_brings_its_year(
        calendars: Calendars) -> None:
    world = World()
    world.faults["eastmoney"] = ["500"] * 3
    result = await build_in(world, calendars)
    sse = result.history.get("SSE")
    quote = result.snapshot.quote("SSE")
    assert quote is not None and quote.source == "yahoo"
    assert sse is not None and sse.source == "yahoo" and len(sse) >= 240
    assert sse.last == quote.session


async def test_a_quote_whose_last_bars_are_null_is_read_from_further_back(
        calendars: Calendars) -> None:
    world = World()
    bars = world.series["^DJI"]
    bars[-12:] = [(day, None) for day, _ in bars[-12:]]  # Yahoo's nulls over two weeks
    result = await build_in(world, calendars)
    dji, history = result.snapshot.quote("DJI"), result.history.get("DJI")
    day, close = bars[-13]
    assert dji is not None and (dji.session, dji.close, dji.stale) == (day, close, True)
    assert history is not None and history.closes[-1] == (day, close)
