"""Alembic to one revision, up or down, on a connection the test holds (``run_sync``)."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from services.storage.db import MIGRATIONS


def migrate_to(revision: str, downgrade: bool = False) -> Callable[[Connection], None]:
    """``await conn.run_sync(migrate_to("0006", downgrade=True))``."""
    def run(connection: Connection) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        (command.downgrade if downgrade else command.upgrade)(config, revision)

    return run
