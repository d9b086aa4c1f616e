"""A primary that serves an old close: the quote carries the true date of the bar it came from,
never the time of the request or the answer's "market time", so an old bar is never presented
as today's. The calendar then flags it stale; an old close under today's date keeps that date,
for the cross-check against the stored history to name the session it repeats."""

from __future__ import annotations

from datetime import date

from services.market_data.build import BuildResult, MarketData
from services.market_data.calendars import Calendars
from services.market_data.transport import open_clients
from tests.integration.conftest import settings_for
from tests.upstream.server import FakeUpstream
from tests.upstream.world import World

OLD = date(2026, 9, 25)
LATEST = date(2026, 11, 23)  # the latest completed US session at the world's now


async def result_in(world: World, calendars: Calendars) -> BuildResult:
    async with FakeUpstream(world.handler) as upstream:
        settings = settings_for(upstream.url)
        async with open_clients(settings.provider_timeout_s) as clients:
            return await MarketData(clients, settings, clock=lambda: world.now,
                                    calendars=calendars).build_with_history()


async def test_an_answer_ending_in_an_old_bar_is_dated_by_it_and_flagged_stale(
        calendars: Calendars) -> None:
    world = World()
    world.series["^GSPC"] = [bar for bar in world.series["^GSPC"] if bar[0] <= OLD]
    result = await result_in(world, calendars)

    spx = result.snapshot.quote("SPX")
    assert spx is not None
    assert (spx.session, spx.close, spx.stale) == (OLD, world.series["^GSPC"][-1][1], True)
    assert [w.reason for w in result.snapshot.warnings if w.figures == ("SPX",)] == [
        f"SPX: last close is of {OLD}, older than the latest US session {LATEST} (stale)"]
    history = result.history.get("SPX")
    assert history is not None and history.last == OLD  # nothing dated after its bars
    ixic = result.snapshot.quote("IXIC")
    assert ixic is not None and (ixic.session, ixic.stale) == (LATEST, False)


async def test_an_old_close_under_todays_date_keeps_the_date_it_was_served_with(
        calendars: Calendars) -> None:
    world = World()
    bars = world.series["^GSPC"]
    old_close = next(close for day, close in bars if day == OLD)
    bars[-1] = (LATEST, old_close)  # the last bar repeats the close of 2026-09-25
    result = await result_in(world, calendars)

    spx = result.snapshot.quote("SPX")
    assert spx is not None and (spx.session, spx.close) == (LATEST, old_close)
    history = result.history.get("SPX")
    assert history is not None
    # Both sessions are in the answer's closes: the repeat is there for the cross-check to
    # see against the stored history of 2026-11-23.
    assert history.close_on(OLD) == history.close_on(LATEST) == old_close
