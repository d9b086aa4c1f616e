"""Markdown for the terminal and for the JSON output: headings, bold leads, code-block tables."""

from __future__ import annotations

import re

from services.models.report import Report, Section
from services.renderers import words
from services.renderers.base import section_units

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


class MarkdownStyle:
    columns: int | None = None  # tables as wide as their figures

    def escape(self, text: str) -> str:
        return _MD_SPECIAL.sub(r"\\\1", text)

    def bold(self, escaped: str) -> str:
        return f"**{escaped}**"

    def italic(self, escaped: str) -> str:
        return f"_{escaped}_"

    def mono(self, lines: list[str]) -> str:
        body = "\n".join(line.replace("```", "'''") for line in lines)
        return f"```\n{body}\n```"

    def heading(self, text: str) -> str:
        return f"### {self.escape(text)}"


STYLE = MarkdownStyle()
NO_LIMIT = 10**9


def render_section(section: Section) -> str:
    header = f"## {section.number}. {STYLE.escape(section.title)}"
    return "\n\n".join(section_units(STYLE, section, NO_LIMIT, header))


def render(report: Report, keys: tuple[str, ...] | None = None) -> str:
    """The whole report (or the given sections) as one Markdown document."""
    sections = [s for s in report.sections if keys is None or s.key in keys]
    head = [f"# {STYLE.escape(report.title)}",
            STYLE.italic(STYLE.escape(words.as_of_with_verdict(report)))]
    parts = head + [render_section(s) for s in sections]
    if keys is None or len(sections) > 1:
        parts.append(sources_footer(report))
    return "\n\n".join(parts) + "\n"


def sources_footer(report: Report) -> str:
    lines = [f"- {STYLE.escape(words.source_label(report, name))}: "
             f"{STYLE.escape(words.source_as_of(report, when))}"
             for name, when in report.analysis.sources]
    return (f"**{STYLE.escape(words.sources_heading(report))}**\n\n"
            + ("\n".join(lines) if lines else f"- {STYLE.escape(words.none_listed(report))}"))
