"""Telegram messages with their plain-text twins, for the "entities rejected" fallback.

Every HTML message comes with the plain-text rendering (``text.PlainStyle``) of exactly the
units it holds, so if Telegram ever rejects a message's markup the bot resends *that* message
as plain text, rendered from the Report again, never by stripping tags from HTML. The HTML side
is identical to ``telegram_html.render_messages`` (the same units through the same ``pack``).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.models.report import SECTION_KEYS, Report, Section
from services.renderers import telegram_html, text, words
from services.renderers.base import section_blocks
from services.renderers.limits import TELEGRAM_CAPTION, TELEGRAM_TEXT
from services.renderers.splitter import Head, pack, pack_spans, split_text


@dataclass(frozen=True)
class TelegramMessage:
    """One HTML message, and the plain text to send instead (one message, rarely more)."""

    html: str
    plain: tuple[str, ...]


class _Units:
    """HTML units for ``pack``, each with the plain units that carry the same content."""

    def __init__(self) -> None:
        self.html: list[str] = []
        self.plain: list[list[str]] = []

    def add(self, html: list[str], plain: list[str]) -> None:
        if len(html) == len(plain):
            self.html.extend(html)
            self.plain.extend([p] for p in plain)
            return
        # Escaping made the HTML of a long block split differently: the block's plain text
        # travels with its first HTML unit and is packed on its own if ever needed.
        self.html.extend(html)
        self.plain.extend(plain if i == 0 else [] for i in range(len(html)))

    def add_section(self, section: Section, limit: int) -> None:
        """The header and every block, each block's HTML units paired with its plain ones."""
        html = section_blocks(telegram_html.STYLE, section, limit,
                              telegram_html.section_header(section), before=self.html)
        plain = section_blocks(text.STYLE, section, limit, text.section_header(section),
                               before=[p for units in self.plain for p in units])
        for html_units, plain_units in zip(html, plain, strict=True):
            self.add(html_units, plain_units)


def from_units(units: list[tuple[str, str]], limit: int = TELEGRAM_TEXT
               ) -> list[TelegramMessage]:
    """Paired (HTML, plain) units, such as a status reply's lines, packed into messages."""
    html = [h for h, _ in units]
    return [TelegramMessage("\n\n".join(html[i] for i in group),
                            tuple(pack([units[i][1] for i in group], limit)))
            for group in pack_spans(html, limit)]


def plain_title(report: Report) -> Head:
    return Head(f"{report.title}\n{words.as_of(report)}")


def render(report: Report, keys: tuple[str, ...] = SECTION_KEYS, limit: int = TELEGRAM_TEXT,
           title: bool = False) -> list[TelegramMessage]:
    """The given sections (with the title line first if ``title``) as paired messages."""
    units = _Units()
    if title:
        units.add([telegram_html.title_unit(report)], [plain_title(report)])
    for section in report.sections:
        if section.key not in keys:
            continue
        units.add_section(section, limit)
    return [TelegramMessage("\n\n".join(units.html[i] for i in group),
                            tuple(pack([p for i in group for p in units.plain[i]], limit)))
            for group in pack_spans(units.html, limit)]


def render_full(report: Report) -> list[TelegramMessage]:
    """``/report full``: the title line, then every section."""
    return render(report, title=True)


def caption(report: Report, limit: int = TELEGRAM_CAPTION) -> TelegramMessage:
    """The Key Insight photo caption, in HTML and in plain text, each within ``limit``."""
    head = f"{report.title}\n"
    body = report.key_insight
    if len(head) + len(body) > limit:
        body = split_text(body, limit - len(head) - 1)[0] + "…"
    return TelegramMessage(telegram_html.caption(report, limit), (head + body,))
