"""market-history/1: the bundled sample history, the CSV folder form, and bad input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from services.errors import HistoryError
from services.history_io import (
    dump_history,
    load_history,
    load_history_dir,
    load_history_path,
    load_sample_history,
)
from tests.conftest import SHARED

REFERENCE = SHARED / "reference" / "history-2026-03-20"


def test_the_sample_history_holds_the_real_closes_around_the_sample_day() -> None:
    history = load_sample_history()
    assert len(history) == 23
    spx = history.get("SPX")
    assert spx is not None and spx.unit == "index" and "Yahoo ^GSPC" in spx.source
    assert spx.close_on(date(2026, 3, 20)) == 6506.48
    assert spx.close_on(date(2026, 3, 19)) == 6606.49
    assert spx.close_on(date(2025, 9, 26)) == 6643.70  # the sample snapshot's stale US close
    assert spx.close_on(date(2026, 3, 21)) is None  # a Saturday
    assert spx.last == date(2026, 3, 20)
    assert len(spx.before(date(2026, 3, 20))) == len(spx) - 1
    tnx = history.get("TNX")
    assert tnx is not None and tnx.unit == "percent"
    assert history.get("USDT_SUPPLY") is not None


def test_the_sample_history_round_trips() -> None:
    history = load_sample_history()
    assert load_history(dump_history(history)) == history


def test_the_bundled_file_equals_the_reference_folder() -> None:
    if not REFERENCE.is_dir():
        pytest.skip("reference history not available")
    folder = load_history_dir(REFERENCE)
    bundled = load_sample_history()
    assert {s.id: s.closes for s in folder} == {s.id: s.closes for s in bundled}
    assert load_history_path(REFERENCE).get("HSI") is not None


def _doc(closes: object, unit: str = "index", schema: str = "market-history/1") -> str:
    return json.dumps({"schema": schema,
                       "series": {"SPX": {"source": "test", "unit": unit, "closes": closes}}})


@pytest.mark.parametrize(("closes", "unit", "problem"), [
    ([["2025-03-04", 1.0], ["2025-03-03", 2.0]], "index",
     "series.SPX.closes[1]: dates out of order (2025-03-03 after 2025-03-04)"),
    ([["2025-03-03", 1.0], ["2025-03-03", 2.0]], "index",
     "series.SPX.closes[1]: duplicate date 2025-03-03"),
    ([["2025-03-03", 0]], "index", "series.SPX.closes[0]: a price must be positive (got 0)"),
    ([["2025-03-03", -1.5]], "usd", "series.SPX.closes[0]: a price must be positive (got -1.5)"),
    ([["2025-03-03", "NaN"]], "index", "series.SPX.closes[0]: close is not a number"),
    ([["03/03/2025", 1.0]], "index", 'series.SPX.closes[0]: "03/03/2025" is not an ISO date'),
    ([["2025-03-03"]], "index", "series.SPX.closes[0]: expected [date, close]"),
    ([["2025-03-03", 1.0]], "points", 'series.SPX.unit: expected one of index, usd, percent, '
                                      'rate, got "points"'),
])
def test_bad_series_name_their_path(closes: object, unit: str, problem: str) -> None:
    with pytest.raises(HistoryError) as caught:
        load_history(_doc(closes, unit))
    assert problem in caught.value.problems


def test_nan_literal_and_wrong_schema() -> None:
    with pytest.raises(HistoryError) as caught:
        load_history('{"schema": "market-history/1", "series": {"SPX": {"source": "t", '
                     '"unit": "index", "closes": [["2025-03-03", NaN]]}}}')
    assert caught.value.problems == (
        "series.SPX.closes[0]: close is not a finite number (NaN or infinity)",)
    with pytest.raises(HistoryError) as caught:
        load_history(_doc([], schema="market-snapshot/1"))
    assert caught.value.problems == ('schema: expected "market-history/1", got '
                                     '"market-snapshot/1"',)


def test_a_rate_series_may_be_negative() -> None:
    history = load_history(_doc([["2025-03-03", -0.25]], unit="percent"))
    spx = history.get("SPX")
    assert spx is not None and spx.values == (-0.25,)


def test_a_csv_folder_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "HSI.csv").write_text("date,close\n2025-03-03,1\n2025-03-02,2\n")
    (tmp_path / "BTC.csv").write_text("date,close\n2025-03-03,abc\n")
    with pytest.raises(HistoryError) as caught:
        load_history_path(tmp_path)
    assert set(caught.value.problems) == {
        "BTC.csv line 2: close 'abc' is not a number",
        "HSI.csv line 3: dates out of order (2025-03-02 after 2025-03-03)"}
