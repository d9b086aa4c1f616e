"""Paid broadcasts and the fan-out at speed: ``allow_paid_broadcast`` on every send, the fake
Bot API's paid window, the sender over aiohttp against the loopback fake (the 429 honoured,
an unreachable API), the ledger's claims ahead and lingering marks, and the settings."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter

import pytest
from pydantic import ValidationError
from telegram import Bot

from bot.config import Settings
from bot.delivery import sender_concurrency
from handlers.telegram.keyboards import full_report
from services.delivery.fanout import Fanout
from services.delivery.ledger import PENDING, SENDING, SENT, Ledger
from services.delivery.liveness import make_liveness
from services.delivery.media import MediaCache
from services.delivery.pacing import telegram_pacer
from services.delivery.telegram import TelegramSender
from services.delivery.telegram_http import AiohttpRequest
from services.errors import DeliveryUnavailable, RateLimited
from services.report.editions import Edition
from services.storage import Database
from services.storage.subscriptions import SubscriptionStore
from tests.fakes.charts import FakeCharts
from tests.fakes.telegram_api import TELEGRAM_LIMITS, FakeBotApi, RateLimits
from tests.fakes.telegram_flood import FloodControl
from tests.fakes.telegram_server import serve
from tests.fakes.telegram_wire import ApiError

E = "2026-03-21T00:30Z-paid0001"


@pytest.fixture(autouse=True)
def timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22's future ``RetryAfter.retry_after`` (a timedelta), as the sender's tests."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


def test_the_fake_counts_paid_sends_against_their_own_window() -> None:
    now = [100.0]
    flood = FloodControl(RateLimits(global_per_second=30, paid_per_second=1000), lambda: now[0])
    for chat in range(30):
        flood.check(chat, 1, False)
    with pytest.raises(ApiError) as refused:
        flood.check(99, 1, False)
    assert refused.value.code == 429 and refused.value.body()["parameters"] == {
        "retry_after": 1}
    for chat in range(1000):  # the free window is full; the paid one is not
        flood.check(1000 + chat, 1, False, paid=True)
    with pytest.raises(ApiError):
        flood.check(5000, 1, False, paid=True)
    now[0] += 1.0
    flood.check(5001, 1, False, paid=True)
    assert TELEGRAM_LIMITS.paid_per_second == 1000


async def test_paid_sends_carry_allow_paid_broadcast_over_aiohttp_and_429s_wait(
        db: Database, edition: Edition) -> None:
    """The product's sender as ``bot.delivery`` builds it for a paid push, against the fake on
    a loopback socket: every message is a paid broadcast, a forced 429 pauses the pacer and
    the fan-out retries that chat once it has waited."""
    fake = FakeBotApi(limits=TELEGRAM_LIMITS)
    fake.throttle(3, retry_after=1)
    with serve(fake) as base_url:
        request = AiohttpRequest(connections=10)
        bot = Bot(fake.token, base_url=base_url, request=request)
        sender = TelegramSender(bot, FakeCharts(), MediaCache(db), full_report,
                                telegram_pacer(950), concurrency=8, paid=True)
        liveness = make_liveness(db)
        ledger = Ledger(db, liveness.worker_id, claim_ahead=24, mark_linger_s=0.025)
        subscriptions = SubscriptionStore(db)
        fanout = Fanout(ledger, {"telegram": sender}, subscriptions, liveness)
        chats = [str(i) for i in range(1, 41)]
        for chat in chats:
            await subscriptions.upsert("telegram", chat, "08:30", "Asia/Hong_Kong")
        try:
            result = await fanout.deliver(edition, [("telegram", c) for c in chats])
        finally:
            await request.shutdown()
            await liveness.stop()
    assert (result.sent, result.failed, result.rate_limited) == (40, 0, 1)
    assert Counter(str(s.chat_id) for s in fake.sent) == dict.fromkeys(chats, 1)
    assert all(s.paid for s in fake.sent), "every message is a paid broadcast"
    assert fake.uploads == 1
    assert await ledger.statuses(edition.id) == {SENT: 40}


async def test_free_sends_do_not_ask_for_paid_broadcasts(db: Database,
                                                         edition: Edition) -> None:
    fake = FakeBotApi()
    with serve(fake) as base_url:
        request = AiohttpRequest()
        bot = Bot(fake.token, base_url=base_url, request=request)
        sender = TelegramSender(bot, FakeCharts(), MediaCache(db), full_report)
        try:
            await sender.pace()
            await sender.send_edition("7", edition)
        finally:
            await request.shutdown()
    assert [s.paid for s in fake.sent] == [False]


async def test_an_unreachable_api_is_a_send_that_never_left(db: Database,
                                                            edition: Edition) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest(connect_timeout=2.0)
    bot = Bot(FakeBotApi().token, base_url=f"http://127.0.0.1:{port}/bot", request=request)
    sender = TelegramSender(bot, None, MediaCache(db), full_report, paid=True)
    try:
        await sender.pace()
        with pytest.raises(DeliveryUnavailable) as failed:
            await sender.send_edition("7", edition)
    finally:
        await request.shutdown()
    assert type(failed.value) is DeliveryUnavailable, "not in doubt: nothing was sent"
    assert "ClientConnectorError" in failed.value.reason


async def test_a_429_from_the_paid_window_is_rate_limited(db: Database,
                                                          edition: Edition) -> None:
    fake = FakeBotApi(limits=RateLimits(global_per_second=30, paid_per_second=1))
    with serve(fake) as base_url:
        request = AiohttpRequest()
        bot = Bot(fake.token, base_url=base_url, request=request)
        sender = TelegramSender(bot, None, MediaCache(db), full_report, paid=True)
        try:
            await sender.pace()
            await sender.send_edition("1", edition)
            await sender.pace()
            with pytest.raises(RateLimited) as limited:
                await sender.send_edition("2", edition)
        finally:
            await request.shutdown()
    assert limited.value.retry_after == 1


async def test_claims_ahead_are_handed_out_and_the_unused_given_back(db: Database) -> None:
    ledger = Ledger(db, "w1", claim_ahead=10)
    await ledger.enqueue(E, [("telegram", str(i)) for i in range(25)])
    first = await ledger.claim_next(E, "telegram")
    assert first is not None
    assert await ledger.statuses(E) == {SENDING: 10, PENDING: 15}, "one write took ten"
    more = [await ledger.claim_next(E, "telegram") for _ in range(4)]
    assert all(c is not None for c in more)
    group = ledger._claims[(E, "telegram")]
    assert group.writes == 1, "the next four came from the rows claimed ahead"
    assert await ledger.release_ahead(E, "telegram") == 5
    assert await ledger.statuses(E) == {SENDING: 5, PENDING: 20}
    again = await ledger.claim_next(E, "telegram")
    assert again is not None and again.attempts == 1, "a row given back was never tried"


@pytest.mark.parametrize(("linger_s", "writes"), [(0.0, 2), (0.5, 1)])
async def test_lingering_marks_are_written_together(db: Database, linger_s: float,
                                                    writes: int) -> None:
    """Two waves of marks a few loop turns apart: one write with a linger, two without."""
    ledger = Ledger(db, "w1", claim_ahead=20, mark_linger_s=linger_s)
    await ledger.enqueue(E, [("telegram", str(i)) for i in range(20)])
    claims = [c for c in [await ledger.claim_next(E, "telegram") for _ in range(20)] if c]
    first = [asyncio.ensure_future(ledger.mark_sent(c, ["1"])) for c in claims[:10]]
    for _ in range(3):
        await asyncio.sleep(0)  # the first write (or its linger) has begun
    second = [asyncio.ensure_future(ledger.mark_sent(c, ["2"])) for c in claims[10:]]
    assert all(await asyncio.gather(*first, *second))
    assert ledger._marks.writes == writes
    assert await ledger.statuses(E) == {SENT: 20}


def test_paid_settings() -> None:
    paid = Settings(_env_file=None, telegram_paid_broadcast=True)  # type: ignore[call-arg]
    assert paid.telegram_pace == 950.0
    free = Settings(_env_file=None)  # type: ignore[call-arg]
    assert free.telegram_pace == 29.0
    with pytest.raises(ValidationError, match="less than or equal to 1000"):
        Settings(_env_file=None, telegram_paid_messages_per_s=1500)  # type: ignore[call-arg]
    assert [sender_concurrency(p) for p in (29, 950, 1000)] == [8, 48, 50]
