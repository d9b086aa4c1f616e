"""The alert poll is a leader job: of two schedulers on one database only the one holding the
leader lock runs it, every ``every_s``; when the leader stops, the standby runs it."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

from bot.scheduler import BriefingScheduler, LeaderJob
from services.delivery.briefing import Briefing
from services.delivery.leader import make_leader_lock
from services.delivery.slots import SlotStore
from services.models.snapshot import MarketSnapshot
from services.narration.base import Narrator
from services.narration.template import TemplateNarrator
from services.report.editions import Edition, make_edition
from services.storage import Database
from services.storage.editions import EditionStore
from tests.delivery.conftest import HK, RigFactory, rigs, sample_cache  # noqa: F401


async def _rebuild(snapshot: MarketSnapshot, narrator: Narrator) -> Edition:
    return await make_edition(snapshot, narrator, HK, datetime.now(UTC))


async def eventually(check: object, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_only_the_leader_polls_and_the_standby_takes_over(rigs: RigFactory,  # noqa: F811
                                                                db: Database) -> None:
    runs: Counter[str] = Counter()
    schedulers = []
    for name in ("first", "second"):
        rig = rigs("telegram")
        briefing = Briefing(sample_cache(), EditionStore(db), rig.ledger, rig.fanout,
                            rig.subscriptions, _rebuild, TemplateNarrator())

        async def poll(name: str = name) -> None:
            runs[name] += 1

        schedulers.append(BriefingScheduler(
            briefing, rig.subscriptions, SlotStore(db), make_leader_lock(db), poll_s=0.05,
            drain_s=2, jobs=[LeaderJob("alerts", 0.1, poll)]))
    first, second = schedulers
    try:
        await first.start()
        await eventually(lambda: first.leading.is_set())
        await second.start()
        await eventually(lambda: runs["first"] >= 3)
        assert runs["second"] == 0 and not second.leading.is_set()
        await first.stop()
        await eventually(lambda: runs["second"] >= 3)
        stopped_at = runs["first"]
        await asyncio.sleep(0.3)
        assert runs["first"] == stopped_at, "a stopped leader polls no more"
    finally:
        for scheduler in schedulers:
            await scheduler.stop()
