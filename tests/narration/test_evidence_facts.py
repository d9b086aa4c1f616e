"""The narrator's facts read against the history (σ, ranks, levels, correlations and betas,
base rates with their n), and the fact-checker on sentences that cite them."""

from __future__ import annotations

import pytest

from services.analysis import analyze
from services.history_io import load_sample_history
from services.models.analysis import Analysis
from services.narration.factcheck import check
from services.narration.facts import FactSheet, Unit, build_facts
from services.snapshot_io import load_sample
from tests.narration.conftest import ZONE


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    snapshot = load_sample()
    return analyze(snapshot, snapshot.generated_at, ZONE, load_sample_history())


@pytest.fixture(scope="module")
def sheet(analysis: Analysis) -> FactSheet:
    return build_facts(analysis)


def fact(sheet: FactSheet, key: str) -> tuple[float, str, Unit]:
    f = next(f for f in sheet.facts if f.key == key)
    return f.value, f.display, f.unit


@pytest.mark.parametrize(("key", "display", "unit"), [
    ("evidence.SPX.z", "-2.0σ", Unit.SIGMA),
    ("evidence.SPX.worst_rank", "16th-worst", Unit.RANK),
    ("evidence.SPX.n_year", "251", Unit.COUNT),
    ("evidence.SPX.worse_than_pct", "94%", Unit.PCT),
    ("levels.HSTECH.from_high_pct", "-27.1%", Unit.PCT),
    ("levels.HSTECH.high", "6,682.86", Unit.LEVEL),
    ("comove.btc_spx.correlation", "0.57", Unit.RATIO),
    ("comove.btc_spx.beta", "2.77", Unit.RATIO),
    ("comove.btc_spx.n", "60", Unit.COUNT),
    ("base_rate.chain.us_hk.no lead.n", "109", Unit.COUNT),
    ("base_rate.chain.us_hk.no lead.up_share_pct", "49%", Unit.PCT),
    ("base_rate.setup.us.strong_down.n", "7", Unit.COUNT),
])
def test_the_history_is_in_the_facts(sheet: FactSheet, key: str, display: str,
                                     unit: Unit) -> None:
    assert fact(sheet, key)[1:] == (display, unit)


def test_too_few_cases_give_an_n_but_no_rate(sheet: FactSheet) -> None:
    keys = {f.key for f in sheet.facts}
    assert "base_rate.setup.us.strong_down.n" in keys
    assert "base_rate.setup.us.strong_down.up_share_pct" not in keys


TABLE: list[tuple[str, list[str]]] = [
    ("The S&P 500's -1.51% was a -2.0σ day, the 16th-worst day of the year.", []),
    ("The S&P 500 fell 2.0 standard deviations.", []),
    ("The S&P 500 had a 2.1σ day.", ["2.1σ"]),  # that is the Nasdaq's -2.1σ
    ("The S&P 500 had its 12th-worst day of the year.", ["12th-worst"]),
    ("The S&P 500 had its 16th-best day of the year.", ["16th-best"]),  # worst, not best
    ("The S&P 500 was worse than 94% of the year's sessions.", []),
    ("HSTECH is 27.1% below its 52-week high of 6,682.86.", []),
    ("HSTECH is 22% below its 52-week high.", ["22%"]),
    ("BTC's 60-session beta to the S&P 500 is 2.77 (n=60), correlation 0.57.", []),
    ("BTC's one-day beta to the S&P 500 was -0.58.", ["-0.58"]),  # a move ratio, not a beta
    ("BTC's correlation with the S&P 500 is 0.9.", ["0.9"]),
    ("After such days HSI rose in 49% of 109 next sessions.", []),
    ("After such days HSI rose in 91% of 109 next sessions.", ["91%"]),
]


@pytest.mark.parametrize(("text", "wrong"), TABLE, ids=[t for t, _ in TABLE])
def test_sentence(text: str, wrong: list[str], sheet: FactSheet) -> None:
    assert [r.figure for r in check(text, sheet)] == wrong


@pytest.mark.parametrize(("text", "wrong"), [
    ("标普500指数下跌1.51%，相当于-2.0σ。", []),
    ("标普500指数相当于-2.6σ。", ["-2.6σ"]),
    ("BTC与标普500的60日贝塔为2.77。", []),
])
def test_chinese_sentence(text: str, wrong: list[str], sheet: FactSheet) -> None:
    assert [r.figure for r in check(text, sheet, language="zh")] == wrong


def test_every_history_fact_passes_as_the_report_writes_it(sheet: FactSheet) -> None:
    for f in sheet.facts:
        if f.key.split(".")[0] in ("evidence", "levels", "comove", "base_rate"):
            assert check(f.describe(), sheet) == [], f.describe()
