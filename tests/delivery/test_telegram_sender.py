"""The Telegram sender through the real python-telegram-bot ``Bot`` against the loopback fake:
one photo upload per edition then ``file_id`` reuse, the caption and button, and the 429,
403, migration, bad-request, bad-token and network paths through the fan-out."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut
from telegram.request import HTTPXRequest

from services.delivery.fanout import Fanout, RetryPolicy
from services.delivery.ledger import FAILED, PENDING, SENT, Ledger
from services.delivery.liveness import make_liveness
from services.delivery.media import MediaCache
from services.delivery.pacing import telegram_pacer
from services.delivery.telegram import TelegramSender, translate
from services.editions import Edition
from services.errors import DeliveryInDoubt, DeliveryUnavailable
from services.storage import Database
from services.storage.subscriptions import SubscriptionStore
from tests.delivery.fakes import FakeClock, no_sleep
from tests.delivery.telegram_fake import FakeTelegram, Limits
from tests.fakes.charts import FakeCharts


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    api = await FakeTelegram().start()
    try:
        yield api
    finally:
        await api.close()


@dataclass
class TelegramRig:
    fake: FakeTelegram
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
async def tg(fake: FakeTelegram, db: Database) -> AsyncIterator[TelegramRig]:
    request = HTTPXRequest(connection_pool_size=10)
    bot = Bot(fake.token, base_url=fake.base_url, request=request,
              get_updates_request=HTTPXRequest(connection_pool_size=1))
    clock = FakeClock()
    media = MediaCache(db)
    sender = TelegramSender(bot, FakeCharts(), media,
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
    photos = [s.photo for s in tg.fake.sent]
    assert photos.count("upload") == 1
    file_ids = {p for p in photos if p != "upload"}
    assert len(file_ids) == 1 and next(iter(file_ids)).startswith("AgACfake")
    assert tg.fake.received() == {str(i): 1 for i in range(1, 31)}
    first = tg.fake.sent[0]
    assert first.method == "sendPhoto" and first.caption.startswith("<b>")
    markup = json.loads(first.reply_markup or "{}")
    assert markup["inline_keyboard"] == [[{"text": "Full report", "callback_data": "full"}]]
    # a second process (a new cache over the same database) reuses the stored file_id
    again = await MediaCache(tg.media._db).lookup((edition.id, "telegram", "dashboard"))
    assert again in file_ids


async def test_pacing_holds_one_message_per_second_per_chat(tg: TelegramRig) -> None:
    pacer = tg.sender._pacer
    for _ in range(3):
        await pacer.acquire("42")
    assert tg.clock.now - 1000.0 == pytest.approx(2.0)
    started = tg.clock.now
    for chat in range(29):
        await pacer.acquire(str(chat))
    assert tg.clock.now - started == pytest.approx(29 / 29)  # 29/s overall


async def test_429_403_migrate_and_bad_request(tg: TelegramRig, edition: Edition) -> None:
    dests = await tg.subscribe(1, 2, -100, 4, 5)
    tg.fake.block(2)
    tg.fake.migrate(-100, -1001000)
    tg.fake.fail_chat(4, 429, "Too Many Requests: retry after 7", parameters={"retry_after": 7})
    tg.fake.fail_chat(5, 400, "Bad Request: chat not found")

    result = await tg.fanout.deliver(edition, dests)

    assert (result.sent, result.deactivated, result.moved, result.failed,
            result.rate_limited) == (3, 1, 1, 1, 1)
    assert tg.fake.received() == {"1": 1, "-1001000": 1, "4": 1}
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
    tg.fake._files.clear()  # Telegram forgot the file
    result = await tg.fanout.deliver(edition, dests)
    assert (result.sent, result.failed) == (1, 0)
    assert tg.fake.uploads == 2


def test_network_failures_are_told_apart_by_whether_the_request_left() -> None:
    def raised(err: Exception, cause: Exception) -> Exception:
        try:
            raise err from cause
        except Exception as exc:  # noqa: BLE001 - building the chained error
            return exc

    connect = raised(NetworkError("httpx.ConnectError: refused"), httpx.ConnectError("no"))
    read = raised(TimedOut("Timed out"), httpx.ReadTimeout("slow"))
    server = NetworkError("Internal Server Error (500)")
    assert type(translate(connect, "1")) is DeliveryUnavailable  # type: ignore[arg-type]
    assert type(translate(read, "1")) is DeliveryInDoubt  # type: ignore[arg-type]
    assert type(translate(server, "1")) is DeliveryInDoubt


async def test_the_fake_enforces_the_flood_limit(fake: FakeTelegram, db: Database,
                                                 edition: Edition) -> None:
    """Sanity check of the fake itself: a burst over its limit gets 429s."""
    fake.limits = Limits(per_second=5)
    request = HTTPXRequest(connection_pool_size=10)
    bot = Bot(fake.token, base_url=fake.base_url, request=request)
    try:
        statuses = []
        for chat in range(8):
            try:
                await bot.send_message(chat + 1, "hi")
                statuses.append(200)
            except Exception as exc:  # noqa: BLE001 - recording what PTB raised
                statuses.append(type(exc).__name__)
    finally:
        await request.shutdown()
    assert statuses[:5] == [200] * 5 and set(statuses[5:]) == {"RetryAfter"}
