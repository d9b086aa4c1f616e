"""Wiring of the live data path: the shared HTTP clients, the builder and the snapshot cache.

``open_live_source(settings)`` is an async context manager that owns the process's HTTP clients
(``transport.open_clients``: curl_cffi for the browser-checked hosts, httpx for the rest) for its
lifetime and yields a ``SnapshotCache`` (a ``SnapshotSource``) whose builds bring their year of
closes (``build_with_history``): with a ``closes`` store, each build's closed sessions are
recorded in it (``recorder.BuildRecorder``).
``live_snapshot(settings)`` is the one-shot form for the command line: it reuses a fresh stored
snapshot, else builds one and stores it, with its closes.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.exc import SQLAlchemyError

from services.market_data.build import MarketData
from services.market_data.cache import SnapshotCache
from services.market_data.recorder import BuildRecorder
from services.market_data.settings import MarketDataSettings
from services.market_data.transport import open_clients
from services.models.snapshot import MarketSnapshot
from services.ops.metrics import Metrics
from services.storage import open_database
from services.storage.closes import ClosesStore
from services.storage.snapshots import SnapshotStore

log = logging.getLogger(__name__)


@asynccontextmanager
async def open_live_source(settings: MarketDataSettings, store: SnapshotStore | None = None,
                           metrics: Metrics | None = None, closes: ClosesStore | None = None
                           ) -> AsyncIterator[SnapshotCache]:
    async with open_clients(settings.provider_timeout_s) as clients:
        builder = MarketData(clients, settings, metrics=metrics)
        builder.preload()
        recorder = BuildRecorder(closes) if closes is not None else None
        yield SnapshotCache(builder.build_with_history, settings.snapshot_ttl_s, store=store,
                            closes=recorder)


async def live_snapshot(settings: MarketDataSettings) -> MarketSnapshot:
    """One snapshot for a command: a stored one younger than the TTL, else a new build (stored).
    The database is best effort: if it cannot be opened the build goes ahead without it."""
    try:
        db = await open_database(settings.database_url)
    except (SQLAlchemyError, OSError, ValueError) as exc:
        log.warning("database unavailable (%s); the snapshot will not be stored",
                    type(exc).__name__)
        db = None
    try:
        store = SnapshotStore(db) if db is not None else None
        closes = ClosesStore(db, settings.history_retention_days) if db is not None else None
        async with open_live_source(settings, store, closes=closes) as source:
            return await source.get()
    finally:
        if db is not None:
            await db.close()
