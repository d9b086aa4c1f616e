"""Secrets never leave the process: not in a log line, not in an error, not on stdout.

The client libraries put secrets in their exception texts: python-telegram-bot quotes a
rejected token (``The token `…` was rejected``) and puts it in every URL, httpx and curl_cffi
name the URL they failed on, an API that echoes the request can put a key in a status error of
the anthropic SDK or discord.py. So scrubbing log records is not enough: ``guard`` also wraps
``sys.stdout`` and ``sys.stderr`` (whatever prints there: a report, an error line, a traceback
from a hook, an "Exception ignored" message) with the same ``Redactor``.

A secret is scrubbed whole, and so is any run of 8 or more of its characters (a client that
truncates a token in a message must not leak most of it). A Telegram token's public part, the
bot's numeric id before the colon, is not a secret on its own.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from collections.abc import Iterable, Iterator
from typing import TextIO

TELEGRAM_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
DISCORD_INTERACTION_TOKEN = re.compile(r"(/(?:webhooks|interactions)/\d+/)[A-Za-z0-9_.-]{20,}")
# discord.py logs every gateway event at DEBUG as a dict, an interaction's 'token' included.
TOKEN_VALUE = re.compile(r"""(['"]token['"]\s*:\s*['"])[^'"]+""", re.IGNORECASE)
REDACTED = "[REDACTED]"
FRAGMENT = 8  # the shortest run of a secret's characters that is scrubbed on its own
SHORTEST = 6  # shorter values are not treated as secrets (they would scrub ordinary words)


def _private_part(secret: str) -> str:
    """The part that must never show: a Telegram token without its bot id."""
    head, colon, tail = secret.partition(":")
    return tail if colon and head.isdigit() and len(tail) >= FRAGMENT else secret


class Redactor:
    def __init__(self, secrets: Iterable[str] = ()) -> None:
        found = {s.strip() for s in secrets if s and len(s.strip()) >= SHORTEST}
        self.secrets = tuple(sorted(found, key=len, reverse=True))
        self._fragments: set[str] = set()
        for secret in self.secrets:
            private = _private_part(secret)
            self._fragments.update(private[i:i + FRAGMENT]
                                   for i in range(len(private) - FRAGMENT + 1))

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        if self._fragments and len(text) >= FRAGMENT:
            text = self._scrub_fragments(text)
        text = DISCORD_INTERACTION_TOKEN.sub(rf"\g<1>{REDACTED}", text)
        text = TOKEN_VALUE.sub(rf"\g<1>{REDACTED}", text)
        return TELEGRAM_TOKEN.sub(REDACTED, text)

    def _scrub_fragments(self, text: str) -> str:
        spans: list[list[int]] = []
        for i in range(len(text) - FRAGMENT + 1):
            if text[i:i + FRAGMENT] in self._fragments:
                if spans and spans[-1][1] >= i:
                    spans[-1][1] = i + FRAGMENT
                else:
                    spans.append([i, i + FRAGMENT])
        for start, end in reversed(spans):
            text = text[:start] + REDACTED + text[end:]
        return text


class RedactingStream(io.TextIOBase):
    """A text stream that scrubs what it passes on. Whole lines are scrubbed (``print`` writes
    its pieces one by one), so a partial line waits for its newline or a ``flush``."""

    def __init__(self, stream: TextIO, redactor: Redactor) -> None:
        super().__init__()
        self.stream = stream
        self.redactor = redactor
        self._pending = ""

    def write(self, text: str) -> int:
        self._pending += text
        if "\n" in self._pending:
            complete, _, self._pending = self._pending.rpartition("\n")
            self.stream.write(self.redactor.scrub(complete + "\n"))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self.stream.write(self.redactor.scrub(self._pending))
            self._pending = ""
        self.stream.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.stream, "encoding", "utf-8")


@contextlib.contextmanager
def guard(secrets: Iterable[str], restore: bool = True) -> Iterator[Redactor]:
    """Scrub ``secrets`` from everything written to stdout and stderr until the block ends
    (or, with ``restore=False``, until the process ends: the ``python -m bot`` entry point,
    so that a message printed at interpreter shutdown is scrubbed too)."""
    redactor = Redactor(secrets)
    saved = sys.stdout, sys.stderr
    sys.stdout = RedactingStream(saved[0], redactor)
    sys.stderr = RedactingStream(saved[1], redactor)
    try:
        yield redactor
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(ValueError, OSError):  # a closed capture in tests
                stream.flush()
        if restore:
            sys.stdout, sys.stderr = saved
