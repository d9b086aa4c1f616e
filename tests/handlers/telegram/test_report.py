"""/start, /help, /report (insight, full, refresh, a section), /chart, and section commands."""

from __future__ import annotations

import asyncio
import json

import pytest

from handlers.telegram.keyboards import LABELS
from handlers.telegram.menu import COMMANDS
from services.models.report import COMMAND_ALIASES, SECTION_TITLES, resolve_section
from services.renderers import telegram_messages
from services.snapshot_io import dump_snapshot, load_sample, validate_snapshot
from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_html import parse_html
from tests.handlers.telegram.conftest import Bot, MakeBot

SECTION_DATA = [f"s:{key}" for key in LABELS]


def callback_data(sent: object) -> list[str]:
    return [b["callback_data"] for b in sent.buttons]  # type: ignore[attr-defined]


async def test_start_welcomes_with_the_section_browser(bot: Bot) -> None:
    [sent] = await bot.send("/start")
    assert sent.method == "sendMessage" and sent.parse_mode == "HTML"
    assert "daily briefing" in sent.text and "/report" in sent.text
    assert callback_data(sent) == [*SECTION_DATA, "full"]
    assert all(len(d.encode()) <= 64 for d in callback_data(sent))


async def test_help_lists_every_command(bot: Bot) -> None:
    [sent] = await bot.send("/help")
    for name, _ in COMMANDS:
        assert f"/{name} " in sent.text


async def test_report_sends_the_dashboard_with_the_key_insight_caption(bot: Bot) -> None:
    [photo] = await bot.send("/report")
    report = bot.deps.editions.cached.report  # type: ignore[union-attr]
    assert photo.method == "sendPhoto" and photo.photo is not None
    assert bot.fake.uploads == 1 and bot.charts is not None
    assert bot.charts.calls == ["dashboard"]
    assert photo.text.startswith(report.title) and "Risk sentiment" in photo.text
    assert len(photo.text) <= 1024
    assert callback_data(photo) == [*SECTION_DATA, "full"]
    [again] = await bot.send("/report", chat_id=1002)
    assert again.photo == photo.photo  # the second chat gets the file_id, no new upload
    assert bot.fake.uploads == 1 and bot.charts.calls == ["dashboard"]


async def test_report_without_charts_sends_the_key_insight_as_text(make_bot: MakeBot) -> None:
    bot = await make_bot(charts=None)
    [sent] = await bot.send("/report")
    assert sent.method == "sendMessage" and sent.text.startswith("1. KEY INSIGHT")
    assert callback_data(sent)[-1] == "full"


async def test_report_full_is_every_section_within_the_limits(bot: Bot) -> None:
    sent = await bot.send("/report full")
    report = bot.deps.editions.cached.report  # type: ignore[union-attr]
    expected = [parse_html(m.html).text for m in telegram_messages.render_full(report)]
    assert [s.text for s in sent] == expected
    assert len(sent) >= 2 and all(0 < len(s.text) <= 4096 for s in sent)
    joined = "\n".join(s.text for s in sent)
    positions = [joined.index(f"{n}. {title.upper()}")
                 for n, title in enumerate(SECTION_TITLES.values(), 1)]
    assert positions == sorted(positions)
    assert all(s.parse_mode == "HTML" for s in sent)


@pytest.mark.parametrize("alias", COMMAND_ALIASES)
async def test_every_section_command(bot: Bot, alias: str) -> None:
    sent = await bot.send(f"/{alias}")
    key = resolve_section(alias)
    assert f"{SECTION_TITLES[key].upper()}" in sent[0].text
    marked = [b["text"] for b in sent[-1].buttons if b["text"].startswith("▸")]
    assert marked == [f"▸ {LABELS[key]}"]
    assert all(len(s.text) <= 4096 for s in sent)


async def test_section_command_addressed_to_the_bot_in_a_group(bot: Bot) -> None:
    sent = await bot.send("/us@market_test_bot", chat_id=-555, user_id=7)
    assert "4. US" in sent[0].text


async def test_report_with_a_section_name(bot: Bot) -> None:
    [sent] = await bot.send("/report crypto")
    assert sent.text.startswith("3. CRYPTO AND DEFI")


async def test_unknown_section_lists_the_valid_ones(bot: Bot) -> None:
    [sent] = await bot.send("/report mars")
    assert "unknown section 'mars'" in sent.text
    for name in ("insight", "crypto", "us", "hk", "cn", "plan"):
        assert name in sent.text
    assert "key_insight" not in sent.text  # section keys are internal


async def test_chart_by_name_and_bad_names(bot: Bot) -> None:
    [photo] = await bot.send("/chart divergences")
    assert photo.method == "sendPhoto" and photo.text.endswith("divergences")
    [unknown] = await bot.send("/chart moon")
    assert "unknown chart 'moon'" in unknown.text and "dashboard" in unknown.text
    [usage] = await bot.send("/chart")
    assert usage.text.startswith("Which chart?") and "flows" in usage.text
    assert "details" in usage.text
    [details] = await bot.send("/chart details")  # what the one-screen dashboard leaves out
    assert details.method == "sendPhoto" and details.text.endswith("details")


