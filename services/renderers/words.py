"""The renderers' own words around a report (as-of lines, sources, the verdict's name), in the
report's language. Each renderer reads ``report.language``; nothing here holds a language."""

from __future__ import annotations

from services import format as fmt
from services.i18n import N_, Translator, translator, vocabulary
from services.models.report import Report

VERDICTS: dict[str, str] = {
    "risk-on": N_("risk-on"), "risk-off": N_("risk-off"), "fragmented": N_("fragmented"),
    "neutral": N_("neutral"), "unknown": N_("unknown"),
}


def tr(report: Report) -> Translator:
    return translator(report.language)


def verdict(report: Report) -> str:
    """The day's verdict as a word of the report's language ("risk-on", "偏向风险")."""
    msgid = VERDICTS.get(report.verdict)
    return tr(report).gettext(msgid) if msgid else report.verdict


def as_of(report: Report) -> str:
    return tr(report).gettext("As of {time}", time=fmt.day(report.as_of))


def as_of_with_verdict(report: Report) -> str:
    return tr(report).gettext("As of {time} · verdict: {verdict}", time=fmt.day(report.as_of),
                              verdict=verdict(report))


def sources_heading(report: Report) -> str:
    return tr(report).gettext("Sources and as-of times")


def source_label(report: Report, label: str) -> str:
    """A source and what it covers (``history, Yahoo ^GSPC · US``) in the report's language."""
    return vocabulary.source_label(label, tr(report))


def source_as_of(report: Report, when: str) -> str:
    """A source's as-of time, or why it has none, in the report's language."""
    return vocabulary.as_of(when, tr(report))


def none_listed(report: Report) -> str:
    return tr(report).gettext("none listed")
