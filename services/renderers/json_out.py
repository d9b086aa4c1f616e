"""JSON: ``market-report/1`` with each section's Markdown and the computed analysis values."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime
from enum import Enum
from typing import Any

from services.models.report import Report
from services.renderers import markdown

SCHEMA_ID = "market-report/1"


def plain(value: Any) -> Any:
    """Dataclasses, enums, dates and tuples → JSON-ready values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def to_dict(report: Report) -> dict[str, Any]:
    n = report.narration
    return {
        "schema": SCHEMA_ID,
        "as_of": report.as_of.isoformat(),
        "edition_date": report.edition_date.isoformat(),
        "title": report.title,
        "language": report.language,
        "verdict": report.verdict,
        "sections": [{"key": s.key, "title": s.title, "narrator": s.narrator,
                      "markdown": markdown.render_section(s)} for s in report.sections],
        "analysis": plain(report.analysis),
        "narration": {"narrator": n.narrator, "section_narrators": n.section_narrators,
                      "rejected_figures": list(n.rejected), "input_tokens": n.input_tokens,
                      "output_tokens": n.output_tokens},
        "warnings": list(report.warnings),
    }


def render(report: Report) -> str:
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2, allow_nan=False) + "\n"
