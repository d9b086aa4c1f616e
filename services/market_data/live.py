"""Wiring of the live data path: the shared HTTP client, the builder and the snapshot cache.

``open_live_source(settings)`` is an async context manager that owns the one
``httpx.AsyncClient`` for its lifetime and yields a ``SnapshotCache`` (a ``SnapshotSource``).
``live_snapshot(settings)`` is the one-shot form for the command line: it reuses a fresh stored
snapshot, else builds one and stores it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy.exc import SQLAlchemyError

from services.market_data.build import MarketData
from services.market_data.cache import SnapshotCache
from services.market_data.providers.base import BROWSER_USER_AGENT
from services.market_data.settings import MarketDataSettings
from services.models.snapshot import MarketSnapshot
from services.storage import open_database
from services.storage.snapshots import SnapshotStore

log = logging.getLogger(__name__)


def http_client(settings: MarketDataSettings, **options: Any) -> httpx.AsyncClient:
    """The one client of the process: every request of a build (about 25) in flight at once.

    Only a few connections are kept alive: builds are minutes apart (connections expire after
    5 s idle anyway), a few serve the fallback requests of a build, and httpcore scans every
    pooled connection on each request, which costs more CPU than it saves past a handful.
    """
    return httpx.AsyncClient(
        timeout=settings.provider_timeout_s,
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=8),
        headers={"User-Agent": BROWSER_USER_AGENT},
        follow_redirects=False,
        **options,
    )


@asynccontextmanager
async def open_live_source(settings: MarketDataSettings, store: SnapshotStore | None = None
                           ) -> AsyncIterator[SnapshotCache]:
    async with http_client(settings) as client:
        builder = MarketData(client, settings)
        builder.preload()
        yield SnapshotCache(builder.build, settings.snapshot_ttl_s, store=store)


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
        async with open_live_source(settings, store) as source:
            return await source.get()
    finally:
        if db is not None:
            await db.close()
