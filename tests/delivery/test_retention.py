"""The delivery ledger's retention, on SQLite and PostgreSQL: finished rows older than the
retention go, in chunks; unfinished and recent rows stay; the leader runs it every 6 hours
only when DELIVERY_RETENTION_DAYS is set."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from bot.cli import open_container
from bot.config import Settings
from bot.delivery import RETENTION_EVERY_S, build_delivery, scheduler_for
from services.delivery.ledger import FAILED, GONE, MOVED, PENDING, SENDING, SENT, Ledger
from services.delivery.media import MediaCache
from services.report.editions import FixedSource
from services.snapshot_io import load_sample
from services.storage import Database
from services.storage.tables import DeliveryRow

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
STATUSES = (SENT, FAILED, GONE, MOVED, PENDING, SENDING)


async def ledger_of(db: Database) -> set[tuple[str, str]]:
    async with db.sessions() as session:
        return {(r.edition_id, r.destination_id) for r in await session.execute(
            select(DeliveryRow.edition_id, DeliveryRow.destination_id))}


async def fill(db: Database, now: datetime = NOW) -> None:
    """Each state, 100 days old ("old") and one day old ("new"), two destinations each."""
    async with db.engine.begin() as conn:
        await conn.execute(insert(DeliveryRow), [
            {"edition_id": edition, "platform": "telegram", "destination_id": f"{status}{n}",
             "status": status, "attempts": 1, "in_doubt": 0, "updated_at": now - age}
            for edition, age in (("old", timedelta(days=100)), ("new", timedelta(days=1)))
            for status in STATUSES for n in range(2)])


async def test_finished_rows_past_the_retention_go_in_chunks(db: Database) -> None:
    await fill(db)
    ledger = Ledger(db, "w1", clock=lambda: NOW)
    assert await ledger.prune(timedelta(days=90), chunk=3) == 8  # 4 finished states × 2
    kept = await ledger_of(db)
    assert {d for e, d in kept if e == "old"} == {"pending0", "pending1", "sending0",
                                                  "sending1"}, "unfinished work stays"
    assert len([1 for e, _ in kept if e == "new"]) == 12, "recent rows stay"
    assert await ledger.prune(timedelta(days=90), chunk=3) == 0


async def test_the_leader_prunes_only_when_a_retention_is_set(sqlite_url: str) -> None:
    for days, expected in ((0, None), (90, 8)):
        settings = Settings(_env_file=None, database_url=sqlite_url,  # type: ignore[call-arg]
                            narrator="template", delivery_retention_days=days)
        async with open_container(settings, FixedSource(load_sample()), warm=False
                                  ) as container:
            if days:
                await fill(container.db, datetime.now(UTC))  # the job reads the real clock
            delivery = build_delivery(container, {}, MediaCache(container.db))
            try:
                jobs = {job.name: job for job in scheduler_for(container, delivery)._jobs}
                job = jobs.get("ledger-retention")
                if expected is None:
                    assert job is None
                    continue
                assert job is not None and job.every_s == RETENTION_EVERY_S
                assert await job.run() == expected
                assert {e for e, _ in await ledger_of(container.db)} == {"old", "new"}
            finally:
                await delivery.close()
