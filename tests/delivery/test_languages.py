"""A subscription's briefing in its language: the fan-out gives each chat the same edition (one
ledger row, one id) in the language the chat chose; the dashboard is uploaded once per
language; the narration of every language goes into the edition store before anything is
sent, so a resume after a crash sends the same words."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from telegram import Bot

from handlers.telegram.keyboards import full_report
from services.delivery.briefing import Briefing, StoredNarrator
from services.delivery.fanout import Fanout, RetryPolicy
from services.delivery.ledger import Ledger
from services.delivery.liveness import make_liveness
from services.delivery.media import MediaCache
from services.delivery.pacing import telegram_pacer
from services.delivery.telegram import TelegramSender
from services.models.report import Narration
from services.models.snapshot import MarketSnapshot
from services.narration.base import Narrator
from services.narration.template import TemplateNarrator
from services.report.editions import Edition, EditionCache, FixedSource, make_edition
from services.snapshot_io import load_sample
from services.storage import Database
from services.storage.editions import EditionStore
from services.storage.languages import LanguageStore
from services.storage.subscriptions import SubscriptionStore
from tests.delivery.conftest import HK
from tests.delivery.fakes import FakeClock, FakeSender, no_sleep
from tests.fakes.charts import FakeCharts
from tests.fakes.telegram_api import FakeBotApi
from tests.fakes.telegram_app import requests

EN_CHAT, ZH_CHAT, ZH_CHAT_2 = 11, 22, 33


@pytest.fixture(autouse=True)
def timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


class ChineseNarrator:
    """A narrator that writes a different Key Insight per language (as Claude would)."""

    name = "scripted"

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def narrate(self, analysis: object, language: str = "en") -> Narration:
        self.asked.append(language)
        text = "比特币上涨1.04%。" if language == "zh" else "BTC rose 1.04%."
        return Narration(key_insight=text, narrator=self.name)


@pytest.fixture
async def fake_bot(db: Database) -> AsyncIterator[tuple[FakeBotApi, TelegramSender, Fanout,
                                                        LanguageStore]]:
    fake = FakeBotApi()
    request, updates = requests(fake, pool=10)
    bot = Bot(fake.token, base_url="http://fake.invalid/bot", request=request,
              get_updates_request=updates)
    clock = FakeClock()
    sender = TelegramSender(bot, FakeCharts(), MediaCache(db), full_report,
                            telegram_pacer(clock=clock, sleep=clock.sleep))
    liveness = make_liveness(db)
    languages = LanguageStore(db)
    fanout = Fanout(Ledger(db, liveness.worker_id), {"telegram": sender}, SubscriptionStore(db),
                    liveness, RetryPolicy(attempts=2), sleep=no_sleep([]), languages=languages)
    try:
        yield fake, sender, fanout, languages
    finally:
        await liveness.stop()
        await request.shutdown()


async def test_a_zh_subscription_gets_its_briefing_in_chinese(
        db: Database, fake_bot: tuple[FakeBotApi, TelegramSender, Fanout, LanguageStore]
) -> None:
    fake, _, fanout, languages = fake_bot
    subscriptions = SubscriptionStore(db)
    for chat in (EN_CHAT, ZH_CHAT, ZH_CHAT_2):
        await subscriptions.upsert("telegram", str(chat), "08:30", "Asia/Hong_Kong")
    await languages.set("telegram", str(ZH_CHAT), "zh")
    await languages.set("telegram", str(ZH_CHAT_2), "zh")
    edition = await EditionCache(FixedSource(load_sample()), ChineseNarrator(), HK).current()

    result = await fanout.deliver(edition, [("telegram", str(c))
                                            for c in (EN_CHAT, ZH_CHAT, ZH_CHAT_2)])

    assert (result.sent, result.failed) == (3, 0)
    sent = {s.chat_id: s for s in fake.sent}
    assert sent[EN_CHAT].raw == ("<b>Market Intelligence Report - 2026-03-21</b>\n"
                                 "BTC rose 1.04%.")
    assert sent[ZH_CHAT].raw == "<b>市场情报报告 - 2026-03-21</b>\n比特币上涨1.04%。"
    assert sent[ZH_CHAT_2].raw == sent[ZH_CHAT].raw
    buttons = {chat: json.loads(s.reply_markup or "{}")["inline_keyboard"]
               for chat, s in sent.items()}
    assert buttons[EN_CHAT] == [[{"text": "Full report", "callback_data": "full"}]]
    assert buttons[ZH_CHAT] == [[{"text": "完整报告", "callback_data": "full"}]]
    assert fake.uploads == 2  # one dashboard per language; the second Chinese chat reuses it
    assert sent[ZH_CHAT_2].photo == sent[ZH_CHAT].photo != sent[EN_CHAT].photo
    media = MediaCache(db)
    assert await media.lookup((edition.id, "telegram", "dashboard")) == sent[EN_CHAT].photo
    assert await media.lookup((edition.id, "telegram", "dashboard@zh")) == sent[ZH_CHAT].photo


async def test_every_language_is_stored_before_sending_and_a_resume_says_the_same(
        db: Database) -> None:
    narrator = ChineseNarrator()
    cache = EditionCache(FixedSource(load_sample()), narrator, HK)
    subscriptions = SubscriptionStore(db)
    languages = LanguageStore(db)
    for chat in (EN_CHAT, ZH_CHAT):
        await subscriptions.upsert("telegram", str(chat), "08:30", "Asia/Hong_Kong")
    await languages.set("telegram", str(ZH_CHAT), "zh")
    sender = FakeSender("telegram")
    liveness = make_liveness(db)
    ledger = Ledger(db, liveness.worker_id)
    fanout = Fanout(ledger, {"telegram": sender}, subscriptions, liveness,
                    sleep=no_sleep([]), languages=languages)
    store = EditionStore(db)

    async def rebuild(snapshot: MarketSnapshot, with_narrator: Narrator) -> Edition:
        return await make_edition(snapshot, with_narrator, HK, datetime.now(UTC))

    briefing = Briefing(cache, store, ledger, fanout, subscriptions, rebuild,
                        TemplateNarrator(), languages=languages)
    try:
        edition = await briefing.edition(recipients=await briefing.recipients())
        stored = await store.narrations(edition.id)
        assert {k: v.key_insight for k, v in stored.items()} == {
            "en": "BTC rose 1.04%.", "zh": "比特币上涨1.04%。"}

        cache._current = None  # a restart: the edition is no longer cached
        rebuilt = await briefing.load(edition.id)
        assert rebuilt is not None and rebuilt.id == edition.id
        assert isinstance(rebuilt.narrator, StoredNarrator)
        chinese = await rebuilt.localised("zh")
        assert chinese.report.key_insight == "比特币上涨1.04%。"
        assert narrator.asked == ["en", "zh"]  # the resume asked nobody again
    finally:
        await liveness.stop()


async def test_an_edition_stored_before_languages_existed_says_what_it_said(
        db: Database) -> None:
    edition = await EditionCache(FixedSource(load_sample()), TemplateNarrator(), HK).current()
    store = EditionStore(db)
    await store.save(edition.id, edition.snapshot, edition.built_at, edition.report.narration)
    assert set(await store.narrations(edition.id)) == {"en"}
    stored = StoredNarrator(edition.report.narration)
    assert await stored.narrate(edition.report.analysis, "zh") is edition.report.narration
