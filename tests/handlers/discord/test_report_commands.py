"""/report, the section menu, /section and /chart through discord.py's real command tree."""

from __future__ import annotations

from dataclasses import replace

import pytest

from handlers.discord import DiscordDeps, MarketBot
from services.models.report import SECTION_KEYS
from services.renderers.discord_embeds import VERDICT_COLOUR
from services.snapshot_io import load_sample
from tests.fakes import discord_interactions as di
from tests.fakes.charts import PNG_SIGNATURE, FakeCharts
from tests.fakes.discord_api import FakeDiscordAPI
from tests.handlers.discord.conftest import interact, make_deps
from tests.handlers.discord.helpers import (
    assert_clean,
    assert_within_limits,
    first_embed,
    sizes,
    texts,
)

FRAGMENTED = VERDICT_COLOUR["fragmented"]  # the sample day's verdict


def _deferred_first(fake: FakeDiscordAPI, payload: dict[str, object]) -> None:
    """The first request about this interaction is a thinking defer (callback type 5)."""
    token = str(payload["token"])
    about = [c for c in fake.calls if token in c.path]
    assert about[0].path.endswith("/callback")
    assert isinstance(about[0].payload, dict) and about[0].payload["type"] == 5
    assert len(about) > 1 and all(c.path.startswith("/webhooks/") for c in about[1:])


async def test_report_posts_key_insight_dashboard_and_menu(bot: MarketBot,
                                                           fake: FakeDiscordAPI) -> None:
    payload = di.command("report")
    posted = await interact(bot, fake, payload)

    _deferred_first(fake, payload)
    assert fake.acknowledgement(payload) == (5, False)
    assert len(posted) == 1
    message = posted[0]
    assert len(message.embeds) == 1
    embed = first_embed(posted)
    assert embed["title"] == "Market Intelligence Report - 2026-03-21"
    assert embed["description"].startswith("Risk sentiment is fragmented")
    assert embed["color"] == FRAGMENTED
    assert embed["fields"] == [{"name": "Verdict", "value": "fragmented", "inline": True}]
    assert embed["image"] == {"url": "attachment://dashboard.png"}
    assert message.filenames == ["dashboard.png"]
    assert message.uploads[0].data.startswith(PNG_SIGNATURE)
    select = message.payload["components"][0]["components"][0]
    assert select["custom_id"] == "marketbot:section"
    assert [o["value"] for o in select["options"]] == list(SECTION_KEYS)
    assert sizes(posted)[0][0] <= 6000
    assert_within_limits(posted)
    assert_clean(fake)


async def test_report_without_chart_renderer_posts_the_embed_alone(
        fake: FakeDiscordAPI, deps: DiscordDeps) -> None:
    client = MarketBot(replace(deps, charts=None, chart_names=()))
    await client.login(fake.token)
    try:
        posted = await interact(client, fake, di.command("report"))
        assert posted[0].filenames == []
        assert "image" not in first_embed(posted)
        chart = await interact(client, fake, di.command("chart", {"name": "dashboard"}))
        assert chart[0].content == "Charts are not available on this bot."
    finally:
        await client.close()
    assert_clean(fake)


async def test_section_menu_answers_privately(bot: MarketBot, fake: FakeDiscordAPI) -> None:
    report = await interact(bot, fake, di.command("report"))
    message = fake.message_object(report[0])

    payload = di.select(message, "marketbot:section", ["us"])
    posted = await interact(bot, fake, payload)

    assert fake.acknowledgement(payload) == (5, True)
    assert len(posted) == 1 and posted[0].ephemeral
    assert first_embed(posted)["title"] == "4. US"
    assert first_embed(posted)["color"] == FRAGMENTED
    assert_within_limits(posted)
    assert_clean(fake)


async def test_section_menu_survives_a_restart(fake: FakeDiscordAPI, deps: DiscordDeps,
                                               bot: MarketBot) -> None:
    """A menu posted by one bot process works in the next one (matched by custom_id)."""
    report = await interact(bot, fake, di.command("report"))
    message = fake.message_object(report[0])
    restarted = MarketBot(deps, sync_commands=False)
    await restarted.login(fake.token)
    try:
        posted = await interact(restarted, fake, di.select(message, "marketbot:section",
                                                           ["action_plan"]))
    finally:
        await restarted.close()
    assert first_embed(posted)["title"] == "10. Action plan"


@pytest.mark.parametrize("key", SECTION_KEYS)
async def test_every_section_within_limits(bot: MarketBot, fake: FakeDiscordAPI,
                                           key: str) -> None:
    payload = di.command("section", {"name": key})
    posted = await interact(bot, fake, payload)

    _deferred_first(fake, payload)
    assert posted and not posted[0].ephemeral
    assert first_embed(posted)["title"].endswith(
        {"key_insight": "Key Insight", "us": "US", "hk": "Hong Kong"}.get(key, "")
    )
    assert all(e["color"] == FRAGMENTED for m in posted for e in m.embeds)
    assert "As of 2026-03-21" in posted[-1].embeds[-1]["footer"]["text"]
    assert_within_limits(posted)
    assert_clean(fake)


