"""Storage through SQLAlchemy 2 (async): SQLite by default, PostgreSQL when DATABASE_URL says so.

``open_database(url)`` creates the engine and runs the Alembic migrations; the stores take the
``Database`` and are the only code that touches tables.
"""

from services.storage.db import Database, normalize_url, open_database

__all__ = ["Database", "normalize_url", "open_database"]
