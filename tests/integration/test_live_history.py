"""The live path keeps the year of closes each build fetched: one build over the loopback fake
fills a trading year per Yahoo series without a backfill; the session still trading is never
stored; the quote's own session is left to the edition (after the cross-check); a stored close
is never replaced, and a fetched close that differs from it is warned about once."""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.cli import open_container
from bot.config import Settings
from bot.container import stored_history
from services.market_data.backfill import PLANS, backfill_into
from services.market_data.build import BuildResult, MarketData
from services.market_data.cache import SnapshotCache
from services.market_data.calendars import Calendars
from services.market_data.feeds import YAHOO_IDS
from services.market_data.live import live_snapshot
from services.market_data.recorder import BuildRecorder, closes_of_build
from services.market_data.transport import open_clients
from services.models.history import History, Series
from services.models.snapshot import MarketSnapshot
from services.narration.template import TemplateNarrator
from services.report.editions import EditionCache, EditionHistory
from services.report.history import StoredHistory
from services.storage import open_database
from services.storage.closes import ClosesStore, SessionClose
from services.storage.db import Database, create_engine
from tests.integration.conftest import settings_for
from tests.upstream.server import FakeUpstream
from tests.upstream.year import year_world

# Monday 2026-11-23 13:00 in New York: Hong Kong and Shanghai have closed the 23rd, New York
# is trading it (its bar is live), so the S&P 500's quote is of Friday the 20th.
NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
FRIDAY, THURSDAY = date(2026, 11, 20), date(2026, 11, 19)
HK = ZoneInfo("Asia/Hong_Kong")


class ReadsOf:
    """An edition's history that remembers what each edition read."""

    def __init__(self, history: EditionHistory) -> None:
        self._history = history
        self.reads: list[History] = []

    async def read(self, snapshot: MarketSnapshot) -> History:
        self.reads.append(await self._history.read(snapshot))
        return self.reads[-1]

    async def record(self, snapshot: MarketSnapshot, history: History,
                     doubtful: Collection[str] = ()) -> int:
        return await self._history.record(snapshot, history, doubtful)


async def build_once(url: str, calendars: Calendars, recorder: BuildRecorder,
                     now: datetime = NOW) -> tuple[SnapshotCache, BuildResult]:
    settings = settings_for(url)
    results: list[BuildResult] = []
    async with open_clients(settings.provider_timeout_s) as clients:
        data = MarketData(clients, settings, clock=lambda: now, calendars=calendars)

        async def build() -> BuildResult:
            results.append(await data.build_with_history())
            return results[-1]

        cache = SnapshotCache(build, ttl_s=600, closes=recorder, clock=lambda: now)
        await cache.get()
        await cache.refresh()  # a second build: nothing new to write, nothing warned again
    return cache, results[0]


async def test_one_build_fills_a_year_per_yahoo_series_without_a_backfill(
        calendars: Calendars, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    world = year_world(NOW, calendars)
    db = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'live.db'}")
    try:
        store = ClosesStore(db)
        async with FakeUpstream(world.handler) as upstream:
            cache, result = await build_once(upstream.url, calendars, BuildRecorder(store))
            sent = len(upstream.requests)
        spans = {s.instrument_id: s for s in await store.spans()}
        stored = await store.read_all()
        # the edition built on it records the quote's own session, once it is cross-checked
        history = ReadsOf(StoredHistory(store))
        editions = EditionCache(cache, TemplateNarrator(), HK, clock=lambda: NOW,
                                history=history)
        await editions.current()
        after = {s.instrument_id: s for s in await store.spans()}
    finally:
        await db.close()

    assert cache.builds == 2 and sent == 2 * 9  # no request beyond the builds' own
    spx = result.snapshot.quote("SPX")
    assert spx is not None and spx.session == FRIDAY
    assert world.series["^GSPC"][-1][0] == date(2026, 11, 23)  # served, live: never stored
    assert sorted(spans) == sorted(YAHOO_IDS)
    for quote_id in YAHOO_IDS:  # every series up to the session before its quote's
        series, quote = result.history.get(quote_id), result.snapshot.quote(quote_id)
        assert series is not None and quote is not None and quote.session_date is not None
        kept = stored.get(quote_id)
        assert kept is not None and kept.closes == series.before(quote.session_date).closes
    assert spans["SPX"].last == THURSDAY and spans["SPX"].sessions >= 249
    assert after["SPX"].last == FRIDAY and after["SPX"].sessions >= 250
    read = history.reads[0].get("SPX")  # the edition was read against the year just stored
    assert read is not None and read.last == THURSDAY and len(read) >= 249
    spx_stored = stored.get("SPX")
    xlk_stored = stored.get("XLK")
    assert spx_stored is not None and spx_stored.source == "yahoo ^GSPC daily close"
    assert spx_stored.unit == "index" and xlk_stored is not None and xlk_stored.unit == "usd"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING
                and r.name == "services.market_data.recorder"]


