"""Assemble the ten-section ``Report`` from an ``Analysis`` and a ``Narration``. Pure.

The report is written in one ``language``: its title, section titles, table headers and
headings here (``labels``), the narration by the narrator asked for that language.
"""

from __future__ import annotations

from services import format as fmt
from services.analysis.coverage import grouped
from services.analysis.engine import day_note
from services.analysis.moves import SHORT_NAME
from services.i18n import N_, Translator, translator
from services.i18n.text import Name, localise
from services.models.analysis import Analysis, Finding, QuoteCheck
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


def checked_summary(analysis: Analysis, tr: Translator | None = None) -> str:
    """One line for the Key Insight: which feeds the history overruled (details per market)."""
    tr = tr or translator("en")
    stale = [c for c in analysis.checks if c.finding is Finding.STALE]
    conflict = [c for c in analysis.checks if c.finding is Finding.CONFLICT]
    parts = []
    if stale:
        parts.append(tr.gettext("stale feed for {names}", names=_names(stale, tr)))
    if conflict:
        parts.append(tr.gettext("the feed disagrees with the history for {names}",
                                names=_names(conflict, tr)))
    used = [c for c in analysis.checks if c.replaced]
    tail = (tr.gettext("; the history's closes are used ({names})", names=_names(used, tr))
            if used else "")
    return tr.gettext("{sentence}.", sentence=tr.pgettext("list of problems", "; ").join(parts)
                      + tail)


def _names(checks: list[QuoteCheck], tr: Translator) -> str:
    return tr.join([Name(c.id, SHORT_NAME.get(c.id, c.id)).write(tr.language) for c in checks])


def key_insight_blocks(analysis: Analysis, narration: Narration,
                       tr: Translator | None = None) -> tuple[Block, ...]:
    tr = tr or translator("en")
    blocks: list[Block] = [Paragraph(narration.key_insight)]
    note = analysis.session_note if tr.language == "en" else day_note(analysis, tr)
    if note:
        blocks.append(Paragraph(note, note=True))
    missing = tuple(w for w in analysis.warnings if w not in analysis.history_notes)
    if missing:
        blocks.append(Paragraph(tr.pgettext("list of problems", "; ").join(
            localise(w, tr) for w in grouped(missing)),
                                lead=tr.gettext(labels.MISSING_INPUTS), note=True))
    if analysis.checks:
        blocks.append(Paragraph(checked_summary(analysis, tr), lead=tr.gettext(labels.CHECKED),
                                note=True))
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
            blocks = labels.localise(BUILDERS[key](analysis, tr), tr)
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
