"""Phone first: no Telegram ``<pre>`` line wider than a phone shows, wide tables as lists, long
names clipped with an ellipsis, and no message that ends with a heading on any platform."""

from __future__ import annotations

import html
import itertools
import re
import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.models.report import Bullets, Heading, Paragraph, Report, Section, Table
from services.renderers import discord_embeds, limits, telegram_html, telegram_messages, text
from services.renderers.base import section_units
from services.renderers.layout import clip, list_rows, table_lines, width
from services.renderers.splitter import Head, pack, pack_spans
from tests.charts.test_png import crowded_dict
from tests.support.snapshots import report_of, sample_dict
from tests.unit.test_renderers import long_day

COLUMNS = 34
PRE = re.compile(r"<pre>(.*?)</pre>", re.S)


def columns(line: str) -> int:
    """Display columns on a phone, measured here independently of the renderer: wide and
    full-width East Asian characters take two, combining marks none."""
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in line)


def pre_lines(messages: list[str]) -> list[str]:
    return [line for m in messages for block in PRE.findall(m)
            for line in html.unescape(block).split("\n")]


DAYS: dict[str, Any] = {"sample": sample_dict, "long_hostile": long_day, "crowded": crowded_dict}


@pytest.fixture(scope="module", params=list(DAYS))
def report(request: pytest.FixtureRequest) -> Report:
    return report_of(DAYS[request.param]())


def test_every_pre_line_fits_a_phone(report: Report) -> None:
    messages = telegram_html.render_full(report)
    lines = pre_lines(messages)
    assert lines  # the flow map at least is monospace
    too_wide = [(columns(line), line) for line in lines if columns(line) > COLUMNS]
    assert too_wide == []


def test_the_sample_day_keeps_its_narrow_tables_and_lists_the_wide_ones() -> None:
    sample = report_of(sample_dict())
    body = "\n".join(telegram_html.render_full(sample))
    # narrow enough as they are: stablecoins, TVL by category, the US indices
    assert "<pre>Coin    Supply     1d %   1d USD" in body
    assert "<pre>Index       Close  Change  Signal\n" in body
    # too wide even with the names clipped: one item per line, label then figures
    assert "<i>Market: Close · Change · Signal</i>\n• <b>US S&amp;P 500:</b> 6,643.70 · " \
           "+0.59% · risk-on\n" in body
    assert "• <b>上证指数 SSE:</b> 3,957.05 · -1.24% · strong risk-off" in body
    assert "<pre>#  Risk           Impact  Severity\n" in body  # names clipped, it fits
    # a table that fits once its names are clipped stays a table
    assert "Figure Marke…       $345M  +591.0%" in body


def test_no_figure_is_lost_when_a_table_becomes_a_list(report: Report) -> None:
    body = html.unescape("\n".join(telegram_html.render_full(report)))
    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, Table):
                for row in block.rows:
                    for cell in row[1:]:
                        assert " ".join(cell.split()) in body, (section.key, cell)


def test_long_names_are_clipped_with_an_ellipsis() -> None:
    crowded = "\n".join(telegram_html.render_full(report_of(crowded_dict())))
    assert "指数 US long name…" in crowded or "指数 US long…" in crowded
    hostile = "\n".join(telegram_html.render_full(report_of(long_day())))
    assert "&lt;b&gt;Proto&lt;/b&gt; &amp; 0…" in hostile  # clipped, and still escaped


def test_width_counts_wide_characters_twice() -> None:
    assert width("上证指数 SSE") == 12
    assert width("e\u0301") == 1
    assert clip("创业板指 ChiNext", 9) == "创业板指…"
    assert width(clip("上证指数上证指数", 7)) <= 7


def test_table_lines_clip_the_label_or_give_up() -> None:
    table = Table(("Name", "Value"), (("a rather long instrument name", "+1.00%"),
                                      ("short", "-2.00%")))
    wide = table_lines(table)
    assert wide is not None and max(width(line) for line in wide) == 37
    fitted = table_lines(table, 24)
    assert fitted is not None and max(width(line) for line in fitted) <= 24
    assert fitted[2] == "a rather long i…  +1.00%"
    assert table_lines(table, 14) is None  # the label would be shorter than a name


def test_list_rows_fold_the_number_column_into_the_label() -> None:
    table = Table(("#", "Risk", "Impact"), (("1", "A risk with a very long title indeed", "high"),
                                            ("2", "Short", "")))
    legend, rows = list_rows(table)
    assert legend == "Risk: Impact"
    assert rows[0].label == "1. A risk with a very…" and rows[0].figures == ("high",)
    assert rows[1].label == "2. Short" and rows[1].figures == ()


