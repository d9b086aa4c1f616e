"""Logging set-up with a redactor: tokens and keys never reach a log line.

httpx logs request URLs at INFO, and Telegram URLs carry the bot token, so every record is
scrubbed of the configured secrets and of anything shaped like a Telegram bot token.
discord.py logs interaction webhook URLs at DEBUG, which carry the interaction's token (a
15-minute credential to answer as the bot), so those path segments are scrubbed too; and it
logs every gateway event at DEBUG as a dict, an interaction's ``'token': '…'`` included, so
any ``token`` key's value is scrubbed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

TELEGRAM_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
DISCORD_INTERACTION_TOKEN = re.compile(r"(/(?:webhooks|interactions)/\d+/)[A-Za-z0-9_.-]{20,}")
TOKEN_VALUE = re.compile(r"""(['"]token['"]\s*:\s*['"])[^'"]+""", re.IGNORECASE)
REDACTED = "[REDACTED]"


class RedactingFilter(logging.Filter):
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = tuple(s for s in secrets if len(s) >= 6)

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        text = DISCORD_INTERACTION_TOKEN.sub(rf"\g<1>{REDACTED}", text)
        text = TOKEN_VALUE.sub(rf"\g<1>{REDACTED}", text)
        return TELEGRAM_TOKEN.sub(REDACTED, text)

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
    for noisy in ("httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return redactor
