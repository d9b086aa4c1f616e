"""The sample day's figures, checked against hand computation."""

import pytest

from services.models.analysis import CryptoState, LinkState, Timing, Verdict
from tests.support.snapshots import analysis_of, sample_dict

A = analysis_of(sample_dict())


def spread(key: str) -> float:
    return next(d.spread_pp for d in A.divergences if d.key == key)


@pytest.mark.parametrize(("key", "expected"), [
    ("us_hk", 0.59 - -0.88),        # +1.47 pp
    ("chinext_sse", 1.30 - -1.24),  # +2.54 pp
    ("btc_us", 1.04 - 0.59),        # +0.45 pp: BTC over the S&P 500, per market...
    ("btc_hk", 1.04 - -0.88),       # +1.92 pp
    ("btc_cn", 1.04 - -1.24),       # +2.28 pp ...not one invented "+1.5-2.5 pp" range
    ("hstech_hsi", -2.48 - -0.88),  # -1.60 pp
    ("usdt_usdc", 0.468 - -0.390),  # +0.858 pp of supply change
])
def test_spreads_match_hand_computed_differences(key: str, expected: float) -> None:
    assert spread(key) == pytest.approx(expected)


def test_divergences_are_ranked_by_size() -> None:
    sizes = [abs(d.spread_pp) for d in A.divergences]
    assert sizes == sorted(sizes, reverse=True)
    assert A.divergences[0].key == "chinext_sse"


def test_stablecoin_usd_changes_are_supply_now_minus_a_day_earlier() -> None:
    flows = {f.symbol: f for f in A.crypto.stablecoins.flows}
    usdt = 184.13e9 - 184.13e9 / 1.00468
    usdc = 79.10e9 - 79.10e9 / (1 - 0.00390)
    dai = 4.57e9 - 4.57e9 / 1.00326
    assert flows["USDT"].change_usd == pytest.approx(usdt)
    assert flows["USDC"].change_usd == pytest.approx(usdc)
    assert flows["DAI"].change_usd == pytest.approx(dai)
    net = A.crypto.stablecoins.net_change_usd
    assert net == pytest.approx(usdt + usdc + dai)
    assert net == pytest.approx(562.87e6, rel=1e-4)
    # The reference report's "+$370M" is USDT's +0.468 % applied to USDC's $79.10B supply:
    assert pytest.approx(370.2e6, rel=1e-3) == 79.10e9 * 0.00468
    assert abs(net - 370e6) > 150e6
    assert A.crypto.stablecoins.reading == "inflow" and A.crypto.stablecoins.mixed


def test_transmission_chain() -> None:
    links = {link.key: link for link in A.sentiment.links}
    # HK's 2026-03-20 closed before the US of 2026-03-20 opened: that US session cannot lead
    # it, and without history the one that did (2026-03-19) is not in the data.
    assert links["us_hk"].state is LinkState.NOT_COMPARABLE
    assert "2026-03-19" not in links["us_hk"].note
    assert "not in the data" in links["us_hk"].note
    # HK and the A-shares trade in the same hours: no lead, no ratio.
    assert links["hk_cn"].state is LinkState.TOGETHER
    assert links["hk_cn"].timing is Timing.SAME_HOURS and links["hk_cn"].ratio is None
    split = A.sentiment.cn_split
    assert split is not None and split.opposite and split.spread_pp == pytest.approx(2.54)


def test_crypto_against_equities_with_beta_to_the_sp500() -> None:
    assert A.sentiment.crypto_state is CryptoState.AMPLIFYING
    assert A.sentiment.crypto_move_ratio_spx == pytest.approx(1.04 / 0.59)
    states = {link.equity.id: link.state for link in A.sentiment.crypto_links}
    assert states == {"SPX": CryptoState.AMPLIFYING, "HSI": CryptoState.REVERSED,
                      "SSE": CryptoState.REVERSED}


def test_verdict_is_fragmented() -> None:
    assert A.sentiment.verdict is Verdict.FRAGMENTED


def test_breadth_divergence_and_turnover() -> None:
    b = A.cn.breadth
    assert b is not None
    assert (b.advancers, b.decliners, b.total) == (313, 2011, 2324)
    assert b.advance_share_pct == pytest.approx(100 * 313 / 2324)
    assert b.divergence and b.divergence_with == "CHINEXT"
    assert A.cn.turnover_cny == 1.75e12
    assert A.cn.northbound_net_cny is None
    assert A.cn.northbound_note == "not published since 2024-08-19"


def test_tiny_base_move_is_an_anomaly_not_a_signal() -> None:
    assert [m.name for m in A.crypto.anomalies] == ["Ink Bridge"]
    bridge = next(c for c in A.crypto.categories if c.category == "Bridge")
    assert bridge.anomalies == ("Ink Bridge",)
    assert bridge.avg_change_pct == pytest.approx(23.4)  # cBridge alone
    figure = next(d for d in A.crypto.dexes if d.name == "Figure Markets")
    assert not figure.anomaly and figure.prior_usd == pytest.approx(344.8e6 / 6.91)


def test_risks_carry_evidence_and_no_probability() -> None:
    keys = [r.key for r in A.risks]
    assert keys[0] == "narrow_breadth"
    assert {"stablecoin_contraction", "crypto_equity_snapback", "index_drawdown"} <= set(keys)
    assert "hk_fails_us_lead" not in keys  # no US session that led HK is in the data
    scores = [r.score for r in A.risks]
    assert scores == sorted(scores, reverse=True)
    assert all(r.severity in ("high", "medium", "low") for r in A.risks)
    assert all(r.scale == "fixed" for r in A.risks)  # no history given: fixed thresholds


def test_plan_has_every_tier_with_evidence() -> None:
    tiers = {i.tier for i in A.ideas}
    assert tiers == {"conservative", "moderate", "aggressive"}
    assert all(i.evidence and i.refs and i.instrument and i.horizon for i in A.ideas)


def test_edition_date_is_in_the_briefing_zone() -> None:
    assert A.edition_date.isoformat() == "2026-03-21"  # 00:30 UTC is 08:30 in Hong Kong
