"""The template narrator in Chinese: the Key Insight the report shows without Claude (and in
place of a Claude draft that failed the fact-check) is Chinese, passes the Chinese fact-check,
and states the English one's figures."""

from __future__ import annotations

from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from services.analysis import analyze
from services.history_io import load_sample_history
from services.models.analysis import Analysis
from services.models.history import EMPTY_HISTORY
from services.narration.factcheck import check
from services.narration.facts import build_facts
from services.narration.figures import read_figures
from services.narration.template import TemplateNarrator
from services.snapshot_io import load_sample

ZONE = ZoneInfo("Asia/Hong_Kong")


@pytest.fixture(scope="module", params=["without history", "with history"])
def day(request: pytest.FixtureRequest) -> Analysis:
    snapshot = load_sample()
    history = load_sample_history() if request.param == "with history" else EMPTY_HISTORY
    return analyze(snapshot, snapshot.generated_at, ZONE, history)


def test_the_chinese_key_insight_passes_the_chinese_fact_check(day: Analysis) -> None:
    text = TemplateNarrator().compose(day, "zh").key_insight
    verdict = {"fragmented": "分化", "risk-off": "避险"}[day.sentiment.verdict.value]
    assert text.startswith(f"风险情绪：{verdict}（标普500 ") and text.endswith("。")
    assert "稳定币净供应增加5.63亿美元" in text
    assert check(text, build_facts(day), "zh") == []


def test_the_chinese_key_insight_states_the_english_figures(day: Analysis) -> None:
    def stated(language: str) -> Counter[tuple[float, str]]:
        text = TemplateNarrator().compose(day, language).key_insight
        return Counter((round(w.value, 6), w.kind.value)
                       for w in read_figures(text, ("S&P 500",), language))

    assert stated("zh") == stated("en")


def test_the_english_key_insight_is_unchanged(day: Analysis) -> None:
    text = TemplateNarrator().compose(day).key_insight
    assert text.startswith(f"Risk sentiment is {day.sentiment.verdict.value} (S&P 500 ")
    assert check(text, build_facts(day)) == []


def test_a_chinese_rank_is_read_and_checked() -> None:
    """"251个交易日中第16差" is the Chinese report's 16th-worst: read as a rank and checked like
    the English one (the S&P 500's move of the sample with its year is the 16th-worst)."""
    snapshot = load_sample()
    day = analyze(snapshot, snapshot.generated_at, ZONE, load_sample_history())
    sheet = build_facts(day)
    [rank] = [w for w in read_figures("标普500下跌1.51%，为251个交易日中第16差。", (), "zh")
              if w.kind.value == "rank"]
    assert (rank.value, rank.text) == (-16.0, "第16差")
    assert check("标普500下跌1.51%，为251个交易日中第16差。", sheet, "zh") == []
    [wrong] = check("标普500下跌1.51%，为251个交易日中第3差。", sheet, "zh")
    assert wrong.figure == "第3差"
    assert read_figures("倒数第16位", (), "zh") == []  # not a rank of the year
