"""Languages on Discord through discord.py's real command tree: ``/lang zh`` in one channel
(stored per channel), the report, its menu and the replies there in Chinese, the next channel
in English; and the commands synced with their Chinese localisations (``zh-CN``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from handlers.discord import MarketBot
from services.models.snapshot import SourceStatus
from services.snapshot_io import load_sample
from services.storage import Database
from services.storage.languages import LanguageStore
from services.storage.subscriptions import SubscriptionStore
from tests.fakes import discord_interactions as di
from tests.fakes.charts import FakeCharts
from tests.fakes.discord_api import FakeDiscordAPI
from tests.handlers.discord.conftest import interact, make_deps
from tests.handlers.discord.helpers import assert_clean, first_embed

OTHER_CHANNEL = di.CHANNEL_ID + 1


@pytest.fixture
async def client(fake: FakeDiscordAPI, db: Database) -> AsyncIterator[MarketBot]:
    deps = replace(make_deps(SubscriptionStore(db), FakeCharts()), languages=LanguageStore(db))
    bot = MarketBot(deps)
    await bot.login(fake.token)
    try:
        yield bot
    finally:
        await bot.close()


async def test_lang_zh_in_a_channel(client: MarketBot, fake: FakeDiscordAPI,
                                    db: Database) -> None:
    [done] = await interact(client, fake, di.command("lang", {"language": "zh"},
                                                     permissions=di.MODERATOR))
    assert done.content == "本频道已切换为中文：回复、报告与每日简报都将使用中文。"
    assert done.ephemeral
    assert await LanguageStore(db).chosen("discord", str(di.CHANNEL_ID)) == "zh"

    report = await interact(client, fake, di.command("report"))
    embed = first_embed(report)
    assert embed["title"] == "市场情报报告 - 2026-03-21"
    assert embed["fields"] == [{"name": "判断", "value": "分化", "inline": True}]
    assert embed["footer"]["text"].startswith("数据截至 2026-03-21 00:30 UTC · 来源：")
    select = report[0].payload["components"][0]["components"][0]
    assert select["custom_id"] == "marketbot:section:zh"
    assert select["placeholder"] == "阅读章节…"
    assert select["options"][0]["label"] == "1. 核心观点"

    picked = await interact(client, fake, di.select(fake.message_object(report[0]),
                                                    "marketbot:section:zh", ["us"]))
    assert first_embed(picked)["title"] == "4. 美股"

    english = await interact(client, fake, di.command("report", channel_id=OTHER_CHANNEL))
    assert first_embed(english)["title"] == "Market Intelligence Report - 2026-03-21"
    assert english[0].payload["components"][0]["components"][0]["custom_id"] == \
        "marketbot:section"

    [refused] = await interact(client, fake, di.command("lang", {"language": "en"},
                                                        permissions=di.MEMBER))
    assert refused.content == "需要“管理频道”权限才能更改本频道的语言。"

    [status] = await interact(client, fake, di.command("status"))
    assert status.content.splitlines()[0] == \
        "本频道尚未订阅。拥有“管理频道”权限的成员可以运行 /subscribe。"
    assert status.content.splitlines()[1].startswith(
        "当前报告：数据截至 2026-03-21 00:30 UTC，判断为")
    assert "判断为分化" in status.content
    assert status.content.splitlines()[-1] == "语言：中文。用 /lang en|zh 更改。"

    [bad] = await interact(client, fake, di.command("subscribe", {"time": "25:00"},
                                                    permissions=di.MODERATOR))
    assert bad.content == "“25:00”不是 HH:MM 格式的时间（00:00 至 23:59）"
    assert_clean(fake)


async def test_a_direct_message_may_choose_without_permissions(client: MarketBot,
                                                               fake: FakeDiscordAPI) -> None:
    [done] = await interact(client, fake, di.command("lang", {"language": "zh"}, guild=False))
    assert done.content.startswith("本频道已切换为中文")


def localised(command: dict[str, Any]) -> str | None:
    return (command.get("description_localizations") or {}).get("zh-CN")


async def test_the_commands_are_synced_with_chinese_localisations(
        client: MarketBot, fake: FakeDiscordAPI) -> None:
    synced = {c["name"]: c for c in fake.synced[None]}
    assert synced["report"]["description"] == ("Today's Key Insight, dashboard and a menu of "
                                               "the sections")
    assert localised(synced["report"]) == "今日核心观点、仪表盘与章节菜单"
    assert localised(synced["ask"]) == "就今日报告提问；回答中的每个数字都经过核对"
    assert localised(synced["lang"]) == "本频道使用的语言：回复、报告与每日简报"
    assert set(synced["report"]["description_localizations"]) == {"zh-CN"}  # English is the base
    [name] = synced["section"]["options"]
    assert localised(name) == "要显示的章节"
    choices = {c["value"]: c for c in name["choices"]}
    assert choices["key_insight"]["name"] == "1. Key Insight"
    assert choices["key_insight"]["name_localizations"] == {"zh-CN": "1. 核心观点"}
    assert choices["a_shares"]["name_localizations"] == {"zh-CN": "6. A股"}
    [chart] = synced["chart"]["options"]
    dashboard = next(c for c in chart["choices"] if c["value"] == "dashboard")
    assert (dashboard["name"], dashboard["name_localizations"]) == ("dashboard",
                                                                    {"zh-CN": "仪表盘"})
    for command in synced.values():
        for text in (command.get("description_localizations") or {}).values():
            assert 1 <= len(text) <= 100


async def test_refusals_and_source_lines_in_a_chinese_channel(fake: FakeDiscordAPI,
                                                              db: Database) -> None:
    snapshot = load_sample().model_copy(update={"sources": (
        SourceStatus(name="yahoo chart", as_of=datetime(2026, 3, 20, 20, 0, tzinfo=UTC),
                     requests=17, latency_s=0.3),
        SourceStatus(name="coingecko simple/price", ok=False, reason="HTTP 429", requests=1,
                     fallback="yahoo covers BTC, ETH"))})
    deps = replace(make_deps(SubscriptionStore(db), snapshot=snapshot),
                   languages=LanguageStore(db))
    bot = MarketBot(deps)
    await bot.login(fake.token)
    try:
        await interact(bot, fake, di.command("lang", {"language": "zh"}, permissions=di.MODERATOR))
        [long] = await interact(bot, fake, di.command("subscribe", {"time": "x" * 4000},
                                                      permissions=di.MODERATOR))
        assert long.content == "这个值有 4,000 个字符，此处的值最多 64 个字符。"
        [zone] = await interact(bot, fake, di.command("subscribe", {"timezone": "US/Eastern"},
                                                      permissions=di.MODERATOR))
        assert zone.content == ("“US/Eastern”不是可接受的时区：请使用地区/城市格式的时区（如 "
                                "Europe/London、America/New_York、Asia/Hong_Kong）或 UTC")
        await interact(bot, fake, di.command("report"))
        [status] = await interact(bot, fake, di.command("status"))
    finally:
        await bot.close()
    assert status.content.endswith(
        "语言：中文。用 /lang en|zh 更改。\n"
        "数据来源（最近一次生成）：\n"
        "• yahoo chart · 正常 · 17 次请求 · 0.30秒 · 截至 2026-03-20 20:00 UTC\n"
        "• coingecko simple/price · 失败 · 1 次请求 · yahoo covers BTC, ETH")
    assert_clean(fake)


async def test_the_zone_option_is_described_in_chinese(client: MarketBot,
                                                       fake: FakeDiscordAPI) -> None:
    synced = {c["name"]: c for c in fake.synced[None]}
    timezone = next(o for o in synced["subscribe"]["options"] if o["name"] == "timezone")
    assert timezone["description"] == ("An Area/City zone such as Europe/London or "
                                       "Asia/Hong_Kong, or UTC")
    assert localised(timezone) == "地区/城市格式的时区（如 Europe/London、Asia/Hong_Kong）或 UTC"
