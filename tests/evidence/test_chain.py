"""The chain in true time order, moves in their own units, and the verdict they make."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from services.analysis import analyze, rules
from services.history_io import load_sample_history
from services.models.analysis import Analysis, CryptoState, LinkState, Timing, Verdict
from tests.support.snapshots import HK, analysis_of, quote, sample_dict, snapshot_of

HISTORY = load_sample_history()


def with_history(data: dict[str, Any]) -> Analysis:
    snap = snapshot_of(data)
    return analyze(snap, snap.generated_at, HK, HISTORY)


def sample_as_recorded() -> dict[str, Any]:
    """The sample day with the S&P 500, Nasdaq and Dow of 2026-03-20 as the history records
    them (the snapshot's +0.59 % is an older session's)."""
    data = sample_dict()
    for quote_id, close, change in (("SPX", 6506.48, -1.51), ("IXIC", 21647.61, -2.01),
                                    ("DJI", 45577.47, -0.96)):
        q = quote(data, quote_id)
        q["close"], q["change_pct"] = close, change
    return data


def crash_day() -> dict[str, Any]:
    """Monday 2026-03-23 (after the history's last session): Hong Kong falls first (its
    session closes at 08:00 UTC), New York falls later the same date. HK did not follow that
    US session, it fell before the US opened."""
    data = sample_dict()
    data["generated_at"] = "2026-03-24T00:30:00+00:00"
    data["a_share_breadth"]["session"] = "2026-03-23"
    for q in data["quotes"]:
        q["session"] = "2026-03-24T00:00:00+00:00" if q["market"] == "CRYPTO" else "2026-03-23"
    for quote_id, change in (("SPX", -4.0), ("IXIC", -5.2), ("DJI", -3.4), ("HSI", -3.5),
                             ("HSCEI", -3.9), ("HSTECH", -5.1), ("SSE", -2.6), ("SZSE", -3.1),
                             ("CHINEXT", -3.8), ("BTC", -8.0), ("ETH", -10.5)):
        quote(data, quote_id)["change_pct"] = change
    return data


def link(a: Analysis, key: str):  # type: ignore[no-untyped-def]
    return next(link for link in a.sentiment.links if link.key == key)


def test_the_sample_day_leads_hk_with_the_us_of_the_day_before() -> None:
    a = with_history(sample_as_recorded())
    us_hk = link(a, "us_hk")
    assert us_hk.leader is not None and us_hk.follower is not None
    assert us_hk.leader.session == date(2026, 3, 19) and us_hk.leader_from_history
    assert round(us_hk.leader.change_pct or 0, 2) == -0.27
    assert us_hk.follower.session == date(2026, 3, 20) and us_hk.follower.change_pct == -0.88
    assert us_hk.timing is Timing.NEXT_SESSION
    # The US of 2026-03-19 was quiet in its own units (-0.4σ): it led nothing.
    assert us_hk.leader_z == pytest.approx(-0.37, abs=0.01)
    assert us_hk.state is LinkState.NO_LEAD


def test_todays_us_session_sets_up_asias_next() -> None:
    a = with_history(sample_as_recorded())
    setup = a.sentiment.setup
    assert setup is not None and setup.us.session == date(2026, 3, 20)
    assert setup.followers == ("HK", "CN")
    assert setup.z == pytest.approx(-2.03, abs=0.005)
    assert setup.base_rate_key == "setup.us.strong_down"
    assert a.base_rates["setup.us.strong_down"].today


@pytest.mark.parametrize("history", [False, True])
def test_crash_day_never_reads_hk_as_following_a_us_session_that_came_after_it(
        history: bool) -> None:
    a = with_history(crash_day()) if history else analysis_of(crash_day())
    us_hk = link(a, "us_hk")
    if history:
        # HK's Monday is read against the US Friday (-1.51 %, from the history), never
        # against the US Monday's -4 % that came after it.
        assert us_hk.leader is not None and us_hk.leader.session == date(2026, 3, 20)
        assert us_hk.leader.change_pct == pytest.approx(-1.51, abs=0.005)
        assert us_hk.state is not LinkState.NOT_COMPARABLE
    else:
        assert us_hk.state is not LinkState.FOLLOWED
        assert us_hk.state is LinkState.NOT_COMPARABLE and us_hk.leader is None
        assert "leads HK's next session" in us_hk.note
    setup = a.sentiment.setup
    assert setup is not None and setup.us.change_pct == -4.0 and "HK" in setup.followers


def test_hk_and_a_shares_moved_apart_without_a_lead() -> None:
    data = sample_dict()
    quote(data, "SSE")["change_pct"] = 1.1
    hk_cn = link(analysis_of(data), "hk_cn")
    assert hk_cn.state is LinkState.APART and hk_cn.ratio is None
    assert hk_cn.timing is Timing.SAME_HOURS


def test_a_quiet_btc_day_is_not_strong_and_does_not_split_the_verdict() -> None:
    fixed = analysis_of(sample_as_recorded())
    scaled = with_history(sample_as_recorded())
    btc_row = {r.market: r for r in scaled.sentiment.rows}["CRYPTO"]
    assert btc_row.signal == "quiet"  # +1.04 % is +0.3σ for BTC
    assert {r.market: r for r in fixed.sentiment.rows}["CRYPTO"].signal == "strong risk-on"
    assert fixed.sentiment.verdict is Verdict.FRAGMENTED
    assert scaled.sentiment.verdict is Verdict.RISK_OFF
    assert "quiet: BTC +0.3σ" in scaled.sentiment.verdict_reason
    assert scaled.sentiment.scale == "z" and fixed.sentiment.scale == "fixed"
    spx_row = {r.market: r for r in scaled.sentiment.rows}["US"]
    assert spx_row.signal == "strong risk-off"  # -2.03σ


def test_crypto_only_day_makes_no_verdict() -> None:
    data = sample_dict()
    data["quotes"] = [q for q in data["quotes"] if q["market"] == "CRYPTO"]
    for a in (analysis_of(data), with_history(data)):
        assert a.sentiment.verdict is Verdict.UNKNOWN
        assert "crypto alone" in a.sentiment.verdict_reason


def test_btc_is_compared_over_the_utc_days_of_each_session() -> None:
    a = with_history(sample_as_recorded())
    for crypto in a.sentiment.crypto_links:
        assert crypto.matched and crypto.window == "UTC day 2026-03-20"
        assert crypto.btc.change_pct == pytest.approx(0.87, abs=0.005)  # the history's UTC day
    without = analysis_of(sample_as_recorded())
    assert all(not c.matched and "not matched" in c.window for c in without.sentiment.crypto_links)


def test_divergences_rank_by_the_gap_in_each_moves_own_units() -> None:
    a = with_history(crash_day())
    ranked = [d for d in a.divergences if d.spread_z is not None]
    assert [abs(d.spread_z or 0) for d in ranked] == sorted(
        (abs(d.spread_z or 0) for d in ranked), reverse=True)
    # By pp BTC's -8 % against the A-shares' -2.6 % would come first; in σ it does not.
    by_pp = max(a.divergences, key=lambda d: abs(d.spread_pp))
    assert by_pp.key.startswith("btc_") and a.divergences[0].key != by_pp.key


def test_without_history_the_fixed_thresholds_stay_and_the_report_says_so() -> None:
    a = analysis_of(sample_dict())
    assert a.scale_note is not None and "fixed thresholds" in a.scale_note
    assert a.evidence == {} and a.base_rates == {} and a.levels == {}
    assert with_history(sample_dict()).scale_note is None


# --- the rules, by table ---------------------------------------------------------------------

@pytest.mark.parametrize(("z", "signal"), [
    (2.0, "strong risk-on"), (1.99, "risk-on"), (0.5, "risk-on"), (0.49, "quiet"),
    (-0.49, "quiet"), (-0.5, "risk-off"), (-2.0, "strong risk-off"),
])
def test_z_signal(z: float, signal: str) -> None:
    assert rules.z_signal(z) == signal


@pytest.mark.parametrize(("z", "band"), [
    (-2.03, "strong_down"), (-2.0, "strong_down"), (-1.0, "down"), (-0.5, "down"),
    (0.0, "quiet"), (0.5, "up"), (2.0, "strong_up"),
])
def test_us_band(z: float, band: str) -> None:
    assert rules.us_band(z) == band


@pytest.mark.parametrize(("lead", "follow", "lead_z", "follow_z", "state"), [
    (-0.27, -0.88, -0.37, -0.72, LinkState.NO_LEAD),  # quiet leader, in σ
    (-0.27, -0.88, None, None, LinkState.AMPLIFIED),  # the same day in percent
    (-1.5, -0.9, -2.0, -0.7, LinkState.FOLLOWED),
    (-1.5, -2.9, -2.0, -3.1, LinkState.AMPLIFIED),
    (-1.5, 0.9, -2.0, 0.7, LinkState.BROKEN),
    (-1.5, 0.1, -2.0, 0.1, LinkState.MUTED),
])
def test_classify_lead(lead: float, follow: float, lead_z: float | None,
                       follow_z: float | None, state: LinkState) -> None:
    assert rules.classify_lead(lead, follow, lead_z, follow_z) is state


@pytest.mark.parametrize(("a", "b", "state"), [
    (1, 1, LinkState.TOGETHER), (0, 0, LinkState.TOGETHER), (-1, 1, LinkState.APART),
    (0, -1, LinkState.APART),
])
def test_same_hours_state(a: int, b: int, state: LinkState) -> None:
    assert rules.same_hours_state(a, b) is state


@pytest.mark.parametrize(("equity", "btc", "equity_z", "btc_z", "state"), [
    (-1.51, 0.87, -2.03, 0.29, CryptoState.DECOUPLED),  # the sample day: BTC quiet in σ
    (-1.51, 0.87, None, None, CryptoState.REVERSED),  # the same day in percent
    (-1.51, -4.0, -2.0, -1.4, CryptoState.TRACKING),  # BTC fell more %, fewer of its σ
    (-1.51, -8.0, -2.0, -2.9, CryptoState.AMPLIFYING),
    (1.2, -3.0, 1.5, -1.1, CryptoState.REVERSED),
])
def test_btc_against_an_equity_market_in_own_units(equity: float, btc: float,
                                                   equity_z: float | None, btc_z: float | None,
                                                   state: CryptoState) -> None:
    assert rules.classify_crypto_scaled(equity, btc, equity_z, btc_z) is state


def test_the_sample_days_btc_is_decoupled_not_reversed() -> None:
    a = with_history(sample_as_recorded())
    assert {c.equity.id: c.state for c in a.sentiment.crypto_links} == {
        "SPX": CryptoState.DECOUPLED, "HSI": CryptoState.DECOUPLED, "SSE": CryptoState.DECOUPLED}
    btc_us = next(d for d in a.divergences if d.key == "btc_us")
    assert "moved against" not in btc_us.explanation


def test_an_instrument_with_under_40_sessions_keeps_the_fixed_thresholds() -> None:
    from services.models.history import History, Series

    spx = HISTORY.get("SPX")
    assert spx is not None
    short = Series(spx.id, spx.source, spx.unit, spx.closes[-30:])
    history = History({**HISTORY.series, "SPX": short})
    snap = snapshot_of(sample_as_recorded())
    a = analyze(snap, snap.generated_at, HK, history)
    assert a.evidence["SPX"].z is None and a.evidence["SPX"].n == 28  # 29 closes before
    assert a.scale_note is not None and "S&P 500" in a.scale_note
    assert "fixed thresholds" in a.scale_note and "HSI" not in a.scale_note
    us_row = {r.market: r for r in a.sentiment.rows}["US"]
    assert us_row.signal == "strong risk-off"  # -1.51 % by the fixed 1 %, no σ
    assert a.sentiment.scale == "fixed"
