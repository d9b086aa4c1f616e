"""Revision 0002 on a database at 0001 with data in it: subscriptions and ledger rows stay,
the new column starts at 0, the new table exists; downgrade and upgrade again work."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from services.storage import open_database
from services.storage.db import MIGRATIONS, create_engine
from services.storage.subscriptions import SubscriptionStore


def _to(revision: str, downgrade: bool = False):  # type: ignore[no-untyped-def]
    def run(connection: Connection) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        (command.downgrade if downgrade else command.upgrade)(config, revision)

    return run


async def test_upgrading_to_0002_keeps_subscriptions_and_ledger(db_url: str) -> None:
    engine = create_engine(db_url)
    now = datetime(2026, 3, 20, tzinfo=UTC)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_to("0001"))
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
            await conn.run_sync(_to("0001", downgrade=True))
            await conn.run_sync(_to("heads"))
        assert [s.destination_id for s in await SubscriptionStore(db).list()] == ["42"]
    finally:
        await db.close()
