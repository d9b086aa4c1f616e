"""Telegram HTML: bold leads, italic notes, tables and the flow tree in ``<pre>``.

Every dynamic string is escaped with ``html.escape(quote=False)``; only ``b``, ``i`` and ``pre``
tags are produced. Messages are at most 4096 characters of raw HTML (the parsed text is never
longer) and break only at section or paragraph boundaries, never right after a heading. A
``<pre>`` line is at most ``TELEGRAM_PRE_COLUMNS`` wide, so a phone never wraps it: wider
tables are sent as lists (``renderers.layout``).
"""

from __future__ import annotations

import html

from services.models.report import SECTION_KEYS, Report, Section
from services.renderers import words
from services.renderers.base import section_units
from services.renderers.limits import TELEGRAM_CAPTION, TELEGRAM_PRE_COLUMNS, TELEGRAM_TEXT
from services.renderers.splitter import Head, pack, split_text


def escape(text: str) -> str:
    return html.escape(text, quote=False)


class TelegramStyle:
    columns: int | None = TELEGRAM_PRE_COLUMNS

    def escape(self, text: str) -> str:
        return escape(text)

    def bold(self, escaped: str) -> str:
        return f"<b>{escaped}</b>"

    def italic(self, escaped: str) -> str:
        return f"<i>{escaped}</i>"

    def mono(self, lines: list[str]) -> str:
        return "<pre>" + escape("\n".join(lines)) + "</pre>"

    def heading(self, text: str) -> str:
        return f"<b>{escape(text)}</b>"


STYLE = TelegramStyle()


def section_header(section: Section) -> str:
    """``1. KEY INSIGHT``: the title in capitals, where the script has them."""
    return f"<b>{section.number}. {escape(section.title.upper())}</b>"


def render_messages(report: Report, keys: tuple[str, ...] = SECTION_KEYS,
                    limit: int = TELEGRAM_TEXT, title: bool = False) -> list[str]:
    """The given sections as HTML messages, each within ``limit``; with ``title``, the
    report's title and as-of line first."""
    units: list[str] = [title_unit(report)] if title else []
    for section in report.sections:
        if section.key in keys:
            units += section_units(STYLE, section, limit, section_header(section), before=units)
    return pack(units, limit)


def title_unit(report: Report) -> Head:
    return Head(f"<b>{escape(report.title)}</b>\n<i>{escape(words.as_of(report))}</i>")


def render_full(report: Report) -> list[str]:
    """``/report full``: the title line, then every section."""
    return render_messages(report, title=True)


def caption(report: Report, limit: int = TELEGRAM_CAPTION) -> str:
    """The Key Insight as a photo caption: title line plus the insight, within ``limit``."""
    head = f"<b>{escape(report.title)}</b>\n"
    budget = limit - len(head)
    text = report.key_insight
    if len(escape(text)) > budget:
        text = split_text(text, budget - 1, lambda t: len(escape(t)))[0] + "…"
    return head + escape(text)
