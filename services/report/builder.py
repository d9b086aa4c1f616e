"""Assemble the ten-section ``Report`` from an ``Analysis`` and a ``Narration``. Pure.

The report is written in one ``language``: its title, section titles, table headers and
headings here (``labels``), the narration by the narrator asked for that language.
"""

from __future__ import annotations

from services import format as fmt
from services.analysis.coverage import grouped
from services.i18n import N_, Translator, translator
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
from services.report import labels
from services.report.sections import BUILDERS
from services.report.since import since_blocks

TITLE = N_("Market Intelligence Report - {date}")


def key_insight_blocks(analysis: Analysis, narration: Narration,
                       tr: Translator | None = None) -> tuple[Block, ...]:
    tr = tr or translator("en")
    blocks: list[Block] = [Paragraph(narration.key_insight)]
    if analysis.session_note:
        blocks.append(Paragraph(analysis.session_note, note=True))
    if analysis.warnings:
        blocks.append(Paragraph("; ".join(grouped(analysis.warnings)),
                                lead=tr.gettext(labels.MISSING_INPUTS), note=True))
    blocks += since_blocks(analysis.since_previous, tr)
    return tuple(blocks)


def build_report(analysis: Analysis, narration: Narration, language: str = "en") -> Report:
    tr = translator(language)
    sections = []
    for key in SECTION_KEYS:
        if key == "key_insight":
            blocks = key_insight_blocks(analysis, narration, tr)
            narrator = narration.section_narrators.get(key, narration.narrator)
        else:
            blocks = labels.localise(BUILDERS[key](analysis), tr)
            commentary = narration.commentary.get(key)
            narrator = narration.section_narrators.get(key, "template")
            if commentary:
                blocks = (Paragraph(commentary, lead=tr.gettext(labels.READING)), *blocks)
        sections.append(Section(key, tr.gettext(SECTION_TITLES[key]), blocks, narrator,
                                tr.language))
    return Report(
        title=tr.gettext(TITLE, date=fmt.day(analysis.edition_date)),
        as_of=analysis.as_of, edition_date=analysis.edition_date, sections=tuple(sections),
        analysis=analysis, narration=narration, warnings=analysis.warnings,
        verdict=analysis.sentiment.verdict.value, language=tr.language)
