"""How much a user may type, and how much of it a reply repeats: one place for Telegram and
Discord alike.

Every value a command takes is short (a section key, a chart name, ``HH:MM``, a zone name of at
most 30 characters), so a longer one is refused at once with a short line, before any work;
and an error that names a bad value repeats only its first ``QUOTE_CHARS`` characters, cleaned,
so the reply stays one short message whatever was typed.
"""

from __future__ import annotations

from services.models.clean import clean, clip

MAX_VALUE_CHARS = 64
MAX_COMMAND_CHARS = 200
QUOTE_CHARS = 32


def shown(value: str) -> str:
    """``value`` as an error message repeats it: cleaned, clipped (the message quotes it)."""
    return clip(clean(value), QUOTE_CHARS)


def quoted(value: str) -> str:
    """``value`` as an error message repeats it: cleaned, clipped, in quotes."""
    return f"'{shown(value)}'"


def value_problem(value: str) -> str | None:
    """The line for a value longer than ``MAX_VALUE_CHARS``, else ``None``."""
    if len(value) <= MAX_VALUE_CHARS:
        return None
    return (f"That value is {len(value):,} characters long; values here take at most "
            f"{MAX_VALUE_CHARS}.")


def command_problem(text: str) -> str | None:
    """The line for a command longer than ``MAX_COMMAND_CHARS``, else ``None``."""
    if len(text) <= MAX_COMMAND_CHARS:
        return None
    return (f"That command is {len(text):,} characters long; commands take at most "
            f"{MAX_COMMAND_CHARS}.")