# A heading never ends a message -----------------------------------------------------------

def _ends_with(message: str, heads: set[str]) -> bool:
    return message.rsplit("\n\n", 1)[-1] in heads


def _telegram_heads(report: Report) -> set[str]:
    heads = {telegram_html.section_header(s) for s in report.sections}
    heads |= {f"<b>{telegram_html.escape(b.text)}</b>" for s in report.sections
              for b in s.blocks if isinstance(b, Heading)}
    return heads


def test_report_full_keeps_dispersion_with_its_bullets() -> None:
    sample = report_of(sample_dict())
    for message in telegram_html.render_full(sample):
        assert not message.endswith("<b>Dispersion</b>")
        if "<b>Dispersion</b>" in message:
            assert "<b>Dispersion</b>\n\n• <b>" in message


@pytest.mark.parametrize("limit", [700, 1100, 1900, 2600, 4096])
def test_no_telegram_message_ends_with_a_heading(report: Report, limit: int) -> None:
    heads = _telegram_heads(report)
    plain_heads = {text.section_header(s) for s in report.sections} | {
        b.text.upper() for s in report.sections for b in s.blocks if isinstance(b, Heading)}
    messages = telegram_messages.render(report, limit=limit, title=True)
    assert [m.html for m in messages] == telegram_html.render_messages(report, limit=limit,
                                                                       title=True)
    for message in messages[:-1]:
        assert len(message.html) <= limit
        assert not _ends_with(message.html, heads), message.html[-80:]
        # (a message whose plain text travels with an earlier one has none of its own)
        assert not message.plain or not _ends_with(message.plain[-1], plain_heads)


def test_no_discord_embed_ends_with_a_heading(report: Report) -> None:
    heads = {f"__**{discord_embeds.escape(b.text)}**__" for s in report.sections
             for b in s.blocks if isinstance(b, Heading)}
    for section in report.sections:
        for embed in discord_embeds.section_embeds(section, 0):
            assert not _ends_with(embed["description"], heads)


def test_a_heading_moves_to_the_message_of_its_first_lines() -> None:
    filler = Paragraph("x" * 180)
    section = Section("us", "US", (filler, filler, Heading("Dispersion"),
                                   Bullets((Paragraph("first bullet"),))))
    # each limit would leave the heading alone at the end of the first message
    for units, limit in ((section_units(telegram_html.STYLE, section, 400, "<b>4. US</b>"), 400),
                         (section_units(text.STYLE, section, 385, "4. US"), 385)):
        messages = pack(units, limit)
        assert len(messages) == 2
        assert messages[1].startswith(("<b>Dispersion</b>\n\n• first", "DISPERSION\n\n• first"))


def test_a_block_after_a_heading_is_cut_to_fit_beside_it() -> None:
    section = Section("us", "US", (Heading("Long"), Paragraph("word " * 400)))
    units = section_units(telegram_html.STYLE, section, 500, "<b>4. US</b>")
    messages = pack(units, 500)
    assert all(len(m) <= 500 for m in messages)
    assert messages[0].startswith("<b>4. US</b>\n\n<b>Long</b>\n\nword")


units_with_heads = st.lists(st.tuples(st.text(min_size=1, max_size=40), st.booleans()),
                            max_size=30)


@given(units_with_heads, st.integers(min_value=90, max_value=160))
def test_pack_ends_a_message_with_a_head_only_when_it_cannot_move(
        raw: list[tuple[str, bool]], limit: int) -> None:
    units = [Head(t) if head else t for t, head in raw]
    spans = pack_spans(units, limit)
    assert [i for group in spans for i in group] == list(range(len(units)))  # order kept
    for group, following in itertools.pairwise(spans):
        assert len("\n\n".join(units[i] for i in group)) <= limit
        tail = 0
        while tail < len(group) and isinstance(units[group[-1 - tail]], Head):
            tail += 1
        if tail:  # only heads alone in their message, or heads that cannot fit beside the next
            moved = sum(len(units[i]) + 2 for i in group[-tail:]) + len(units[following[0]])
            assert tail == len(group) or moved > limit


def test_telegram_limits_are_in_one_place() -> None:
    assert limits.TELEGRAM_PRE_COLUMNS == COLUMNS
    assert telegram_html.STYLE.columns == text.STYLE.columns == COLUMNS
    assert discord_embeds.STYLE.columns is None  # Discord lays tables out as wide as they are
