"""Watch items on SQLite and PostgreSQL (revision 0005): add up to the limit, once each;
remove; every chat's list for the briefing; a migrated group keeps its list."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import inspect

from services.storage import Database, open_database
from services.watch.store import WatchlistFull, WatchStore
from tests.watch.helpers import ALIBABA, HSI, SOLANA, TENCENT


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = await open_database(db_url)
    try:
        yield database
    finally:
        await database.close()


async def test_the_tables_of_revision_0005(db: Database) -> None:
    async with db.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
    assert {"watch_instruments", "watch_items", "alerts", "alert_messages"} <= set(tables)


async def test_add_once_each_up_to_the_limit(db: Database) -> None:
    store = WatchStore(db)
    first = await store.add("telegram", "1", TENCENT, limit=3)
    again = await store.add("telegram", "1", TENCENT, limit=3)
    assert (first.added, first.count, again.added, again.count) == (True, 1, False, 1)
    await store.add("telegram", "1", SOLANA, limit=3)
    await store.add("telegram", "1", HSI, limit=3)
    with pytest.raises(WatchlistFull):
        await store.add("telegram", "1", ALIBABA, limit=3)
    assert [li.id for li in await store.items("telegram", "1")] == [
        "0700.HK", "coin:solana", "HSI"]
    assert await store.items("telegram", "2") == []
    assert await store.instruments.get("coin:solana") == SOLANA


async def test_remove_and_every_chats_list(db: Database) -> None:
    store = WatchStore(db)
    await store.add("telegram", "1", TENCENT, limit=30)
    await store.add("discord", "900", TENCENT, limit=30)
    await store.add("discord", "900", SOLANA, limit=30)
    assert await store.remove("discord", "900", "0700.HK")
    assert not await store.remove("discord", "900", "0700.HK")
    watchers = await store.watchers()
    assert {k: [li.id for li in v] for k, v in watchers.items()} == {
        ("telegram", "1"): ["0700.HK"], ("discord", "900"): ["coin:solana"]}


async def test_a_migrated_group_keeps_its_list(db: Database) -> None:
    store = WatchStore(db)
    await store.add("telegram", "-5", TENCENT, limit=30)
    await store.add("telegram", "-5", SOLANA, limit=30)
    await store.add("telegram", "-1005", SOLANA, limit=30)
    assert await store.move("telegram", "-5", "-1005") == 2
    assert [li.id for li in await store.items("telegram", "-1005")] == [
        "0700.HK", "coin:solana"]
    assert await store.items("telegram", "-5") == []
