"""What a log line is about: the edition and the chat, as context variables.

The fan-out sets both around each delivery, the command handlers set the chat of the update
they answer; the structured log formatter (``bot.logging``, ``LOG_FORMAT=json``) adds them to
every line written meanwhile. Each asyncio task has its own copy, so concurrent deliveries
never mix their ids. A log call's ``extra={"edition_id": …, "chat_id": …}`` wins over them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

EDITION_ID: ContextVar[str | None] = ContextVar("edition_id", default=None)
CHAT_ID: ContextVar[str | None] = ContextVar("chat_id", default=None)


@contextmanager
def log_context(edition: str | None = None, chat: str | int | None = None) -> Iterator[None]:
    """Log lines written inside the block carry ``edition`` and ``chat`` (when given)."""
    tokens = []
    if edition is not None:
        tokens.append((EDITION_ID, EDITION_ID.set(edition)))
    if chat is not None:
        tokens.append((CHAT_ID, CHAT_ID.set(str(chat))))
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def current() -> dict[str, str]:
    """The ids set now, by their log field names."""
    found = {"edition_id": EDITION_ID.get(), "chat_id": CHAT_ID.get()}
    return {k: v for k, v in found.items() if v is not None}
