"""The answer without a model: the edition's own figures on the question, quoted. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from services.ask import wording
from services.ask.question import Language
from services.narration.facts import Fact


def facts_answer(facts: Sequence[Fact], language: Language) -> str:
    """One line per figure, as the report writes it ("• net stablecoin supply change:
    +$563M"), or the line saying the edition holds nothing on that."""
    if not facts:
        return wording.say("no_facts", language)
    lines = [wording.say("facts_lead", language)]
    lines += [f"• {f.label}: {f.display}" for f in facts]
    return "\n".join(lines)
