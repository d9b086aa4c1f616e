"""Each chart is uploaded once per edition, platform and language; later sends reuse the
platform's reference (a Telegram ``file_id``, a Discord attachment URL), kept in the ``media``
table under ``chart_key(name, language)`` (``dashboard``, ``dashboard@zh``).

``MediaCache.reuse_or_upload`` is single-flight per (edition, platform, chart): while the
first upload is in flight, other sends of the same chart wait for its reference instead of
uploading the bytes again. A reference another process stored is read from the database, so a
second pusher reuses it too (two processes starting at the same instant may each upload once).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError

from services.storage.db import Database
from services.storage.tables import MediaRow

T = TypeVar("T")
Key = tuple[str, str, str]  # (edition_id, platform, chart_key(name, language))


def chart_key(name: str, language: str) -> str:
    """A chart's name in the media table: English keeps the bare name (as stored before
    languages existed), another language is suffixed: ``dashboard@zh``."""
    return name if language == "en" else f"{name}@{language}"


class MediaCache:
    def __init__(self, db: Database | None) -> None:
        self._db = db
        self._refs: dict[Key, str] = {}
        self._locks: dict[Key, asyncio.Lock] = {}
        self.uploads = 0

    async def lookup(self, key: Key) -> str | None:
        if key in self._refs:
            return self._refs[key]
        if self._db is None:
            return None
        async with self._db.sessions() as session:
            ref = await session.scalar(select(MediaRow.file_ref).where(
                MediaRow.edition_id == key[0], MediaRow.platform == key[1],
                MediaRow.name == key[2]))
        if ref is not None:
            self._refs[key] = ref
        return ref

    async def store(self, key: Key, ref: str, replace: bool = False) -> str:
        """Keep ``ref`` unless another process stored one first (``replace``: the stored one
        went stale, overwrite it); returns the kept one."""
        if self._db is not None and replace:
            async with self._db.sessions.begin() as session:
                await session.execute(delete(MediaRow).where(
                    MediaRow.edition_id == key[0], MediaRow.platform == key[1],
                    MediaRow.name == key[2]))
        if self._db is not None:
            try:
                async with self._db.sessions.begin() as session:
                    await session.execute(insert(MediaRow).values(
                        edition_id=key[0], platform=key[1], name=key[2], file_ref=ref,
                        created_at=datetime.now(UTC)))
            except IntegrityError:
                ref = await self._stored(key) or ref
        self._refs[key] = ref
        return ref

    async def _stored(self, key: Key) -> str | None:
        self._refs.pop(key, None)
        return await self.lookup(key)

    def keep_only(self, edition_id: str) -> None:
        """Forget (in memory) every other edition's references: a long-running bot keeps only
        the current edition's."""
        for key in [k for k in self._refs if k[0] != edition_id]:
            del self._refs[key]
        for key in [k for k, lock in self._locks.items() if k[0] != edition_id
                    and not lock.locked()]:
            del self._locks[key]

    def forget(self, key: Key) -> None:
        """The platform no longer accepts the reference: the next send uploads again."""
        self._refs.pop(key, None)

    async def reuse_or_upload(self, key: Key, reuse: Callable[[str], Awaitable[T]],
                              upload: Callable[[], Awaitable[tuple[T, str | None]]]) -> T:
        """``reuse(ref)`` when a reference exists; otherwise ``upload()`` (one at a time per
        key), which returns its result and the new reference (None: nothing to keep)."""
        ref = await self.lookup(key)
        if ref is not None:
            return await reuse(ref)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            ref = await self.lookup(key)
            if ref is None:
                result, new_ref = await upload()
                self.uploads += 1
                if new_ref is not None:
                    await self.store(key, new_ref)
                return result
        return await reuse(ref)
