"""Every analysis rule, table-driven."""

import pytest

from services.analysis import rules
from services.models.analysis import CryptoState, LinkState, Verdict


@pytest.mark.parametrize(("change", "expected"), [
    (0.59, 1), (0.15, 1), (0.149, 0), (0.0, 0), (-0.149, 0), (-0.15, -1), (-2.48, -1),
])
def test_direction(change: float, expected: int) -> None:
    assert rules.direction(change) == expected


@pytest.mark.parametrize(("change", "expected"), [
    (None, "n/a"), (1.04, "strong risk-on"), (1.0, "strong risk-on"), (0.59, "risk-on"),
    (0.1, "flat"), (-0.1, "flat"), (-0.88, "risk-off"), (-1.0, "strong risk-off"),
    (-1.24, "strong risk-off"),
])
def test_signal(change: float | None, expected: str) -> None:
    assert rules.signal(change) == expected


@pytest.mark.parametrize(("leader", "follower", "expected"), [
    (0.59, -0.88, LinkState.BROKEN),        # the sample's US → HK
    (-0.88, -1.24, LinkState.FOLLOWED),     # the sample's HK → A-shares: ratio 1.41 < 1.5
    (-0.88, -1.32, LinkState.AMPLIFIED),    # exactly 1.5x
    (1.0, 0.4, LinkState.FOLLOWED),
    (1.0, 0.05, LinkState.MUTED),           # follower flat
    (0.1, -2.0, LinkState.NO_LEAD),         # leader flat
    (-1.0, 2.0, LinkState.BROKEN),
])
def test_classify_link(leader: float, follower: float, expected: LinkState) -> None:
    assert rules.classify_link(leader, follower) is expected


@pytest.mark.parametrize(("equity", "btc", "expected"), [
    (0.59, 1.04, CryptoState.AMPLIFYING),   # sample: BTC vs S&P 500
    (-0.88, 1.04, CryptoState.REVERSED),    # sample: BTC vs HSI
    (1.0, 0.5, CryptoState.TRACKING),
    (0.05, 2.0, CryptoState.DECOUPLED),
    (1.5, 0.05, CryptoState.DECOUPLED),
    (0.05, -0.05, CryptoState.TRACKING),    # both flat
    (-1.0, -3.0, CryptoState.AMPLIFYING),
])
def test_classify_crypto(equity: float, btc: float, expected: CryptoState) -> None:
    assert rules.classify_crypto(equity, btc) is expected


@pytest.mark.parametrize(("asset", "base", "expected"), [
    (1.04, 0.59, 1.04 / 0.59), (1.0, 0.1, None), (-1.0, 0.5, -2.0),
])
def test_move_ratio(asset: float, base: float, expected: float | None) -> None:
    assert rules.move_ratio(asset, base) == (pytest.approx(expected) if expected else None)


@pytest.mark.parametrize(("directions", "expected"), [
    ([1, -1, -1, 1], Verdict.FRAGMENTED),
    ([1, 1, 0, 1], Verdict.RISK_ON),
    ([-1, -1, -1], Verdict.RISK_OFF),
    ([0, 0, 0], Verdict.NEUTRAL),
    ([], Verdict.UNKNOWN),
])
def test_verdict(directions: list[int], expected: Verdict) -> None:
    assert rules.verdict(directions) is expected


@pytest.mark.parametrize(("now", "change", "expected"), [
    (184.13e9, 0.468, 184.13e9 / 1.00468), (79.10e9, -0.390, 79.10e9 / 0.9961),
    (100.0, -100.0, None), (100.0, -150.0, None),
])
def test_prior_value(now: float, change: float, expected: float | None) -> None:
    got = rules.prior_value(now, change)
    assert got == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(("change", "prior", "expected"), [
    (163_000_000, None, "implausible move, base unknown"),   # Ink Bridge in the sample
    (591.0, 49.9e6, None),                                   # Figure Markets: a real surge
    (591.0, None, None),
    (250.0, 400_000.0, "tiny base"),
    (50.0, 400_000.0, None),
    (-1500.0, None, "implausible move, base unknown"),
    (None, None, None),
])
def test_anomaly_reason(change: float | None, prior: float | None, expected: str | None) -> None:
    assert rules.anomaly_reason(change, prior) == expected


@pytest.mark.parametrize(("net", "gross", "mixed", "expected"), [
    (562.9e6, 1182.3e6, True, "inflow"),    # the sample
    (-400e6, 450e6, True, "outflow"),
    (100e6, 900e6, True, "rotation"),
    (300e6, 300e6, False, "inflow"),
    (10e6, 20e6, False, "flat"),
    (-20e6, 600e6, True, "rotation"),
])
def test_stablecoin_reading(net: float, gross: float, mixed: bool, expected: str) -> None:
    assert rules.stablecoin_reading(net, gross, mixed) == expected


@pytest.mark.parametrize(("index", "share", "expected"), [
    (1.30, 13.5, True),    # the sample: ChiNext up, 313 of 2,324 advancing
    (1.30, 55.0, False),
    (-1.24, 13.5, False),
    (-1.0, 70.0, True),
    (0.05, 10.0, False),   # a flat index diverges from nothing
])
def test_breadth_divergence(index: float, share: float, expected: bool) -> None:
    assert rules.breadth_divergence(index, share) is expected


@pytest.mark.parametrize(("sigmas", "expected"), [
    (4.1, "high"), (3.0, "high"), (2.99, "medium"), (2.0, "medium"), (1.99, "low"), (0.0, "low"),
])
def test_severity_grows_with_sigmas(sigmas: float, expected: str) -> None:
    assert rules.severity(sigmas) == expected


@pytest.mark.parametrize(("change", "z", "expected"), [
    (-2.48, -1.2, False),  # HSTECH's -2.48% is a 1.2σ day for HSTECH: not sharp
    (-0.9, -2.3, True),    # a quiet index's -0.9% can be a 2.3σ fall
    (-2.48, None, True),   # without history, -2% is the line
    (-1.9, None, False),
])
def test_sharp_fall(change: float, z: float | None, expected: bool) -> None:
    assert rules.sharp_fall(change, z) is expected


@pytest.mark.parametrize(("a", "a_z", "b", "b_z", "expected"), [
    (1.04, 0.4, -1.24, -1.3, False),  # BTC's +1.04% is a quiet day for BTC
    (3.1, 1.2, -1.24, -1.3, True),
    (1.04, None, -1.24, None, True),  # fixed: opposite, 2.28 pp apart, each past 1%
    (1.6, None, -0.4, None, False),   # fixed: one side too small to be a reversal
])
def test_opposite_strong(a: float, a_z: float | None, b: float, b_z: float | None,
                         expected: bool) -> None:
    assert rules.opposite_strong(a, a_z, b, b_z) is expected


@pytest.mark.parametrize(("net", "z", "expected"), [
    (-464e6, None, True), (-464e6, -0.6, False), (-464e6, -1.4, True), (-20e6, None, False),
    (563e6, None, False),
])
def test_stablecoin_outflow(net: float, z: float | None, expected: bool) -> None:
    assert rules.stablecoin_outflow(net, z) is expected
