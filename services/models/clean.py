"""Upstream strings, made safe once where they enter: the snapshot models.

Every string field of ``market-snapshot/1`` passes through here, whether it came from
``--input FILE``, a stored snapshot or a live provider (they all build the same models), so no
renderer, platform or encoder downstream ever meets:

- a lone surrogate (U+D800–U+DFFF): not encodable as UTF-8, it broke every reply and the JSON
  output;
- a control character (C0, DEL, C1) or a bidirectional override/isolate (U+202A–U+202E,
  U+2066–U+2069), which can hide or reorder what a reader sees; tabs and line breaks become
  spaces and runs of white space collapse to one, because every such string is one line;
- an unbounded length: a name is clipped to ``NAME_CHARS`` characters, the last one an
  ellipsis (…), so a table row, a caption or a chart label stays the size of a name; a free-text
  reason (a source's warning) to ``REASON_CHARS``.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

NAME_CHARS = 64
REASON_CHARS = 300
ELLIPSIS = "…"

_UNSAFE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def clean(text: str) -> str:
    """``text`` without unsafe characters, on one line, white space collapsed."""
    return " ".join(_UNSAFE.sub("", text).split())


def clip(text: str, limit: int) -> str:
    """``text`` if it fits in ``limit`` characters, else its start and an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def clean_name(text: str) -> str:
    return clip(clean(text), NAME_CHARS)


def clean_reason(text: str) -> str:
    return clip(clean(text), REASON_CHARS)


def clean_id(text: str) -> str:
    cleaned = clean_name(text)
    if not cleaned:
        raise ValueError("an id needs at least one visible character")
    return cleaned


Name = Annotated[str, AfterValidator(clean_name)]
"""An identifier, name, symbol, category or source label: one clean line of ≤ 64 chars."""

Id = Annotated[str, AfterValidator(clean_id)]
"""A quote's id: a ``Name`` that is not empty once cleaned."""

Reason = Annotated[str, AfterValidator(clean_reason)]
"""A sentence from a source (why it failed): one clean line of ≤ 300 chars."""
