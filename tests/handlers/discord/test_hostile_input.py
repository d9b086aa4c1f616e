"""Hostile and odd input through discord.py's real command tree and the loopback fake:
upstream strings in every answer, 4,000-character option values, an error too long to
report, a double click on the section menu."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import pytest

from handlers.debounce import DEBOUNCE_S, Debounce
from handlers.discord import DiscordDeps, MarketBot
from services.errors import InputError
from services.models.snapshot import MarketSnapshot
from services.narration.template import TemplateNarrator
from services.report.editions import EditionCache
from services.snapshot_io import load_snapshot
from services.storage import Database
from services.storage.subscriptions import SubscriptionStore
from tests.fakes import discord_interactions as di
from tests.fakes.charts import FakeCharts
from tests.fakes.discord_api import FakeDiscordAPI
from tests.handlers.discord.conftest import TOKEN, interact, make_deps
from tests.handlers.discord.helpers import assert_clean, assert_within_limits, texts
from tests.support.hostile import ACCEPTED, UNSAFE, Case


async def logged_in(deps: DiscordDeps) -> MarketBot:
    client = MarketBot(deps)
    await client.login(TOKEN)
    return client


@pytest.fixture
async def closing() -> AsyncIterator[list[MarketBot]]:
    bots: list[MarketBot] = []
    yield bots
    for client in bots:
        await client.close()


@pytest.mark.parametrize("case", ACCEPTED, ids=lambda c: c.key)
async def test_hostile_snapshots_answer_within_limits(fake: FakeDiscordAPI, db: Database,
                                                      closing: list[MarketBot], case: Case
                                                      ) -> None:
    deps = make_deps(SubscriptionStore(db), FakeCharts(), snapshot=load_snapshot(case.raw))
    client = await logged_in(deps)
    closing.append(client)
    for payload in (di.command("report"), di.command("section", {"name": "crypto_defi"}),
                    di.command("section", {"name": "key_insight"}), di.command("status")):
        posted = await interact(client, fake, payload)
        assert posted and len(posted) <= 2
        assert_within_limits(posted)
        seen = "\n".join(texts(posted))
        assert not any(bad in seen for bad in UNSAFE) and "A" * 65 not in seen
        assert "went wrong" not in seen
    assert_clean(fake)


@pytest.mark.parametrize(("command", "options", "permissions"), [
    ("section", {"name": "x" * 4000}, di.MEMBER),
    ("chart", {"name": "x" * 4000}, di.MEMBER),
    ("subscribe", {"time": "x" * 4000}, di.MODERATOR),
    ("subscribe", {"time": "08:30", "timezone": "x" * 4000}, di.MODERATOR),
])
async def test_a_4000_character_value_gets_one_short_line(bot: MarketBot, fake: FakeDiscordAPI,
                                                          command: str, options: dict[str, str],
                                                          permissions: int) -> None:
    posted = await interact(bot, fake, di.command(command, options, permissions=permissions))
    assert [p.content for p in posted] == [
        "That value is 4,000 characters long; values here take at most 64."]
    assert posted[0].ephemeral
    assert await bot.deps.subscriptions.get("discord", str(di.CHANNEL_ID)) is None
    assert_clean(fake)


async def test_a_long_value_within_the_limit_is_quoted_short(bot: MarketBot,
                                                             fake: FakeDiscordAPI) -> None:
    posted = await interact(bot, fake, di.command("chart", {"name": "moon" * 16}))
    [line] = [p.content for p in posted]
    assert line.startswith("unknown chart 'moonmoonmoonmoonmoonmoonmoonmoo…'. Valid charts:")


async def test_zone_autocomplete_takes_any_typed_length(bot: MarketBot,
                                                        fake: FakeDiscordAPI) -> None:
    await interact(bot, fake, di.command("subscribe", {"timezone": "x" * 4000},
                                         permissions=di.MODERATOR, focused="timezone"))
    await interact(bot, fake, di.command("subscribe", {"timezone": "est"},
                                         permissions=di.MODERATOR, focused="timezone"))
    nothing, est = fake.autocompletes
    assert nothing == []
    assert "EST5EDT" not in [c["value"] for c in est] and est  # places only (Europe/Budapest)
    assert fake.rejected == []


async def test_the_error_handler_reports_an_error_of_any_length(fake: FakeDiscordAPI,
                                                                db: Database,
                                                                closing: list[MarketBot]) -> None:
    class Refusing:
        async def get(self) -> MarketSnapshot:
            raise InputError("no day here: " + "x" * 10_000)

        refresh = get

    editions = EditionCache(Refusing(), TemplateNarrator(), ZoneInfo("Asia/Hong_Kong"))
    client = await logged_in(DiscordDeps(editions=editions, subscriptions=SubscriptionStore(db)))
    closing.append(client)
    [line] = [p.content for p in await interact(client, fake, di.command("report"))]
    assert line.startswith("no day here: xxx") and line.endswith("…") and len(line) <= 1000
    assert_clean(fake)


async def test_a_double_click_on_the_section_menu_answers_once(bot: MarketBot,
                                                                fake: FakeDiscordAPI) -> None:
    now = [0.0]
    object.__setattr__(bot.deps, "presses", Debounce(clock=lambda: now[0]))
    report = await interact(bot, fake, di.command("report"))
    message = fake.message_object(report[0])
    first, second = (di.select(message, "marketbot:section", ["us"]) for _ in range(2))
    fake.register_interaction(first)
    fake.register_interaction(second)
    bot._connection.parse_interaction_create(first)  # type: ignore[arg-type]
    bot._connection.parse_interaction_create(second)  # type: ignore[arg-type]
    await asyncio.sleep(0)
    await interact(bot, fake, di.select(message, "marketbot:section", ["hk"]))  # waits idle
    answered = [p for payload in (first, second) for p in fake.for_interaction(payload)]
    assert len(answered) == 1 and answered[0].embeds[0]["title"] == "4. US"
    assert {fake.acknowledgement(p)[0] for p in (first, second)} == {5, 6}  # both acknowledged
    now[0] += DEBOUNCE_S + 0.1
    again = await interact(bot, fake, di.select(message, "marketbot:section", ["us"]))
    assert again[0].embeds[0]["title"] == "4. US"
