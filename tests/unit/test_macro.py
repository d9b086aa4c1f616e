"""The macro layer in the report: quotes of market MACRO in the risk-sentiment table and in a
short block of the US section, the 10-year's move in bp; a snapshot without them (the sample
day) takes the history's closes of its US session, labelled as such; neither: missing."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest

from services.analysis.macro import macro_readings
from services.history_io import load_sample_history
from services.models.history import History, Series
from services.models.report import Table
from services.models.snapshot import MarketSnapshot, Quote
from services.renderers import markdown
from services.report.pipeline import report_from_snapshot
from services.snapshot_io import load_sample

HK = ZoneInfo("Asia/Hong_Kong")
DAY = date(2026, 3, 20)


def _table(report_section: object) -> Table:
    return next(b for b in report_section.blocks if isinstance(b, Table)  # type: ignore[attr-defined]
                and b.columns[0] in ("Macro", "宏观"))


def test_the_sample_day_shows_the_historys_macro_closes_labelled() -> None:
    readings = {r.id: r for r in macro_readings(load_sample(), load_sample_history(), DAY)}
    dxy, tnx, vix = readings["DXY"], readings["TNX"], readings["VIX"]
    assert (dxy.close, dxy.source, dxy.from_history) == (99.65, "history", True)
    assert dxy.change_pct == pytest.approx((99.65 / 99.23 - 1) * 100)  # from 2026-03-19
    assert tnx.close == 4.39 and tnx.change_pct is None
    assert tnx.change_bp == pytest.approx(11.0)  # 4.28 → 4.39
    assert vix.change_pct == pytest.approx((26.78 / 24.06 - 1) * 100)
    assert readings["USDCNH"].close is None  # no history of the offshore yuan: missing

    report = report_from_snapshot(load_sample(), HK, history=load_sample_history())
    assert _table(report.section("us")).rows == (
        ("Dollar index", "99.65", "+0.42%", "history"),
        ("US 10-year", "4.39%", "+11 bp", "history"),
        ("Gold", "4,570.40", "-0.66%", "history"),
        ("WTI crude", "98.32", "+2.27%", "history"),
        ("VIX", "26.78", "+11.31%", "history"),
        ("USD/CNH", "n/a", "n/a", "n/a"))
    risk = next(b for b in report.section("risk_sentiment").blocks if isinstance(b, Table))
    assert risk.rows[4:] == (
        ("Dollar index", "99.65", "+0.42%", ""),
        ("US 10-year", "4.39%", "+11 bp", ""),
        ("Gold", "4,570.40", "-0.66%", ""),
        ("WTI crude", "98.32", "+2.27%", ""),
        ("VIX", "26.78", "+11.31%", ""),
        ("USD/CNH", "n/a", "n/a", ""))
    text = markdown.render(report, ("risk_sentiment", "us"))
    assert "### Macro" in text and "US 10-year       4.39%   +11 bp  history" in text
    assert ("Dollar index, US 10-year, Gold, WTI crude, VIX: closes of 2026-03-20 (source: "
            "history).") in text


def test_in_chinese_the_names_and_the_label_are_translated() -> None:
    report = report_from_snapshot(load_sample(), HK, history=load_sample_history(),
                                  language="zh")
    rows = _table(report.section("us")).rows
    assert rows[0] == ("美元指数", "99.65", "+0.42%", "历史数据")
    assert rows[1][:3] == ("10年期美债", "4.39%", "+11个基点")  # basis points in Chinese


def _with_macro(*quotes: Quote) -> MarketSnapshot:
    sample = load_sample()
    return sample.model_copy(update={"quotes": (*sample.quotes, *quotes)})


def test_macro_quotes_come_first_and_a_missing_one_is_missing() -> None:
    tnx = Quote(id="TNX", name="US 10-year yield", market="MACRO", kind="rate", close=4.47,
                change_pct=(4.47 / 4.39 - 1) * 100, session=DAY, source="yahoo")
    dxy = Quote(id="DXY", name="US Dollar Index", market="MACRO", kind="fx", close=100.1,
                change_pct=0.45, session=DAY, source="yahoo")
    snapshot = _with_macro(tnx, dxy)
    readings = {r.id: r for r in macro_readings(snapshot, History(), DAY)}
    assert readings["TNX"].change_bp == pytest.approx(8.0)  # +8 bp, not +1.82 %
    assert readings["TNX"].change_pct is None and not readings["TNX"].from_history
    assert (readings["DXY"].close, readings["DXY"].source) == (100.1, "yahoo")
    assert readings["GOLD_FUT"].close is None and readings["GOLD_FUT"].source is None

    sample = load_sample_history()
    without_tnx = History({s.id: s for s in sample if s.id != "TNX"})
    report = report_from_snapshot(snapshot, HK, history=without_tnx)
    rows = {row[0]: row for row in _table(report.section("us")).rows}
    assert rows["US 10-year"] == ("US 10-year", "4.47%", "+8 bp", "yahoo")  # the quote wins
    assert rows["Dollar index"][1:] == ("100.10", "+0.45%", "yahoo")  # agrees: the quote wins
    assert rows["Gold"] == ("Gold", "4,570.40", "-0.66%", "history")
    # against the history's 4.39 for that session the quote is in conflict: the cross-check
    # shows the history's close, and its move in bp from the history's session before
    report = report_from_snapshot(snapshot, HK, history=sample)
    rows = {row[0]: row for row in _table(report.section("us")).rows}
    assert rows["US 10-year"] == ("US 10-year", "4.39%", "+11 bp", "history, Yahoo ^TNX")
    without_history = report_from_snapshot(snapshot, HK)
    rows = {row[0]: row for row in _table(without_history.section("us")).rows}
    assert rows["Gold"] == ("Gold", "n/a", "n/a", "n/a")
    risk = next(b for b in without_history.section("risk_sentiment").blocks
                if isinstance(b, Table))
    assert ("Gold", "n/a", "n/a", "") in risk.rows
    assert ("US 10-year", "4.47%", "+8 bp", "") in risk.rows


def test_a_day_change_never_spans_a_hole_in_the_history() -> None:
    gold = Series("GOLD_FUT", "x", "usd", ((date(2026, 3, 9), 4400.0), (DAY, 4570.4)))
    [_, _, reading, *_] = macro_readings(load_sample(), History({"GOLD_FUT": gold}), DAY)
    assert reading.close == 4570.4 and reading.change_pct is None
