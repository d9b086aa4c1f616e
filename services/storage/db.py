"""Engine, sessions and migrations."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

MIGRATIONS = Path(__file__).parent / "migrations"


def normalize_url(url: str) -> str:
    """Plain ``postgresql://``/``postgres://``/``sqlite://`` URLs get their async drivers."""
    for plain, driver in (("postgres://", "postgresql+asyncpg://"),
                          ("postgresql://", "postgresql+asyncpg://"),
                          ("sqlite://", "sqlite+aiosqlite://")):
        if url.startswith(plain):
            return driver + url[len(plain):]
    return url


@dataclass
class Database:
    engine: AsyncEngine
    sessions: async_sessionmaker

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def close(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create_engine(url: str) -> AsyncEngine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True)


def _upgrade(connection: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "heads")  # every branch (revisions made in parallel)


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the latest Alembic revision; subscriptions survive upgrades."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


async def open_database(url: str, run_migrations: bool = True) -> Database:
    engine = create_engine(url)
    if run_migrations:
        await migrate(engine)
    return Database(engine, async_sessionmaker(engine, expire_on_commit=False))
