"""Discord end to end: ``python -m bot run --sample`` as a real process, with the real
discord.py client logging in to the loopback fake of Discord (REST and gateway on one port,
``DISCORD_API_BASE``): login, heartbeats, READY, command sync; interactions arriving over the
websocket and answered over REST; a server-requested reconnect; the daily post at a
test-controlled time (``tests/support/clock_hook``); and no token in any line it prints.

Each fake gives interactions 30 s to be answered rather than Discord's 3, so a busy machine
cannot fail these tests; the 3 s rule itself is tested on its own (``test_fake_gateway.py``).
"""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes import discord_interactions as di
from tests.fakes.discord_api import Posted
from tests.fakes.discord_gateway import Channel, Guild
from tests.fakes.discord_server import FakeDiscord
from tests.handlers.discord.helpers import NO_MENTIONS, assert_within_limits
from tests.handlers.discord.process import BotProcess, running_bot

TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAx.e2e-bot-token.b25seS1mb3ItdGVzdHM"
SLOW_MACHINE_WINDOW_S = 30.0
DEFERRED = 5  # the interaction callback type of defer()
MESSAGE = 4  # ... of send_message()


A, B, C = 900000000000000011, 900000000000000012, 900000000000000013
TRADING_DESK = Guild(channels=(Channel(di.CHANNEL_ID, "general"), Channel(A, "markets"),
                               Channel(B, "old-news"), Channel(C, "asia")))


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=TOKEN, interaction_timeout_s=SLOW_MACHINE_WINDOW_S,
                           heartbeat_interval_ms=250, guilds=(TRADING_DESK,)) as discord:
        yield discord


async def answered(bot: BotProcess, fake: FakeDiscord, payload: dict[str, Any],
                   messages: int = 1) -> list[Posted]:
    """Wait until the bot has posted ``messages`` messages for this interaction."""
    await bot.until(lambda: len(fake.answers(payload)) >= messages)
    return fake.answers(payload)


def callbacks(fake: FakeDiscord, payload: dict[str, Any]) -> list[int]:
    """The status of every response the bot posted for this interaction."""
    return [c.status for c in fake.api.calls
            if c.path == f"/interactions/{payload['id']}/{payload['token']}/callback"]


def assert_no_secret_printed(bot: BotProcess, interactions: list[dict[str, Any]]) -> None:
    printed = "\n".join(bot.lines)
    assert TOKEN not in printed
    for part in TOKEN.split("."):  # nor a recognisable piece of it
        assert part not in printed
    for payload in interactions:
        assert payload["token"] not in printed


async def test_it_logs_in_answers_report_the_section_menu_and_refuses_a_member(
        fake: FakeDiscord, tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path, LOG_LEVEL="DEBUG") as bot:
        report = await fake.command("report")
        posted = await answered(bot, fake, report)
        menu = posted[0]
        picked = await fake.pick(menu, ["us"])
        section = await answered(bot, fake, picked)
        refused = await fake.command("subscribe", {"time": "08:30",
                                                   "timezone": "Asia/Hong_Kong"},
                                     permissions=di.MEMBER)  # no Manage Channels
        refusal = await answered(bot, fake, refused)
        status = await fake.command("status")
        after = (await answered(bot, fake, status))[0].content
        await bot.until(lambda: fake.gateway.heartbeats >= 3)  # HELLO's, then every 250 ms
        assert await bot.stop() == 0

    gateway, api = fake.gateway, fake.api
    assert gateway.identifies == 1 and gateway.compressions == ["zlib-stream"]
    assert gateway.intents == 1, "guilds only: no privileged intent"
    assert [c["name"] for c in api.synced[None]] == ["report", "section", "chart", "subscribe",
                                                     "unsubscribe", "lang", "status", "ask",
                                                     "watch", "watchlist", "alert"]
    assert [f"{c.method} {c.path}" for c in api.calls[:4]] == [
        "GET /users/@me", "GET /oauth2/applications/@me",
        "PUT /applications/1100000000000000001/commands", "GET /gateway/bot"]

    assert api.acknowledgement(report) == (DEFERRED, False) and callbacks(fake, report) == [200]
    assert len(posted) == 1 and menu.via == "followup" and not menu.ephemeral
    embed = menu.embeds[0]
    assert embed["title"] == "Market Intelligence Report - 2026-03-21"
    # run --sample reads the sample's year: the history-checked US session makes the day risk-off
    assert embed["description"].startswith("Risk sentiment is risk-off")
    assert embed["image"] == {"url": "attachment://dashboard.png"}
    assert menu.filenames == ["dashboard.png"]
    assert menu.uploads[0].data.startswith(b"\x89PNG\r\n\x1a\n")
    select = menu.payload["components"][0]["components"][0]
    assert select["custom_id"] == "marketbot:section" and len(select["options"]) == 10
    assert menu.payload["allowed_mentions"] == NO_MENTIONS

    assert api.acknowledgement(picked) == (DEFERRED, True)
    assert section[0].ephemeral and section[0].embeds[0]["title"].startswith("4. US")
    assert api.acknowledgement(refused) == (MESSAGE, True)
    assert [p.content for p in refusal] == ["You need the Manage Channels permission to do "
                                            "that."]
    assert after.startswith("This channel is not subscribed.")

    assert_within_limits(api.posted)
    assert api.rejected == [] and api.expired == 0
    assert bot.said("discord stopped")
    assert any("/webhooks/" in line for line in bot.lines), "discord.py's DEBUG lines ran"
    assert_no_secret_printed(bot, [report, picked, refused, status])


