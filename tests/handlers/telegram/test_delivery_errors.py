"""A blocked chat, a migrated group, 429s, and the plain-text fallback for rejected entities."""

from __future__ import annotations

import logging

import pytest

from services.renderers import telegram_html
from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_api import FakeBotApi
from tests.handlers.telegram.conftest import Bot, MakeBot


async def test_a_blocked_chat_loses_its_subscription(bot: Bot,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    await bot.send("/subscribe")
    bot.fake.block(1001)
    with caplog.at_level(logging.INFO):
        assert await bot.send("/report full") == []
    sub = await bot.deps.subscriptions.get("telegram", "1001")
    assert sub is not None and not sub.active
    assert sub.deactivated_reason == "Forbidden: bot was blocked by the user"
    assert any(f.code == 403 for f in bot.fake.failures)
    assert "could not answer" in caplog.text and "Traceback" not in caplog.text


async def test_a_user_blocking_the_bot_deactivates_at_once(bot: Bot) -> None:
    await bot.send("/subscribe")
    await bot.feed(tu.my_chat_member(1001, "kicked"))
    sub = await bot.deps.subscriptions.get("telegram", "1001")
    assert sub is not None and not sub.active and sub.deactivated_reason == "bot kicked by the chat"


async def test_a_migrated_group_gets_the_answer_and_keeps_its_subscription(bot: Bot) -> None:
    old, new = -4242, -1004242
    bot.fake.set_member(old, 7, "administrator")
    await bot.send("/subscribe 10:00 Europe/Paris", chat_id=old, user_id=7)
    bot.fake.migrate(old, new)
    sent = await bot.send("/sentiment", chat_id=old, user_id=7)
    assert [s.chat_id for s in sent] == [new] and sent[0].text.startswith("2. GLOBAL RISK")
    assert [(f.method, f.chat_id) for f in bot.fake.failures if f.method != "sendChatAction"
            ] == [("sendMessage", old)]
    assert {f.description for f in bot.fake.failures} == {
        "Bad Request: group chat was upgraded to a supergroup chat"}
    assert await bot.deps.subscriptions.get("telegram", str(old)) is None
    moved = await bot.deps.subscriptions.get("telegram", str(new))
    assert moved is not None and (moved.time_hhmm, moved.tz) == ("10:00", "Europe/Paris")


async def test_the_migration_service_message_moves_the_subscription(bot: Bot) -> None:
    await bot.deps.subscriptions.upsert("telegram", "-77", "08:30", "UTC", kind="group")
    await bot.feed(tu.migrated(-77, -10077))
    assert [s.destination_id for s in await bot.deps.subscriptions.list()] == ["-10077"]


async def test_a_429_is_waited_out_and_retried(bot: Bot) -> None:
    bot.fake.throttle(1001, retry_after=1)
    [sent] = await bot.send("/us")
    assert sent.text.startswith("4. US")
    assert [(f.code, f.description) for f in bot.fake.failures] == [
        (429, "Too Many Requests: retry after 1")]


async def test_429s_beyond_the_retries_are_logged_not_shown(make_bot: MakeBot,
                                                             caplog: pytest.LogCaptureFixture
                                                             ) -> None:
    bot = await make_bot(telegram_max_retries=1)
    bot.fake.throttle(1001, retry_after=1, times=2)
    with caplog.at_level(logging.WARNING):
        assert await bot.send("/us") == []
    assert "rate limited, retry after 1s" in caplog.text


async def test_global_rate_limit_answers_429_with_retry_after(make_bot: MakeBot) -> None:
    from tests.fakes.telegram_api import RateLimits

    clock = [0.0]
    fake = FakeBotApi(limits=RateLimits(global_per_second=2), clock=lambda: clock[0])
    bot = await make_bot(fake=fake, telegram_max_retries=0)
    await bot.send("/us", chat_id=1)
    await bot.send("/us", chat_id=2)
    assert await bot.send("/us", chat_id=3) == []
    assert fake.failures[-1].code == 429
    clock[0] = 1.01
    assert len(await bot.send("/us", chat_id=3)) == 1


async def test_rejected_entities_are_resent_as_plain_text(bot: Bot,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture
                                                          ) -> None:
    monkeypatch.setattr(telegram_html, "escape", lambda text: text)  # a renderer bug: S&P
    with caplog.at_level(logging.ERROR):
        sent = await bot.send("/report full")
    rejected = [f for f in bot.fake.failures if "can't parse entities" in f.description]
    assert rejected and len(sent) >= 2
    assert all(s.parse_mode is None for s in sent if "S&P 500" in s.text)
    assert "S&P 500" in "".join(s.text for s in sent)
    assert not any("<b>" in s.text or "&amp;" in s.text for s in sent)
    assert "renderer bug" in caplog.text
    assert sent[0].text.startswith("Market Intelligence Report - 2026-03-21\nAs of")


async def test_a_rejected_caption_is_resent_plain(bot: Bot,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(telegram_html, "escape", lambda text: text)
    [photo] = await bot.send("/report")
    assert photo.method == "sendPhoto" and photo.parse_mode is None and "S&P 500" in photo.text
    assert bot.fake.uploads == 1  # the rejected attempt uploaded nothing


async def test_a_telegram_outage_is_logged_and_nothing_is_shown(
        bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    bot.fake.inject("sendMessage", 502, "Bad Gateway", chat_id=1001)
    with caplog.at_level(logging.WARNING):
        assert await bot.send("/us") == []
    assert "could not answer: 1001: NetworkError: Bad Gateway" in caplog.text
    assert (await bot.send("/us"))[0].text.startswith("4. US")  # the next one goes through
