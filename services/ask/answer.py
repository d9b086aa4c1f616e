"""What ``/ask`` hands back: the answer, how it was made, and what it cost. Values only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.ask import wording
from services.ask.question import Question


class Route(StrEnum):
    MODEL = "model"  # Claude's answer; every figure and direction word passed the check
    FACTS = "facts"  # a template quoting the edition's figures (Claude failed or was wrong)
    SECTIONS = "sections"  # the sections the question's keywords point to (no Claude)


@dataclass(frozen=True)
class Usage:
    """Tokens one answer cost (input includes cache reads and writes)."""

    input: int = 0
    output: int = 0
    calls: int = 0

    @property
    def total(self) -> int:
        return self.input + self.output

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.input + other.input, self.output + other.output,
                     self.calls + other.calls)


@dataclass(frozen=True)
class Drafted:
    """What the model step produced: the text that passed the check (``None`` if no draft
    did), the figures it cited, what the checker rejected, and why the model failed, if it
    did (a log-safe line)."""

    text: str | None
    usage: Usage
    coverage: str = ""  # the model's own reading: "full", "partial" or "none"
    cited: tuple[str, ...] = ()
    rejected: tuple[str, ...] = ()
    failure: str | None = None


@dataclass(frozen=True)
class Answer:
    question: Question
    route: Route
    text: str  # the answer's body (empty on the SECTIONS route: the sections are the answer)
    edition_id: str
    edition_date: date
    sections: tuple[str, ...] = ()  # the sections shown (SECTIONS) or quoted from (FACTS)
    notice: str | None = None  # why this is not Claude's answer
    coverage: str = ""
    rejected: tuple[str, ...] = ()
    usage: Usage = Usage()
    cached: bool = False

    @property
    def closing(self) -> str:
        """The last line: what the answer was checked against (or taken from)."""
        if self.route is Route.SECTIONS:
            return wording.from_edition(self.edition_date, self.question.language)
        return wording.checked_against(self.edition_date, self.question.language)
