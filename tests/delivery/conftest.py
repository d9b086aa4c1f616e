"""Delivery fixtures: a database (SQLite and PostgreSQL), the sample day's edition, a
scriptable fake sender, and the pieces of a fan-out wired together."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from services.delivery.fanout import Fanout, RetryPolicy
from services.delivery.ledger import Ledger
from services.delivery.liveness import Liveness, make_liveness
from services.narration.template import TemplateNarrator
from services.report.editions import Edition, EditionCache, FixedSource
from services.snapshot_io import load_sample
from services.storage import Database, open_database
from services.storage.subscriptions import SubscriptionStore
from tests.delivery.fakes import FakeSender, no_sleep

HK = ZoneInfo("Asia/Hong_Kong")


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = await open_database(db_url)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def sqlite_db(sqlite_url: str) -> AsyncIterator[Database]:
    database = await open_database(sqlite_url)
    try:
        yield database
    finally:
        await database.close()


def sample_cache() -> EditionCache:
    return EditionCache(FixedSource(load_sample()), TemplateNarrator(), HK)


@pytest.fixture
async def edition() -> Edition:
    return await sample_cache().current()


@dataclass
class Rig:
    """A fan-out over fake senders, with everything a test wants to look at."""

    db: Database
    subscriptions: SubscriptionStore
    ledger: Ledger
    fanout: Fanout
    senders: dict[str, FakeSender]
    slept: list[float]
    liveness: Liveness

    async def subscribe(self, platform: str, *ids: str | int, time_hhmm: str = "08:30",
                        tz: str = "Asia/Hong_Kong") -> list[tuple[str, str]]:
        for destination in ids:
            await self.subscriptions.upsert(platform, str(destination), time_hhmm, tz)
        return [(platform, str(d)) for d in ids]


def make_rig(db: Database, *platforms: str, policy: RetryPolicy | None = None,
             concurrency: int = 4) -> Rig:
    slept: list[float] = []
    liveness = make_liveness(db)
    ledger = Ledger(db, liveness.worker_id)
    senders = {p: FakeSender(p, concurrency) for p in platforms or ("telegram",)}
    subscriptions = SubscriptionStore(db)
    fanout = Fanout(ledger, senders, subscriptions, liveness,
                    policy or RetryPolicy(), sleep=no_sleep(slept))
    return Rig(db, subscriptions, ledger, fanout, senders, slept, liveness)


RigFactory = Callable[..., Rig]


@pytest.fixture
async def rigs(db: Database) -> AsyncIterator[RigFactory]:
    """``rigs("telegram", policy=…)``: rigs on the test's database, stopped afterwards."""
    made: list[Rig] = []

    def factory(*platforms: str, **options: Any) -> Rig:
        built = make_rig(db, *platforms, **options)
        made.append(built)
        return built

    try:
        yield factory
    finally:
        for built in made:
            await built.liveness.stop()


@pytest.fixture
def rig(rigs: RigFactory) -> Rig:
    return rigs("telegram", "discord")
