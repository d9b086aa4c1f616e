"""HTML messages and their plain-text twins: same content, same limits, same splitter."""

from __future__ import annotations

import dataclasses
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from services.models.report import Paragraph, Report
from services.renderers import telegram_html, telegram_messages, text
from services.renderers.splitter import pack, pack_spans
from services.report.pipeline import report_from_snapshot
from services.snapshot_io import load_sample
from tests.fakes.telegram_html import parse_html


def sample_report() -> Report:
    return report_from_snapshot(load_sample(), ZoneInfo("Asia/Hong_Kong"))


def test_html_side_is_exactly_the_telegram_renderer() -> None:
    report = sample_report()
    assert [m.html for m in telegram_messages.render_full(report)] == \
        telegram_html.render_full(report)
    for key in ("crypto_defi", "us", "action_plan"):
        assert [m.html for m in telegram_messages.render(report, (key,))] == \
            telegram_html.render_messages(report, (key,))


def test_plain_twins_carry_the_same_text_without_markup() -> None:
    for message in telegram_messages.render_full(sample_report()):
        assert len(message.plain) == 1
        parsed = parse_html(message.html).text
        plain = message.plain[0]
        assert "<b>" not in plain and "&amp;" not in plain and len(plain) <= 4096
        # the same words, headers aside (plain headers are not upper-cased)
        assert set(parsed.lower().split()) == set(plain.lower().split())


def test_a_block_that_splits_differently_still_fits() -> None:
    report = sample_report()
    text = " ".join(["S&P&<>"] * 1500)  # escaping makes the HTML about three times longer
    section = report.sections[0]
    long = dataclasses.replace(section, blocks=(Paragraph(text),))
    report = dataclasses.replace(report, sections=(long, *report.sections[1:]))
    messages = telegram_messages.render(report, ("key_insight",))
    assert len(messages) > 1 and all(len(m.html) <= 4096 for m in messages)
    plain = [p for m in messages for p in m.plain]
    assert all(len(p) <= 4096 for p in plain)
    assert "".join(plain).count("S&P&<>") == 1500


def test_caption_twins_fit_1024() -> None:
    report = sample_report()
    long = dataclasses.replace(report, narration=dataclasses.replace(
        report.narration, key_insight="S&P & more. " * 300))
    for r in (report, long):
        caption = telegram_messages.caption(r)
        assert len(parse_html(caption.html).text) <= 1024 and len(caption.plain[0]) <= 1024
        assert caption.plain[0].startswith(r.title)


@given(st.lists(st.text(max_size=40), max_size=30), st.integers(min_value=40, max_value=120))
def test_pack_spans_is_what_pack_joins(units: list[str], limit: int) -> None:
    spans = pack_spans(units, limit)
    assert pack(units, limit) == ["\n\n".join(units[i] for i in group) for group in spans]
    assert [i for group in spans for i in group] == [i for i, u in enumerate(units) if u]
    assert all(len("\n\n".join(units[i] for i in group)) <= limit for group in spans)


def test_no_message_ends_with_a_section_header() -> None:
    report = sample_report()
    headers = {telegram_html.section_header(s) for s in report.sections}
    plain_headers = {text.section_header(s) for s in report.sections}
    for message in telegram_messages.render_full(report):
        assert message.html.rsplit("\n\n", 1)[-1] not in headers
        assert message.plain[-1].rsplit("\n\n", 1)[-1] not in plain_headers
    for key in ("risk_sentiment", "capital_flows"):
        [one] = telegram_messages.render(report, (key,))
        assert one.html.startswith(telegram_html.section_header(report.section(key)))
