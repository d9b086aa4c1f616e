"""The history store on SQLite and PostgreSQL: upserts (the latest write of a session wins),
``add_missing`` (a stored close is never replaced), retention pruned on append, read back as a
``History``; the bundled sample history round-trips; revision 0003 sits between 0002 and 0004
(one head) and goes back."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from services.history_io import load_sample_history
from services.models.history import History
from services.storage import open_database
from services.storage.closes import ClosesStore, SeriesSpan, SessionClose
from services.storage.db import MIGRATIONS, create_engine
from tests.support.migrations import migrate_to

TODAY = date(2026, 3, 21)
AT = datetime(2026, 3, 21, 1, 0, tzinfo=UTC)


def _closes(instrument: str, days: list[date], start: float, source: str = "yahoo"
            ) -> list[SessionClose]:
    return [SessionClose(instrument, day, start + i, source) for i, day in enumerate(days)]


async def test_upsert_read_back_and_last(db_url: str) -> None:
    db = await open_database(db_url)
    try:
        store = ClosesStore(db)
        days = [date(2026, 3, 16) + timedelta(days=n) for n in range(5)]
        first = await store.append(_closes("SPX", days, 6500.0), TODAY, AT)
        assert (first.written, first.pruned) == (5, 0)
        # the same session again: updated in place, not duplicated; the latest write wins
        again = await store.append([SessionClose("SPX", days[-1], 6506.48, "history file")],
                                   TODAY, AT)
        assert again.written == 1
        await store.append(_closes("HSI", days[:2], 25000.0, "eastmoney"), TODAY, AT)

        history = await store.read(["SPX", "HSI", "NOPE"])
        assert sorted(history.series) == ["HSI", "SPX"]
        spx = history.get("SPX")
        assert spx is not None
        assert spx.dates == tuple(days)
        assert spx.values == (6500.0, 6501.0, 6502.0, 6503.0, 6506.48)
        assert spx.source == "history file; yahoo"  # every source, the latest first
        assert spx.unit == "index"

        tail = await store.last("SPX", 2)
        assert tail is not None and tail.closes == ((days[3], 6503.0), (days[4], 6506.48))
        assert await store.last("NOPE", 5) is None
        assert await store.spans() == (SeriesSpan("HSI", 2, days[0], days[1]),
                                       SeriesSpan("SPX", 5, days[0], days[4]))
        assert (await store.read([])) == History()
        since = await store.read_all(since=days[3])
        assert {s.id: len(s) for s in since} == {"SPX": 2}
    finally:
        await db.close()


async def test_retention_prunes_on_append(db_url: str) -> None:
    db = await open_database(db_url)
    try:
        store = ClosesStore(db, retention_days=10)
        old = [date(2026, 3, 1), date(2026, 3, 5)]
        await store.append(_closes("SPX", old, 6000.0), date(2026, 3, 6), AT)
        assert len((await store.read(["SPX"])).get("SPX") or ()) == 2
        # ten days later: 2026-03-01 and -05 are past the cutoff of 2026-03-06 and go
        result = await store.append([SessionClose("SPX", date(2026, 3, 16), 6100.0, "yahoo"),
                                     SessionClose("SPX", date(2026, 3, 2), 6001.0, "yahoo")],
                                    date(2026, 3, 16), AT)
        assert (result.written, result.pruned) == (1, 2)  # a close past the cutoff is not written
        spx = (await store.read(["SPX"])).get("SPX")
        assert spx is not None and spx.closes == ((date(2026, 3, 16), 6100.0),)
    finally:
        await db.close()


async def test_add_missing_never_replaces_a_stored_close(db_url: str) -> None:
    db = await open_database(db_url)
    try:
        store = ClosesStore(db, retention_days=30)
        days = [date(2026, 3, 16) + timedelta(days=n) for n in range(3)]
        await store.append([SessionClose("SPX", days[1], 6506.48, "an import")], TODAY, AT)
        offered = [*_closes("SPX", days, 6400.0),
                   SessionClose("SPX", date(2026, 1, 2), 6000.0, "yahoo")]  # past the cutoff
        result = await store.add_missing(offered, TODAY, AT)
        assert result.written == 3  # offered within the retention; the stored one is left
        spx = (await store.read(["SPX"])).get("SPX")
        assert spx is not None
        assert spx.closes == ((days[0], 6400.0), (days[1], 6506.48), (days[2], 6402.0))
    finally:
        await db.close()


async def test_the_sample_history_round_trips(db_url: str) -> None:
    sample = load_sample_history()
    db = await open_database(db_url)
    try:
        store = ClosesStore(db)
        result = await store.import_history(sample, TODAY, AT)
        assert result.written == sum(len(s) for s in sample)
        back = await store.read_all()
        assert back == sample  # ids, sources, units and every close
    finally:
        await db.close()


async def test_two_writers_of_the_same_sessions(db_url: str) -> None:
    first, second = await open_database(db_url), await open_database(db_url)
    days = [date(2026, 3, 2) + timedelta(days=n) for n in range(30)]
    try:
        await asyncio.gather(ClosesStore(first).append(_closes("SPX", days, 6000.0), TODAY, AT),
                             ClosesStore(second).append(_closes("SPX", days, 6000.0), TODAY,
                                                        AT))
        spx = (await ClosesStore(first).read(["SPX"])).get("SPX")
        assert spx is not None and len(spx) == 30
    finally:
        await first.close()
        await second.close()


def test_one_head_and_0003_between_0002_and_0004() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(config)
    assert len(script.get_heads()) == 1
    assert script.get_revision("0003").down_revision == "0002"
    assert script.get_revision("0004").down_revision == "0003"


async def test_revision_0003_adds_the_table_and_goes_back(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(migrate_to("0002"))
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            assert "daily_closes" not in tables
            await conn.run_sync(migrate_to("0003"))
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            assert "daily_closes" in tables and "token_usage" not in tables
            await conn.run_sync(migrate_to("0002", downgrade=True))
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            assert "daily_closes" not in tables and "subscriptions" in tables
            await conn.run_sync(migrate_to("head"))
    finally:
        await engine.dispose()
