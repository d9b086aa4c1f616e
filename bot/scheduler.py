"""The briefing scheduler: an APScheduler ``AsyncIOScheduler`` in the runtime's loop, run only
by the instance holding the leader lock.

**One job per slot.** Subscriptions are grouped by (time, zone); each group is one job with
``CronTrigger(hour, minute, timezone=zone)`` (``day_of_week="mon-fri"`` when weekend editions
are off), ``coalesce=True``, ``max_instances=1`` and ``misfire_grace_time``. Grouping keeps the
job count to the number of distinct times people chose (a handful), lets APScheduler do the
time-zone and DST arithmetic (a time in a spring-forward gap fires an hour later), and makes
each fan-out one batch. On the autumn change CronTrigger fires an ambiguous time (01:30 in New
York) at both of its instants; ``fire`` sends one edition per slot per local day, so the
repeat is skipped. The jobs follow the
subscriptions: ``sync`` (at start, then every ``sync_s``) adds and removes them.

**Across restarts.** Jobs live in memory (no pickled job store, no sync database driver);
what must survive is in the database: each slot's last fire (``schedule_slots``) and the
ledger. When an instance starts leading, each slot's job starts from the fire after its
recorded last fire; if that is already past, APScheduler's own rules apply: coalesced into one
run if the latest missed fire is within ``misfire_grace_time``, skipped otherwise. A slot seen
for the first time is recorded as handled up to its latest past fire (it owes nothing from
before it was known). Then ``resume`` finishes any fan-out the ledger shows unfinished within
the grace time.

**Leading.** ``LeaderLock`` (PostgreSQL session advisory lock / SQLite file lock). A standby
polls every ``poll_s``; a leader checks its lock as often and steps down if it is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfoNotFoundError

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from services.delivery.briefing import Briefing
from services.delivery.leader import LeaderLock
from services.delivery.slots import Slot, SlotStore, slots_of
from services.storage.subscriptions import SubscriptionStore

log = logging.getLogger(__name__)

SLOT_PREFIX = "slot:"
JOB_PREFIX = "job:"


@dataclass(frozen=True)
class LeaderJob:
    """Work only the leading instance does, every ``every_s`` seconds."""

    name: str
    every_s: float
    run: Callable[[], Awaitable[object]]


def slot_trigger(slot: Slot, weekends: bool = True) -> CronTrigger:
    return CronTrigger(hour=slot.hour, minute=slot.minute, second=0,
                       day_of_week=None if weekends else "mon-fri", timezone=slot.zone)


def fires_between(trigger: CronTrigger, start: datetime, end: datetime) -> list[datetime]:
    """Every fire time in (start, end]."""
    out: list[datetime] = []
    fire = trigger.get_next_fire_time(None, start + timedelta(microseconds=1))
    while fire is not None and fire <= end:
        out.append(fire)
        fire = trigger.get_next_fire_time(fire, fire)
    return out


def latest_fire(trigger: CronTrigger, now: datetime, lookback: timedelta = timedelta(days=8)
                ) -> datetime | None:
    """The last fire time at or before ``now`` (what a running job was scheduled for)."""
    fires = fires_between(trigger, now - lookback, now)
    return fires[-1] if fires else None


def resume_point(trigger: CronTrigger, last_fire: datetime | None, now: datetime
                 ) -> datetime | None:
    """Where a slot's job starts: the fire after the recorded one (possibly in the past:
    APScheduler then coalesces and applies the grace time), else the next one from now."""
    if last_fire is None:
        return trigger.get_next_fire_time(None, now)
    return trigger.get_next_fire_time(last_fire, last_fire)


def same_local_day(a: datetime, b: datetime, slot: Slot) -> bool:
    return a.astimezone(slot.zone).date() == b.astimezone(slot.zone).date()


class BriefingScheduler:
    """A runtime ``Service``: leads when it holds the lock, stands by otherwise."""

    name = "scheduler"

    def __init__(self, briefing: Briefing, subscriptions: SubscriptionStore,
                 slots: SlotStore, lock: LeaderLock, *, weekends: bool = True,
                 misfire_grace_s: int = 3600, poll_s: float = 5.0, sync_s: float = 60.0,
                 drain_s: float = 10.0,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 jobs: Sequence[LeaderJob] = ()) -> None:
        self._briefing = briefing
        self._subscriptions = subscriptions
        self._slots = slots
        self._lock = lock
        self._weekends = weekends
        self._grace = misfire_grace_s
        self._poll_s = poll_s
        self._sync_s = sync_s
        self._drain_s = drain_s
        self._clock = clock
        self._jobs = tuple(jobs)
        self._scheduler: AsyncIOScheduler | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._running: set[asyncio.Task[Any]] = set()
        self.leading = asyncio.Event()
        self.fired: list[tuple[str, datetime]] = []

    # ---------------------------------------------------------------- service
    async def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._lead(), name="briefing-leader")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            task, self._task = self._task, None
            await asyncio.wait([task], timeout=self._drain_s + 5)
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    # ---------------------------------------------------------------- leading
    async def _lead(self) -> None:
        while not self._stopping.is_set():
            try:
                got = await self._lock.try_acquire()
            except Exception:  # the isolation point of the leader loop: keep standing by
                log.exception("leader lock: trying again in %ss", self._poll_s)
                got = False
            if not got:
                await self._wait(self._poll_s)
                continue
            log.info("this instance leads the briefing schedule")
            try:
                await self._run_as_leader()
            except Exception:  # e.g. the database went away: step down, stand by again
                log.exception("the scheduler failed while leading; standing by")
                await self._wait(self._poll_s)
            finally:
                await self._step_down()

    async def _run_as_leader(self) -> None:
        scheduler = AsyncIOScheduler(timezone=UTC)
        self._scheduler = scheduler
        self._briefing.fanout.drain(False)
        scheduler.start()
        await self.sync(initial=True)
        scheduler.add_job(self.sync, IntervalTrigger(seconds=self._sync_s), id="sync",
                          coalesce=True, max_instances=1, misfire_grace_time=None)
        scheduler.add_job(self.resume, IntervalTrigger(seconds=max(self._sync_s, 300)),
                          id="resume", coalesce=True, max_instances=1,
                          next_run_time=datetime.now(UTC), misfire_grace_time=None)
        for job in self._jobs:
            scheduler.add_job(self.run_job, IntervalTrigger(seconds=job.every_s), args=(job,),
                              id=JOB_PREFIX + job.name, coalesce=True, max_instances=1,
                              next_run_time=datetime.now(UTC), misfire_grace_time=None)
        self.leading.set()
        while not self._stopping.is_set():
            await self._wait(self._poll_s)
            if not await self._lock.still_held():
                log.error("lost the leader lock: no longer scheduling")
                return

    async def _step_down(self) -> None:
        self.leading.clear()
        self._briefing.fanout.drain()
        running = [t for t in self._running if not t.done()]
        if running:
            await asyncio.wait(running, timeout=self._drain_s)
        if self._scheduler is not None:
            scheduler, self._scheduler = self._scheduler, None
            scheduler.shutdown(wait=False)
        await self._lock.release()

    async def _wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    # ---------------------------------------------------------------- jobs
    async def sync(self, initial: bool = False) -> None:
        """Make the jobs match the subscriptions' slots."""
        scheduler = self._scheduler
        if scheduler is None:
            return
        wanted = {SLOT_PREFIX + s.key: s for s in slots_of(await self._subscriptions.list())}
        have = {job.id for job in scheduler.get_jobs() if job.id.startswith(SLOT_PREFIX)}
        last = await self._slots.last_fires() if initial else {}
        now = self._clock()
        for job_id in have - wanted.keys():
            with contextlib.suppress(JobLookupError):
                scheduler.remove_job(job_id)
            log.info("removed %s (no subscriptions left)", job_id)
        for job_id in wanted.keys() - have:
            slot = wanted[job_id]
            try:
                trigger = slot_trigger(slot, self._weekends)
            except (ValueError, ZoneInfoNotFoundError) as exc:
                log.error("cannot schedule %r: %s", slot.key, exc)
                continue
            previous = last.get(slot.key)
            if initial and previous is None:
                seen_at = latest_fire(trigger, now)
                if seen_at is not None:
                    await self._slots.seed(slot, seen_at)
            start = resume_point(trigger, previous, now)
            scheduler.add_job(self.fire, trigger, args=(slot,), id=job_id, name=slot.key,
                              coalesce=True, max_instances=1,
                              misfire_grace_time=self._grace, next_run_time=start)
            log.info("scheduled %s, next at %s", job_id, start.isoformat() if start else None)

    async def fire(self, slot: Slot) -> None:
        """A slot's job: the edition to that slot's subscriptions, once per local day."""
        trigger = slot_trigger(slot, self._weekends)
        fire_at = (latest_fire(trigger, self._clock()) or self._clock()).astimezone(UTC)
        last = await self._slots.last_fire(slot)
        if last is not None and same_local_day(last, fire_at, slot):
            # CronTrigger fires an ambiguous wall-clock time twice on the day clocks go back
            # (01:30 New York on the first Sunday of November): one edition is enough.
            log.info("slot %s already fired on %s; skipping the repeat at %s", slot.key,
                     last.astimezone(slot.zone).date(), fire_at.isoformat())
            return
        self.fired.append((slot.key, fire_at))
        with self._tracked():
            await self._briefing.deliver_slot(slot, fire_at)

    async def run_job(self, job: LeaderJob) -> None:
        """One run of a leader job; a failure is logged and the next run comes as planned."""
        with self._tracked():
            try:
                await job.run()
            except Exception:  # the isolation point of a leader job
                log.exception("leader job %s failed; it runs again in %ss", job.name,
                              job.every_s)

    async def resume(self) -> None:
        """Finish fan-outs the ledger shows unfinished (within the grace time)."""
        with self._tracked():
            await self._briefing.resume(timedelta(seconds=self._grace))

    @contextlib.contextmanager
    def _tracked(self) -> Iterator[None]:
        """A running job, which stepping down lets finish its sends (up to ``drain_s``)."""
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            yield
        finally:
            if task is not None:
                self._running.discard(task)

    def next_runs(self) -> dict[str, datetime | None]:
        """Each slot's next fire (for /status and tests)."""
        if self._scheduler is None:
            return {}
        return {job.id.removeprefix(SLOT_PREFIX): job.next_run_time
                for job in self._scheduler.get_jobs() if job.id.startswith(SLOT_PREFIX)}