async def test_a_stored_close_is_kept_and_a_different_one_warned_about_once(
        calendars: Calendars, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    world = year_world(NOW, calendars)
    db = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'live.db'}")
    served = {day: close for day, close in world.series["^GSPC"] if close is not None}
    monday = date(2026, 11, 16)
    wednesday = date(2026, 11, 18)
    try:
        store = ClosesStore(db)
        await store.append([
            SessionClose("SPX", monday, served[monday] * 1.02, "an import"),  # differs
            SessionClose("SPX", wednesday, served[wednesday] * 1.00005, "an import")],  # same
            NOW.date(), NOW)
        async with FakeUpstream(world.handler) as upstream:
            await build_once(upstream.url, calendars, BuildRecorder(store))
        spx = (await store.read(["SPX"])).get("SPX")
    finally:
        await db.close()

    assert spx is not None
    assert spx.close_on(monday) == served[monday] * 1.02  # the stored close stays
    assert spx.close_on(wednesday) == served[wednesday] * 1.00005
    assert spx.close_on(THURSDAY) == served[THURSDAY]  # the sessions it lacked were added
    warnings = [r.getMessage() for r in caplog.records
                if r.name == "services.market_data.recorder" and r.levelno == logging.WARNING]
    assert warnings == [  # one, though two builds brought the same close
        f"history: SPX 2026-11-16 fetched {served[monday]:g}, the store holds "
        f"{served[monday] * 1.02:g} (an import); the stored close is kept"]


async def test_a_store_that_fails_leaves_the_snapshot_served(
        calendars: Calendars, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    world = year_world(NOW, calendars)
    # a database without the table (never migrated): every statement fails
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'broken.db'}")
    broken = Database(engine, async_sessionmaker(engine, expire_on_commit=False))
    try:
        async with FakeUpstream(world.handler) as upstream:
            cache, result = await build_once(upstream.url, calendars,
                                             BuildRecorder(ClosesStore(broken)))
    finally:
        await broken.close()
    assert result.snapshot.quote("SPX") is not None and cache.builds == 2
    assert "history: the build's closes were not recorded (OperationalError)" in caplog.text


def test_the_quotes_own_session_is_left_to_the_edition() -> None:
    from services.snapshot_io import load_sample

    snapshot = load_sample()  # SPX's session: 2026-03-20; no quote NOPE
    days = [date(2026, 3, 17) + timedelta(days=n) for n in range(4)]
    history = History({"SPX": Series("SPX", "yahoo", "index",
                                     tuple((d, 6500.0 + i) for i, d in enumerate(days))),
                       "NOPE": Series("NOPE", "yahoo", "index", ((days[0], 1.0),))})
    closes = closes_of_build(snapshot, history)
    assert [(c.instrument_id, c.session, c.source) for c in closes] == [
        ("SPX", d, "yahoo ^GSPC daily close") for d in days[:3]]


async def test_the_running_bots_first_live_edition_reads_the_year_it_fetched(
        calendars: Calendars, tmp_path: Path) -> None:
    now = datetime.now(UTC)  # the bot reads the real clock
    world = year_world(now, calendars)
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    async with FakeUpstream(world.handler) as upstream:
        settings: Settings = settings_for(upstream.url, database_url=url)
        async with open_container(settings, None, warm=False) as container:
            assert container.editions.history is not None
            history = ReadsOf(container.editions.history)
            container.editions.history = history
            edition = await container.editions.current()
            assert container.closes is not None
            spans = {s.instrument_id: s for s in await container.closes.spans()}
        snapshot = await live_snapshot(settings)  # the one-shot form: a fresh stored one
    spx = edition.snapshot.quote("SPX")
    assert spx is not None and spx.session_date is not None
    # the build's year (what the fake serves for range=1y, the live bar left out), and the
    # quote's own session recorded by the edition: a trading year
    start = world.now.date() - timedelta(days=366)
    served = [d for d, c in world.series["^GSPC"]
              if c is not None and start < d <= spx.session_date]
    assert spans["SPX"].sessions == len(served) >= 249
    assert spans["SPX"].last == spx.session_date
    assert snapshot == edition.snapshot
    read = history.reads[0].get("SPX")  # the first edition is read against a year
    assert read is not None and len(read) == len(served) - 1
    evidence = edition.report.analysis.evidence["SPX"]  # the move in its own σ, from day one
    assert evidence.z is not None and evidence.n_year >= 240


async def test_a_one_shot_live_snapshot_records_its_build(calendars: Calendars,
                                                          tmp_path: Path) -> None:
    now = datetime.now(UTC)
    world = year_world(now, calendars)
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    async with FakeUpstream(world.handler) as upstream:
        settings: Settings = settings_for(upstream.url, database_url=url)
        snapshot = await live_snapshot(settings)
    db = await open_database(url)
    try:
        spans = {s.instrument_id: s for s in await ClosesStore(db).spans()}
    finally:
        await db.close()
    spx = snapshot.quote("SPX")
    assert spx is not None and spx.session_date is not None
    assert spans["SPX"].sessions >= 248 and spans["SPX"].last < spx.session_date


async def test_after_a_backfill_and_a_build_the_edition_lists_no_series_without_a_quote(
        calendars: Calendars, tmp_path: Path) -> None:
    """What the store holds after ``history backfill`` and a live build (every series of the
    backfill: the quotes', the macro layer's, the supplies) reads without the "history kept
    for series without a quote today" line."""
    world = year_world(NOW, calendars)
    db = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'live.db'}")
    try:
        store = ClosesStore(db)
        async with FakeUpstream(world.handler) as upstream:
            async with open_clients(10.0) as clients:
                await backfill_into(store, clients, settings_for(upstream.url), now=NOW,
                                    calendars=calendars)
            cache, _ = await build_once(upstream.url, calendars, BuildRecorder(store))
        held = {s.instrument_id for s in await store.spans()}
        history = ReadsOf(stored_history(store))
        edition = await EditionCache(cache, TemplateNarrator(), HK, clock=lambda: NOW,
                                     history=history).current()
    finally:
        await db.close()
    assert held == {plan.id for plan in PLANS}  # supplies and the A-share klines included
    analysis = edition.report.analysis
    assert not [w for w in analysis.warnings if "without a quote" in w]
    assert set(history.reads[0].series) == held