@pytest.mark.parametrize("given", ["cn", "Flows"])
async def test_section_accepts_aliases_from_stale_clients(bot: MarketBot, fake: FakeDiscordAPI,
                                                          given: str) -> None:
    posted = await interact(bot, fake, di.command("section", {"name": given}))
    assert first_embed(posted)["title"] in ("6. A-shares", "8. Capital flow map")


async def test_unknown_section_gets_one_helpful_line(bot: MarketBot,
                                                     fake: FakeDiscordAPI) -> None:
    posted = await interact(bot, fake, di.command("section", {"name": "weather"}))
    assert len(posted) == 1 and posted[0].embeds == []
    line = posted[0].content
    assert "\n" not in line
    assert line.startswith("unknown section 'weather'. Valid sections: insight, sentiment, ")
    assert "key_insight" not in line  # section keys are internal
    assert_clean(fake)


async def test_chart_command_attaches_the_png(bot: MarketBot, fake: FakeDiscordAPI,
                                              charts: FakeCharts) -> None:
    payload = di.command("chart", {"name": "breadth"})
    posted = await interact(bot, fake, payload)

    _deferred_first(fake, payload)
    embed = first_embed(posted)
    assert embed["title"] == "Chart: breadth"
    assert embed["image"] == {"url": "attachment://breadth.png"}
    assert embed["color"] == FRAGMENTED
    assert posted[0].filenames == ["breadth.png"]
    assert posted[0].uploads[0].data.startswith(PNG_SIGNATURE)
    assert charts.calls == ["breadth"]
    await interact(bot, fake, di.command("chart", {"name": "breadth"}))
    assert charts.calls == ["breadth"], "rendered once per edition"
    assert_clean(fake)


async def test_chart_choices_are_the_renderers_names(bot: MarketBot, fake: FakeDiscordAPI,
                                                     charts: FakeCharts) -> None:
    chart = next(c for c in fake.synced[None] if c["name"] == "chart")
    assert [c["value"] for c in chart["options"][0]["choices"]] == list(charts.names)


async def test_unknown_chart_gets_one_helpful_line(bot: MarketBot,
                                                   fake: FakeDiscordAPI) -> None:
    posted = await interact(bot, fake, di.command("chart", {"name": "tea-leaves"}))
    assert posted[0].content.startswith("unknown chart 'tea-leaves'. Valid charts: dashboard")
    assert_clean(fake)


async def test_all_user_text_is_in_the_payloads(bot: MarketBot, fake: FakeDiscordAPI) -> None:
    posted = await interact(bot, fake, di.command("section", {"name": "divergences"}))
    joined = "\n".join(texts(posted))
    assert "ChiNext vs SSE" in joined


@pytest.mark.parametrize(("sign", "verdict"), [(1, "risk-on"), (-1, "risk-off")])
async def test_colour_follows_the_verdict(fake: FakeDiscordAPI, deps: DiscordDeps, sign: int,
                                          verdict: str) -> None:
    """Every market up (or down) on the sample day turns the verdict, and every embed's
    colour with it."""
    sample = load_sample()
    quotes = tuple(q.model_copy(update={"change_pct": None if q.change_pct is None
                                        else sign * abs(q.change_pct)}) for q in sample.quotes)
    day = sample.model_copy(update={"quotes": quotes})
    client = MarketBot(make_deps(deps.subscriptions, FakeCharts(), snapshot=day),
                       sync_commands=False)
    await client.login(fake.token)
    try:
        report = await interact(client, fake, di.command("report"))
        section = await interact(client, fake, di.command("section", {"name": "us"}))
        chart = await interact(client, fake, di.command("chart", {"name": "flows"}))
    finally:
        await client.close()
    assert first_embed(report)["fields"][0]["value"].replace("\\", "") == verdict
    colours = {e["color"] for m in report + section + chart for e in m.embeds}
    assert colours == {VERDICT_COLOUR[verdict]}


async def test_each_command_is_timed_on_the_metrics(bot: MarketBot, fake: FakeDiscordAPI,
                                                    deps: DiscordDeps) -> None:
    """``marketbot_command_seconds{platform="discord"}``: a command that answers and one
    the tree refuses (an overlong value) are both observed, under their own names."""
    await interact(bot, fake, di.command("report"))
    await interact(bot, fake, di.command("section", {"name": "x" * 500}))
    metrics = deps.metrics
    assert metrics.value("marketbot_command_seconds_count", platform="discord",
                         command="report") == 1
    assert metrics.value("marketbot_command_seconds_count", platform="discord",
                         command="section") == 1
