"""The daily post (``EditionPoster``): one message per channel, gone channels deactivated,
rate limits honoured, failures mapped to the product's error tree."""

from __future__ import annotations

import logging
import time

import discord
import pytest

from handlers.discord import EditionPoster, MarketBot
from services.errors import DeliveryError, DeliveryUnavailable, DestinationGone, RateLimited
from tests.fakes.charts import PNG_SIGNATURE, FakeCharts
from tests.fakes.discord_api import GONE_NO_ACCESS, FakeDiscordAPI
from tests.handlers.discord.helpers import assert_clean, first_embed

A, B, C = 910000000000000001, 910000000000000002, 910000000000000003


@pytest.fixture
def poster(bot: MarketBot, charts: FakeCharts) -> EditionPoster:
    return EditionPoster(bot, charts, bot.deps.subscriptions)


async def subscribe(bot: MarketBot, *channels: int) -> None:
    for channel in channels:
        await bot.deps.subscriptions.upsert("discord", str(channel), "08:30", "Asia/Hong_Kong",
                                            kind="text", guild_id="1")


async def test_send_edition_posts_embed_image_and_menu(bot: MarketBot, fake: FakeDiscordAPI,
                                                       poster: EditionPoster) -> None:
    edition = await bot.deps.editions.current()
    sent = await poster.send_edition(A, edition)

    [message] = fake.messages_in(A)
    assert sent.message_ids == (str(message.message_id),)
    assert sent.image_url == (f"https://cdn.fake.discordapp.com/attachments/{A}/"
                              f"{message.message_id}/dashboard.png")
    embed = first_embed([message])
    assert embed["title"] == "Market Intelligence Report - 2026-03-21"
    assert embed["image"] == {"url": "attachment://dashboard.png"}
    assert message.uploads[0].data.startswith(PNG_SIGNATURE)
    assert message.payload["components"][0]["components"][0]["custom_id"] == \
        "marketbot:section"
    assert_clean(fake)


async def test_send_edition_can_reuse_an_uploaded_image(bot: MarketBot, fake: FakeDiscordAPI,
                                                        poster: EditionPoster) -> None:
    edition = await bot.deps.editions.current()
    first = await poster.send_edition(A, edition)
    await poster.send_edition(B, edition, image_url=first.image_url)
    [second] = fake.messages_in(B)
    assert second.uploads == []
    assert first_embed([second])["image"] == {"url": first.image_url}


@pytest.mark.parametrize("status", [404, 403])
async def test_gone_channel_raises_destination_gone(bot: MarketBot, fake: FakeDiscordAPI,
                                                    poster: EditionPoster, status: int) -> None:
    if status == 404:
        fake.channel_gone(A)
    else:
        fake.channel_gone(A, GONE_NO_ACCESS)
    edition = await bot.deps.editions.current()
    with pytest.raises(DestinationGone) as caught:
        await poster.send_edition(A, edition)
    assert caught.value.destination == f"discord:{A}"
    assert caught.value.reason.startswith(f"HTTP {status} ")


async def test_deleted_channel_is_deactivated_and_others_still_receive(
        bot: MarketBot, fake: FakeDiscordAPI, poster: EditionPoster,
        caplog: pytest.LogCaptureFixture) -> None:
    await subscribe(bot, A, B, C)
    fake.channel_gone(B)
    edition = await bot.deps.editions.current()

    with caplog.at_level(logging.WARNING):
        summary = await poster.post_to_subscribers(edition)

    assert (summary.sent, summary.deactivated, summary.failed) == (2, 1, 0)
    assert len(fake.messages_in(A)) == 1 and len(fake.messages_in(C)) == 1
    assert fake.messages_in(B) == []
    gone = await bot.deps.subscriptions.get("discord", str(B))
    assert gone is not None and not gone.active
    assert gone.deactivated_reason == "HTTP 404 Unknown Channel"
    active = [s.destination_id for s in await bot.deps.subscriptions.list("discord")]
    assert active == [str(A), str(C)]
    assert f"deactivated discord:{B}: HTTP 404 Unknown Channel" in caplog.text

    again = await poster.post_to_subscribers(edition)
    assert (again.sent, again.deactivated) == (2, 0), "the gone channel is not tried again"


