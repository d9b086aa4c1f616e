"""From a snapshot to a Report: analysis, narration, assembly."""

from __future__ import annotations

from datetime import datetime, tzinfo

from services.analysis import analyze
from services.models.history import EMPTY_HISTORY, History
from services.models.report import Narration, Report
from services.models.snapshot import MarketSnapshot
from services.narration.base import Narrator, narrate_in
from services.narration.template import TemplateNarrator
from services.report.builder import build_report


def report_from_snapshot(snapshot: MarketSnapshot, zone: tzinfo, as_of: datetime | None = None,
                         narration: Narration | None = None,
                         history: History = EMPTY_HISTORY, language: str = "en") -> Report:
    """The report for ``snapshot`` read against ``history``, in ``language``; ``as_of``
    defaults to the snapshot's own time, so the same inputs always give the same report.
    Without ``narration`` the template narrator writes."""
    analysis = analyze(snapshot, as_of or snapshot.generated_at, zone, history)
    return build_report(analysis, narration or TemplateNarrator().compose(analysis, language),
                        language)


async def narrated_report(snapshot: MarketSnapshot, zone: tzinfo, narrator: Narrator,
                          language: str = "en", history: History | None = None) -> Report:
    """The report for ``snapshot`` narrated by ``narrator`` in ``language`` (Claude's text
    only where it passed the fact-check), as an edition is."""
    analysis = analyze(snapshot, snapshot.generated_at, zone, history or EMPTY_HISTORY)
    return build_report(analysis, await narrate_in(narrator, analysis, language), language)
