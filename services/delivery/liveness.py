"""Is the worker that claimed a row still alive? Locks that die with their process answer it.

Each delivering process holds a lock named after its worker id for as long as it runs:

- **PostgreSQL**: a session-level advisory lock (``pg_advisory_lock``) on a dedicated
  connection. The server drops it the moment that session ends: the process exited, was
  killed, or lost its connection. Another process asks ``pg_try_advisory_lock`` for the same
  key: granted means the owner is gone (it then unlocks at once).
- **SQLite** (one host by nature): an ``fcntl`` lock on a file beside the database, which the
  kernel releases when the process dies, whatever its pid is reused for later.

No heartbeats and no lease to tune: a restarted ``push`` sees a dead worker's rows at once, and
never takes the rows of a live one (a standby, a second pusher).
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import os
import socket
import uuid
from pathlib import Path
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.storage.db import Database

WORKER_LOCK_SPACE = 0x4D42_0001  # first key of the two-key advisory locks: "worker"


def new_worker_id() -> str:
    """``host:pid:nonce``, unique per process start (a reused pid gets a new nonce)."""
    host = socket.gethostname().split(".")[0][:24] or "host"
    return f"{host}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def lock_key(name: str) -> int:
    """A signed 32-bit key for the second half of a two-key advisory lock."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), "big",
                          signed=True)


class Liveness(Protocol):
    worker_id: str

    async def start(self) -> None:
        """Take this worker's lock; hold it until ``stop``."""
        ...

    async def stop(self) -> None: ...

    async def is_alive(self, worker_id: str) -> bool: ...


class PgLiveness:
    def __init__(self, engine: AsyncEngine, worker_id: str) -> None:
        self._engine = engine
        self.worker_id = worker_id
        self._held: AsyncConnection | None = None

    async def start(self) -> None:
        if self._held is not None:
            return
        conn = await self._engine.connect()
        await conn.execute(text("SELECT pg_advisory_lock(:space, :key)"),
                           {"space": WORKER_LOCK_SPACE, "key": lock_key(self.worker_id)})
        await conn.commit()  # a session-level lock outlives the transaction
        self._held = conn

    async def stop(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            await held.close()  # closing the session releases the lock

    async def is_alive(self, worker_id: str) -> bool:
        if worker_id == self.worker_id:
            return self._held is not None
        params = {"space": WORKER_LOCK_SPACE, "key": lock_key(worker_id)}
        async with self._engine.connect() as conn:
            free = await conn.scalar(text("SELECT pg_try_advisory_lock(:space, :key)"), params)
            if free:
                await conn.scalar(text("SELECT pg_advisory_unlock(:space, :key)"), params)
            await conn.commit()
        return not free


class FileLiveness:
    def __init__(self, directory: Path, worker_id: str) -> None:
        self._dir = directory
        self.worker_id = worker_id
        self._fd: int | None = None

    def _path(self, worker_id: str) -> Path:
        return self._dir / (worker_id.replace("/", "_") + ".lock")

    async def start(self) -> None:
        if self._fd is not None:
            return
        self._dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self._path(self.worker_id), os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._fd = fd

    async def stop(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            self._path(self.worker_id).unlink(missing_ok=True)
            os.close(fd)

    async def is_alive(self, worker_id: str) -> bool:
        if worker_id == self.worker_id:
            return self._fd is not None
        return await asyncio.to_thread(self._probe, worker_id)

    def _probe(self, worker_id: str) -> bool:
        path = self._path(worker_id)
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            return False  # it stopped cleanly (and removed its file) or never ran here
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        else:
            path.unlink(missing_ok=True)  # a dead worker's leftover
            return False
        finally:
            os.close(fd)


class SoloLiveness:
    """An in-memory SQLite database: this process is the only worker there can be."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def is_alive(self, worker_id: str) -> bool:
        return worker_id == self.worker_id


def sqlite_path(db: Database) -> Path | None:
    """The database file, or None for an in-memory database."""
    database = db.engine.url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return Path(database).resolve()


def make_liveness(db: Database, worker_id: str | None = None) -> Liveness:
    worker = worker_id or new_worker_id()
    if db.dialect == "postgresql":
        return PgLiveness(db.engine, worker)
    path = sqlite_path(db)
    if path is None:
        return SoloLiveness(worker)
    return FileLiveness(path.parent / f"{path.name}.workers", worker)
