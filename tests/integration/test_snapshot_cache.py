"""The snapshot cache: one build in flight for every caller, reuse within the TTL, storage."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest_asyncio
from sqlalchemy import text

from services.market_data.cache import SnapshotCache
from services.models.snapshot import MarketSnapshot
from services.snapshot_io import dump_snapshot, load_sample
from services.storage import Database, open_database
from services.storage.snapshots import SnapshotStore

START = datetime(2026, 11, 24, 0, 30, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Builder:
    """Counts builds; each waits until released, so callers can pile up meanwhile."""

    def __init__(self, snapshot: MarketSnapshot) -> None:
        self.snapshot = snapshot
        self.builds = 0
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self) -> MarketSnapshot:
        self.builds += 1
        await self.release.wait()
        return self.snapshot


@pytest_asyncio.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = await open_database(db_url)
    yield database
    await database.close()


def empty() -> MarketSnapshot:
    return MarketSnapshot.model_validate({"schema": "market-snapshot/1",
                                          "generated_at": START.isoformat()})


async def test_concurrent_callers_share_one_build() -> None:
    builder = Builder(load_sample())
    builder.release.clear()
    cache = SnapshotCache(builder, ttl_s=600)
    callers = [asyncio.create_task(cache.get()) for _ in range(20)]
    await asyncio.sleep(0)
    builder.release.set()
    results = await asyncio.gather(*callers)
    assert builder.builds == 1
    assert all(result is results[0] for result in results)


async def test_a_snapshot_is_reused_for_the_ttl() -> None:
    clock, builder = Clock(), Builder(load_sample())
    cache = SnapshotCache(builder, ttl_s=600, clock=clock)
    await cache.get()
    clock.now += timedelta(seconds=599)
    await cache.get()
    assert builder.builds == 1
    clock.now += timedelta(seconds=1)
    await cache.get()
    assert builder.builds == 2
    await cache.refresh()
    assert builder.builds == 3


async def test_builds_are_stored_and_reused_after_a_restart(db: Database) -> None:
    clock, builder = Clock(), Builder(load_sample())
    store = SnapshotStore(db)
    first = await SnapshotCache(builder, ttl_s=600, store=store, clock=clock).get()
    stored = await store.latest("live")
    assert stored is not None and stored.body == dump_snapshot(first)
    assert stored.generated_at.replace(tzinfo=UTC) == first.generated_at

    clock.now += timedelta(seconds=300)
    restarted = SnapshotCache(builder, ttl_s=600, store=store, clock=clock)
    assert await restarted.get() == first
    assert builder.builds == 1

    clock.now += timedelta(seconds=301)
    await SnapshotCache(builder, ttl_s=600, store=store, clock=clock).get()
    assert builder.builds == 2


async def test_a_build_where_every_source_failed_is_neither_kept_nor_stored(
        db: Database) -> None:
    builder = Builder(empty())
    store = SnapshotStore(db)
    cache = SnapshotCache(builder, ttl_s=600, store=store)
    assert await cache.get() == empty()
    await cache.get()
    assert builder.builds == 2
    assert await store.latest("live") is None


async def test_a_broken_store_does_not_stop_the_snapshot(db: Database) -> None:
    async with db.engine.begin() as connection:
        await connection.execute(text("DROP TABLE snapshots"))
    builder = Builder(load_sample())
    cache = SnapshotCache(builder, ttl_s=600, store=SnapshotStore(db))
    assert await cache.get() == load_sample()
    assert await cache.get() == load_sample()
    assert builder.builds == 1


async def test_a_zero_ttl_always_builds() -> None:
    builder = Builder(load_sample())
    cache = SnapshotCache(builder, ttl_s=0)
    await cache.get()
    await cache.get()
    assert builder.builds == 2
