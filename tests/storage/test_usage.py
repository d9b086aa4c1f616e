"""The day's token usage: added atomically by two instances at once, kept over a restart,
per UTC day and scope; revision 0004 on top of 0002 and back."""

from __future__ import annotations

import asyncio
from datetime import date

from sqlalchemy import inspect, text

from services.storage import open_database
from services.storage.db import create_engine
from services.storage.usage import DayUsage, UsageStore
from tests.support.migrations import migrate_to

DAY = date(2026, 3, 21)


async def test_usage_adds_up_per_day_and_scope(db_url: str) -> None:
    db = await open_database(db_url)
    try:
        ask = UsageStore(db)
        assert await ask.day(DAY) == DayUsage(DAY)
        await ask.add(DAY, 6525, 913, 1)
        await ask.add(DAY, 13050, 1826, 2)
        await ask.add(date(2026, 3, 22), 100, 10, 1)
        await UsageStore(db, scope="other").add(DAY, 5, 5, 1)
        today = await ask.day(DAY)
        assert today == DayUsage(DAY, 19575, 2739, 3, 2)
        assert today.tokens == 22314
    finally:
        await db.close()


async def test_two_instances_share_the_budget_and_a_restart_keeps_it(db_url: str) -> None:
    first, second = await open_database(db_url), await open_database(db_url)
    try:
        await asyncio.gather(*(UsageStore(db).add(DAY, 1000, 100, 1)
                               for _ in range(10) for db in (first, second)))
    finally:
        await first.close()
        await second.close()
    restarted = await open_database(db_url)
    try:
        assert await UsageStore(restarted).day(DAY) == DayUsage(DAY, 20_000, 2_000, 20, 20)
    finally:
        await restarted.close()


async def test_revision_0004_adds_the_table_and_goes_back(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(migrate_to("0002"))
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            assert "token_usage" not in tables
            await conn.run_sync(migrate_to("0004"))
            await conn.execute(text(
                "INSERT INTO token_usage (day, scope, updated_at) VALUES "
                "('2026-03-21', 'ask', '2026-03-21 01:00:00+00:00')"))
            row = (await conn.execute(text(
                "SELECT input_tokens, output_tokens, calls, answers FROM token_usage"))).one()
            assert tuple(row) == (0, 0, 0, 0)
            await conn.run_sync(migrate_to("0002", downgrade=True))
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            assert "token_usage" not in tables and "subscriptions" in tables
    finally:
        await engine.dispose()
