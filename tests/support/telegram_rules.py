"""Telegram's HTML parse-mode rules, as the Bot API enforces them (for fakes and tests).

One implementation: the fake Bot API's parser (``tests.fakes.telegram_html``); this module
keeps the renderer tests' short names.
"""

from __future__ import annotations

from tests.fakes.telegram_html import EntityError, utf16_len
from tests.fakes.telegram_html import parse_html as _parse

__all__ = ["EntityError", "parse_html", "visible_length"]


def parse_html(text: str) -> str:
    """The visible text of a Telegram HTML message, or ``EntityError`` like the Bot API."""
    return _parse(text).text


def visible_length(text: str) -> int:
    """Length after entity parsing, in UTF-16 code units: stricter than Telegram, which counts
    characters, so a renderer that passes this passes the API."""
    return utf16_len(parse_html(text))
