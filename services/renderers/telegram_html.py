"""Telegram HTML: bold leads, italic notes, tables and the flow tree in ``<pre>``.

Every dynamic string is escaped with ``html.escape(quote=False)``; only ``b``, ``i`` and ``pre``
tags are produced. Messages are at most 4096 characters of raw HTML (the parsed text is never
longer) and break only at section or paragraph boundaries.
"""

from __future__ import annotations

import html

from services.models.report import SECTION_KEYS, Report, Section
from services.renderers import words
from services.renderers.base import section_units
from services.renderers.limits import TELEGRAM_CAPTION, TELEGRAM_TEXT
from services.renderers.splitter import keep_with_next, pack, split_text


def escape(text: str) -> str:
    return html.escape(text, quote=False)


class TelegramStyle:
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
    units = [title_unit(report)] if title else []
    units += [u for s in report.sections if s.key in keys
              for u in keep_with_next(section_header(s), section_units(STYLE, s, limit, None),
                                      limit)]
    return pack(units, limit)


def title_unit(report: Report) -> str:
    return f"<b>{escape(report.title)}</b>\n<i>{escape(words.as_of(report))}</i>"


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
