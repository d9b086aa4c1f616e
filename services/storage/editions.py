"""Editions that went out, with their snapshot, so a restart can finish a fan-out with the
very same edition (same id, same content) it started."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from services.models.report import Narration
from services.models.snapshot import MarketSnapshot
from services.snapshot_io import dump_snapshot, load_snapshot
from services.storage.db import Database
from services.storage.snapshots import SnapshotStore
from services.storage.tables import EditionRow, SnapshotRow


class EditionStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._snapshots = SnapshotStore(db)

    async def save(self, edition_id: str, snapshot: MarketSnapshot, built_at: datetime,
                   narration: Narration, origin: str = "edition", language: str = "en",
                   others: Mapping[str, Narration] | None = None) -> bool:
        """Record the edition once (its snapshot and what the narrator wrote, in ``language``
        and in the ``others``, so a rebuild says the same); False when it was already
        recorded."""
        if await self.exists(edition_id):
            return False
        snapshot_id = await self._snapshots.save(dump_snapshot(snapshot), datetime.now(UTC),
                                                 snapshot.generated_at.astimezone(UTC), origin)
        try:
            async with self._db.sessions.begin() as session:
                session.add(EditionRow(
                    id=edition_id, snapshot_id=snapshot_id, built_at=built_at.astimezone(UTC),
                    narrator=narration.narrator[:32], input_tokens=narration.input_tokens,
                    output_tokens=narration.output_tokens,
                    meta=json.dumps({"narration": asdict(narration), "language": language,
                                     "narrations": {k: asdict(v) for k, v in
                                                    (others or {}).items() if k != language}},
                                    ensure_ascii=False)))
        except IntegrityError:
            return False  # another process recorded it meanwhile
        return True

    async def exists(self, edition_id: str) -> bool:
        async with self._db.sessions() as session:
            return await session.get(EditionRow, edition_id) is not None

    async def load(self, edition_id: str) -> tuple[MarketSnapshot, Narration | None] | None:
        """The snapshot the edition was built from and its narration, or None if the
        edition was not recorded."""
        async with self._db.sessions() as session:
            row = (await session.execute(select(EditionRow.snapshot_id, EditionRow.meta).where(
                EditionRow.id == edition_id))).first()
        if row is None or row.snapshot_id is None:
            return None
        stored = await self._snapshots.get(row.snapshot_id)
        if stored is None:
            return None
        return load_snapshot(stored.body), _narration(row.meta)

    async def previous(self, before: datetime) -> MarketSnapshot | None:
        """The snapshot of the latest stored edition whose data is older than ``before`` (the
        ``generated_at`` of the edition being built), or None when there is none: the previous
        edition that went out, whatever ran since."""
        query = (select(SnapshotRow.body)
                 .join(EditionRow, EditionRow.snapshot_id == SnapshotRow.id)
                 .where(SnapshotRow.generated_at < before.astimezone(UTC))
                 .order_by(SnapshotRow.generated_at.desc(), EditionRow.built_at.desc())
                 .limit(1))
        async with self._db.sessions() as session:
            body = await session.scalar(query)
        return load_snapshot(body) if body is not None else None

    async def narrations(self, edition_id: str) -> dict[str, Narration]:
        """Every narration stored with the edition, by language (one written before languages
        existed is English)."""
        async with self._db.sessions() as session:
            meta = await session.scalar(select(EditionRow.meta).where(
                EditionRow.id == edition_id))
        if not meta:
            return {}
        data = json.loads(meta)
        found: dict[str, Narration] = {}
        main = _narration(meta)
        if main is not None:
            found[str(data.get("language") or "en")] = main
        for language, fields in (data.get("narrations") or {}).items():
            if isinstance(fields, dict):
                found[language] = _from_fields(fields)
        return found


def _from_fields(data: dict[str, Any]) -> Narration:
    data = dict(data)
    data["rejected"] = tuple(data.get("rejected") or ())
    return Narration(**data)


def _narration(meta: str | None) -> Narration | None:
    if not meta:
        return None
    data = json.loads(meta).get("narration")
    if not isinstance(data, dict):
        return None
    return _from_fields(data)


async def newest_built_at(db: Database) -> datetime | None:
    """When the newest recorded edition was built (any instance), or None."""
    async with db.sessions() as session:
        newest = await session.scalar(select(func.max(EditionRow.built_at)))
    if newest is None:
        return None
    return newest if newest.tzinfo is not None else newest.replace(tzinfo=UTC)
