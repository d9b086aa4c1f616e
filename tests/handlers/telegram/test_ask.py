"""/ask through python-telegram-bot and the fake Bot API: in a private chat, a group and a
channel; by keyword without Claude, with Claude's checked answer; a long question, the rate
limit, and /status showing the day's tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from handlers.telegram.menu import COMMANDS
from services.storage.usage import UsageStore
from tests.ask import scripted
from tests.ask.conftest import claude_service
from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_html import parse_html
from tests.handlers.telegram.conftest import Bot, MakeBot
from tests.narration.messages_api import FakeMessagesAPI, answer

GROUP, CHANNEL = -1001234567890, -100123456
NOTICE = ("Claude is not configured on this bot, so here is the part of the edition that "
          "matches your question.")
Q = scripted.STABLECOIN_QUESTION


@pytest.fixture
async def claude_bot(make_bot: MakeBot) -> AsyncIterator[tuple[Bot, FakeMessagesAPI]]:
    """A bot whose /ask is answered by scripted Claude (replies added by the test)."""
    bot = await make_bot(charts=None)
    api = FakeMessagesAPI()
    bot.deps.ask = claude_service(api, UsageStore(bot.container.db))
    yield bot, api
    await bot.deps.ask.aclose()


def assert_keyword_answer(sent: list[object], chat_id: int) -> None:
    lead, *sections = sent
    assert all(s.chat_id == chat_id and s.parse_mode == "HTML" for s in sent)  # type: ignore[attr-defined]
    assert lead.text.splitlines() == [  # type: ignore[attr-defined]
        f"Q: {Q}", "", NOTICE, "", "— from the 2026-03-21 edition"]
    shown = "\n".join(s.text for s in sections)  # type: ignore[attr-defined]
    assert shown.startswith("3. CRYPTO AND DEFI") and "+$858M" in shown
    assert "4. US" not in shown


async def test_ask_in_a_private_chat_without_claude(bot: Bot) -> None:
    sent = await bot.send(f"/ask {Q}", chat_id=1001)
    assert_keyword_answer(sent, 1001)
    assert (1001, "typing") in bot.fake.actions


async def test_ask_in_a_group(bot: Bot) -> None:
    sent = await bot.send(f"/ask@market_test_bot {Q}", chat_id=GROUP, user_id=7)
    assert_keyword_answer(sent, GROUP)


async def test_ask_in_a_channel(bot: Bot) -> None:
    sent = await bot.feed(tu.channel_post(f"/ask {Q}", CHANNEL))
    assert_keyword_answer(sent, CHANNEL)


@pytest.mark.parametrize("where", ["private", "group", "channel"])
async def test_claude_answers_everywhere(claude_bot: tuple[Bot, FakeMessagesAPI],
                                         where: str) -> None:
    bot, api = claude_bot
    api.replies.append(answer(scripted.STABLECOIN_GOOD))
    if where == "channel":
        [sent] = await bot.feed(tu.channel_post(f"/ask {Q}", CHANNEL))
    else:
        [sent] = await bot.send(f"/ask {Q}", chat_id=GROUP if where == "group" else 1001,
                                user_id=7)
    assert sent.text.splitlines() == [f"Q: {Q}", "", scripted.STABLECOIN_GOOD["answer"], "",
                                      "— checked against the 2026-03-21 edition"]
    assert len(api.requests) == 1


async def test_claude_retried_answer_and_the_cache(claude_bot: tuple[Bot, FakeMessagesAPI]
                                                   ) -> None:
    bot, api = claude_bot
    api.replies += [answer(scripted.STABLECOIN_WRONG), answer(scripted.STABLECOIN_GOOD)]
    [first] = await bot.send(f"/ask {Q}", chat_id=1001)
    [again] = await bot.send(f"/ask {Q.lower()}", chat_id=GROUP, user_id=8)
    assert len(api.requests) == 2  # the first draft and its retry; the repeat is cached
    assert scripted.STABLECOIN_GOOD["answer"] in first.text
    assert scripted.STABLECOIN_GOOD["answer"] in again.text and "+$370M" not in again.text


async def test_an_injected_question_is_escaped(claude_bot: tuple[Bot, FakeMessagesAPI]
                                               ) -> None:
    bot, api = claude_bot
    api.replies.append(answer(scripted.INJECTION_REFUSED))
    [sent] = await bot.send(f"/ask {scripted.INJECTION_QUESTION}", chat_id=GROUP, user_id=7)
    assert sent.parse_mode == "HTML"
    assert "<b>now</b>" in sent.text  # shown as typed, as text: the fake parsed no tag
    assert "&lt;b&gt;now&lt;/b&gt;" in sent.raw
    assert parse_html(sent.raw).text == sent.text
    assert scripted.INJECTION_REFUSED["answer"] in sent.text


async def test_a_long_question_gets_a_short_error(bot: Bot) -> None:
    [sent] = await bot.send("/ask " + "x" * 3000, chat_id=GROUP, user_id=7)
    assert sent.text == "That question is 3,000 characters long; please keep it under 500."
    assert bot.fake.actions == []


async def test_ask_without_a_question_says_how(bot: Bot) -> None:
    [sent] = await bot.send("/ask", chat_id=1001)
    assert sent.text == ("Ask a question after the command, for example: /ask How much did "
                         "stablecoin supply change?")


async def test_the_rate_limit_says_when_to_ask_again(bot: Bot) -> None:
    for _ in range(5):
        await bot.send("/ask What did BTC do?", chat_id=GROUP, user_id=7)
    [refused] = await bot.send("/ask What did BTC do?", chat_id=GROUP, user_id=7)
    assert refused.text.startswith("You can ask 5 questions every 10 min; you can ask again "
                                   "in ")
    more = await bot.send("/ask What did BTC do?", chat_id=GROUP, user_id=8)
    assert more[0].text.startswith("Q: What did BTC do?")


async def test_status_shows_the_days_tokens(claude_bot: tuple[Bot, FakeMessagesAPI]) -> None:
    bot, api = claude_bot
    api.replies.append(answer(scripted.STABLECOIN_GOOD))
    await bot.send(f"/ask {Q}")
    sent = await bot.send("/status")
    text = "\n".join(s.text for s in sent)
    assert "Questions\n• /ask today (UTC): 7,438 Claude tokens in 1 answer, of a 500,000 " \
           "budget." in text


async def test_status_without_claude(bot: Bot) -> None:
    text = "\n".join(s.text for s in await bot.send("/status"))
    assert "/ask: Claude is not configured; questions are answered by keyword." in text


def test_ask_is_in_the_menu() -> None:
    assert ("ask", "Ask about today's edition: /ask QUESTION") in COMMANDS
