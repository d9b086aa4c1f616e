"""Moves, co-movement, levels and base rates read against the bundled history of the sample day
(a year of real closes), and against small crafted series."""

from __future__ import annotations

import itertools
import statistics
from datetime import UTC, date, datetime, timedelta

import pytest

from services.analysis import base_rates, comovement, evidence, levels
from services.analysis.tape import Tape
from services.history_io import load_sample_history
from services.models.analysis import Move
from services.models.history import History, Series

HISTORY = load_sample_history()
TAPE = Tape(HISTORY)
DAY = date(2026, 3, 20)
AS_OF = datetime(2026, 3, 21, 0, 30, tzinfo=UTC)


def move(quote_id: str, change: float | None, session: date | None = DAY,
         close: float | None = None, market: str = "US") -> Move:
    return Move(quote_id, quote_id, market, "index", close, change, session, "test")


def series(quote_id: str, closes: list[float], start: date = date(2025, 1, 1),
           unit: str = "index") -> Series:
    return Series(quote_id, "crafted", unit,  # type: ignore[arg-type]
                  tuple((start + timedelta(days=i), c) for i, c in enumerate(closes)))


# --- each move in its own units --------------------------------------------------------------

def test_the_sample_days_sp500_against_its_year() -> None:
    track = TAPE.track("SPX")
    assert track is not None
    found = evidence.move_evidence(move("SPX", -1.51), track, AS_OF)
    assert found is not None
    window = [r for d, r in track.returns if d < DAY][-60:]
    assert found.z == pytest.approx(-1.51 / statistics.stdev(window))
    assert found.z == pytest.approx(-2.03, abs=0.005)
    assert found.strong
    assert (found.n, found.n_year, found.worst_rank) == (60, 251, 16)  # 16th-worst of 251
    assert found.session == DAY and found.recent[-1][0] == DAY and len(found.recent) == 60


def test_a_quote_without_a_session_is_the_latest_one_closed_by_the_edition() -> None:
    track = TAPE.track("HSI")
    assert track is not None
    found = evidence.move_evidence(move("HSI", -0.88, session=None, market="HK"), track, AS_OF)
    assert found is not None and found.session == DAY


@pytest.mark.parametrize(("returns", "has_z"), [(39, False), (40, True), (80, True)])
def test_fewer_than_40_returns_give_no_z(returns: int, has_z: bool) -> None:
    closes = [100.0 * (1.01 if i % 2 else 0.99) ** (i % 3) for i in range(returns + 1)]
    s = series("X", closes)
    day = s.last + timedelta(days=1)  # type: ignore[operator]
    found = evidence.move_evidence(move("X", 1.0, day), Tape(History({"X": s})).track("X")
                                   or pytest.fail("no track"), AS_OF)
    assert found is not None and (found.z is not None) is has_z


def test_a_history_that_stopped_long_ago_gives_no_z() -> None:
    s = series("X", [100.0 + (i % 5) for i in range(100)])
    day = s.last + timedelta(days=30)  # type: ignore[operator]
    track = Tape(History({"X": s})).track("X")
    assert track is not None
    found = evidence.move_evidence(move("X", 1.0, day), track, AS_OF)
    assert found is not None and found.z is None and found.percentile is None


# --- co-movement -------------------------------------------------------------------------

def test_btc_against_the_sp500_over_matched_windows() -> None:
    found = comovement.btc_spx(TAPE, DAY)
    assert found is not None
    assert found.n == 60 and found.last == DAY
    assert found.correlation == pytest.approx(0.567, abs=0.001)
    assert found.beta == pytest.approx(2.77, abs=0.005)


def test_hk_against_the_us_session_that_led_it() -> None:
    found = comovement.hsi_us(TAPE, DAY)
    assert found is not None and found.n == 60 and found.correlation is not None
    # The pairs are HK's day against the US day before: recompute the last one by hand.
    spx, hsi = HISTORY.get("SPX"), HISTORY.get("HSI")
    assert spx is not None and hsi is not None
    us_thu = (spx.close_on(date(2026, 3, 19)) or 0) / (spx.close_on(date(2026, 3, 18)) or 1)
    hk_fri = (hsi.close_on(DAY) or 0) / (hsi.close_on(date(2026, 3, 19)) or 1)
    assert round((us_thu - 1) * 100, 2) == -0.27 and round((hk_fri - 1) * 100, 2) == -0.88


def test_perfectly_tied_series_have_correlation_one_and_their_beta() -> None:
    base = [100.0]
    for i in range(70):
        base.append(base[-1] * (1 + (0.01 if i % 3 else -0.015)))
    asset = [100.0]
    for a, b in itertools.pairwise(base):
        asset.append(asset[-1] * (1 + 2 * (b / a - 1)))
    start = date(2025, 1, 6)
    tape = Tape(History({"SSE": series("SSE", base, start), "CHINEXT": series("CHINEXT", asset,
                                                                               start)}))
    found = comovement.chinext_sse(tape, start + timedelta(days=70))
    assert found is not None and found.n == 60
    assert found.correlation == pytest.approx(1.0) and found.beta == pytest.approx(2.0)


