"""One scheduler leads: whoever holds the leader lock. A standby polls for it.

- **PostgreSQL**: ``pg_try_advisory_lock`` on a dedicated connection kept open while leading
  (a session-level lock; never the transaction-level kind on a pooled connection). If the
  leader dies or its connection drops, the server frees the lock and a standby's next
  ``try_acquire`` gets it. ``still_held`` pings the connection, so a leader that lost its
  session steps down instead of scheduling alongside the new one.
- **SQLite**: an ``fcntl`` lock on ``<database>.leader`` (one host, as SQLite is).
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from pathlib import Path
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.delivery.liveness import lock_key, sqlite_path
from services.storage.db import Database

log = logging.getLogger(__name__)

LEADER_LOCK_SPACE = 0x4D42_0002  # first key of the two-key advisory locks: "leader"


class LeaderLock(Protocol):
    async def try_acquire(self) -> bool: ...

    async def still_held(self) -> bool: ...

    async def release(self) -> None: ...


class PgLeaderLock:
    def __init__(self, engine: AsyncEngine, name: str = "briefing-scheduler") -> None:
        self._engine = engine
        self._params = {"space": LEADER_LOCK_SPACE, "key": lock_key(name)}
        self._conn: AsyncConnection | None = None

    async def try_acquire(self) -> bool:
        if self._conn is not None:
            return await self.still_held()
        try:
            conn = await self._engine.connect()
        except (OSError, SQLAlchemyError) as exc:
            log.warning("leader lock: cannot reach the database: %s", exc)
            return False
        try:
            got = await conn.scalar(text("SELECT pg_try_advisory_lock(:space, :key)"),
                                    self._params)
            await conn.commit()
        except (OSError, SQLAlchemyError):
            await conn.close()
            raise
        if got:
            self._conn = conn
            return True
        await conn.close()
        return False

    async def still_held(self) -> bool:
        if self._conn is None:
            return False
        try:
            await self._conn.scalar(text("SELECT 1"))
            await self._conn.commit()
            return True
        except (OSError, DBAPIError, SQLAlchemyError) as exc:
            log.error("leader lock: lost the lock's connection (%s); stepping down", exc)
            await self._drop()
            return False

    async def release(self) -> None:
        if self._conn is None:
            return
        try:
            await self._conn.scalar(text("SELECT pg_advisory_unlock(:space, :key)"),
                                    self._params)
            await self._conn.commit()
        except (OSError, SQLAlchemyError) as exc:
            log.warning("leader lock: unlock failed (%s); closing the session frees it", exc)
        await self._drop()

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.close()
            except (OSError, SQLAlchemyError):
                await conn.invalidate()


class FileLeaderLock:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None

    async def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        return await asyncio.to_thread(self._take)

    def _take(self) -> bool:
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def still_held(self) -> bool:
        return self._fd is not None

    async def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)


class AlwaysLeader:
    """An in-memory database has one process: it leads."""

    def __init__(self) -> None:
        self._held = False

    async def try_acquire(self) -> bool:
        self._held = True
        return True

    async def still_held(self) -> bool:
        return self._held

    async def release(self) -> None:
        self._held = False


def make_leader_lock(db: Database, name: str = "briefing-scheduler") -> LeaderLock:
    if db.dialect == "postgresql":
        return PgLeaderLock(db.engine, name)
    path = sqlite_path(db)
    if path is None:
        return AlwaysLeader()
    return FileLeaderLock(path.parent / f"{path.name}.leader")
