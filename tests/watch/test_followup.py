"""The watchlist block after the edition, through the delivery ledger: one board of quotes for
every chat, one row per chat keyed ``<edition>/watchlist``, and a fan-out interrupted after
the edition is finished by ``Briefing.resume`` like the edition's own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from services.delivery.briefing import Briefing
from services.delivery.channels import Note, SendResult
from services.delivery.fanout import Fanout
from services.delivery.ledger import SENT, Ledger
from services.delivery.liveness import Liveness, make_liveness
from services.narration.template import TemplateNarrator
from services.report.editions import Edition, EditionCache, FixedSource, make_edition
from services.snapshot_io import load_sample
from services.storage import Database, open_database
from services.storage.editions import EditionStore
from services.storage.subscriptions import SubscriptionStore
from services.watch.followup import WatchFollowUp, WatchNoteSender
from services.watch.quotes import QuoteFetcher
from services.watch.service import WatchService
from services.watch.store import WatchStore
from tests.delivery.conftest import HK
from tests.delivery.fakes import FakeSender
from tests.upstream.server import FakeUpstream


@dataclass
class NoteFake(FakeSender):
    notes: list[tuple[str, Note]] = field(default_factory=list)

    async def send_note(self, destination_id: str, note: Note) -> SendResult:
        self.notes.append((destination_id, note))
        return SendResult((f"n{len(self.notes)}",))


@pytest.fixture
async def db(sqlite_url: str) -> AsyncIterator[Database]:
    database = await open_database(sqlite_url)
    try:
        yield database
    finally:
        await database.close()


@dataclass
class Wired:
    briefing: Briefing
    sender: NoteFake
    watch: WatchService
    ledger: Ledger
    liveness: Liveness


@pytest.fixture
async def wired(db: Database, quotes: QuoteFetcher) -> AsyncIterator[Wired]:
    liveness = make_liveness(db)
    ledger = Ledger(db, liveness.worker_id)
    sender = NoteFake("telegram")
    subscriptions = SubscriptionStore(db)
    watch = WatchService(WatchStore(db), quotes)
    main = Fanout(ledger, {"telegram": sender}, subscriptions, liveness)
    follow = WatchFollowUp(Fanout(ledger, {"telegram": WatchNoteSender(sender, watch)},
                                  subscriptions, liveness), watch)
    editions = EditionCache(FixedSource(load_sample()), TemplateNarrator(), HK)

    async def rebuild(snapshot: object, narrator: object) -> Edition:
        return await make_edition(snapshot, narrator, HK,  # type: ignore[arg-type]
                                  datetime.now(UTC))

    briefing = Briefing(editions, EditionStore(db), ledger, main, subscriptions, rebuild,
                        TemplateNarrator(), [follow])
    for chat in ("1", "2", "3"):
        await subscriptions.upsert("telegram", chat, "08:30", "Asia/Hong_Kong")
    try:
        yield Wired(briefing, sender, watch, ledger, liveness)
    finally:
        await liveness.stop()


async def test_one_board_for_every_chat_and_a_row_each(wired: Wired,
                                                       upstream: FakeUpstream) -> None:
    for chat, codes in (("1", ["700", "BTC"]), ("2", ["700", "600519"])):
        outcomes = await wired.watch.add("telegram", chat, codes)
        assert all(o.added is not None for o in outcomes)
    upstream.requests.clear()
    result = await wired.briefing.push()
    assert result.sent == 3
    assert [d for d, _ in wired.sender.notes] in (["1", "2"], ["2", "1"])
    charts = sorted(r.path.rsplit("/", 1)[1] for r in upstream.requests if "/chart/" in r.path)
    assert charts == ["%5EHSI", "0700.HK"], "0700.HK once for both chats, and its index"
    assert await wired.ledger.statuses(f"{result.edition}/watchlist") == {SENT: 2}


async def test_an_interrupted_follow_up_is_resumed(wired: Wired) -> None:
    await wired.watch.add("telegram", "3", ["0700"])
    edition = await wired.briefing.edition()
    follow = wired.briefing.followups[0]
    assert follow.suffix == "/watchlist"
    # the edition went out, then the process stopped before the follow-up's rows were sent
    await wired.ledger.enqueue(f"{edition.id}/watchlist", [("telegram", "3")])
    assert wired.sender.notes == []
    results = await wired.briefing.resume(timedelta(hours=1))
    assert [r.sent for r in results] == [1]
    [(chat, note)] = wired.sender.notes
    assert chat == "3" and note.title == "Your watchlist"
    assert note.lines[0] == "0700.HK Tencent Holdings Limited"
