"""The sample day as an Analysis and its facts table, for the narration tests."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from services.analysis import analyze
from services.models.analysis import Analysis
from services.narration.facts import FactSheet, build_facts
from services.snapshot_io import load_sample

ZONE = ZoneInfo("Asia/Hong_Kong")


@pytest.fixture(scope="session")
def analysis() -> Analysis:
    snapshot = load_sample()
    return analyze(snapshot, snapshot.generated_at, ZONE)


@pytest.fixture(scope="session")
def sheet(analysis: Analysis) -> FactSheet:
    return build_facts(analysis)
