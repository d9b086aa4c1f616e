"""The Telegram sender through the real python-telegram-bot ``Bot`` against the shared fake
Bot API (``tests/fakes/telegram_api.py``, over ``httpx.MockTransport``):
one photo upload per edition then ``file_id`` reuse, the caption and button, and the 429,
403, migration, bad-request, bad-token and network paths through the fan-out."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from handlers.telegram.keyboards import full_report
from services.delivery.fanout import Fanout, RetryPolicy
from services.delivery.ledger import FAILED, PENDING, SENT, Ledger
from services.delivery.liveness import make_liveness
from services.delivery.media import MediaCache
from services.delivery.pacing import telegram_pacer
from services.delivery.telegram import TelegramSender, translate
from services.errors import DeliveryInDoubt, DeliveryUnavailable
from services.report.editions import Edition
from services.storage import Database
from services.storage.subscriptions import SubscriptionStore
from tests.delivery.fakes import FakeClock, no_sleep
from tests.fakes.charts import FakeCharts
from tests.fakes.telegram_api import FakeBotApi, RateLimits
from tests.fakes.telegram_app import requests

BASE_URL = "http://fake.invalid/bot"


@pytest.fixture(autouse=True)
def timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22's future ``RetryAfter.retry_after`` (a timedelta), as the handlers' tests."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
def fake() -> FakeBotApi:
    return FakeBotApi()


def received(fake: FakeBotApi) -> dict[int, int]:
    return dict(Counter(s.chat_id for s in fake.sent))


@dataclass
class TelegramRig:
    fake: FakeBotApi
    sender: TelegramSender
    fanout: Fanout
    ledger: Ledger
    subscriptions: SubscriptionStore
    media: MediaCache
    clock: FakeClock
    slept: list[float]

    async def subscribe(self, *ids: int | str) -> list[tuple[str, str]]:
        for chat in ids:
            await self.subscriptions.upsert("telegram", str(chat), "08:30", "Asia/Hong_Kong")
        return [("telegram", str(chat)) for chat in ids]


@pytest.fixture
async def tg(fake: FakeBotApi, db: Database) -> AsyncIterator[TelegramRig]:
    request, updates = requests(fake, pool=10)
    bot = Bot(fake.token, base_url=BASE_URL, request=request, get_updates_request=updates)
    clock = FakeClock()
    media = MediaCache(db)
    sender = TelegramSender(bot, FakeCharts(), media, full_report(),
                            telegram_pacer(clock=clock, sleep=clock.sleep), concurrency=8)
    liveness = make_liveness(db)
    ledger = Ledger(db, liveness.worker_id)
    subscriptions = SubscriptionStore(db)
    slept: list[float] = []
    fanout = Fanout(ledger, {"telegram": sender}, subscriptions, liveness,
                    RetryPolicy(attempts=3), sleep=no_sleep(slept))
    try:
        yield TelegramRig(fake, sender, fanout, ledger, subscriptions, media, clock, slept)
    finally:
        await liveness.stop()
        await request.shutdown()


async def test_one_upload_per_edition_then_file_id(tg: TelegramRig, edition: Edition) -> None:
    dests = await tg.subscribe(*range(1, 31))
    result = await tg.fanout.deliver(edition, dests)
    assert (result.sent, result.failed) == (30, 0)
    assert tg.fake.uploads == 1 and tg.media.uploads == 1
    file_ids = {s.photo for s in tg.fake.sent}
    assert len(file_ids) == 1, "every chat shows the one uploaded photo"
    assert received(tg.fake) == {i: 1 for i in range(1, 31)}
    first = tg.fake.sent[0]
    assert first.method == "sendPhoto" and first.raw.startswith("<b>")
    assert first.parse_mode == "HTML" and len(first.text) <= 1024
    assert edition.report.key_insight[:40] in first.text
    markup = json.loads(first.reply_markup or "{}")
    assert markup["inline_keyboard"] == [[{"text": "Full report", "callback_data": "full"}]]
    # a second process (a new cache over the same database) reuses the stored file_id
    again = await MediaCache(tg.media._db).lookup((edition.id, "telegram", "dashboard"))
    assert again in file_ids


async def test_pacing_holds_one_message_per_second_per_chat(tg: TelegramRig) -> None:
    pacer = tg.sender._pacer
    for _ in range(3):
        await pacer.acquire_key("42", await pacer.turn())
    assert tg.clock.now - 1000.0 == pytest.approx(2.0)


async def test_429_403_migrate_and_bad_request(tg: TelegramRig, edition: Edition) -> None:
    dests = await tg.subscribe(1, 2, -100, 4, 5)
    tg.fake.block(2)
    tg.fake.migrate(-100, -1001000)
    tg.fake.throttle(4, retry_after=7)
    tg.fake.inject("sendPhoto", 400, "Bad Request: chat not found", chat_id=5)

    result = await tg.fanout.deliver(edition, dests)

    assert (result.sent, result.deactivated, result.moved, result.failed,
            result.rate_limited) == (3, 1, 1, 1, 1)
    assert received(tg.fake) == {1: 1, -1001000: 1, 4: 1}
    assert tg.slept == [7]  # the fan-out waited retry_after, then the same chat
    assert 7 in tg.clock.slept  # and the pacer held every send meanwhile
    blocked = await tg.subscriptions.get("telegram", "2")
    assert blocked is not None and not blocked.active
    assert blocked.deactivated_reason == "Forbidden: bot was blocked by the user"
    assert await tg.subscriptions.get("telegram", "-100") is None
    moved = await tg.subscriptions.get("telegram", "-1001000")
    assert moved is not None and moved.active
    statuses = await tg.ledger.statuses(edition.id)
    assert statuses == {SENT: 3, "gone": 1, "moved": 1, FAILED: 1}


async def test_a_rejected_token_leaves_everything_pending(tg: TelegramRig,
                                                          edition: Edition) -> None:
    dests = await tg.subscribe(1, 2, 3)
    tg.fake.token = "999:other"
    result = await tg.fanout.deliver(edition, dests)
    assert result.platforms_stopped == ["telegram"] and result.sent == 0
    assert await tg.ledger.statuses(edition.id) == {PENDING: 3}


async def test_without_charts_the_insight_goes_as_text(tg: TelegramRig,
                                                       edition: Edition) -> None:
    tg.sender._charts = None
    dests = await tg.subscribe(1)
    result = await tg.fanout.deliver(edition, dests)
    assert result.sent == 1
    [message] = tg.fake.sent
    assert (message.method, message.photo) == ("sendMessage", None)


async def test_a_stale_file_id_is_uploaded_again(tg: TelegramRig, edition: Edition) -> None:
    dests = await tg.subscribe(1, 2)
    await tg.fanout.deliver(edition, dests[:1])
    tg.fake._photo_ids.clear()  # Telegram forgot the file
    result = await tg.fanout.deliver(edition, dests)
    assert (result.sent, result.failed) == (1, 0)
    assert tg.fake.uploads == 2


def test_network_failures_are_told_apart_by_whether_the_request_left() -> None:
    def raised(err: Exception, cause: Exception) -> Exception:
        try:
            raise err from cause
        except Exception as exc:
            return exc

    connect = raised(NetworkError("httpx.ConnectError: refused"), httpx.ConnectError("no"))
    read = raised(TimedOut("Timed out"), httpx.ReadTimeout("slow"))
    server = NetworkError("Internal Server Error (500)")
    assert type(translate(connect, "1")) is DeliveryUnavailable  # type: ignore[arg-type]
    assert type(translate(read, "1")) is DeliveryInDoubt  # type: ignore[arg-type]
    assert type(translate(server, "1")) is DeliveryInDoubt


async def test_flood_limits_of_the_fake_are_met_by_the_pacer(db: Database,
                                                             edition: Edition) -> None:
    """Real time, the fake enforcing Telegram's 30/s and 1/s per chat: 60 chats, no 429."""
    fake = FakeBotApi(limits=RateLimits(global_per_second=30, chat_per_second=1))
    request, updates = requests(fake, pool=10)
    bot = Bot(fake.token, base_url=BASE_URL, request=request, get_updates_request=updates)
    sender = TelegramSender(bot, FakeCharts(), MediaCache(db), full_report(), telegram_pacer(), 8)
    try:
        for chat in range(60):
            await sender.pace()
            await sender.send_edition(str(chat + 1), edition)
    finally:
        await request.shutdown()
    assert fake.flood.rejected == 0 and len(fake.sent) == 60
    assert fake.sent[-1].at - fake.sent[0].at >= 59 / 30
