"""Plain text: no markup at all. Used where markup was rejected (Telegram's plain fallback)."""

from __future__ import annotations

from services.models.report import Report, Section
from services.renderers.base import section_units
from services.renderers.limits import TELEGRAM_PRE_COLUMNS
from services.renderers.splitter import pack


class PlainStyle:
    # Telegram's fallback: laid out for the same phone screens as the HTML it stands in for.
    columns: int | None = TELEGRAM_PRE_COLUMNS

    def escape(self, text: str) -> str:
        return text

    def bold(self, escaped: str) -> str:
        return escaped

    def italic(self, escaped: str) -> str:
        return escaped

    def mono(self, lines: list[str]) -> str:
        return "\n".join(lines)

    def heading(self, text: str) -> str:
        return text.upper()


STYLE = PlainStyle()


def section_header(section: Section) -> str:
    return f"{section.number}. {section.title}"


def render_messages(report: Report, keys: tuple[str, ...], limit: int) -> list[str]:
    units = [u for s in report.sections if s.key in keys
             for u in section_units(STYLE, s, limit, section_header(s))]
    return pack(units, limit)
