"""Logging set-up with a redactor: tokens and keys never reach a log line.

httpx logs request URLs at INFO, and Telegram URLs carry the bot token, so every record is
scrubbed of the configured secrets and of anything shaped like a Telegram bot token.
discord.py logs interaction webhook URLs at DEBUG, which carry the interaction's token (a
15-minute credential to answer as the bot), so those path segments are scrubbed too; and it
logs every gateway event at DEBUG as a dict, an interaction's ``'token': '…'`` included, so
any ``token`` key's value is scrubbed. The scrubbing is ``bot.redact.Redactor``'s, the same as
for stdout and stderr.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.redact import REDACTED, Redactor

__all__ = ["REDACTED", "RedactingFilter", "setup_logging"]


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


def setup_logging(level: str = "INFO", secrets: Iterable[str] = ()) -> RedactingFilter:
    """Configure the root logger once; returns the filter so tests can inspect it."""
    redactor = RedactingFilter(secrets)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
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
