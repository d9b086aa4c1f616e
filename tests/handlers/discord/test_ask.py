"""/ask question:<text> through discord.py's real command tree and the loopback Discord fake:
in a direct message, a group DM and a server channel; by keyword without Claude, with
Claude's checked answer; a long question; mentions disabled; /status with the day's tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from handlers.discord import DiscordDeps, MarketBot
from services.ask.service import AskService
from services.storage import Database
from services.storage.usage import UsageStore
from tests.ask import scripted
from tests.ask.conftest import claude_service
from tests.fakes import discord_interactions as di
from tests.fakes.discord_api import FakeDiscordAPI
from tests.handlers.discord.conftest import TOKEN, interact
from tests.handlers.discord.helpers import assert_clean, assert_within_limits, texts
from tests.narration.messages_api import FakeMessagesAPI, answer

Q = scripted.STABLECOIN_QUESTION
NOTICE = ("Claude is not configured on this bot, so here is the part of the edition that "
          "matches your question.")


def where(place: str, options: dict[str, str]) -> dict[str, Any]:
    """The /ask interaction in a server channel, a direct message or a group DM."""
    if place == "channel":
        return di.command("ask", options)
    payload = di.command("ask", options, guild=False)
    if place == "group":
        payload["channel"]["type"] = 3  # GROUP_DM
        payload["channel"]["name"] = "traders"
        payload["context"] = 2  # PRIVATE_CHANNEL
    return payload


async def logged_in(deps: DiscordDeps) -> MarketBot:
    client = MarketBot(deps)
    await client.login(TOKEN)
    return client


@pytest.fixture
async def keyword_bot(fake: FakeDiscordAPI, deps: DiscordDeps) -> AsyncIterator[MarketBot]:
    client = await logged_in(replace(deps, ask=AskService(None, None)))
    yield client
    await client.close()


@pytest.fixture
async def claude_bot(fake: FakeDiscordAPI, deps: DiscordDeps, db: Database
                     ) -> AsyncIterator[tuple[MarketBot, FakeMessagesAPI]]:
    api = FakeMessagesAPI()
    service = claude_service(api, UsageStore(db))
    client = await logged_in(replace(deps, ask=service))
    yield client, api
    await client.close()
    await service.aclose()


@pytest.mark.parametrize("place", ["dm", "group", "channel"])
async def test_ask_by_keyword_everywhere(keyword_bot: MarketBot, fake: FakeDiscordAPI,
                                         place: str) -> None:
    payload = where(place, {"question": Q})
    posted = await interact(keyword_bot, fake, payload)
    assert fake.acknowledgement(payload) == (5, False)  # "thinking…" while it works
    lead = posted[0].embeds[0]
    assert lead["title"] == f"Q: {Q}"
    assert lead["description"] == f"*{NOTICE}*"
    assert lead["footer"]["text"] == "from the 2026-03-21 edition"
    shown = texts(posted)
    assert any(t.startswith("3. Crypto and DeFi") for t in shown)
    assert not any(t.startswith("4. US") for t in shown)
    assert_within_limits(posted)
    assert_clean(fake)


@pytest.mark.parametrize("place", ["dm", "group", "channel"])
async def test_claude_answers_everywhere(claude_bot: tuple[MarketBot, FakeMessagesAPI],
                                         fake: FakeDiscordAPI, place: str) -> None:
    client, api = claude_bot
    api.replies.append(answer(scripted.STABLECOIN_GOOD))
    posted = await interact(client, fake, where(place, {"question": Q}))
    [message] = posted
    [embed] = message.embeds
    assert embed["description"] == scripted.STABLECOIN_GOOD["answer"]
    assert embed["footer"]["text"] == "checked against the 2026-03-21 edition"
    assert len(api.requests) == 1
    assert_clean(fake)


async def test_mentions_in_the_question_and_answer_never_ping(
        claude_bot: tuple[MarketBot, FakeMessagesAPI], fake: FakeDiscordAPI) -> None:
    client, api = claude_bot
    api.replies.append(answer(scripted.INJECTION_REFUSED))
    posted = await interact(client, fake, where("channel",
                                                {"question": scripted.INJECTION_QUESTION}))
    [embed] = posted[0].embeds
    assert "@everyone" not in embed["title"] and "@\u200beveryone" in embed["title"]
    assert embed["description"] == scripted.INJECTION_REFUSED["answer"]
    assert_clean(fake)  # every payload carries allowed_mentions {"parse": []}


async def test_a_long_question_gets_a_short_private_error(keyword_bot: MarketBot,
                                                          fake: FakeDiscordAPI) -> None:
    payload = where("channel", {"question": "x" * 3000})
    posted = await interact(keyword_bot, fake, payload)
    assert fake.acknowledgement(payload) == (4, True), "refused before deferring, privately"
    assert [p.content for p in posted] == [
        "That question is 3,000 characters long; please keep it under 500."]


async def test_the_rate_limit_says_when_to_ask_again(keyword_bot: MarketBot,
                                                     fake: FakeDiscordAPI) -> None:
    for _ in range(5):
        await interact(keyword_bot, fake, where("dm", {"question": "What did BTC do?"}))
    payload = where("dm", {"question": "What did BTC do?"})
    posted = await interact(keyword_bot, fake, payload)
    assert fake.acknowledgement(payload) == (4, True)
    assert posted[0].content.startswith("You can ask 5 questions every 10 min; you can ask "
                                        "again in ")


async def test_status_shows_the_days_tokens(claude_bot: tuple[MarketBot, FakeMessagesAPI],
                                            fake: FakeDiscordAPI) -> None:
    client, api = claude_bot
    api.replies.append(answer(scripted.STABLECOIN_GOOD))
    await interact(client, fake, where("channel", {"question": Q}))
    posted = await interact(client, fake, di.command("status"))
    assert posted[0].content.splitlines()[-2:] == [
        "/ask today (UTC): 7,438 Claude tokens in 1 answer, of a 500,000 budget.",
        "Language: English. /lang en|zh changes it."]


async def test_the_command_is_registered_with_its_option(keyword_bot: MarketBot) -> None:
    command = keyword_bot.tree.get_command("ask")
    assert command is not None
    [option] = command.to_dict(keyword_bot.tree)["options"]  # type: ignore[union-attr]
    assert (option["name"], option["type"], option["required"]) == ("question", 3, True)