async def test_a_reconnect_in_the_middle_loses_no_interaction(fake: FakeDiscord,
                                                              tmp_path: Path) -> None:
    async with running_bot(fake, tmp_path, LOG_LEVEL="INFO") as bot:
        before = await fake.command("status")
        await fake.gateway.request_reconnect()  # op 7: events now wait for the RESUME
        during = [await fake.command("section", {"name": "hk"}),
                  await fake.command("status", channel_id=di.CHANNEL_ID)]
        await fake.gateway.until(lambda: fake.gateway.connected, timeout=30)
        after = await fake.command("status")
        for payload in (before, *during, after):
            await answered(bot, fake, payload)
        assert await bot.stop() == 0

    gateway = fake.gateway
    assert gateway.identifies == 1 and gateway.reconnects_requested == 1
    assert len(gateway.resumes) == 1, "resumed, not identified again"
    assert gateway.resumes[0] < (gateway.session.seq if gateway.session else 0)
    assert gateway.compressions == ["zlib-stream", "zlib-stream"]
    for payload in (before, *during, after):
        assert callbacks(fake, payload) == [200], "each answered exactly once"
        assert len(fake.answers(payload)) == 1
    assert fake.answers(during[0])[0].embeds[0]["title"].startswith("5. Hong Kong")
    assert bot.said("has successfully RESUMED session")
    assert_no_secret_printed(bot, [before, *during, after])


HK_MORNING = "2026-03-21T08:00:00+08:00"
HK_BRIEFING = "2026-03-21T08:30:00+08:00"
SLOT_SCHEDULED = "scheduled slot:08:30 Asia/Hong_Kong, next at 2026-03-21T08:30:00+08:00"


async def test_the_daily_post_at_its_time_once_per_channel(fake: FakeDiscord,
                                                          tmp_path: Path) -> None:
    """Three channels subscribe with /subscribe 08:30 Asia/Hong_Kong; the process's clock
    (08:00 in Hong Kong on the sample day) jumps to 08:30 when the test says. The post to A
    meets a global 429 and waits it out; B was deleted (404, 10003): its subscription is
    deactivated, and A and C still get their post, each exactly once."""
    async with running_bot(fake, tmp_path, clock_hook=True, LOG_LEVEL="INFO",
                           MARKETBOT_TEST_CLOCK=HK_MORNING,
                           MARKETBOT_TEST_CLOCK_JUMP=HK_BRIEFING,
                           SCHEDULER_SYNC_S="0.2") as bot:
        subscribes = [await fake.command("subscribe", {"time": "08:30",
                                                       "timezone": "Asia/Hong_Kong"},
                                         channel_id=channel, permissions=di.MODERATOR)
                      for channel in (A, B, C)]
        replies = [(await answered(bot, fake, s))[0].content for s in subscribes]
        await bot.until(lambda: bot.said(SLOT_SCHEDULED))
        fake.api.rate_limit_next("POST", rf"^/channels/{A}/messages$", retry_after=0.3,
                                 is_global=True)
        fake.api.channel_gone(B)
        bot.signal(signal.SIGUSR1)  # the clock jumps to 08:30 in Hong Kong
        await bot.until(lambda: bot.said("slot 08:30 Asia/Hong_Kong ("))
        syncs = bot.count('Running job "BriefingScheduler.sync')
        await bot.until(lambda: bot.count('Running job "BriefingScheduler.sync') > syncs + 5)
        status = await fake.command("status", channel_id=B)
        gone = (await answered(bot, fake, status))[0].content
        assert await bot.stop() == 0

    assert replies == ["This channel gets the daily briefing at 08:30 Asia/Hong_Kong (next: "
                       "Sat 21 Mar 08:30 HKT)."] * 3
    daily = [p for p in fake.api.posted if p.via == "channel"]
    assert sorted(p.channel_id for p in daily) == [A, C], "once each; nothing to B"
    for post in daily:
        assert post.embeds[0]["title"] == "Market Intelligence Report - 2026-03-21"
        assert post.payload["components"][0]["components"][0]["custom_id"] == \
            "marketbot:section"
    uploads = [p for p in daily if p.filenames == ["dashboard.png"]]
    assert len(uploads) == 1, "the dashboard is uploaded once, then shown by its URL"
    statuses = {ch: [c.status for c in fake.api.calls if c.path == f"/channels/{ch}/messages"]
                for ch in (A, B, C)}
    assert statuses == {A: [429, 200], B: [404], C: [200]}
    assert fake.api.throttled == 1
    assert gone.splitlines()[0] == ("This channel's subscription is off (HTTP 404 Unknown "
                                    "Channel).")
    assert "built 2026-03-21 00:30 UTC" in gone, "by the slot, at 08:30 in Hong Kong"
    assert bot.said("deactivated discord 900000000000000012: HTTP 404 Unknown Channel")
    assert_no_secret_printed(bot, [*subscribes, status])

