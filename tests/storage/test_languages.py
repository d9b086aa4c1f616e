"""Each destination's language (revision 0006), on SQLite and PostgreSQL: set, read back by
another process, changed, listed for the fan-out, moved with a migrating group; the revision
goes up and back down."""

from __future__ import annotations

from sqlalchemy import inspect

from services.storage import open_database
from services.storage.db import create_engine
from services.storage.languages import LanguageStore
from tests.support.migrations import migrate_to


async def test_set_read_change_list_and_move(db_url: str) -> None:
    db = await open_database(db_url)
    try:
        store = LanguageStore(db, default="en")
        assert await store.get("telegram", "42") == "en"
        assert await store.chosen("telegram", "42") is None
        await store.set("telegram", "42", "zh")
        await store.set("discord", "42", "en")
        assert await store.get("telegram", "42") == "zh"
        other = LanguageStore(db, default="zh")  # another process, another default
        assert await other.chosen("telegram", "42") == "zh"
        assert await other.get("telegram", "7") == "zh"
        await store.set("telegram", "42", "en")
        assert await LanguageStore(db).chosen("telegram", "42") == "en"
        await store.set("telegram", "-100", "zh")
        assert await store.all() == {("telegram", "42"): "en", ("discord", "42"): "en",
                                     ("telegram", "-100"): "zh"}
        await store.set("telegram", "-200", "en")  # the supergroup already had a row
        await store.move("telegram", "-100", "-200")
        assert await store.get("telegram", "-200") == "zh"
        assert await store.chosen("telegram", "-100") is None
        await store.move("telegram", "-999", "-1000")  # nothing to move: nothing changes
        assert await store.chosen("telegram", "-1000") is None
    finally:
        await db.close()


async def test_revision_0006_adds_the_table_and_goes_back(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(migrate_to("0006"))
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            assert "destination_languages" in tables and "subscriptions" in tables
            await conn.run_sync(migrate_to("0005", downgrade=True))  # the revision before it
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            assert "destination_languages" not in tables and "alerts" in tables
    finally:
        await engine.dispose()
