"""Assemble the ten-section ``Report`` from an ``Analysis`` and a ``Narration``. Pure."""

from __future__ import annotations

from services import format as fmt
from services.analysis.coverage import grouped
from services.models.analysis import Analysis
from services.models.report import (
    SECTION_KEYS,
    SECTION_TITLES,
    Block,
    Narration,
    Paragraph,
    Report,
    Section,
)
from services.report.sections import BUILDERS


def key_insight_blocks(analysis: Analysis, narration: Narration) -> tuple[Block, ...]:
    blocks: list[Block] = [Paragraph(narration.key_insight)]
    if analysis.session_note:
        blocks.append(Paragraph(analysis.session_note, note=True))
    if analysis.warnings:
        blocks.append(Paragraph("; ".join(grouped(analysis.warnings)), lead="Missing inputs:",
                                note=True))
    return tuple(blocks)


def build_report(analysis: Analysis, narration: Narration) -> Report:
    sections = []
    for key in SECTION_KEYS:
        if key == "key_insight":
            blocks = key_insight_blocks(analysis, narration)
            narrator = narration.section_narrators.get(key, narration.narrator)
        else:
            blocks = BUILDERS[key](analysis)
            commentary = narration.commentary.get(key)
            narrator = narration.section_narrators.get(key, "template")
            if commentary:
                blocks = (Paragraph(commentary, lead="Reading:"), *blocks)
        sections.append(Section(key, SECTION_TITLES[key], blocks, narrator))
    return Report(
        title=f"Market Intelligence Report - {fmt.day(analysis.edition_date)}",
        as_of=analysis.as_of, edition_date=analysis.edition_date, sections=tuple(sections),
        analysis=analysis, narration=narration, warnings=analysis.warnings,
        verdict=analysis.sentiment.verdict.value)
