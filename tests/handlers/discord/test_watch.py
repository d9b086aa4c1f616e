"""/watch, /watchlist and /alert through discord.py's real command tree against the Discord
fake, with the upstreams on loopback: a server channel (Manage Channels to change, anyone to
read) and a direct message; then the watchlist block after the edition in a channel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from handlers.discord import EditionPoster, MarketBot
from services.alerts.service import AlertService
from services.alerts.store import AlertStore
from services.delivery.discord import DiscordSender
from services.delivery.fanout import Fanout
from services.delivery.ledger import SENT, Ledger
from services.delivery.liveness import make_liveness
from services.delivery.media import MediaCache
from services.market_data.transport import open_clients
from services.storage import Database
from services.storage.languages import LanguageStore
from services.storage.subscriptions import SubscriptionStore
from services.watch.followup import WatchFollowUp, WatchNoteSender
from services.watch.quotes import QuoteFetcher
from services.watch.service import WatchService
from services.watch.store import WatchStore
from tests.fakes import discord_interactions as di
from tests.fakes.charts import FakeCharts
from tests.fakes.discord_api import FakeDiscordAPI
from tests.handlers.discord.conftest import TOKEN, interact, make_deps
from tests.handlers.discord.helpers import assert_clean
from tests.upstream.server import FakeUpstream
from tests.upstream.world import World
from tests.watch.conftest import settings_for, upstream, world  # noqa: F401  (fixtures)

DM_CHANNEL = 900000000000000099


@pytest.fixture
async def wbot(fake: FakeDiscordAPI, db: Database, upstream: FakeUpstream,  # noqa: F811
               world: World) -> AsyncIterator[MarketBot]:  # noqa: F811
    settings = settings_for(upstream.url)
    async with open_clients(10.0) as clients:
        quotes = QuoteFetcher(clients, settings, clock=lambda: world.now)
        watch = WatchService(WatchStore(db), quotes)
        alerts = AlertService(AlertStore(db), watch.resolver)
        deps = replace(make_deps(SubscriptionStore(db), FakeCharts()), watch=watch,
                       alerts=alerts, languages=LanguageStore(db))
        client = MarketBot(deps)
        await client.login(TOKEN)
        try:
            yield client
        finally:
            await client.close()


def texts(posted: list) -> list[str]:  # type: ignore[type-arg]
    return [p.content for p in posted]


async def test_a_moderator_builds_the_channels_list_members_read_it(
        wbot: MarketBot, fake: FakeDiscordAPI) -> None:
    refused = await interact(wbot, fake, di.command(
        "watch", {"action": "add", "instruments": "700"}, permissions=di.MEMBER))
    assert texts(refused) == [
        "You need the Manage Channels permission to change this channel's watchlist."]
    assert refused[0].ephemeral
    asked = await interact(wbot, fake, di.command(
        "watch", {"action": "add", "instruments": "000001 APPL"}, permissions=di.MODERATOR))
    assert texts(asked) == [
        "'000001' is more than one instrument; send one of:\n"
        "• /watch add 000001.SZ: 平安银行, Shenzhen stock, 11.57 +1.94% (2026-11-23, "
        "eastmoney)\n"
        "• /watch add SSE: 上证指数 SSE Composite, Shanghai index, 3,957.05 -1.24% "
        "(2026-11-23, eastmoney)\n"
        "'APPL' is not an instrument we can find. Closest: AAPL (Apple Inc.), APLE (Apple "
        "Hospitality REIT, Inc.). Example: /watch add AAPL"]
    added = await interact(wbot, fake, di.command(
        "watch", {"action": "add", "instruments": "SSE, 0700.HK"}, permissions=di.MODERATOR))
    assert [line.split(":")[0] for line in texts(added)[0].split("\n")] == [
        "Added SSE 上证指数 SSE Composite", "Added 0700.HK Tencent Holdings Limited"]
    block = await interact(wbot, fake, di.command("watchlist", permissions=di.MEMBER))
    [embed] = block[0].embeds
    assert embed["title"] == "Your watchlist"
    assert embed["description"].split("\n") == [
        "SSE 上证指数 SSE Composite", "  3,957.05 -1.24% · 2026-11-23",
        "0700.HK Tencent Holdings Limited",
        "  375.97 -3.10% · 2026-11-23 · vs HSI -0.15%"]
    assert embed["footer"]["text"].startswith("Sources: eastmoney, yahoo.")
    assert not block[0].ephemeral, "the channel's list, for the channel"
    assert_clean(fake)


async def test_in_a_direct_message_the_user_owns_the_list(wbot: MarketBot,
                                                          fake: FakeDiscordAPI) -> None:
    added = await interact(wbot, fake, di.command(
        "watch", {"action": "add", "instruments": "SOL"}, guild=False,
        channel_id=DM_CHANNEL))
    assert texts(added)[0].split("\n")[1:] == [
        "• /watch add SOL.US: Emeren Group Ltd, US listing, 1.85 +1.09% (2026-11-23, yahoo)",
        "• /watch add coin:solana: Solana, coin, rank 6, $142.10 +5.20% (24h to 2026-11-24 "
        "00:29 UTC, coingecko)"]
    picked = await interact(wbot, fake, di.command(
        "watch", {"action": "add", "instruments": "coin:solana"}, guild=False,
        channel_id=DM_CHANNEL))
    assert texts(picked)[0].startswith("Added SOL Solana: $142.10")
    listed = await interact(wbot, fake, di.command("watch", {"action": "list"}, guild=False,
                                                   channel_id=DM_CHANNEL))
    assert texts(listed) == ["This chat's watchlist (1 of 30):\n• SOL Solana"]


async def test_alerts_in_a_channel(wbot: MarketBot, fake: FakeDiscordAPI) -> None:
    refused = await interact(wbot, fake, di.command(
        "alert", {"action": "add", "rule": "HSI below 24000"}, permissions=di.MEMBER))
    assert texts(refused) == [
        "You need the Manage Channels permission to change this channel's alerts."]
    bad = await interact(wbot, fake, di.command(
        "alert", {"action": "add", "rule": "HSI below -5"}, permissions=di.MODERATOR))
    assert texts(bad) == ["A price level must be above 0, not -5. Example: /alert add HSI "
                          "below 24000"]
    done = await interact(wbot, fake, di.command(
        "alert", {"action": "add", "rule": "spread BTC SPX 3pp"}, permissions=di.MODERATOR))
    assert texts(done)[0].startswith("Alert 1 set: spread BTC − SPX ≥ 3 pp.\nNow: BTC "
                                     "+1.04% (24h to 2026-11-24 00:29 UTC, coingecko) vs SPX")
    listed = await interact(wbot, fake, di.command("alert", {"action": "list"},
                                                   permissions=di.MEMBER))
    assert texts(listed)[0].split("\n")[:2] == ["Alerts in this chat (1 of 20):",
                                                "1. spread BTC − SPX ≥ 3 pp: armed"]


async def test_the_watchlist_block_follows_the_edition_in_a_channel(
        wbot: MarketBot, fake: FakeDiscordAPI, db: Database) -> None:
    await interact(wbot, fake, di.command(
        "watch", {"action": "add", "instruments": "700 BTC"}, permissions=di.MODERATOR))
    watch = wbot.deps.watch
    assert watch is not None
    edition = await wbot.deps.editions.current()
    liveness = make_liveness(db)
    sender = DiscordSender(EditionPoster(wbot, FakeCharts()), MediaCache(db))
    fanout = Fanout(Ledger(db, liveness.worker_id),
                    {"discord": WatchNoteSender(sender, watch)}, wbot.deps.subscriptions,
                    liveness)
    followup = WatchFollowUp(fanout, watch)
    try:
        channel = ("discord", str(di.CHANNEL_ID))
        result = await followup.deliver(edition, [channel, ("discord", "12345")])
        assert result is not None and (result.sent, result.failed) == (1, 0)
        again = await followup.deliver(edition, [channel])
        assert again is not None and (again.sent, again.skipped_already_sent) == (0, 1)
        posted = [p for p in fake.messages_in(di.CHANNEL_ID) if p.via == "channel"]
        assert len(posted) == 1 and posted[0].embeds[0]["title"] == "Your watchlist"
        assert await Ledger(db, "reader").statuses(f"{edition.id}/watchlist") == {SENT: 1}
    finally:
        await liveness.stop()
    assert_clean(fake)


async def test_a_chinese_channel_reads_its_watchlist_and_alerts_in_chinese(
        wbot: MarketBot, fake: FakeDiscordAPI) -> None:
    await interact(wbot, fake, di.command("lang", {"language": "zh"}, permissions=di.MODERATOR))
    refused = await interact(wbot, fake, di.command(
        "watch", {"action": "add", "instruments": "700"}, permissions=di.MEMBER))
    assert texts(refused) == ["需要“管理频道”权限才能更改本频道的自选列表。"]
    added = await interact(wbot, fake, di.command(
        "watch", {"action": "add", "instruments": "700"}, permissions=di.MODERATOR))
    assert texts(added)[0].startswith("已添加 0700.HK Tencent Holdings Limited：375.97 -3.10%")
    [block] = await interact(wbot, fake, di.command("watchlist"))
    embed = block.payload["embeds"][0]
    assert embed["title"] == "您的自选列表"
    assert "相对 HSI -0.15%" in embed["description"]
    set_ = await interact(wbot, fake, di.command(
        "alert", {"action": "add", "rule": "HSI below 24000"}, permissions=di.MODERATOR))
    assert texts(set_)[0].startswith("已设置提醒 1：HSI 低于 24,000。")
    assert_clean(fake)
