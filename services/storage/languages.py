"""The language each destination (a Telegram chat, a Discord channel) reads, as ``/lang``
stored it. A destination that never chose reads the default (the ``LANGUAGE`` setting).

Reads are answered from memory after the first; every write goes to the database first, so
another process sees it on its next start (one process answers a chat's commands at a time).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select, update

from services.i18n import LANGUAGES
from services.storage.db import Database
from services.storage.tables import DestinationLanguageRow

Key = tuple[str, str]  # (platform, destination id)


class LanguageStore:
    def __init__(self, db: Database, default: str = "en") -> None:
        self._db = db
        self.default = default
        self._known: dict[Key, str | None] = {}

    async def get(self, platform: str, destination_id: str) -> str:
        """The destination's language: its own choice, else the default."""
        return await self.chosen(platform, destination_id) or self.default

    async def chosen(self, platform: str, destination_id: str) -> str | None:
        """What the destination chose, or ``None`` if it never did."""
        key = (platform, str(destination_id))
        if key not in self._known:
            async with self._db.sessions() as session:
                self._known[key] = await session.scalar(
                    select(DestinationLanguageRow.language).where(
                        DestinationLanguageRow.platform == key[0],
                        DestinationLanguageRow.destination_id == key[1]))
        return self._known[key]

    async def set(self, platform: str, destination_id: str, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        key = (platform, str(destination_id))
        now = datetime.now(UTC)
        async with self._db.sessions.begin() as session:
            row = await session.get(DestinationLanguageRow, key, with_for_update=True)
            if row is None:
                session.add(DestinationLanguageRow(platform=key[0], destination_id=key[1],
                                                   language=language, updated_at=now))
            else:
                row.language, row.updated_at = language, now
        self._known[key] = language

    async def all(self) -> dict[Key, str]:
        """Every stored choice (the fan-out reads them once per run)."""
        async with self._db.sessions() as session:
            rows = (await session.execute(select(
                DestinationLanguageRow.platform, DestinationLanguageRow.destination_id,
                DestinationLanguageRow.language))).all()
        found = {(r.platform, r.destination_id): r.language for r in rows}
        self._known.update(found)
        return found

    async def move(self, platform: str, old_id: str, new_id: str) -> None:
        """A Telegram group migrated: its choice follows it to the new id."""
        async with self._db.sessions.begin() as session:
            await session.execute(delete(DestinationLanguageRow).where(
                DestinationLanguageRow.platform == platform,
                DestinationLanguageRow.destination_id == new_id,
                select(DestinationLanguageRow.destination_id).where(
                    DestinationLanguageRow.platform == platform,
                    DestinationLanguageRow.destination_id == old_id).exists()))
            await session.execute(update(DestinationLanguageRow).where(
                DestinationLanguageRow.platform == platform,
                DestinationLanguageRow.destination_id == old_id).values(
                destination_id=new_id, updated_at=datetime.now(UTC)))
        self._known.pop((platform, old_id), None)
        self._known.pop((platform, new_id), None)
