"""Revision 0002 on a database at 0001 with data in it: subscriptions and ledger rows stay,
the new column starts at 0, the new table exists; downgrade and upgrade again work."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import insert, inspect, text

from services.delivery.ledger import next_pending
from services.storage import open_database
from services.storage.db import create_engine
from services.storage.subscriptions import SubscriptionStore
from services.storage.tables import DeliveryRow
from tests.support.migrations import migrate_to


async def test_upgrading_to_0002_keeps_subscriptions_and_ledger(db_url: str) -> None:
    engine = create_engine(db_url)
    now = datetime(2026, 3, 20, tzinfo=UTC)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(migrate_to("0001"))
            await conn.execute(text(
                "INSERT INTO subscriptions (platform, destination_id, kind, time_hhmm, tz, "
                "active, created_at, updated_at) VALUES ('telegram', '42', 'private', '07:15', "
                "'Europe/London', :yes, :now, :now)"), {"yes": True, "now": now})
            await conn.execute(text(
                "INSERT INTO deliveries (edition_id, platform, destination_id, status, "
                "attempts, updated_at) VALUES ('e1', 'telegram', '42', 'sent', 1, :now)"),
                {"now": now})
    finally:
        await engine.dispose()

    db = await open_database(db_url)  # upgrades to head
    try:
        [sub] = await SubscriptionStore(db).list()
        assert (sub.destination_id, sub.time_hhmm, sub.tz) == ("42", "07:15", "Europe/London")
        async with db.engine.connect() as conn:
            assert (await conn.execute(text(
                "SELECT status, in_doubt FROM deliveries"))).all() == [("sent", 0)]
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            assert "schedule_slots" in tables
        async with db.engine.begin() as conn:
            await conn.run_sync(migrate_to("0001", downgrade=True))
            await conn.run_sync(migrate_to("head"))
        assert [s.destination_id for s in await SubscriptionStore(db).list()] == ["42"]
    finally:
        await db.close()


async def test_revision_0007_serves_the_claim_from_its_index_and_goes_back(db_url: str
                                                                           ) -> None:
    """Halfway through a big push, after yesterday's: the claim's next pending rows are read
    without passing the rows already sent, whether the ledger has a cursor (the last id it
    claimed) or not (a standby taking over). PostgreSQL's plan before walked the primary key
    and removed 50,000 rows by filter, 21 ms, for each claim."""
    db = await open_database(db_url)
    now = datetime(2026, 3, 20, tzinfo=UTC)
    try:
        async with db.engine.begin() as conn:
            await conn.execute(insert(DeliveryRow), [
                {"edition_id": edition, "platform": "telegram", "destination_id": str(i),
                 "status": "sent" if edition == "e0" or i < 5_000 else "pending",
                 "attempts": 1, "in_doubt": 0, "updated_at": now}
                for edition in ("e0", "e1") for i in range(10_000)])
            await conn.execute(text("ANALYZE"))
        for after in (0, 15_000):
            query = str(next_pending("e1", "telegram", 24, after).compile(
                dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
            explain = "EXPLAIN QUERY PLAN " if db.dialect == "sqlite" else "EXPLAIN ANALYZE "
            async with db.engine.begin() as conn:
                plan = "\n".join(str(row[-1])
                                 for row in await conn.execute(text(explain + query)))
                if db.dialect == "sqlite":
                    assert "ix_deliveries_claim" in plan, plan
                removed = [int(n) for n in re.findall(r"Rows Removed by Filter: (\d+)", plan)]
                assert sum(removed) < 100, plan
                assert [row.id for row in await conn.execute(
                    next_pending("e1", "telegram", 3, after))] == [15_001, 15_002, 15_003]
        async with db.engine.begin() as conn:
            await conn.run_sync(migrate_to("0006", downgrade=True))
            indexes = await conn.run_sync(
                lambda c: {i["name"] for i in inspect(c).get_indexes("deliveries")})
            assert "ix_deliveries_claim" not in indexes
            assert "ix_deliveries_edition_id" in indexes
            await conn.run_sync(migrate_to("head"))
            indexes = await conn.run_sync(
                lambda c: {i["name"] for i in inspect(c).get_indexes("deliveries")})
            assert "ix_deliveries_claim" in indexes
            assert "ix_deliveries_edition_id" not in indexes, "uq_delivery serves it"
    finally:
        await db.close()
