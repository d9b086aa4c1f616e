"""Days without history still give every section, read with the fixed thresholds and saying
so; a crypto-only day makes no equity verdict, with or without history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from services.history_io import load_sample_history
from services.models.analysis import Verdict
from services.models.report import SECTION_KEYS
from services.report.pipeline import report_from_snapshot
from tests.evidence.test_chain import crash_day
from tests.support.snapshots import HK, report_of, sample_dict, snapshot_of
from tests.unit.test_sessions import hk_holiday

HOSTILE = "<b>Proto</b> & @everyone `code` *bold* _it_ ||spoiler|| [link](http://x.test)"


def hostile_names() -> dict[str, Any]:
    data = sample_dict()
    data["quotes"][1]["name"] = HOSTILE
    data["protocols"][0]["name"] = HOSTILE
    return data


def crypto_only() -> dict[str, Any]:
    data = sample_dict()
    data["quotes"] = [q for q in data["quotes"] if q["market"] == "CRYPTO"]
    data["a_share_breadth"] = None
    return data


DAYS: dict[str, Callable[[], dict[str, Any]]] = {
    "crash day": crash_day, "HK holiday": hk_holiday, "hostile names": hostile_names,
    "crypto only": crypto_only, "sample": sample_dict,
}


@pytest.mark.parametrize("day", DAYS, ids=list(DAYS))
def test_ten_sections_with_the_fixed_thresholds_and_a_note(day: str) -> None:
    report = report_of(DAYS[day]())
    assert [s.key for s in report.sections] == list(SECTION_KEYS)
    a = report.analysis
    assert a.evidence == {} and a.levels == {} and a.comovement == {} and a.base_rates == {}
    assert a.scale_note is not None and "fixed thresholds" in a.scale_note
    sentiment = str(report.section("risk_sentiment").blocks)
    assert "fixed thresholds" in sentiment and "σ" not in sentiment


def test_crypto_only_makes_no_equity_verdict() -> None:
    for history in (None, load_sample_history()):
        snapshot = snapshot_of(crypto_only())
        report = (report_from_snapshot(snapshot, HK, history=history) if history is not None
                  else report_of(crypto_only()))
        s = report.analysis.sentiment
        assert s.verdict is Verdict.UNKNOWN and "crypto alone" in s.verdict_reason
        assert s.setup is None and s.crypto_links == ()
        assert report.verdict == "unknown"
