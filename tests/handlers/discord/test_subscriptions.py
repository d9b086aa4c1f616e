"""/subscribe, /unsubscribe and /status: permission checks (allowed and refused), arguments,
storage, through discord.py's real command tree."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from handlers.discord import MarketBot
from services.models.snapshot import SourceStatus
from services.snapshot_io import load_sample
from services.storage import Database
from services.storage.subscriptions import SubscriptionStore
from tests.fakes import discord_interactions as di
from tests.fakes.discord_api import FakeDiscordAPI
from tests.handlers.discord.conftest import TOKEN, interact, make_deps
from tests.handlers.discord.helpers import assert_clean

CHANNEL = str(di.CHANNEL_ID)


def store(bot: MarketBot) -> SubscriptionStore:
    return bot.deps.subscriptions


async def test_moderator_subscribes_with_defaults(bot: MarketBot, fake: FakeDiscordAPI) -> None:
    payload = di.command("subscribe", permissions=di.MODERATOR)
    posted = await interact(bot, fake, payload)

    assert fake.acknowledgement(payload) == (5, True)
    assert [p.content for p in posted] == [
        "This channel gets the daily briefing at 08:30 Asia/Hong_Kong "
        "(next: Sat 21 Mar 08:30 HKT)."]
    assert posted[0].ephemeral
    sub = await store(bot).get("discord", CHANNEL)
    assert sub is not None and sub.active
    assert (sub.time_hhmm, sub.tz, sub.guild_id, sub.title, sub.kind) == (
        "08:30", "Asia/Hong_Kong", str(di.GUILD_ID), "markets", "text")
    assert_clean(fake)


async def test_subscribe_with_time_and_zone_then_change_it(bot: MarketBot,
                                                           fake: FakeDiscordAPI) -> None:
    await interact(bot, fake, di.command("subscribe", {"time": "7:05", "timezone":
                                                       "America/New_York"},
                                         permissions=di.MODERATOR))
    posted = await interact(bot, fake, di.command("subscribe", {"time": "21:30"},
                                                  permissions=di.MODERATOR))
    assert posted[0].content.startswith("This channel gets the daily briefing at 21:30 "
                                        "Asia/Hong_Kong")
    subs = await store(bot).list("discord")
    assert [(s.destination_id, s.time_hhmm, s.tz) for s in subs] == [
        (CHANNEL, "21:30", "Asia/Hong_Kong")]


async def test_member_without_manage_channels_is_refused(bot: MarketBot,
                                                         fake: FakeDiscordAPI) -> None:
    payload = di.command("subscribe", {"time": "09:00"}, permissions=di.MEMBER)
    posted = await interact(bot, fake, payload)

    assert fake.acknowledgement(payload) == (4, True), "refused before deferring, privately"
    assert [p.content for p in posted] == [
        "You need the Manage Channels permission to do that."]
    assert posted[0].ephemeral
    assert await store(bot).get("discord", CHANNEL) is None
    assert_clean(fake)


async def test_unsubscribe_checks_the_permission_too(bot: MarketBot,
                                                     fake: FakeDiscordAPI) -> None:
    await interact(bot, fake, di.command("subscribe", permissions=di.MODERATOR))
    refused = await interact(bot, fake, di.command("unsubscribe", permissions=di.MEMBER))
    assert refused[0].content == "You need the Manage Channels permission to do that."
    sub = await store(bot).get("discord", CHANNEL)
    assert sub is not None and sub.active

    done = await interact(bot, fake, di.command("unsubscribe", permissions=di.MODERATOR))
    assert done[0].content == "Unsubscribed: no more daily briefings in this channel."
    sub = await store(bot).get("discord", CHANNEL)
    assert sub is not None and not sub.active and sub.deactivated_reason == "unsubscribed"
    again = await interact(bot, fake, di.command("unsubscribe", permissions=di.MODERATOR))
    assert again[0].content == "This channel was not subscribed."


async def test_subscribe_needs_the_bot_to_post_embeds_and_images(
        bot: MarketBot, fake: FakeDiscordAPI) -> None:
    payload = di.command("subscribe", permissions=di.MODERATOR,
                         app_permissions=di.VIEW_CHANNEL | di.SEND_MESSAGES)
    posted = await interact(bot, fake, payload)
    assert posted[0].content == ("I need the Embed Links, Attach Files permission in this "
                                 "channel first.")
    assert await store(bot).get("discord", CHANNEL) is None


async def test_subscribe_in_direct_messages_is_refused(bot: MarketBot,
                                                       fake: FakeDiscordAPI) -> None:
    posted = await interact(bot, fake, di.command("subscribe", guild=False))
    assert posted[0].content == "That works in a server channel, not in direct messages."
    assert await store(bot).list("discord") == []


@pytest.mark.parametrize(("options", "line"), [
    ({"time": "25:00"}, "'25:00' is not a time of day as HH:MM (00:00 to 23:59)"),
    ({"time": "8.30"}, "'8.30' is not a time of day as HH:MM (00:00 to 23:59)"),
    ({"timezone": "Mars/Olympus"},
     "'Mars/Olympus' is not an accepted time zone: use an Area/City zone such as "
     "Europe/London, America/New_York or Asia/Hong_Kong, or UTC"),
    ({"timezone": "EST5EDT"},
     "'EST5EDT' is not an accepted time zone: use an Area/City zone such as "
     "Europe/London, America/New_York or Asia/Hong_Kong, or UTC"),
])
async def test_bad_time_or_zone_gets_one_helpful_line(bot: MarketBot, fake: FakeDiscordAPI,
                                                      options: dict[str, str],
                                                      line: str) -> None:
    posted = await interact(bot, fake, di.command("subscribe", options,
                                                  permissions=di.MODERATOR))
    assert [p.content for p in posted] == [line]
    assert await store(bot).get("discord", CHANNEL) is None
    assert_clean(fake)


async def test_timezone_autocomplete(bot: MarketBot, fake: FakeDiscordAPI) -> None:
    await interact(bot, fake, di.command("subscribe", {"timezone": "hong"},
                                         permissions=di.MODERATOR, focused="timezone"))
    await interact(bot, fake, di.command("subscribe", {"timezone": ""},
                                         permissions=di.MODERATOR, focused="timezone"))
    hong, everything = fake.autocompletes
    assert [c["value"] for c in hong] == ["Asia/Hong_Kong", "Asia/Chongqing"]  # no "Hongkong"
    assert len(everything) == 25
    assert fake.rejected == []


async def test_status(bot: MarketBot, fake: FakeDiscordAPI) -> None:
    before = await interact(bot, fake, di.command("status"))
    assert before[0].content == (
        "This channel is not subscribed. Someone with Manage Channels can run /subscribe.\n"
        "No edition built yet; /report builds one.\n"
        "Language: English. /lang en|zh changes it.")
    await interact(bot, fake, di.command("subscribe", {"time": "06:00", "timezone": "UTC"},
                                         permissions=di.MODERATOR))
    await interact(bot, fake, di.command("report"))
    after = await interact(bot, fake, di.command("status"))
    first, second, language = after[0].content.split("\n")
    assert language == "Language: English. /lang en|zh changes it."
    assert first == ("This channel gets the daily briefing at 06:00 UTC "
                     "(next: Sat 21 Mar 06:00 UTC).")
    assert second.startswith("Current edition: as of 2026-03-21 00:30 UTC, verdict ")
    assert "2026-03-21T00:30Z-" not in second  # no internal id in a user's reply
    assert after[0].ephemeral
    assert_clean(fake)


@pytest.mark.postgres
async def test_subscribe_on_postgres(pg_url: str, fake: FakeDiscordAPI) -> None:
    """The same store as Telegram's, on PostgreSQL too."""
    from dataclasses import replace

    from services.storage import open_database
    from tests.handlers.discord.conftest import TOKEN, make_deps

    db = await open_database(pg_url)
    try:
        subscriptions = SubscriptionStore(db)
        await subscriptions.upsert("telegram", CHANNEL, "08:30", "Asia/Hong_Kong")
        client = MarketBot(replace(make_deps(subscriptions), default_time="07:00"))
        await client.login(TOKEN)
        try:
            await interact(client, fake, di.command("subscribe", permissions=di.MODERATOR))
        finally:
            await client.close()
        rows = {(s.platform, s.destination_id, s.time_hhmm)
                for s in await subscriptions.list()}
        assert rows == {("telegram", CHANNEL, "08:30"), ("discord", CHANNEL, "07:00")}
    finally:
        await db.close()


async def test_status_shows_each_source_of_the_last_build(fake: FakeDiscordAPI,
                                                          db: Database) -> None:
    snapshot = load_sample().model_copy(update={"sources": (
        SourceStatus(name="yahoo chart", as_of=datetime(2026, 3, 20, 20, 0, tzinfo=UTC),
                     requests=17, latency_s=0.3),
        SourceStatus(name="coingecko simple/price", ok=False, reason="HTTP 429", requests=1,
                     fallback="yahoo covers BTC, ETH"))})
    client = MarketBot(make_deps(SubscriptionStore(db), snapshot=snapshot))
    await client.login(TOKEN)
    try:
        await interact(client, fake, di.command("report"))
        [status] = await interact(client, fake, di.command("status"))
    finally:
        await client.close()
    assert status.content.endswith(
        "Sources (last build):\n"
        "• yahoo chart · OK · 17 requests · 0.30 s · as of 2026-03-20 20:00 UTC\n"
        "• coingecko simple/price · failed · 1 request · yahoo covers BTC, ETH")
    assert_clean(fake)
