"""The briefing scheduler: slot triggers across DST changes (fake clock), catch-up after a
restart (coalesced, within the grace time, skipped beyond it), jobs following subscriptions,
and the leader lock (one leads; the standby takes over when it stops)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.scheduler import BriefingScheduler, fires_between, latest_fire, slot_trigger
from services.delivery.briefing import Briefing
from services.delivery.leader import LeaderLock, make_leader_lock
from services.delivery.ledger import SENT
from services.delivery.slots import Slot, SlotStore
from services.models.snapshot import MarketSnapshot
from services.narration.base import Narrator
from services.narration.template import TemplateNarrator
from services.report.editions import Edition, make_edition
from services.storage import Database, open_database
from services.storage.editions import EditionStore
from tests.delivery.conftest import HK, Rig, RigFactory, sample_cache


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def fires(slot: Slot, start: str, end: str, weekends: bool = True) -> list[str]:
    trigger = slot_trigger(slot, weekends)
    return [f.astimezone(UTC).strftime("%m-%d %H:%M")
            for f in fires_between(trigger, utc(start), utc(end))]


# ------------------------------------------------------------------ triggers and DST
def test_london_keeps_its_wall_clock_time_across_the_spring_change() -> None:
    assert fires(Slot("08:30", "Europe/London"), "2026-03-27", "2026-03-31") == [
        "03-27 08:30", "03-28 08:30", "03-29 07:30", "03-30 07:30"]
    assert fires(Slot("08:30", "Europe/London"), "2026-10-23", "2026-10-27") == [
        "10-23 07:30", "10-24 07:30", "10-25 08:30", "10-26 08:30"]


def test_a_time_inside_the_spring_gap_fires_an_hour_later() -> None:
    # 02:30 does not exist in New York on 2026-03-08: it fires at 03:30 EDT (07:30 UTC)
    assert fires(Slot("02:30", "America/New_York"), "2026-03-07", "2026-03-10") == [
        "03-07 07:30", "03-08 07:30", "03-09 06:30"]


def test_weekend_editions_off_skips_saturday_and_sunday() -> None:
    days = [f.strftime("%a") for f in fires_between(
        slot_trigger(Slot("08:30", "Asia/Hong_Kong"), weekends=False),
        utc("2026-03-18"), utc("2026-03-25"))]
    assert days == ["Wed", "Thu", "Fri", "Mon", "Tue"]


def test_latest_fire_is_the_last_scheduled_time_not_now() -> None:
    trigger = slot_trigger(Slot("08:30", "Asia/Hong_Kong"))
    assert latest_fire(trigger, utc("2026-03-21T03:00:00")) == utc("2026-03-21T00:30:00")
    assert latest_fire(trigger, utc("2026-03-21T00:29:59")) == utc("2026-03-20T00:30:00")


# ------------------------------------------------------------------ a scheduler rig
async def _rebuild(snapshot: MarketSnapshot, narrator: Narrator) -> Edition:
    return await make_edition(snapshot, narrator, HK, datetime.now(UTC))


@dataclass
class Sched:
    scheduler: BriefingScheduler
    rig: Rig
    slots: SlotStore


SchedFactory = Callable[..., Sched]


@pytest.fixture
async def scheds(rigs: RigFactory, db: Database) -> AsyncIterator[SchedFactory]:
    made: list[Sched] = []

    def factory(grace: int = 3600, clock: Callable[[], datetime] | None = None,
                lock: LeaderLock | None = None, database: Database | None = None) -> Sched:
        rig = rigs("telegram")
        base = database or db
        briefing = Briefing(sample_cache(), EditionStore(base), rig.ledger, rig.fanout,
                            rig.subscriptions, _rebuild, TemplateNarrator())
        slots = SlotStore(base)
        scheduler = BriefingScheduler(
            briefing, rig.subscriptions, slots, lock or make_leader_lock(base),
            misfire_grace_s=grace, poll_s=0.05, drain_s=2,
            clock=clock or (lambda: datetime.now(UTC)))
        made.append(Sched(scheduler, rig, slots))
        return made[-1]

    try:
        yield factory
    finally:
        for sched in made:
            await sched.scheduler.stop()


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def record_fire(db: Database, slot: Slot, at: datetime) -> None:
    async with db.sessions.begin() as session:
        await SlotStore.record(session, slot, at, None)


def minute(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


# ------------------------------------------------------------------ DST on a fake clock
async def test_the_autumn_repeat_of_an_ambiguous_time_sends_once(scheds: SchedFactory) -> None:
    now = [utc("2026-11-01T05:30:04")]  # 01:30 EDT; the clocks go back at 06:00 UTC
    sched = scheds(clock=lambda: now[0])
    slot = Slot("01:30", "America/New_York")
    await sched.rig.subscribe("telegram", 1, 2, time_hhmm="01:30", tz="America/New_York")
    await sched.scheduler.fire(slot)
    now[0] = utc("2026-11-01T06:30:04")  # 01:30 EST: CronTrigger fires again
    await sched.scheduler.fire(slot)
    assert sched.scheduler.fired == [(slot.key, utc("2026-11-01T05:30:00"))]
    assert sched.rig.senders["telegram"].received() == {"1": 1, "2": 1}
    now[0] = utc("2026-11-02T06:30:03")  # the next day: a new edition day
    await sched.scheduler.fire(slot)
    assert len(sched.scheduler.fired) == 2
    assert await sched.slots.last_fire(slot) == utc("2026-11-02T06:30:00")


async def test_a_slot_fires_only_for_its_own_subscribers(scheds: SchedFactory) -> None:
    sched = scheds(clock=lambda: utc("2026-03-29T07:30:02"))
    london = Slot("08:30", "Europe/London")
    await sched.rig.subscribe("telegram", 1, 2, time_hhmm="08:30", tz="Europe/London")
    await sched.rig.subscribe("telegram", 3, time_hhmm="08:30", tz="Asia/Hong_Kong")
    await sched.scheduler.fire(london)
    assert sched.scheduler.fired == [(london.key, utc("2026-03-29T07:30:00"))]
    assert sched.rig.senders["telegram"].received() == {"1": 1, "2": 1}


# ------------------------------------------------------------------ real scheduler, restarts
async def test_missed_slot_fires_once_after_a_restart_then_not_again(
        scheds: SchedFactory, db: Database) -> None:
    due = minute(datetime.now(UTC) - timedelta(minutes=3))
    slot = Slot(due.strftime("%H:%M"), "UTC")
    await record_fire(db, slot, due - timedelta(days=3))  # down for three days
    first = scheds()
    await first.rig.subscribe("telegram", 1, 2, 3, time_hhmm=slot.time_hhmm, tz="UTC")
    await first.rig.subscribe("telegram", 4, time_hhmm="00:00", tz="Pacific/Auckland")

    await first.scheduler.start()
    await eventually(lambda: _sent(first, 3))
    assert first.scheduler.fired == [(slot.key, due)], "three missed fires, coalesced into one"
    assert first.rig.senders["telegram"].received() == {"1": 1, "2": 1, "3": 1}
    assert await first.slots.last_fire(slot) == due
    await first.scheduler.stop()

    second = scheds()  # the restart
    await second.scheduler.start()
    await eventually(lambda: _is_set(second.scheduler.leading))
    await eventually(lambda: _next_run(second, slot, due + timedelta(days=1)))
    await asyncio.sleep(0.3)
    assert second.scheduler.fired == []
    assert sum(second.rig.senders["telegram"].received().values()) == 0


async def test_a_slot_missed_beyond_the_grace_time_is_skipped(scheds: SchedFactory,
                                                              db: Database) -> None:
    due = minute(datetime.now(UTC) - timedelta(hours=2))
    slot = Slot(due.strftime("%H:%M"), "UTC")
    await record_fire(db, slot, due - timedelta(days=1))
    sched = scheds(grace=3600)
    await sched.rig.subscribe("telegram", 1, time_hhmm=slot.time_hhmm, tz="UTC")
    await sched.scheduler.start()
    await eventually(lambda: _next_run(sched, slot, due + timedelta(days=1)))
    await asyncio.sleep(0.3)
    assert sched.scheduler.fired == []


async def test_jobs_follow_the_subscriptions(scheds: SchedFactory) -> None:
    sched = scheds()
    await sched.rig.subscribe("telegram", 1, time_hhmm="07:15", tz="Europe/London")
    await sched.scheduler.start()
    await eventually(lambda: _is_set(sched.scheduler.leading))
    assert set(sched.scheduler.next_runs()) == {"07:15 Europe/London"}
    await sched.rig.subscribe("telegram", 2, time_hhmm="09:00", tz="America/New_York")
    await sched.rig.subscriptions.remove("telegram", "1")
    await sched.scheduler.sync()
    runs = sched.scheduler.next_runs()
    assert set(runs) == {"09:00 America/New_York"}
    next_run = runs["09:00 America/New_York"]
    assert next_run is not None and next_run > datetime.now(UTC)
    assert next_run.astimezone(Slot("09:00", "America/New_York").zone).strftime("%H:%M") == \
        "09:00"


async def test_the_leader_resumes_an_unfinished_fanout(scheds: SchedFactory) -> None:
    """A fan-out the ledger shows unfinished (its worker died) is finished by the leader."""
    sched = scheds()
    dests = await sched.rig.subscribe("telegram", 1, 2, 3, time_hhmm="23:59", tz="UTC")
    briefing_edition = await sched.scheduler._briefing.edition()
    await sched.rig.ledger.enqueue(briefing_edition.id, dests)
    await sched.scheduler.start()
    await eventually(lambda: _sent(sched, 3))


# ------------------------------------------------------------------ leading
async def test_one_leads_and_the_standby_takes_over(scheds: SchedFactory, db_url: str) -> None:
    other_db = await open_database(db_url)  # another engine: another session, as a process
    try:
        first = scheds()
        second = scheds(database=other_db)
        await first.scheduler.start()
        await eventually(lambda: _is_set(first.scheduler.leading))
        await second.scheduler.start()
        await asyncio.sleep(0.3)
        assert not second.scheduler.leading.is_set(), "two leaders"
        await first.scheduler.stop()
        await eventually(lambda: _is_set(second.scheduler.leading))
        await second.scheduler.stop()
    finally:
        await other_db.close()


async def _sent(sched: Sched, count: int) -> bool:
    """``count`` sends made, and the ledger rows of their editions all marked ``sent``."""
    if sum(sched.rig.senders["telegram"].received().values()) < count:
        return False
    for edition in _editions(sched):
        if set(await sched.rig.ledger.statuses(edition)) != {SENT}:
            return False
    return True


def _editions(sched: Sched) -> set[str]:
    return {e for _, e in sched.rig.senders["telegram"].delivered}


async def _is_set(event: asyncio.Event) -> bool:
    return event.is_set()


async def _next_run(sched: Sched, slot: Slot, expected: datetime) -> bool:
    return sched.scheduler.next_runs().get(slot.key) == expected


async def test_a_slot_seen_first_owes_nothing_from_before(scheds: SchedFactory) -> None:
    """It is recorded as handled up to its latest past fire, so that a later restart catches
    up only what was missed after it became known; a slot with a bad zone is skipped."""
    sched = scheds()
    due = minute(datetime.now(UTC) - timedelta(minutes=5))
    slot = Slot(due.strftime("%H:%M"), "UTC")
    await sched.rig.subscribe("telegram", 1, time_hhmm=slot.time_hhmm, tz="UTC")
    await sched.rig.subscriptions.upsert("telegram", "2", "08:30", "Mars/Phobos")
    await sched.scheduler.start()
    await eventually(lambda: _is_set(sched.scheduler.leading))
    assert await sched.slots.last_fire(slot) == due
    assert set(sched.scheduler.next_runs()) == {slot.key}
    await asyncio.sleep(0.2)
    assert sched.scheduler.fired == []
