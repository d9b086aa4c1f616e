"""Build test snapshots from the bundled sample day."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.analysis import analyze
from services.models.analysis import Analysis
from services.models.report import Report
from services.models.snapshot import MarketSnapshot
from services.report.pipeline import report_from_snapshot
from services.snapshot_io import sample_bytes, validate_snapshot

HK = ZoneInfo("Asia/Hong_Kong")
_SAMPLE: dict[str, Any] = json.loads(sample_bytes())


def sample_dict() -> dict[str, Any]:
    return copy.deepcopy(_SAMPLE)


def quote(data: dict[str, Any], quote_id: str) -> dict[str, Any]:
    return next(q for q in data["quotes"] if q["id"] == quote_id)


def snapshot_of(data: dict[str, Any]) -> MarketSnapshot:
    return validate_snapshot(data)


def analysis_of(data: dict[str, Any]) -> Analysis:
    snap = validate_snapshot(data)
    return analyze(snap, snap.generated_at, HK)


def report_of(data: dict[str, Any], as_of: datetime | None = None) -> Report:
    return report_from_snapshot(validate_snapshot(data), HK, as_of)
