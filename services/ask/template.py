"""The answer without a model: the edition's own figures on the question, quoted. Pure."""

from __future__ import annotations

from collections.abc import Sequence

from services import format as fmt
from services.ask import wording
from services.ask.question import Language
from services.narration.facts import Fact


def facts_answer(facts: Sequence[Fact], language: Language) -> str:
    """One line per figure, as the report in ``language`` writes it ("• net stablecoin supply
    change: +$563M", "+5.63亿美元" in Chinese), or the line saying the edition holds nothing
    on that. (The facts' labels are English in both languages for now.)"""
    if not facts:
        return wording.say("no_facts", language)
    lines = [wording.say("facts_lead", language)]
    lines += [f"• {f.label}: {fmt.in_language(f.display, language.value)}" for f in facts]
    return "\n".join(lines)
