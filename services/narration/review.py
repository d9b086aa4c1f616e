"""From the model's drafts to a ``Narration``: check each field, keep what passed, fall back
field by field. Pure.

A field ships only if its text passes the fact-check (``factcheck.check``) and its length limit.
A field that fails the first draft is taken from the second draft if it passes there; otherwise
the Key Insight falls back to the template's and a section goes without commentary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from services.models.clean import clean
from services.models.report import SECTION_KEYS, Narration
from services.narration.factcheck import Rejection, check
from services.narration.facts import FactSheet
from services.narration.prompt import COMMENTARY_MAX_CHARS, KEY_INSIGHT_MAX_CHARS

MODEL = "anthropic"
TEMPLATE = "template"


def limit(key: str) -> int:
    return KEY_INSIGHT_MAX_CHARS if key == "key_insight" else COMMENTARY_MAX_CHARS


def tidy(text: str) -> str:
    """One paragraph: whitespace runs (newlines included) become one space, and what no
    reader or platform should get (lone surrogates, control and bidi characters) is removed,
    as from every upstream string (``services.models.clean``)."""
    return clean(text)


def review_field(key: str, text: str, sheet: FactSheet, language: str = "en"
                 ) -> list[Rejection]:
    """Why ``text`` (in ``language``) cannot ship as field ``key``; empty when it can."""
    text = tidy(text)
    if not text:
        return [Rejection("(empty)", "the Key Insight is required")] if key == "key_insight" \
            else []
    found = check(text, sheet, language)
    if len(text) > limit(key):
        found.append(Rejection(f"({len(text)} characters)",
                               f"too long: the limit is {limit(key)}"))
    return found


def review_draft(fields: Mapping[str, str], sheet: FactSheet, keys: tuple[str, ...] = SECTION_KEYS,
                 language: str = "en") -> dict[str, list[Rejection]]:
    """The rejections of every field in ``keys`` (an empty list for a field that passes)."""
    return {key: review_field(key, fields.get(key, ""), sheet, language) for key in keys}


@dataclass(frozen=True)
class Round:
    """One draft and its review."""

    fields: Mapping[str, str]
    rejections: Mapping[str, list[Rejection]]

    def failed(self) -> tuple[str, ...]:
        return tuple(k for k, found in self.rejections.items() if found)


@dataclass(frozen=True)
class Tokens:
    input: int = 0  # every input token: uncached, cache writes and cache reads
    output: int = 0
    cache_read: int = 0
    cache_write: int = 0
    calls: int = 0

    def __add__(self, other: Tokens) -> Tokens:
        return Tokens(self.input + other.input, self.output + other.output,
                      self.cache_read + other.cache_read, self.cache_write + other.cache_write,
                      self.calls + other.calls)


def rejected_lines(rounds: tuple[Round, ...]) -> tuple[str, ...]:
    """"crypto_defi (draft 1): +$370M - no such figure ..." for every rejection of every round."""
    return tuple(f"{key} (draft {n}): {r}" for n, rnd in enumerate(rounds, 1)
                 for key, found in rnd.rejections.items() for r in found)


def assemble(template: Narration, rounds: tuple[Round, ...], tokens: Tokens | None) -> Narration:
    """The Narration that ships: per field, the first draft that passed, else the fallback."""
    shipped: dict[str, str] = {}
    for key in SECTION_KEYS:
        for rnd in rounds:
            if key in rnd.rejections and not rnd.rejections[key]:
                text = tidy(rnd.fields.get(key, ""))
                if text:
                    shipped[key] = text
                break
    narrators = {key: MODEL if key in shipped else TEMPLATE for key in SECTION_KEYS}
    return Narration(
        key_insight=shipped.get("key_insight", template.key_insight),
        commentary={k: v for k, v in shipped.items() if k != "key_insight"},
        narrator=MODEL if shipped else TEMPLATE,
        section_narrators=narrators,
        rejected=rejected_lines(rounds),
        input_tokens=tokens.input if tokens else None,
        output_tokens=tokens.output if tokens else None,
    )
