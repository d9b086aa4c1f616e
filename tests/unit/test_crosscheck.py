"""The cross-check: every quote read against its own history before it is today's move.

The sample snapshot's US block is six months old (SOURCES.md of the shared history): the S&P 500
close 6,643.70 (+0.59 %) is the close of 2025-09-26; on 2026-03-20 it closed at 6,506.48
(-1.51 %), the Nasdaq fell 2.01 % and the Dow 0.96 %. Hong Kong and the A-shares agree.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from services.analysis.crosscheck import cross_check, short_source
from services.analysis.engine import analyze
from services.history_io import load_sample_history
from services.models.analysis import Finding
from services.models.history import EMPTY_HISTORY, History, Series
from services.models.snapshot import MarketSnapshot, Quote
from services.snapshot_io import load_sample
from tests.conftest import ROOT

ZONE = ZoneInfo("Asia/Hong_Kong")
D = date(2026, 3, 20)
SAMPLE_FILE = ROOT / "services" / "sample" / "2026-03-20.snapshot.json"


def _series(closes: list[tuple[date, float]], unit: str = "index") -> Series:
    return Series("X", "Test close (Yahoo ^X); someone/repo · x.csv", unit,  # type: ignore[arg-type]
                  tuple(closes))


def _snapshot(close: float | None, change: float | None, session: date = D,
              market: str = "US") -> MarketSnapshot:
    quote = Quote(id="X", name="X", market=market, kind="index", close=close,  # type: ignore[arg-type]
                  change_pct=change, session=session.isoformat(), source="feed")
    return MarketSnapshot(schema="market-snapshot/1", generated_at="2026-03-21T00:30:00Z",  # type: ignore[call-arg]
                          quotes=(quote,))


YEAR = [(date(2026, 3, 16), 100.0), (date(2026, 3, 17), 110.0), (date(2026, 3, 18), 104.0),
        (date(2026, 3, 19), 100.0), (D, 98.0)]  # D: 98.0, -2.00 %


@pytest.mark.parametrize(("close", "change", "finding", "earlier"), [
    (98.0, -2.0, None, None),                           # agrees
    (98.3, -1.9, None, None),                           # within 0.5 % and 0.25 pp
    (98.6, None, Finding.CONFLICT, None),               # close 0.61 % off
    (None, -1.7, Finding.CONFLICT, None),               # no close: checked by its change (0.3 pp)
    (None, -1.8, None, None),                           # 0.2 pp: agrees
    (110.0, 10.0, Finding.STALE, date(2026, 3, 17)),    # repeats 2026-03-17's bar
    (104.005, None, Finding.STALE, date(2026, 3, 18)),  # within 0.01 % of an earlier close
    (98.0, -5.0, Finding.CONFLICT, None),               # today's close, another day's change
])
def test_each_rule(close: float | None, change: float | None, finding: Finding | None,
                   earlier: date | None) -> None:
    result = cross_check(_snapshot(close, change), History({"X": _series(YEAR)}))
    if finding is None:
        assert result.checks == ()
        assert result.snapshot.quotes[0].close == close
        return
    (check,) = result.checks
    assert (check.finding, check.earlier_session, check.replaced) == (finding, earlier, True)
    fixed = result.snapshot.quotes[0]
    assert fixed.close == 98.0 and fixed.change_pct == pytest.approx(-2.0)
    assert fixed.source == "history, Yahoo ^X" and not fixed.stale


def test_of_two_equal_earlier_closes_the_one_whose_change_matches_wins() -> None:
    closes = [(date(2026, 3, 13), 100.0), (date(2026, 3, 16), 110.0),
              (date(2026, 3, 17), 100.0), (date(2026, 3, 18), 110.0), (D, 98.0)]
    stale = _snapshot(110.0, 10.0)  # +10 %: 2026-03-16's move; 2026-03-18 was +10 % too
    (check,) = cross_check(stale, History({"X": _series(closes)})).checks
    assert check.earlier_session == date(2026, 3, 18)  # both match: the latest
    (check,) = cross_check(_snapshot(100.0, 0.0), History({"X": _series(closes)})).checks
    assert check.finding is Finding.STALE and check.earlier_session == date(2026, 3, 17)


def test_a_close_that_agrees_is_not_stale_for_equalling_an_older_one() -> None:
    closes = [(date(2026, 3, 18), 100.00), (date(2026, 3, 19), 99.90), (D, 100.30)]
    quote = _snapshot(100.00, 0.40)  # 0.3 % off today's close, change +0.40 vs +0.40
    assert cross_check(quote, History({"X": _series(closes)})).checks == ()


def test_what_is_not_checked() -> None:
    history = History({"X": _series(YEAR)})
    assert cross_check(_snapshot(50.0, 5.0, date(2026, 3, 23)), history).checks == ()  # no such day
    assert cross_check(_snapshot(50.0, 5.0, market="CRYPTO"), history).checks == ()  # 24 h window
    rate = History({"X": _series(YEAR, unit="percent")})
    assert cross_check(_snapshot(98.0, 0.9), rate).checks == ()  # a rate: close only
    assert cross_check(_snapshot(50.0, 5.0), EMPTY_HISTORY).checks == ()


def test_without_the_previous_close_the_quote_is_left_out_not_guessed() -> None:
    (check,) = cross_check(_snapshot(50.0, 1.0), History({"X": _series([(D, 98.0)])})).checks
    fixed = cross_check(_snapshot(50.0, 1.0), History({"X": _series([(D, 98.0)])}))
    assert check.finding is Finding.CONFLICT and not check.replaced
    assert fixed.snapshot.quotes[0].stale and fixed.snapshot.quotes[0].close == 50.0


def test_short_source_names_the_feed() -> None:
    history = load_sample_history()
    assert [short_source(history.series[i]) for i in ("SPX", "IXIC", "HSI", "VIX")] == [
        "Yahoo ^GSPC", "FRED NASDAQCOM", "Hang Seng Index", "Cboe VIX close"]


def test_the_sample_day_us_block_is_stale_and_replaced_by_the_history() -> None:
    result = cross_check(load_sample(), load_sample_history())
    found = {c.id: c for c in result.checks}
    assert sorted(found) == ["DJI", "IXIC", "SPX"]  # HK, A-shares agree; coins not checked
    spx = found["SPX"]
    assert (spx.finding, spx.earlier_session, spx.quote_close) == (
        Finding.STALE, date(2025, 9, 26), 6643.70)
    assert found["IXIC"].finding is Finding.CONFLICT and found["IXIC"].quote_close is None
    quotes = {q.id: q for q in result.snapshot.quotes}
    assert quotes["SPX"].close == 6506.48 and round(quotes["SPX"].change_pct or 0, 2) == -1.51
    assert round(quotes["IXIC"].change_pct or 0, 2) == -2.01
    assert round(quotes["DJI"].change_pct or 0, 2) == -0.96
    assert quotes["HSI"].close == 25277.32 and quotes["HSI"].source == "reference"
    assert result.without_quote == ("DGS10", "USDCNY_FIXING", "WTI_SPOT")  # macro, supplies read


def test_the_analysis_never_reads_the_stale_figure_as_todays_move() -> None:
    a = analyze(load_sample(), load_sample().generated_at, ZONE, load_sample_history())
    spx = a.us.headline
    assert spx is not None and spx.checked is Finding.STALE and spx.change_pct is not None
    assert round(spx.change_pct, 2) == -1.51
    text = json.dumps([str(x) for x in (a.sentiment, a.divergences, a.risks, a.ideas)])
    assert "0.59" not in text and "6643.7" not in text
    assert any("equals the close of 2025-09-26" in w for w in a.warnings)
    assert sum("history kept for series without a quote today" in w for w in a.warnings) == 1


def test_report_sample_labels_the_us_quotes_stale(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--sample", "--section", "us"]) == 0
    out = capsys.readouterr().out
    assert ("S&P 500 stale: the feed (reference) gave 6,643.70, +0.59%, which equals the close "
            "of 2025-09-26; shown: 6,506.48, -1.51% for 2026-03-20 (source: history, Yahoo "
            "^GSPC).") in out
    assert "Nasdaq conflict" in out and "-2.01%" in out and "-0.96%" in out
    assert main(["report", "--sample", "--section", "hk"]) == 0
    assert "Checked against history" not in capsys.readouterr().out  # HK reads as before


def test_input_without_history_works_as_before_and_says_so_once(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "report", "--input", str(SAMPLE_FILE),
                           "--section", "us"], capture_output=True, text=True, cwd=ROOT,
                          timeout=120, env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert done.returncode == 0
    assert "6,643.70" in done.stdout and "Checked against history" not in done.stdout
    assert done.stderr.count("no history given") == 1


def test_input_with_a_history_folder(capsys: pytest.CaptureFixture[str]) -> None:
    folder = ROOT.parent / "shared" / "reference" / "history-2026-03-20"
    if not folder.is_dir():
        pytest.skip("recorded upstream responses not available")
    assert main(["report", "--input", str(SAMPLE_FILE), "--history", str(folder),
                 "--section", "us"]) == 0
    out = capsys.readouterr()
    assert "equals the close of 2025-09-26" in out.out and "no history given" not in out.err


def test_a_bad_history_exits_2_with_one_line_per_problem(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    bad = tmp_path / "h.json"
    bad.write_text(json.dumps({"schema": "market-history/1", "series": {"SPX": {
        "source": "x", "unit": "index",
        "closes": [["2026-03-19", 1.0], ["2026-03-18", 2.0], ["2026-03-20", -3.0]]}}}))
    assert main(["report", "--sample", "--history", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("series.SPX.closes[") for line in err)
    assert "Traceback" not in "\n".join(err)


def test_schema_history_prints_the_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--history"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "market-history/1" in json.dumps(schema)


def test_a_yield_replaced_by_the_history_moves_in_basis_points() -> None:
    closes = [(date(2026, 3, 19), 4.28), (D, 4.39)]
    quote = Quote(id="X", name="US 10-year", market="MACRO", kind="rate", close=4.47,
                  change_pct=None, change_bp=8.0, session=D.isoformat(), source="feed")
    snapshot = MarketSnapshot(schema="market-snapshot/1",  # type: ignore[call-arg]
                              generated_at="2026-03-21T00:30:00Z", quotes=(quote,))
    result = cross_check(snapshot, History({"X": _series(closes, unit="percent")}))
    (check,) = result.checks
    fixed = result.snapshot.quotes[0]
    assert check.finding is Finding.CONFLICT and fixed.close == 4.39
    assert fixed.change_pct is None and fixed.change_bp == pytest.approx(11.0)


def test_report_input_reads_the_history_store_as_run_does(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/bot.db"}

    def bot(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True,
                              text=True, cwd=ROOT, timeout=120, env=env)

    bundled = ROOT / "services" / "sample" / "2026-03-20.history.json"
    assert bot("history", "import", str(bundled)).returncode == 0
    done = bot("report", "--input", str(SAMPLE_FILE), "--section", "us")
    assert done.returncode == 0, done.stderr
    assert "equals the close of 2025-09-26" in done.stdout and "6,506.48" in done.stdout
    assert "no history given" not in done.stderr
