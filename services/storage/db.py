"""Engine, sessions and migrations."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
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
    command.upgrade(config, "head")


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the latest Alembic revision; subscriptions survive upgrades."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for in-memory or another database)."""
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


async def open_read_only(url: str) -> Database | None:
    """The database as it is, to read only (``push --dry-run``): no migrations and nothing
    written; a SQLite file is opened read-only, and one that does not exist is not created
    (None: there is nothing to read)."""
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() != "sqlite":
        engine = create_async_engine(parsed, pool_pre_ping=True)
        return Database(engine, async_sessionmaker(engine, expire_on_commit=False))
    path = sqlite_file(url)
    if path is None or not path.is_file():
        return None
    # A WAL file exists while another process has the database open: read through it. Else
    # "immutable" keeps SQLite from creating the -wal and -shm files that read-only mode
    # would leave behind.
    live = path.with_name(path.name + "-wal").exists()
    mode = "mode=ro" if live else "mode=ro&immutable=1"
    engine = create_async_engine(
        f"sqlite+aiosqlite:///file:{quote(str(path.resolve()))}?{mode}&uri=true")
    return Database(engine, async_sessionmaker(engine, expire_on_commit=False))


async def open_database(url: str, run_migrations: bool = True) -> Database:
    engine = create_engine(url)
    if run_migrations:
        await migrate(engine)
    return Database(engine, async_sessionmaker(engine, expire_on_commit=False))
