"""The delivery fixtures (a database on SQLite and PostgreSQL, rigs, the sample edition)."""

from tests.delivery.conftest import db, edition, rigs, sqlite_db

__all__ = ["db", "edition", "rigs", "sqlite_db"]
