"""How much a user may type, and how much of it a reply repeats: one place for Telegram and
Discord alike.

Every value a command takes is short (a section key, a chart name, ``HH:MM``, a zone name of at
most 30 characters), so a longer one is refused at once with a short line, before any work;
and an error that names a bad value repeats only its first ``QUOTE_CHARS`` characters, cleaned,
so the reply stays one short message whatever was typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.models.clean import clean, clip

if TYPE_CHECKING:  # ``services.errors`` imports this module (``shown``): ``Say`` is imported
    from services.errors import Say  # where a line is made

MAX_VALUE_CHARS = 64
MAX_COMMAND_CHARS = 200
QUOTE_CHARS = 32


def shown(value: str) -> str:
    """``value`` as an error message repeats it: cleaned, clipped (the message quotes it)."""
    return clip(clean(value), QUOTE_CHARS)


def value_problem(value: str) -> Say | None:
    """The line for a value longer than ``MAX_VALUE_CHARS``, else ``None`` (a ``Say``: each
    platform writes it in the reader's language; ``str()`` is the English line)."""
    from services.errors import Say

    if len(value) <= MAX_VALUE_CHARS:
        return None
    return Say("That value is {length} characters long; values here take at most {limit}.",
               {"length": len(value), "limit": MAX_VALUE_CHARS})


def command_problem(text: str) -> Say | None:
    """The line for a command longer than ``MAX_COMMAND_CHARS``, else ``None`` (a ``Say``)."""
    from services.errors import Say

    if len(text) <= MAX_COMMAND_CHARS:
        return None
    return Say("That command is {length} characters long; commands take at most {limit}.",
               {"length": len(text), "limit": MAX_COMMAND_CHARS})
