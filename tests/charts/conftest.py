"""Analyses for the chart tests: the sample day, and the same day with blocks taken out."""

from __future__ import annotations

from typing import Any

import pytest

from services.models.analysis import Analysis
from tests.support.evidence import with_evidence
from tests.support.snapshots import analysis_of, sample_dict

MISSING_BLOCKS = ("stablecoins", "protocols", "dexes", "a_share_breadth", "crypto_market")


def gaps_dict() -> dict[str, Any]:
    """The sample day without its crypto and breadth blocks, Hong Kong or S&P 500's move."""
    data = sample_dict()
    for block in MISSING_BLOCKS:
        data.pop(block)
    data["quotes"] = [q for q in data["quotes"] if q["market"] != "HK"]
    next(q for q in data["quotes"] if q["id"] == "SPX")["change_pct"] = None
    return data


@pytest.fixture(scope="session")
def sample() -> Analysis:
    return analysis_of(sample_dict())


@pytest.fixture(scope="session")
def history() -> Analysis:
    """The sample day with its evidence read from the bundled year of closes."""
    return with_evidence(analysis_of(sample_dict()))


@pytest.fixture(scope="session")
def gaps() -> Analysis:
    return analysis_of(gaps_dict())


@pytest.fixture(scope="session")
def empty() -> Analysis:
    """A snapshot with nothing but its schema and time."""
    return analysis_of({"schema": "market-snapshot/1", "generated_at": "2026-03-21T00:30:00Z"})
