"""Live snapshots for every caller: one build in flight, reused for a while, stored.

``SnapshotCache.get()`` answers from memory while the last build is younger than the TTL; else
it starts one build that every concurrent caller shares. A built snapshot is saved through the
``SnapshotStore`` with its timestamps (for replay, and so that a restarted process reuses a fresh
one instead of refetching). A build in which every source failed is returned but neither kept
nor stored: the next caller tries again.

A build that gives its closed sessions too (``MarketData.build_with_history``, a
``BuildResult``) hands them to the attached ``ClosesSink`` (``recorder.BuildRecorder``: the
history store) before its snapshot is served, so that an edition built on it reads them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError

from services.errors import SnapshotError
from services.market_data.build import BuildResult, all_sources_failed
from services.models.snapshot import MarketSnapshot
from services.snapshot_io import dump_snapshot, load_snapshot
from services.storage.snapshots import SnapshotStore

log = logging.getLogger(__name__)

ORIGIN = "live"

Build = Callable[[], Awaitable[MarketSnapshot | BuildResult]]


class ClosesSink(Protocol):
    """Where a build's closed sessions go (``recorder.BuildRecorder``)."""

    async def record(self, result: BuildResult) -> object:
        """Keep the build's closes; never raises."""
        ...


class SnapshotCache:
    def __init__(self, build: Build, ttl_s: float, *, store: SnapshotStore | None = None,
                 closes: ClosesSink | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._build_snapshot = build
        self._ttl = timedelta(seconds=ttl_s)
        self._store = store
        self._closes = closes
        self._clock = clock
        self._current: tuple[MarketSnapshot, datetime] | None = None
        self._building: asyncio.Future[MarketSnapshot] | None = None
        self._store_checked = False
        self.builds = 0

    def attach_store(self, store: SnapshotStore, closes: ClosesSink | None = None) -> None:
        """Store the snapshots in ``store`` (and the builds' closes in ``closes``)."""
        self._store = store
        self._store_checked = False
        if closes is not None:
            self._closes = closes

    async def get(self) -> MarketSnapshot:
        """A snapshot younger than the TTL, building one if needed."""
        if (fresh := self._fresh()) is not None:
            return fresh
        return await self._shared(force=False)

    async def refresh(self) -> MarketSnapshot:
        """A new build now (callers arriving meanwhile share it)."""
        return await self._shared(force=True)

    def _fresh(self) -> MarketSnapshot | None:
        if self._current is None:
            return None
        snapshot, built_at = self._current
        return snapshot if self._clock() - built_at < self._ttl else None

    async def _shared(self, force: bool) -> MarketSnapshot:
        if self._building is None or self._building.done():
            self._building = asyncio.ensure_future(self._build(force))
        return await asyncio.shield(self._building)

    async def _build(self, force: bool) -> MarketSnapshot:
        if not force and not self._store_checked:
            self._store_checked = True
            stored = await self._load_fresh()
            if stored is not None:
                return stored
        built = await self._build_snapshot()
        snapshot = built.snapshot if isinstance(built, BuildResult) else built
        self.builds += 1
        if all_sources_failed(snapshot):
            log.warning("every market data source was unreachable or failed (check the "
                        "network): figures show as missing until a source answers")
            return snapshot
        built_at = self._clock()
        self._current = (snapshot, built_at)
        await self._save(snapshot, built_at)
        if self._closes is not None and isinstance(built, BuildResult):
            await self._closes.record(built)
        return snapshot

    async def _load_fresh(self) -> MarketSnapshot | None:
        if self._store is None:
            return None
        try:
            stored = await self._store.latest(ORIGIN)
        except (SQLAlchemyError, OSError) as exc:
            log.warning("snapshot store unreadable (%s); building", type(exc).__name__)
            return None
        if stored is None:
            return None
        built_at = _aware(stored.built_at)
        if self._clock() - built_at >= self._ttl:
            return None
        try:
            snapshot = load_snapshot(stored.body)
        except SnapshotError as exc:
            log.warning("stored snapshot is invalid (%s); building", exc)
            return None
        self._current = (snapshot, built_at)
        return snapshot

    async def _save(self, snapshot: MarketSnapshot, built_at: datetime) -> None:
        if self._store is None:
            return
        try:
            await self._store.save(dump_snapshot(snapshot), built_at=built_at,
                                   generated_at=snapshot.generated_at, origin=ORIGIN,
                                   warnings=len(snapshot.warnings))
        except (SQLAlchemyError, OSError) as exc:
            log.warning("snapshot not stored (%s); it is still served", type(exc).__name__)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
