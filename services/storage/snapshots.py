"""Built snapshots, stored with their timestamps for the cache and for replay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from services.storage.db import Database
from services.storage.tables import SnapshotRow


@dataclass(frozen=True)
class StoredSnapshot:
    id: int
    built_at: datetime
    generated_at: datetime
    origin: str
    body: str


class SnapshotStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, body: str, built_at: datetime, generated_at: datetime, origin: str,
                   warnings: int = 0) -> int:
        async with self._db.sessions.begin() as session:
            row = SnapshotRow(body=body, built_at=built_at, generated_at=generated_at,
                              origin=origin, warnings=warnings)
            session.add(row)
            await session.flush()
            return row.id

    async def latest(self, origin: str | None = None) -> StoredSnapshot | None:
        query = select(SnapshotRow).order_by(SnapshotRow.built_at.desc(), SnapshotRow.id.desc())
        if origin:
            query = query.where(SnapshotRow.origin == origin)
        async with self._db.sessions() as session:
            row = await session.scalar(query.limit(1))
            return _value(row) if row else None

    async def get(self, snapshot_id: int) -> StoredSnapshot | None:
        async with self._db.sessions() as session:
            row = await session.get(SnapshotRow, snapshot_id)
            return _value(row) if row else None


def _value(row: SnapshotRow) -> StoredSnapshot:
    return StoredSnapshot(row.id, row.built_at, row.generated_at, row.origin, row.body)