async def test_other_failures_are_isolated_per_channel(bot: MarketBot, fake: FakeDiscordAPI,
                                                       poster: EditionPoster) -> None:
    await subscribe(bot, A, B)
    fake.fail_next("POST", rf"^/channels/{A}/messages$", 503)
    summary = await poster.post_to_subscribers(await bot.deps.editions.current())
    assert (summary.sent, summary.failed) == (1, 1)
    sub = await bot.deps.subscriptions.get("discord", str(A))
    assert sub is not None and sub.active, "a 503 does not deactivate"


async def test_server_error_is_unavailable_and_bad_request_is_a_delivery_error(
        bot: MarketBot, fake: FakeDiscordAPI, poster: EditionPoster) -> None:
    edition = await bot.deps.editions.current()
    fake.fail_next("POST", r"/messages$", 503)
    with pytest.raises(DeliveryUnavailable):
        await poster.send_edition(A, edition)
    fake.fail_next("POST", r"/messages$", 400)
    with pytest.raises(DeliveryError) as caught:
        await poster.send_edition(A, edition)
    assert type(caught.value) is DeliveryError
    assert caught.value.reason.startswith("HTTP 400")


async def test_network_failure_is_unavailable(bot: MarketBot, fake: FakeDiscordAPI,
                                              poster: EditionPoster,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    edition = await bot.deps.editions.current()
    port = fake.port
    await fake.close()
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
    with pytest.raises(DeliveryUnavailable) as caught:
        await poster.send_edition(A, edition)
    assert caught.value.reason.startswith("network: ")


async def test_429_is_waited_out_and_retried(bot: MarketBot, fake: FakeDiscordAPI,
                                             poster: EditionPoster) -> None:
    fake.rate_limit_next("POST", rf"^/channels/{A}/messages$", times=2, retry_after=0.2)
    edition = await bot.deps.editions.current()
    started = time.monotonic()
    sent = await poster.send_edition(A, edition)
    assert time.monotonic() - started >= 0.4
    assert fake.throttled == 2
    attempts = [c.status for c in fake.calls if c.path == f"/channels/{A}/messages"]
    assert attempts == [429, 429, 200]
    assert len(fake.messages_in(A)) == 1 and sent.message_ids


async def test_429_longer_than_the_client_waits_is_rate_limited(
        bot: MarketBot, fake: FakeDiscordAPI, poster: EditionPoster) -> None:
    bot.http.max_ratelimit_timeout = 1.0
    fake.rate_limit_next("POST", r"/messages$", retry_after=30.0)
    with pytest.raises(RateLimited) as caught:
        await poster.send_edition(A, await bot.deps.editions.current())
    assert caught.value.retry_after == 30.0


async def test_message_buckets_are_honoured_without_429s(bot: MarketBot, fake: FakeDiscordAPI,
                                                         poster: EditionPoster) -> None:
    """With Discord's X-RateLimit headers discord.py waits for the bucket to reset itself."""
    fake.message_bucket(limit=2, per_s=0.5)
    edition = await bot.deps.editions.current()
    started = time.monotonic()
    for _ in range(5):
        await poster.send_edition(A, edition)
    assert len(fake.messages_in(A)) == 5
    assert time.monotonic() - started >= 1.0  # windows: 2 + 2 + 1
    assert fake.throttled == 0


async def test_global_limit_429s_are_retried(bot: MarketBot, fake: FakeDiscordAPI,
                                             poster: EditionPoster) -> None:
    fake.global_limit(2, per_s=0.3)
    edition = await bot.deps.editions.current()
    for channel in (A, B, C, A):
        await poster.send_edition(channel, edition)
    assert [len(fake.messages_in(c)) for c in (A, B, C)] == [2, 1, 1]
    assert fake.throttled >= 1