async def test_chart_without_a_renderer_says_so(make_bot: MakeBot) -> None:
    bot = await make_bot(charts=None)
    [sent] = await bot.send("/chart dashboard")
    assert sent.text == "Charts are not available on this bot."


async def test_unknown_command_in_private_points_at_help(bot: Bot) -> None:
    [sent] = await bot.send("/weather")
    assert "/help" in sent.text
    assert await bot.send("/weather", chat_id=-42, user_id=3) == []  # groups: not ours


async def test_many_chats_at_once_cause_one_build_and_see_typing(bot: Bot) -> None:
    chats = list(range(2001, 2021))
    await asyncio.gather(*(bot.feed(tu.command("/hk", c)) for c in chats))
    assert bot.deps.editions.builds == 1
    assert {c for c, action in bot.fake.actions if action == "typing"} == set(chats)
    assert {s.chat_id for s in bot.fake.sent} == set(chats)
    await bot.send("/us", chat_id=3001)  # cached now: no typing, no build
    assert bot.deps.editions.builds == 1
    assert (3001, "typing") not in bot.fake.actions


async def test_refresh_rebuilds_and_is_rate_limited_per_user(bot: Bot) -> None:
    await bot.send("/report")
    assert bot.deps.editions.builds == 1
    [photo] = await bot.send("/report refresh", user_id=7)
    assert photo.method == "sendPhoto" and bot.deps.editions.builds == 2
    assert (1001, "typing") in bot.fake.actions
    [refused] = await bot.send("/report refresh", user_id=7)
    assert refused.text.startswith("A refresh was done a moment ago; try again in 5 min")
    assert bot.deps.editions.builds == 2
    await bot.send("/report refresh", user_id=8)  # another user has their own allowance
    assert bot.deps.editions.builds == 3


async def test_settings_reports_the_default_when_not_subscribed(bot: Bot) -> None:
    [sent] = await bot.send("/settings")
    assert "not subscribed" in sent.text and "08:30 Asia/Hong_Kong" in sent.text


async def test_status_lists_sources_missing_and_next_push(bot: Bot) -> None:
    await bot.send("/subscribe 07:15 Europe/London")
    [sent] = await bot.send("/status")
    edition = bot.deps.editions.cached
    assert edition is not None and sent.text.startswith("Current edition\n\nAs of ")
    assert edition.id not in sent.text  # no internal id in a user's reply
    assert "reference · US: 2026-03-20" in sent.text
    assert "Missing\n• nothing: every source answered" in sent.text
    assert "next push 2026-03-21 07:15 GMT" in sent.text


async def test_status_names_failed_sources_with_their_reasons(make_bot: MakeBot) -> None:
    data = json.loads(dump_snapshot(load_sample()))
    data["sources"] = [
        {"name": "coingecko", "as_of": None, "ok": False, "reason": "HTTP 429 after 3 tries"},
        {"name": "yahoo", "as_of": data["generated_at"], "ok": True}]
    bot = await make_bot(snapshot=validate_snapshot(data))
    [sent] = await bot.send("/status")
    assert "Missing\n• coingecko: HTTP 429 after 3 tries" in sent.text
    assert "Sources (last build)\n• coingecko · failed\n• yahoo · OK · as of 2026-03-21 " \
           "00:30 UTC" in sent.text


async def test_status_shows_each_source_of_the_last_build_in_short(make_bot: MakeBot) -> None:
    data = json.loads(dump_snapshot(load_sample()))
    data["sources"] = [
        {"name": "yahoo chart", "as_of": data["generated_at"], "ok": True, "requests": 17,
         "latency_s": 0.31},
        {"name": "eastmoney ulist", "ok": False, "reason": "no answer within 10 s",
         "requests": 1, "fallback": "yahoo covers SSE, SZSE, CHINEXT; no fallback for "
                                    "a_share_breadth"},
        {"name": "calendar XSHG", "note": "XSHG calendar has no holidays recorded for 2027: "
                                          "CN sessions are inferred from the data"}]
    data["warnings"] = [{"source": "calendar XSHG", "reason": "XSHG calendar has no holidays "
                         "recorded for 2027: CN sessions are inferred from the data"}]
    bot = await make_bot(snapshot=validate_snapshot(data))
    [sent] = await bot.send("/status")
    assert ("• yahoo chart · OK · 17 requests · 0.31 s · as of 2026-03-21 00:30 UTC\n"
            "• eastmoney ulist · failed · 1 request · yahoo covers SSE, SZSE, CHINEXT; "
            "no fallback for a_share_breadth\n"
            "• calendar XSHG: XSHG calendar has no holidays recorded for 2027: CN sessions are "
            "inferred from the data") in sent.text
    assert sent.text.count("no holidays recorded") == 1  # said once
    assert "Missing\n• eastmoney ulist: no answer within 10 s" in sent.text
