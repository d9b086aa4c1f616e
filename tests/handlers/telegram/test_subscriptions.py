"""/subscribe, /unsubscribe, /settings: defaults, bad input, admins, channels, migrations."""

from __future__ import annotations

import pytest

from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_api import FakeBotApi
from tests.handlers.telegram.conftest import Bot, MakeBot

GROUP = -100777


async def test_subscribe_with_defaults_then_a_time_and_zone(make_bot: MakeBot,
                                                            db_url: str) -> None:
    bot = await make_bot(database_url=db_url)
    [sent] = await bot.send("/subscribe")
    sub = await bot.deps.subscriptions.get("telegram", "1001")
    assert sub is not None and (sub.time_hhmm, sub.tz, sub.kind) == (
        "08:30", "Asia/Hong_Kong", "private")
    assert sent.text == ("Subscribed: the daily edition arrives at 08:30 Asia/Hong_Kong, first "
                         "on 2026-03-22 08:30 HKT. /unsubscribe stops it.")
    [sent] = await bot.send("/subscribe 7:05 america/new_york")
    sub = await bot.deps.subscriptions.get("telegram", "1001")
    assert sub is not None and (sub.time_hhmm, sub.tz) == ("07:05", "America/New_York")
    assert "first on 2026-03-21 07:05 EDT" in sent.text
    [settings] = await bot.send("/settings")
    assert "Daily edition at 07:05 America/New_York" in settings.text


async def test_bad_time_and_zone_are_named_with_an_example(bot: Bot) -> None:
    [sent] = await bot.send("/subscribe 25:99 Mars/Phobos")
    assert sent.text == (
        "'25:99' is not a time of day as HH:MM (00:00 to 23:59); 'Mars/Phobos' is not an "
        "accepted time zone: use an Area/City zone such as Europe/London, America/New_York or "
        "Asia/Hong_Kong, or UTC. Example: /subscribe 08:30 Asia/Hong_Kong")
    assert await bot.deps.subscriptions.get("telegram", "1001") is None


@pytest.mark.parametrize(("args", "problem"), [
    ("24:00", "'24:00' is not a time of day"),
    ("Europe/Atlantis", "'Europe/Atlantis' is not an accepted time zone"),
    ("08:30 UTC extra", "Too many values"),
    ("08:30 09:30", "Give one time and one time zone"),
])
async def test_other_bad_arguments(bot: Bot, args: str, problem: str) -> None:
    [sent] = await bot.send(f"/subscribe {args}")
    assert sent.text.startswith(problem) and "Example: /subscribe 08:30" in sent.text


async def test_only_group_admins_may_subscribe_or_unsubscribe(bot: Bot) -> None:
    bot.fake.set_member(GROUP, 7, "administrator")
    bot.fake.set_member(GROUP, 8, "member")
    bot.fake.set_member(GROUP, 9, "creator")
    [refused] = await bot.send("/subscribe 09:00", chat_id=GROUP, user_id=8)
    assert refused.text == "Only this group's administrators can change its subscription."
    assert await bot.deps.subscriptions.get("telegram", str(GROUP)) is None
    [ok] = await bot.send("/subscribe 09:00", chat_id=GROUP, user_id=7)
    assert ok.text.startswith("Subscribed")
    sub = await bot.deps.subscriptions.get("telegram", str(GROUP))
    assert sub is not None and sub.kind == "supergroup" and sub.title == f"Chat {GROUP}"
    [refused] = await bot.send("/unsubscribe", chat_id=GROUP, user_id=8)
    assert refused.text.startswith("Only this group's administrators")
    [gone] = await bot.send("/unsubscribe", chat_id=GROUP, user_id=9)
    assert gone.text.startswith("Unsubscribed")
    assert bot.fake.calls["getChatMember"] == 4


async def test_an_anonymous_admin_may_subscribe_without_a_member_lookup(bot: Bot) -> None:
    [ok] = await bot.feed(tu.anonymous_admin_command("/subscribe", GROUP))
    assert ok.text.startswith("Subscribed") and bot.fake.calls["getChatMember"] == 0


async def test_a_channel_subscribes_by_an_admin_post(bot: Bot) -> None:
    channel = -100123456
    [ok] = await bot.feed(tu.channel_post("/subscribe 06:45 UTC", channel))
    assert ok.chat_id == channel and ok.text.startswith("Subscribed")
    sub = await bot.deps.subscriptions.get("telegram", str(channel))
    assert sub is not None and sub.kind == "channel"


async def test_unsubscribe_when_not_subscribed(bot: Bot) -> None:
    [sent] = await bot.send("/unsubscribe")
    assert sent.text == "This chat was not subscribed."


async def test_listed_channels_are_subscribed_at_start(make_bot: MakeBot) -> None:
    fake = FakeBotApi()
    fake.add_channel("@market_daily", -100999)
    bot = await make_bot(fake=fake, telegram_channels=("@market_daily", "@unknown_channel",
                                                       "-100555"))
    await bot.service.start()
    subs = {s.destination_id: s for s in await bot.deps.subscriptions.list("telegram")}
    assert set(subs) == {"-100999", "@unknown_channel", "-100555"}
    assert subs["-100999"].kind == "channel" and subs["-100999"].time_hhmm == "08:30"
    await bot.service.stop()