def test_too_few_pairs_give_no_correlation() -> None:
    start = date(2025, 1, 6)
    tape = Tape(History({"SSE": series("SSE", [100 + i % 4 for i in range(30)], start),
                         "CHINEXT": series("CHINEXT", [50 + i % 3 for i in range(30)], start)}))
    found = comovement.chinext_sse(tape, start + timedelta(days=40))
    assert found is not None and found.n == 29 and found.correlation is None and found.beta is None


# --- levels and trend ----------------------------------------------------------------------

def test_hstech_below_its_52_week_high() -> None:
    hstech = HISTORY.get("HSTECH")
    assert hstech is not None
    found = levels.levels(hstech, DAY)
    assert found is not None and found.full_year
    assert (found.high, found.high_on) == (pytest.approx(6682.86, abs=0.01), date(2025, 10, 2))
    assert found.from_high_pct == pytest.approx(-27.1, abs=0.05)
    assert found.ma50 is not None and found.ma200 is not None and found.close < found.ma200


@pytest.mark.parametrize(("closes", "expected"), [
    ([10, 9, 8, 7, 6, 5], -5),  # five sessions down in a row
    ([5, 6, 7, 6], -1),
    ([5, 6, 7, 8], 3),
    ([5, 6, 6], 0),
    ([5], 0),
])
def test_streak(closes: list[float], expected: int) -> None:
    s = series("X", closes)
    assert levels.streak(s.closes) == expected


def test_moving_averages_need_their_closes_and_a_short_history_says_so() -> None:
    s = series("X", [float(100 + i) for i in range(60)], start=date(2026, 1, 1))
    found = levels.levels(s, date(2026, 3, 1))
    assert found is not None
    assert found.ma50 == pytest.approx(sum(range(110, 160)) / 50 + 0)
    assert found.ma200 is None and not found.full_year and found.since == date(2026, 1, 1)
    assert found.streak == 59 and found.from_high_pct == 0.0


def test_the_quotes_close_is_the_sessions_close() -> None:
    s = series("X", [float(100 + i % 7) for i in range(40)], start=date(2026, 1, 1))
    found = levels.levels(s, date(2026, 2, 10), close=200.0)
    assert found is not None and found.close == 200.0 and found.high == 200.0
    assert found.session == date(2026, 2, 10)


# --- base rates ----------------------------------------------------------------------------

def test_base_rate_counts_what_followed() -> None:
    # Down days of a crafted series: what the next session did.
    closes = [100.0, 99.0, 100.0, 99.0, 99.5, 98.0, 99.0]
    tape = Tape(History({"X": series("X", closes)}))

    def down(t: Tape, day: date) -> bool | None:
        track = t.track("X")
        change = track.ret(day) if track is not None else None
        return None if change is None else change < 0

    rate = base_rates.base_rate(tape, down, clock="X", key="down", label="a down day")
    # returns: -1, +1.01, -1, +0.51, -1.51, +1.02: three down days, each followed by a rise;
    # the last session has no next one.
    assert (rate.n, rate.days, rate.up) == (3, 5, 3)
    assert rate.up_share_pct == 100.0 and not rate.shown
    # next sessions: +1.01 %, +0.51 %, +1.02 %: the median is the first
    assert rate.median_next_pct == pytest.approx(100 * (100 / 99 - 1))


def test_base_rates_read_nothing_after_the_edition() -> None:
    until = date(2025, 12, 31)
    rates = base_rates.base_rates(TAPE, until)
    assert all(r.last is None or r.last < until for r in rates.values())
    full = base_rates.base_rates(TAPE, DAY)
    assert rates["risk.index_drawdown"].days < full["risk.index_drawdown"].days


def test_every_base_rate_of_the_sample_history_has_its_n() -> None:
    rates = base_rates.base_rates(TAPE, DAY)
    expected = {key for key, *_ in base_rates.CONDITIONS} | {"risk.index_drawdown"}
    assert set(rates) == expected
    for rate in rates.values():
        assert 0 <= rate.n <= rate.days
        assert rate.shown is (rate.n >= base_rates.MIN_CASES)
        if rate.n:
            assert rate.median_next_pct is not None and 0 <= rate.up <= rate.n
    # A US session down 2σ or more is rare in a year: too few cases to show a rate.
    assert not rates["setup.us.strong_down"].shown
    assert rates["chain.us_hk.no lead"].shown


def test_an_empty_history_has_no_base_rates() -> None:
    assert base_rates.base_rates(History(), DAY) == {}
