"""/watch, /watchlist and /alert through python-telegram-bot over the fake Bot API, with the
upstreams on loopback; then the daily push: the edition, and "Your watchlist" after it in each
chat that has one, through the delivery ledger."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from telegram import Bot

from bot.config import Settings
from bot.container import Container, build_container
from bot.delivery import build_delivery
from handlers.telegram import TelegramService
from handlers.telegram.keyboards import full_report
from services.delivery.ledger import SENT
from services.delivery.media import MediaCache
from services.delivery.pacing import telegram_pacer
from services.delivery.telegram import TelegramSender
from services.market_data.transport import open_clients
from services.report.editions import FixedSource
from services.snapshot_io import load_sample
from services.watch.quotes import QuoteFetcher
from tests.delivery.fakes import FakeClock
from tests.fakes import telegram_updates as tu
from tests.fakes.charts import FakeCharts
from tests.fakes.telegram_api import TOKEN, FakeBotApi, Sent
from tests.fakes.telegram_app import feed, requests, telegram_service
from tests.upstream.server import FakeUpstream
from tests.upstream.world import World, endpoints
from tests.watch.conftest import upstream, world  # noqa: F401  (fixtures)

PRIVATE, GROUP, ADMIN, MEMBER = 1001, -100777, 7, 8


@dataclass
class WatchBot:
    fake: FakeBotApi
    service: TelegramService
    container: Container

    async def send(self, text: str, chat_id: int = PRIVATE, user_id: int | None = None
                   ) -> list[Sent]:
        before = len(self.fake.sent)
        await feed(self.service.app, tu.command(text, chat_id, user_id))
        return self.fake.sent[before:]

    async def say(self, text: str, chat_id: int = PRIVATE, user_id: int | None = None) -> str:
        sent = await self.send(text, chat_id, user_id)
        assert len(sent) == 1, [s.text for s in sent]
        return sent[0].text


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def wbot(sqlite_url: str, upstream: FakeUpstream, world: World  # noqa: F811
               ) -> AsyncIterator[WatchBot]:
    values: dict[str, Any] = {"telegram_bot_token": TOKEN, "database_url": sqlite_url,
                              "telegram_channels": (), "provider_timeout_s": 10.0,
                              "build_deadline_s": 30.0, "alert_poll_s": 300.0,
                              **endpoints(upstream.url)}
    config = Settings(_env_file=None, **values)  # type: ignore[call-arg]
    fake = FakeBotApi()
    fake.set_member(GROUP, ADMIN, "administrator")
    fake.set_member(GROUP, MEMBER, "member")
    async with open_clients(10.0) as clients:
        container = await build_container(
            config, FixedSource(load_sample()), FakeCharts(), FakeCharts().names,
            quotes=QuoteFetcher(clients, config, clock=lambda: world.now))
        service = telegram_service(container, fake)
        await service.app.initialize()
        try:
            yield WatchBot(fake, service, container)
        finally:
            await service.app.shutdown()
            await container.close()


async def test_private_chat_ambiguous_unknown_then_the_block(wbot: WatchBot) -> None:
    asked = await wbot.say("/watch add 000001")
    assert asked == (
        "'000001' is more than one instrument; send one of:\n"
        "• /watch add 000001.SZ: 平安银行, Shenzhen stock, 11.57 +1.94% (2026-11-23, "
        "eastmoney)\n"
        "• /watch add SSE: 上证指数 SSE Composite, Shanghai index, 3,957.05 -1.24% "
        "(2026-11-23, eastmoney)")
    refused = await wbot.say("/watch add APPL")
    assert refused == ("'APPL' is not an instrument we can find. Closest: AAPL (Apple Inc.), "
                       "APLE (Apple Hospitality REIT, Inc.). Example: /watch add AAPL")
    assert await wbot.container.watch.items("telegram", str(PRIVATE)) == []  # type: ignore[union-attr]
    added = await wbot.say("/watch add 000001.SZ 700 BTC")
    assert added.split("\n") == [
        "Added 000001.SZ 平安银行: 11.57 +1.94% (2026-11-23, eastmoney). 1 of 30 on this "
        "chat's watchlist.",
        "Added 0700.HK Tencent Holdings Limited: 375.97 -3.10% (2026-11-23, yahoo). 2 of 30 "
        "on this chat's watchlist.",
        "Added BTC Bitcoin: $87,123 +1.04% (24h to 2026-11-24 00:29 UTC, coingecko). 3 of 30 "
        "on this chat's watchlist."]
    [block] = await wbot.send("/watchlist")
    assert block.parse_mode == "HTML" and block.raw.startswith("<b>Your watchlist</b>\n")
    assert block.text.split("\n")[:7] == [
        "Your watchlist",
        "000001.SZ 平安银行",
        "  11.57 +1.94% · 2026-11-23 · vs SZSE -0.25%",
        "0700.HK Tencent Holdings Limited",
        "  375.97 -3.10% · 2026-11-23 · vs HSI -0.15%",
        "BTC Bitcoin",
        "  $87,123 +1.04% · 24h to 2026-11-24 00:29 UTC"]
    listed = await wbot.say("/watch list")
    assert listed.split("\n")[0] == "This chat's watchlist (3 of 30):"
    assert await wbot.say("/watch remove 700") == (
        "Removed 0700.HK Tencent Holdings Limited from this chat's watchlist.")
    assert await wbot.say("/watch remove 700") == "'700' is not on this chat's watchlist."
    assert await wbot.say("/watch add ??") == (
        "'??' is not a ticker, code or coin (e.g. AAPL, BRK.B, 0700, 600519, BTC or HSI). "
        "Example: /watch add AAPL 0700 600519 BTC")


async def test_in_a_group_only_admins_change_the_list(wbot: WatchBot) -> None:
    refused = await wbot.say("/watch add 700", GROUP, MEMBER)
    assert refused == "Only this group's administrators can change its watchlist."
    assert (await wbot.say("/watch add 700", GROUP, ADMIN)).startswith("Added 0700.HK")
    assert (await wbot.say("/watchlist", GROUP, MEMBER)).startswith("Your watchlist\n")
    assert (await wbot.say("/alert add HSI below 24000", GROUP, MEMBER)) == (
        "Only this group's administrators can change its alerts.")
    assert (await wbot.say("/alert add HSI below 24000", GROUP, ADMIN)).startswith(
        "Alert 1 set: HSI below 24,000.")
    assert (await wbot.say("/alert list", GROUP, MEMBER)).startswith("Alerts in this chat")


async def test_alert_bad_input_is_one_line_with_an_example(wbot: WatchBot) -> None:
    lines = {
        "/alert add BTC move 0%": "move 0% makes no sense: use 0.1 to 50%. Example: /alert add "
                                  "BTC move 5%",
        "/alert add HSI below -5": "A price level must be above 0, not -5. Example: /alert add "
                                   "HSI below 24000",
        "/alert add BTC sideways 5%": "'sideways' is not an alert kind; use move, above, "
                                      "below, spread, depeg or z. Example: /alert add BTC "
                                      "move 5%",
        "/alert add APPL move 5%": "'APPL' is not an instrument we can find. Closest: AAPL "
                                   "(Apple Inc.), APLE (Apple Hospitality REIT, Inc.). "
                                   "Example: /alert add AAPL move 5%",
        "/alert add depeg HSI 0.5%": "HSI is not a dollar stablecoin (it is at 25,423.06): "
                                     "depeg compares a price with $1. Example: /alert add "
                                     "depeg USDC 0.5%",
        "/alert add z 0700 2": "z needs 0700.HK's own history (at least 20 daily closes "
                               "before its last session), and there is none yet. Example: "
                               "/alert add z HSTECH 2",
        "/alert add spread BTC BTC 3pp": "A spread needs two different instruments. Example: "
                                         "/alert add spread BTC SPX 3pp",
        "/alert remove 9": "Say which alert by its number in /alert list (none: this chat has "
                           "no alerts). Example: /alert remove 1",
    }
    for command, line in lines.items():
        assert await wbot.say(command) == line, command
    asked = await wbot.say("/alert add 000001 move 5%")
    assert asked.split("\n")[1].startswith("• /alert add 000001.SZ move 5%: 平安银行")
    set_ = await wbot.say("/alert add BTC move 5%")
    assert set_ == ("Alert 1 set: BTC move ≥ ±5%.\nNow: BTC Bitcoin moved +1.04% over 24 h, "
                    "to $87,123 (24h to 2026-11-24 00:29 UTC, coingecko).\nChecked every "
                    "5 min; it fires once per crossing.")
    assert await wbot.say("/alert add BTC move 5%") == (
        "This chat already has that alert (number 1); /alert list shows them.")
    held = await wbot.say("/alert add HSI above 20000")
    assert "That holds already, so it fires at the next crossing, once the figure is back " \
           "past 19,900." in held
    assert (await wbot.say("/alert list")).split("\n") == [
        "Alerts in this chat (2 of 20):", "1. BTC move ≥ ±5%: armed",
        "2. HSI above 20,000: holds now; fires at the next crossing",
        "/alert remove NUMBER removes one."]
    assert await wbot.say("/alert remove 1") == "Removed alert 1: BTC move ≥ ±5%."


async def test_the_daily_push_adds_the_watchlist_block_per_chat(
        wbot: WatchBot, world: World) -> None:  # noqa: F811
    subs = wbot.container.subscriptions
    for chat in (PRIVATE, GROUP, 2002):  # 2002 is subscribed, without a watchlist
        await subs.upsert("telegram", str(chat), "08:30", "Asia/Hong_Kong")
    await wbot.say("/watch add 700 600519", PRIVATE)
    await wbot.say("/watch add 9988 solana", GROUP, ADMIN)
    wbot.fake.reset_records()
    request, updates = requests(wbot.fake, pool=10)
    bot = Bot(TOKEN, base_url="http://fake.invalid/bot", request=request,
              get_updates_request=updates)
    clock = FakeClock()
    media = MediaCache(wbot.container.db)
    sender = TelegramSender(bot, FakeCharts(), media, full_report(),
                            telegram_pacer(clock=clock, sleep=clock.sleep))
    delivery = build_delivery(wbot.container, {"telegram": sender}, media)
    try:
        result = await delivery.briefing.push()
        assert result.sent == 3
        by_chat = {chat: [(s.method, s.text.split("\n")[0]) for s in wbot.fake.to(chat)]
                   for chat in (PRIVATE, GROUP, 2002)}
        assert by_chat[PRIVATE] == by_chat[GROUP] == [
            ("sendPhoto", wbot.fake.to(PRIVATE)[0].text.split("\n")[0]),
            ("sendMessage", "Your watchlist")]
        assert by_chat[2002] == [("sendPhoto", by_chat[PRIVATE][0][1])]
        assert wbot.fake.uploads == 1, "one upload of the dashboard for the edition"
        assert all(len(s.text) <= 1024 for s in wbot.fake.sent if s.method == "sendPhoto")
        group_block = wbot.fake.to(GROUP)[1].text.split("\n")
        assert group_block[1:5] == [
            "9988.HK Alibaba Group Holding Limited",
            "  81.90 -0.73% · 2026-11-20 (stale: HSI has 2026-11-23) · vs HSI -0.15% "
            "(2026-11-23)",
            "SOL Solana", "  $142.10 +5.20% · 24h to 2026-11-24 00:29 UTC · vs BTC +1.04%"]
        rows = await delivery.ledger.statuses(f"{result.edition}/watchlist")
        assert rows == {SENT: 2}
        again = await delivery.briefing.push()
        assert (again.sent, again.skipped_already_sent) == (0, 3)
        assert len(wbot.fake.sent) == 5, "a second push sends nothing, block included"
    finally:
        await delivery.close()
        await request.shutdown()


async def test_a_chinese_chat_watches_and_sets_alerts_in_chinese(wbot: WatchBot) -> None:
    assert (await wbot.say("/lang zh")).startswith("本聊天已切换为中文")
    asked = await wbot.say("/watch add 000001")
    assert asked.split("\n")[:2] == [
        "“000001”对应不止一个标的，请发送以下其中之一：",
        "• /watch add 000001.SZ：平安银行，深圳股票，11.57 +1.94%（2026-11-23，eastmoney）"]
    added = await wbot.say("/watch add 700 BTC")
    assert added.split("\n") == [
        "已添加 0700.HK Tencent Holdings Limited：375.97 -3.10%（2026-11-23，yahoo）。本聊天的"
        "自选列表现有 1 项（上限 30）。",
        "已添加 BTC Bitcoin：87,123美元 +1.04%（24小时至 2026-11-24 00:29 UTC，coingecko）。"
        "本聊天的自选列表现有 2 项（上限 30）。"]
    [block] = await wbot.send("/watchlist")
    assert block.text.split("\n")[:5] == [
        "您的自选列表", "0700.HK Tencent Holdings Limited",
        "  375.97 -3.10% · 2026-11-23 · 相对 HSI -0.15%", "BTC Bitcoin",
        "  87,123美元 +1.04% · 24小时至 2026-11-24 00:29 UTC"]
    assert block.text.split("\n")[-1].startswith("来源：coingecko、")
    assert await wbot.say("/watch add ??") == (
        "“??”不是股票代码、证券代码或币种（例如 AAPL、BRK.B、0700、600519、BTC 或 HSI）。"
        "例如：/watch add AAPL 0700 600519 BTC")
    assert await wbot.say("/alert add BTC move 0%") == (
        "move 0% 没有意义：请使用 0.1 至 50%。例如：/alert add BTC move 5%")
    assert await wbot.say("/alert add BTC move 5%") == (
        "已设置提醒 1：BTC 涨跌 ≥ ±5%。\n当前：BTC Bitcoin 24小时内涨跌 +1.04%，至 87,123美元"
        "（24小时至 2026-11-24 00:29 UTC，coingecko）。\n"
        "每 5分钟 检查一次；每次越过条件只触发一次。")
    assert (await wbot.say("/alert list")).split("\n") == [
        "本聊天的提醒（1 个，上限 20）：", "1. BTC 涨跌 ≥ ±5%：待触发",
        "/alert remove 编号 可删除一个。"]
    english = await wbot.say("/watch list", GROUP, MEMBER)  # the group next to it: English
    assert english.startswith("This chat's watchlist is empty.")


async def test_the_watchlist_block_follows_the_edition_in_each_chats_language(
        wbot: WatchBot) -> None:
    subs = wbot.container.subscriptions
    for chat in (PRIVATE, GROUP):
        await subs.upsert("telegram", str(chat), "08:30", "Asia/Hong_Kong")
    await wbot.say("/lang zh", PRIVATE)
    await wbot.say("/watch add 700", PRIVATE)
    await wbot.say("/watch add 700", GROUP, ADMIN)
    wbot.fake.reset_records()
    request, updates = requests(wbot.fake, pool=10)
    bot = Bot(TOKEN, base_url="http://fake.invalid/bot", request=request,
              get_updates_request=updates)
    clock = FakeClock()
    media = MediaCache(wbot.container.db)
    sender = TelegramSender(bot, FakeCharts(), media, full_report,
                            telegram_pacer(clock=clock, sleep=clock.sleep))
    delivery = build_delivery(wbot.container, {"telegram": sender}, media)
    try:
        result = await delivery.briefing.push()
        assert result.sent == 2
        [photo, block] = wbot.fake.to(PRIVATE)
        assert photo.text.startswith("市场情报报告 - 2026-03-21")
        assert block.text.split("\n")[:3] == [
            "您的自选列表", "0700.HK Tencent Holdings Limited",
            "  375.97 -3.10% · 2026-11-23 · 相对 HSI -0.15%"]
        [_, english] = wbot.fake.to(GROUP)
        assert english.text.startswith("Your watchlist\n")
        assert wbot.fake.uploads == 2, "one dashboard upload per language"
    finally:
        await delivery.close()
        await request.shutdown()


async def test_the_watchlist_shows_z_from_the_history_store(wbot: WatchBot) -> None:
    """The container's history store is the watchlist's history: closes stored (by a backfill,
    an import or the editions) give a watched instrument its z."""
    from datetime import date, timedelta

    from services.models.history import History, Series

    assert wbot.container.closes is not None
    days = [date(2026, 7, 1) + timedelta(days=n) for n in range(160)]
    sessions = [d for d in days if d.weekday() < 5 and d < date(2026, 11, 23)]
    closes = tuple((d, 3900.0 * (1.006 if i % 2 else 0.995) ** (i % 7))
                   for i, d in enumerate(sessions))
    await wbot.container.closes.import_history(
        History({"SSE": Series("SSE", "eastmoney kline 1.000001", "index", closes)}),
        date(2026, 11, 24))
    assert (await wbot.say("/watch add SSE")).startswith("Added SSE")
    [block] = await wbot.send("/watchlist")
    figures = block.text.split("\n")[2]
    assert figures.startswith("  3,957.05 -1.24% · 2026-11-23 · z ")
