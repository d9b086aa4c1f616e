from services.storage import open_database
from services.storage.subscriptions import SubscriptionStore


async def test_subscribe_change_move_deactivate(db_url: str) -> None:
    db = await open_database(db_url)
    try:
        store = SubscriptionStore(db)
        await store.upsert("telegram", "42", "08:30", "Asia/Hong_Kong")
        changed = await store.upsert("telegram", "42", "07:15", "Europe/London", kind="group")
        assert (changed.time_hhmm, changed.tz, changed.kind) == ("07:15", "Europe/London", "group")
        assert await store.move("telegram", "42", "-10042")
        assert [s.destination_id for s in await store.list()] == ["-10042"]
        assert await store.deactivate("telegram", "-10042", "Forbidden: bot was blocked")
        assert await store.list() == []
        gone = await store.get("telegram", "-10042")
        assert gone is not None and not gone.active
        assert gone.deactivated_reason == "Forbidden: bot was blocked"
        again = await store.upsert("telegram", "-10042", "08:30", "Asia/Hong_Kong")
        assert again.active and again.deactivated_reason is None
    finally:
        await db.close()


async def test_platforms_are_separate_keys(db_url: str) -> None:
    db = await open_database(db_url)
    try:
        store = SubscriptionStore(db)
        await store.upsert("telegram", "1", "08:30", "UTC")
        await store.upsert("discord", "1", "09:00", "UTC", guild_id="7")
        assert {s.platform for s in await store.list()} == {"telegram", "discord"}
        assert [s.platform for s in await store.list("discord")] == ["discord"]
    finally:
        await db.close()


async def test_migrations_are_idempotent(db_url: str) -> None:
    first = await open_database(db_url)
    await SubscriptionStore(first).upsert("discord", "9", "08:30", "UTC")
    await first.close()
    second = await open_database(db_url)  # runs the migrations again: nothing is lost
    try:
        assert [s.destination_id for s in await SubscriptionStore(second).list()] == ["9"]
    finally:
        await second.close()
