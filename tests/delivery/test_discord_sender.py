"""The Discord sender: the Discord handlers' ``EditionPoster`` through discord.py's real HTTP
client against the shared loopback fake, driven by the fan-out. One upload per edition,
gone channels deactivated, rate limits honoured, doubt told apart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import discord
import pytest

from handlers.discord import EditionPoster
from services.delivery.discord import DiscordSender
from services.delivery.fanout import Fanout, RetryPolicy
from services.delivery.ledger import SENT, Ledger
from services.delivery.liveness import make_liveness
from services.delivery.media import MediaCache
from services.errors import DeliveryInDoubt, DeliveryUnavailable
from services.report.editions import Edition
from services.storage import Database
from services.storage.subscriptions import SubscriptionStore
from tests.delivery.fakes import no_sleep
from tests.fakes.charts import FakeCharts
from tests.fakes.discord_api import FakeDiscordAPI

TOKEN = "MTEwMDAw.fake-discord-bot-token.delivery-XYZ"
CHANNELS = [910000000000000001 + i for i in range(5)]


@dataclass
class DiscordRig:
    fake: FakeDiscordAPI
    fanout: Fanout
    ledger: Ledger
    subscriptions: SubscriptionStore
    media: MediaCache

    async def subscribe(self, *channels: int) -> list[tuple[str, str]]:
        for channel in channels:
            await self.subscriptions.upsert("discord", str(channel), "08:30", "Asia/Hong_Kong",
                                            kind="text", guild_id="1")
        return [("discord", str(c)) for c in channels]


@pytest.fixture
async def dc(db: Database, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DiscordRig]:
    fake = await FakeDiscordAPI(token=TOKEN).start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.base_url)
    client = discord.Client(intents=discord.Intents.none(),
                            allowed_mentions=discord.AllowedMentions.none())
    await client.login(TOKEN)
    media = MediaCache(db)
    liveness = make_liveness(db)
    ledger = Ledger(db, liveness.worker_id)
    subscriptions = SubscriptionStore(db)
    sender = DiscordSender(EditionPoster(client, FakeCharts()), media)
    fanout = Fanout(ledger, {"discord": sender}, subscriptions, liveness, RetryPolicy(),
                    sleep=no_sleep([]))
    try:
        yield DiscordRig(fake, fanout, ledger, subscriptions, media)
    finally:
        await liveness.stop()
        await client.close()
        await fake.close()


async def test_each_channel_once_with_one_upload(dc: DiscordRig, edition: Edition) -> None:
    dests = await dc.subscribe(*CHANNELS)
    result = await dc.fanout.deliver(edition, dests)
    assert (result.sent, result.failed) == (5, 0)
    posts = [dc.fake.messages_in(c) for c in CHANNELS]
    assert all(len(p) == 1 for p in posts)
    uploads = [p[0].uploads for p in posts]
    assert sum(1 for u in uploads if u) == 1, "the dashboard is uploaded once"
    first = next(p[0] for p in posts if p[0].uploads)
    url = f"https://cdn.fake.discordapp.com/attachments/{first.channel_id}/" \
          f"{first.message_id}/dashboard.png"
    for post in (p[0] for p in posts if not p[0].uploads):
        assert post.embeds[0]["image"] == {"url": url}
        assert post.payload["allowed_mentions"] == {"parse": []}
    again = await dc.fanout.deliver(edition, dests)
    assert (again.sent, again.skipped_already_sent) == (0, 5)


async def test_a_deleted_channel_is_deactivated_and_the_rest_receive(
        dc: DiscordRig, edition: Edition) -> None:
    dests = await dc.subscribe(*CHANNELS[:3])
    dc.fake.channel_gone(CHANNELS[1])
    result = await dc.fanout.deliver(edition, dests)
    assert (result.sent, result.deactivated) == (2, 1)
    gone = await dc.subscriptions.get("discord", str(CHANNELS[1]))
    assert gone is not None and not gone.active
    assert gone.deactivated_reason == "HTTP 404 Unknown Channel"
    assert await dc.ledger.statuses(edition.id) == {SENT: 2, "gone": 1}


async def test_a_429_is_waited_out_by_discord_py(dc: DiscordRig, edition: Edition) -> None:
    dests = await dc.subscribe(*CHANNELS[:2])
    dc.fake.rate_limit_next("POST", rf"^/channels/{CHANNELS[0]}/messages$", retry_after=0.05)
    result = await dc.fanout.deliver(edition, dests)
    assert (result.sent, result.failed) == (2, 0)
    assert dc.fake.throttled == 1
    assert len(dc.fake.messages_in(CHANNELS[0])) == 1


class _Poster:
    def __init__(self, error: Exception) -> None:
        self.error = error

    async def send_edition(self, channel_id: int | str, edition: Edition,
                           image_url: str | None = None) -> object:
        raise self.error


def _unavailable_from(cause: BaseException) -> DeliveryUnavailable:
    try:
        try:
            raise cause
        except BaseException:
            raise DeliveryUnavailable("discord:1", "network: x") from None
    except DeliveryUnavailable as exc:
        return exc


async def test_doubt_depends_on_whether_the_request_left(edition: Edition) -> None:
    refused = aiohttp.ClientConnectorError(
        aiohttp.client_reqrep.ConnectionKey("h", 1, False, False, None, None, None),
        OSError(111, "refused"))
    cases = [(refused, DeliveryUnavailable), (TimeoutError(), DeliveryInDoubt)]
    for cause, expected in cases:
        sender = DiscordSender(_Poster(_unavailable_from(cause)), MediaCache(None))
        with pytest.raises(DeliveryUnavailable) as caught:
            await sender.send_edition("1", edition)
        assert type(caught.value) is expected


async def test_push_logs_in_over_rest_and_posts_to_every_channel(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``python -m bot push``'s wiring for Discord: a REST-only client (no gateway)."""
    from bot.config import Settings
    from bot.container import build_container
    from bot.delivery import delivery_from_settings
    from services.report.editions import FixedSource
    from services.snapshot_io import load_sample

    fake = await FakeDiscordAPI(token=TOKEN).start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.base_url)
    settings = Settings(_env_file=None, database_url=sqlite_url,  # type: ignore[call-arg]
                        discord_bot_token=TOKEN, narrator="template")
    container = await build_container(settings, FixedSource(load_sample()), charts=FakeCharts())
    try:
        for channel in CHANNELS[:3]:
            await container.subscriptions.upsert("discord", str(channel), "08:30", "UTC")
        delivery = await delivery_from_settings(container)
        try:
            assert set(delivery.senders) == {"discord"}
            result = await delivery.briefing.push()
        finally:
            await delivery.close()
    finally:
        await container.close()
        await fake.close()
    assert (result.sent, result.failed) == (3, 0)
    assert [len(fake.messages_in(c)) for c in CHANNELS[:3]] == [1, 1, 1]
    assert not any(call.path == "/gateway/bot" for call in fake.calls)
