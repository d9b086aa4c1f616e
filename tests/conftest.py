"""Shared test fixtures. No test touches the network."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = SHARED / "fixtures"
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"


@pytest.fixture
def logging_restored() -> Iterator[None]:
    """For a test that runs ``bot.logging.setup_logging`` (``main`` of ``run`` or ``push``):
    the root handlers and level, and the levels it quiets, are put back afterwards, so that
    the tests that follow see the logging pytest set up."""
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quieted = {name: logging.getLogger(name).level
               for name in ("httpx", "alembic", "discord.client")}
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, old in quieted.items():
        logging.getLogger(name).setLevel(old)


@pytest.fixture
def fixtures_dir() -> Path:
    """The recorded upstream responses in ../shared/fixtures (absent on a user's clone)."""
    if not FIXTURES.is_dir():
        pytest.skip("recorded upstream responses not available")
    return FIXTURES


async def _admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(POSTGRES_URL, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _postgres_available() -> str | None:
    try:
        asyncio.run(_admin("SELECT 1"))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The PostgreSQL admin URL; skips (or fails in CI) when the server is unreachable."""
    problem = _postgres_available()
    if problem:
        message = f"PostgreSQL not reachable at {POSTGRES_URL} ({problem})"
        if REQUIRE_POSTGRES:
            pytest.fail(message + "; REQUIRE_POSTGRES=1 makes these tests mandatory")
        pytest.skip(message + "; set TEST_POSTGRES_URL to run the PostgreSQL tests")
    return POSTGRES_URL


@pytest.fixture
def pg_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    base = postgres_server.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Every storage test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))
