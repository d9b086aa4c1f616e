"""An alert poller over the loopback upstreams, a database (SQLite and PostgreSQL) and a
recording note sender."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio

from services.alerts.ledger import AlertLedger
from services.alerts.poller import AlertPoller, AlertSettings
from services.alerts.service import AlertService
from services.alerts.store import AlertStore
from services.delivery.channels import Note, SendResult
from services.delivery.liveness import Liveness, make_liveness
from services.storage import Database, open_database
from services.watch.history import NO_HISTORY, HistoryReader
from services.watch.quotes import QuoteFetcher
from services.watch.resolve import Resolver
from tests.watch.conftest import quotes, upstream, world  # noqa: F401  (fixtures)


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Notes:
    """A ``NoteSender`` that records each note, or raises what a test lines up."""

    platform: str = "telegram"
    sent: list[tuple[str, Note]] = field(default_factory=list)
    errors: dict[str, list[BaseException]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def pace(self) -> None:
        return None

    async def send_note(self, destination_id: str, note: Note) -> SendResult:
        queued = self.errors.get(destination_id)
        if queued:
            raise queued.pop(0)
        self.sent.append((destination_id, note))
        return SendResult((str(next(self._ids)),))

    def to(self, destination_id: str) -> list[Note]:
        return [n for d, n in self.sent if d == destination_id]


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = await open_database(db_url)
    try:
        yield database
    finally:
        await database.close()


@dataclass
class Rig:
    db: Database
    store: AlertStore
    service: AlertService
    notes: Notes
    clock: Clock
    make: Callable[..., AlertPoller]
    livenesses: list[Liveness]

    async def add(self, chat: str, rule: str) -> tuple[str, ...]:
        return (await self.service.add("telegram", chat, rule.split())).lines


@pytest_asyncio.fixture
async def rig(db: Database, quotes: QuoteFetcher) -> AsyncIterator[Rig]:  # noqa: F811
    clock = Clock()
    notes = Notes()
    store = AlertStore(db)
    made: list[Liveness] = []

    def make(settings: AlertSettings | None = None, history: HistoryReader = NO_HISTORY,
             sender: Any = None, **options: Any) -> AlertPoller:
        liveness = make_liveness(db)
        made.append(liveness)
        ledger = AlertLedger(db, liveness.worker_id, clock=clock)
        return AlertPoller(store, ledger, quotes, {"telegram": sender or notes}, liveness,
                           settings or AlertSettings(poll_s=1.0), history=history,
                           clock=clock, **options)

    service = AlertService(store, Resolver(quotes), AlertSettings(poll_s=1.0))
    yield Rig(db, store, service, notes, clock, make, made)
    for liveness in made:
        await liveness.stop()
