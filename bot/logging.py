"""Logging set-up with a redactor: tokens and keys never reach a log line.

httpx logs request URLs at INFO, and Telegram URLs carry the bot token, so every record is
scrubbed of the configured secrets and of anything shaped like a Telegram bot token.
discord.py logs interaction webhook URLs at DEBUG, which carry the interaction's token (a
15-minute credential to answer as the bot), so those path segments are scrubbed too; and it
logs every gateway event at DEBUG as a dict, an interaction's ``'token': '…'`` included, so
any ``token`` key's value is scrubbed. The scrubbing is ``bot.redact.Redactor``'s, the same as
for stdout and stderr.

``LOG_FORMAT=json`` writes one JSON object per line: ``time`` (UTC, ISO 8601), ``level``,
``logger``, ``message``, and ``edition_id`` and ``chat_id`` when the line is about one (from
``services.ops.context``, or a log call's ``extra``), ``exception`` with a traceback. The
message and the traceback are scrubbed before they are formatted, as in the text format.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime

from bot.redact import REDACTED, Redactor
from services.ops.context import CHAT_ID, EDITION_ID

__all__ = ["REDACTED", "JsonFormatter", "RedactingFilter", "setup_logging"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._redactor = Redactor(secrets)

    def scrub(self, text: str) -> str:
        return self._redactor.scrub(text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = self.scrub(message), None
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        edition = getattr(record, "edition_id", None) or EDITION_ID.get()
        chat = getattr(record, "chat_id", None) or CHAT_ID.get()
        if edition is not None:
            data["edition_id"] = str(edition)
        if chat is not None:
            data["chat_id"] = str(chat)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            data["exception"] = record.exc_text
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        return json.dumps(data, ensure_ascii=False)


def setup_logging(level: str = "INFO", secrets: Iterable[str] = (), fmt: str = "text"
                  ) -> RedactingFilter:
    """Configure the root logger once (``fmt``: ``text`` or ``json``); returns the filter so
    tests can inspect it."""
    redactor = RedactingFilter(secrets)
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(redactor)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in ("httpx", "alembic", "discord.client"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    discord_client = logging.getLogger("discord.client")
    if not any(isinstance(f, _NoVoice) for f in discord_client.filters):
        discord_client.addFilter(_NoVoice())
    return redactor


class _NoVoice(logging.Filter):
    """The bot has no voice: discord.py's warning that voice libraries are missing is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()
