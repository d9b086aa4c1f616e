"""Alembic environment: uses the connection handed over by ``db.migrate`` or, from the
``alembic`` command line, an engine built from DATABASE_URL."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from services.storage.tables import Base

target_metadata = Base.metadata


def run_with(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


async def run_from_url() -> None:
    from services.storage.db import create_engine

    engine = create_engine(os.environ.get("DATABASE_URL", "sqlite+aiosqlite:///./marketbot.db"))
    async with engine.begin() as connection:
        await connection.run_sync(run_with)
    await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_with(connection)
else:
    asyncio.run(run_from_url())
