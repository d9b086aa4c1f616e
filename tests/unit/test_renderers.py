"""Every renderer within its platform's limits; escaping; splitting at boundaries."""

import json

import pytest

from services.models.report import SECTION_KEYS, SECTION_TITLES
from services.renderers import discord_embeds, json_out, limits, markdown, telegram_html, text
from services.renderers.discord_embeds import embed_size
from services.renderers.splitter import pack, split_text
from tests.support.snapshots import report_of, sample_dict
from tests.support.telegram_rules import parse_html, visible_length

REPORT = report_of(sample_dict())


def long_day() -> dict:
    """The sample with hundreds of protocols and DEXes and hostile names."""
    data = sample_dict()
    data["protocols"] = [
        {"name": f"<b>Proto</b> & {i} @everyone `x` *y*", "category": f"Cat{i % 7}",
         "tvl_usd": 1e6 * (i + 1), "change_pct_1d": (i % 40) - 20.5, "source": "t"}
        for i in range(400)]
    data["dexes"] = [{"name": f"Dex {i} <i>", "volume_usd_1d": 1e6 * i, "change_pct_1d": i - 50.0,
                      "source": "t"} for i in range(200)]
    return data


LONG = report_of(long_day())


@pytest.mark.parametrize("report", [REPORT, LONG], ids=["sample", "long"])
def test_telegram_messages_within_limit_and_valid_html(report) -> None:
    messages = telegram_html.render_full(report)
    assert messages
    for m in messages:
        assert 0 < len(m) <= limits.TELEGRAM_TEXT
        assert 0 < visible_length(m) <= limits.TELEGRAM_TEXT
        parse_html(m)  # raises like the Bot API on a bad tag or entity


def test_telegram_escapes_dynamic_text() -> None:
    body = "\n".join(telegram_html.render_full(LONG))
    assert "<b>Proto</b>" not in body
    assert "&lt;b&gt;Proto&lt;/b&gt; &amp; 1" in body


def test_telegram_splits_only_between_units() -> None:
    messages = telegram_html.render_messages(REPORT)
    for m in messages:
        assert m.count("<pre>") == m.count("</pre>")
        assert not m.startswith("\n") and not m.endswith("\n")
    # every section header starts a unit, and each section is present once
    joined = "\n\n".join(messages)
    for number, key in enumerate(SECTION_KEYS, 1):
        header = f"<b>{number}. {SECTION_TITLES[key].upper()}</b>"
        assert joined.count(header) == 1
        assert any(m.startswith(header) or f"\n\n{header}" in m for m in messages)


def test_telegram_caption_within_limit() -> None:
    cap = telegram_html.caption(REPORT)
    assert visible_length(cap) <= limits.TELEGRAM_CAPTION
    assert "Risk sentiment is fragmented" in parse_html(cap)


@pytest.mark.parametrize("report", [REPORT, LONG], ids=["sample", "long"])
def test_discord_within_limits(report) -> None:
    messages = discord_embeds.render_messages(report)
    for m in messages:
        assert len(m.embeds) <= limits.DISCORD_EMBEDS_PER_MESSAGE
        assert sum(embed_size(e) for e in m.embeds) <= limits.DISCORD_EMBED_TOTAL
        assert m.content is None or len(m.content) <= limits.DISCORD_CONTENT
        for e in m.embeds:
            assert len(e["title"]) <= limits.DISCORD_EMBED_TITLE
            assert 0 < len(e["description"]) <= limits.DISCORD_EMBED_DESCRIPTION
            assert len(e.get("fields", [])) <= limits.DISCORD_EMBED_FIELDS
    if report is LONG:
        assert len(messages) > 1


def test_discord_defuses_mentions_and_markdown() -> None:
    body = json.dumps([m.embeds for m in discord_embeds.render_messages(LONG)],
                      ensure_ascii=False)
    assert "@everyone" not in body
    assert "@\u200beveryone" in body
    for m in discord_embeds.render_messages(LONG):
        for e in m.embeds:
            assert e["description"].count("```") % 2 == 0  # code blocks stay closed


@pytest.mark.parametrize(("raw", "escaped"), [
    ("*bold* _it_ ~s~ `c` |sp|", "\\*bold\\* \\_it\\_ \\~s\\~ \\`c\\` \\|sp\\|"),
    ("# not a heading", "\\# not a heading"),
    ("> not a quote", "\\> not a quote"),
    ("- not a list", "\\- not a list"),
    ("S&P 500 -0.59% (HK)", "S&P 500 -0.59% (HK)"),
    ("[x](http://evil)", "\\[x\\](http://evil)"),
    ("@here and @everyone", "@\u200bhere and @\u200beveryone"),
])
def test_discord_escape(raw: str, escaped: str) -> None:
    assert discord_embeds.escape(raw) == escaped


def test_discord_insight_embed_colour_follows_verdict() -> None:
    embed = discord_embeds.insight_embed(REPORT)
    assert embed["color"] == discord_embeds.VERDICT_COLOUR["fragmented"]
    assert embed_size(embed) <= limits.DISCORD_EMBED_TOTAL


def test_json_shape() -> None:
    data = json.loads(json_out.render(REPORT))
    assert data["schema"] == "market-report/1"
    assert [s["key"] for s in data["sections"]] == list(SECTION_KEYS)
    assert data["as_of"] == "2026-03-21T00:30:00+00:00"
    analysis = data["analysis"]
    assert analysis["sentiment"]["verdict"] == "fragmented"
    assert {link["key"]: link["state"] for link in analysis["sentiment"]["links"]} == {
        "us_hk": "not comparable", "hk_cn": "moved together"}
    assert analysis["crypto"]["stablecoins"]["net_change_usd"] == pytest.approx(562.87e6,
                                                                               rel=1e-4)
    assert {d["key"]: round(d["spread_pp"], 2) for d in analysis["divergences"]}["us_hk"] == 1.47
    assert isinstance(data["warnings"], list)


def test_markdown_has_all_ten_sections_in_order() -> None:
    md = markdown.render(REPORT)
    positions = [md.index(f"## {i}. ") for i in range(1, 11)]
    assert positions == sorted(positions)
    assert "上证指数" in md


def test_plain_text_fallback_has_no_markup() -> None:
    for m in text.render_messages(LONG, SECTION_KEYS, limits.TELEGRAM_TEXT):
        assert len(m) <= limits.TELEGRAM_TEXT
        assert "<b>" not in m.replace("<b>Proto</b>", "")


def test_pack_never_exceeds_and_keeps_order() -> None:
    units = [f"unit {i} " + "x" * (i * 37 % 900) for i in range(60)]
    messages = pack(units, 1000)
    assert all(len(m) <= 1000 for m in messages)
    assert "\n\n".join(messages) == "\n\n".join(units)


def test_split_text_respects_the_measured_budget() -> None:
    raw = "word & " * 2000 + "x" * 5000
    pieces = split_text(raw, 500, lambda t: len(telegram_html.escape(t)))
    assert all(len(telegram_html.escape(p)) <= 500 for p in pieces)
    assert "".join(pieces).replace(" ", "").replace("\n", "") == raw.replace(" ", "")
