"""Editions that went out, with their snapshot, so a restart can finish a fan-out with the
very same edition (same id, same content) it started."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.models.snapshot import MarketSnapshot
from services.snapshot_io import dump_snapshot, load_snapshot
from services.storage.db import Database
from services.storage.snapshots import SnapshotStore
from services.storage.tables import EditionRow


class EditionStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._snapshots = SnapshotStore(db)

    async def save(self, edition_id: str, snapshot: MarketSnapshot, built_at: datetime,
                   narrator: str = "template", origin: str = "edition") -> bool:
        """Record the edition once; False when it was already recorded."""
        if await self.exists(edition_id):
            return False
        snapshot_id = await self._snapshots.save(dump_snapshot(snapshot), datetime.now(UTC),
                                                 snapshot.generated_at, origin)
        try:
            async with self._db.sessions.begin() as session:
                session.add(EditionRow(id=edition_id, snapshot_id=snapshot_id,
                                       built_at=built_at, narrator=narrator))
        except IntegrityError:
            return False  # another process recorded it meanwhile
        return True

    async def exists(self, edition_id: str) -> bool:
        async with self._db.sessions() as session:
            return await session.get(EditionRow, edition_id) is not None

    async def snapshot(self, edition_id: str) -> MarketSnapshot | None:
        """The snapshot the edition was built from, or None if it was not recorded."""
        async with self._db.sessions() as session:
            snapshot_id = await session.scalar(select(EditionRow.snapshot_id).where(
                EditionRow.id == edition_id))
        if snapshot_id is None:
            return None
        stored = await self._snapshots.get(snapshot_id)
        return load_snapshot(stored.body) if stored else None
