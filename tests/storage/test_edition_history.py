"""Editions and the history store: each build reads the history and then records the day's
closes (equities and macro only, never a stale repeat, never over a stored close); a store
that cannot be read leaves the report as it is without history, the gap named in the
warnings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.container import stored_history
from services.history_io import load_sample_history
from services.market_data.backfill import KEPT_SERIES
from services.models.history import EMPTY_HISTORY, History
from services.models.snapshot import MarketSnapshot
from services.narration.template import TemplateNarrator
from services.report.editions import EditionCache, make_edition
from services.report.history import FixedHistory, StoredHistory, closes_to_record
from services.snapshot_io import load_sample
from services.storage import open_database
from services.storage.closes import ClosesStore
from services.storage.db import Database, create_engine

HK = ZoneInfo("Asia/Hong_Kong")
DAY = date(2026, 3, 20)
BUILT = datetime(2026, 3, 21, 0, 35, tzinfo=UTC)


class LiveLike:
    """A snapshot source that is not a fixed file: its editions record their closes."""

    def __init__(self, snapshot: MarketSnapshot) -> None:
        self.snapshot = snapshot

    async def get(self) -> MarketSnapshot:
        return self.snapshot

    async def refresh(self) -> MarketSnapshot:
        return self.snapshot


def test_the_sample_days_stale_us_close_is_not_recorded() -> None:
    snapshot = load_sample()
    before = History({s.id: s.before(DAY) for s in load_sample_history()})
    closes, skipped = closes_to_record(snapshot, before)
    # HSI and SSE are new sessions; the S&P 500's 6,643.70 is the close of 2025-09-26
    assert {(c.instrument_id, c.session, c.close) for c in closes} == {
        ("HSI", DAY, 25277.32), ("SSE", DAY, 3957.05)}
    assert [(s.quote_id, s.reason) for s in skipped] == [
        ("SPX", "equals the close of 2025-09-26")]
    # quotes without a close (Nasdaq, Dow …) and coins (a rolling 24 h price) are not closes
    full = load_sample_history()
    closes, skipped = closes_to_record(snapshot, full, doubtful=("SSE",))
    assert closes == ()
    assert sorted((s.quote_id, s.reason) for s in skipped) == [
        ("HSI", "already in the history"),
        ("SPX", "the history already holds 6506.48 for 2026-03-20, and keeps it"),
        ("SSE", "stale or in conflict with the history")]


def test_an_unchanged_close_from_the_session_before_is_recorded() -> None:
    snapshot = load_sample()
    hsi = load_sample_history().get("HSI")
    assert hsi is not None
    previous = hsi.before(DAY)
    same_as_yesterday = previous.values[-1]
    quotes = tuple(q.model_copy(update={"close": same_as_yesterday}) if q.id == "HSI" else q
                   for q in snapshot.quotes if q.id in ("HSI",))
    closes, skipped = closes_to_record(snapshot.model_copy(update={"quotes": quotes}),
                                       History({"HSI": previous}))
    assert [c.close for c in closes] == [same_as_yesterday] and skipped == ()


async def test_a_live_edition_records_its_closes_and_reads_them_next_time(
        db_url: str) -> None:
    db = await open_database(db_url)
    try:
        store = ClosesStore(db)
        before = History({s.id: s.before(DAY) for s in load_sample_history()
                          if s.id in ("SPX", "HSI", "SSE")})
        await store.import_history(before, DAY, BUILT)
        cache = EditionCache(LiveLike(load_sample()), TemplateNarrator(), HK,
                             clock=lambda: BUILT, history=StoredHistory(store))
        await cache.current()
        spans = {s.instrument_id: s for s in await store.spans()}
        assert spans["HSI"].last == spans["SSE"].last == DAY  # recorded
        assert spans["SPX"].last == date(2026, 3, 19)  # the stale repeat was not
        hsi = (await store.read(["HSI"])).get("HSI")
        assert hsi is not None and hsi.close_on(DAY) == 25277.32
        assert hsi.source.startswith("reference (edition); ")  # the latest source first
    finally:
        await db.close()


async def test_an_edition_of_a_given_file_reads_but_never_writes(db_url: str) -> None:
    db = await open_database(db_url)
    try:
        store = ClosesStore(db)
        history = StoredHistory(store, record=False)
        cache = EditionCache(LiveLike(load_sample()), TemplateNarrator(), HK,
                             clock=lambda: BUILT, history=history)
        await cache.current()
        assert await store.spans() == ()
        assert await FixedHistory(load_sample_history()).record(load_sample(),
                                                                EMPTY_HISTORY) == 0
    finally:
        await db.close()


async def test_an_unreadable_store_leaves_the_report_as_without_history(
        tmp_path: Path) -> None:
    # a database without the table (never migrated): every read fails
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'broken.db'}")
    from sqlalchemy.ext.asyncio import async_sessionmaker

    broken = Database(engine, async_sessionmaker(engine, expire_on_commit=False))
    try:
        snapshot = load_sample()
        history = StoredHistory(ClosesStore(broken))
        read = await history.read(snapshot)
        assert not read and read.gaps == (
            "the history store could not be read (OperationalError); this edition is read "
            "without history",)
        assert await history.record(snapshot, read) == 0  # nothing written on a gap
        cache = EditionCache(LiveLike(snapshot), TemplateNarrator(), HK, clock=lambda: BUILT,
                             history=history)
        with_gap = (await cache.current()).report
        plain = (await make_edition(snapshot, TemplateNarrator(), HK, BUILT)).report
        gap = ("history: the history store could not be read (OperationalError); this "
               "edition is read without history")
        assert with_gap.analysis.warnings == (*plain.analysis.warnings, gap)
        assert replace(with_gap.analysis, warnings=plain.analysis.warnings) == plain.analysis
    finally:
        await engine.dispose()


async def test_a_live_edition_reads_only_the_series_the_bot_keeps(db_url: str) -> None:
    """The store holds the shared year imported whole (a FRED 10-year, WTI spot, the CNY
    fixing): a live edition reads the series the bot keeps (its quotes', the macro layer's, the
    supplies') and its warnings do not list the others as "without a quote" (they would be,
    every day); a history given with the day is still read whole, its extra series listed
    once."""
    db = await open_database(db_url)
    try:
        store = ClosesStore(db)
        sample = load_sample_history()
        await store.import_history(sample, DAY, BUILT)
        snapshot = load_sample()
        read = await stored_history(store, record=False).read(snapshot)
        assert set(read.series) == {s.id for s in sample if s.id in KEPT_SERIES}
        assert {"DXY", "USDT_SUPPLY", "SPX"} <= set(read.series)
        assert {"DGS10", "WTI_SPOT", "USDCNY_FIXING"}.isdisjoint(read.series)
        everything = await StoredHistory(store, record=False).read(snapshot)  # no series given
        assert len(everything) == len(sample)
        cache = EditionCache(LiveLike(snapshot), TemplateNarrator(), HK, clock=lambda: BUILT,
                             history=stored_history(store))
        live = (await cache.current()).report.analysis
        given = (await make_edition(snapshot, TemplateNarrator(), HK, BUILT, sample)
                 ).report.analysis
    finally:
        await db.close()
    kept = "history kept for series without a quote today"
    assert not [w for w in live.warnings if kept in w]
    assert [w for w in given.warnings if kept in w] == [
        f"{kept}: DGS10, USDCNY_FIXING, WTI_SPOT"]
    # everything else reads the same: the checks, the macro block, the evidence
    assert live.checks == given.checks and live.macro == given.macro
    assert live.evidence == given.evidence
    assert [w for w in live.warnings if kept not in w] == [
        w for w in given.warnings if kept not in w]
