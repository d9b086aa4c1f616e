"""Every rule of the analysis, as a named threshold or a small pure function.

Changing a threshold here changes the report everywhere; tests cover each rule with tables.
"""

from __future__ import annotations

from services.format import MISSING
from services.models.analysis import STRONG_Z as MODEL_STRONG_Z
from services.models.analysis import CryptoState, LinkState, Verdict

# --- thresholds (percent, percentage points, USD) -------------------------------------------
FLAT_PCT = 0.15  # a session move smaller than this is flat
STRONG_PCT = 1.0  # a move at least this large is strong
AMPLIFY_RATIO = 1.5  # follower moved this many times the leader's move, same direction
SPLIT_PP = 1.0  # an intra-market spread at least this large is notable
NOTABLE_SPREAD_PP = 0.5  # a cross-market spread at least this large is ranked as a divergence
ANOMALY_CHANGE_PCT = 1000.0  # a one-day change beyond this, with no base to check, is an anomaly
TINY_BASE_USD = 1_000_000.0  # a move from a prior value under this is an anomaly...
TINY_BASE_MIN_CHANGE_PCT = 100.0  # ...when the change is at least this large
BREADTH_WEAK_SHARE_PCT = 40.0  # advancers' share below this while an index rose: divergence
BREADTH_STRONG_SHARE_PCT = 60.0  # above this while an index fell: divergence
STABLE_NET_SHARE = 1 / 3  # |net| / gross below this, with coins moving both ways: rotation
STABLE_FLAT_USD = 50_000_000.0  # a net stablecoin change smaller than this is flat
STABLE_CONTRACTION_PCT = -0.25  # a major stablecoin shrinking faster than this is a risk
TECH_DRAWDOWN_PCT = -2.0  # an index falling at least this much is a drawdown risk
REVERSAL_SPREAD_PP = 1.5  # BTC against an equity market, opposite sides, this far apart
REVERSAL_MIN_PCT = STRONG_PCT  # ...and each side moved at least this much (no history)
SEVERITY_HIGH_Z = 3.0  # a risk's reading at least this many σ is of high severity
SEVERITY_MEDIUM_Z = 2.0  # at least this many σ: medium; below: low
FIXED_AS_Z = 2.0  # without history, a reading at its fixed threshold counts as this many σ
BACKGROUND_SHARE_PCT = 50.0  # a condition holding on more days than this is background
# --- in each instrument's own units (z: the move over its trailing 60-session volatility) ---
STRONG_Z = MODEL_STRONG_Z  # |z| at least this: a strong move for that asset
QUIET_Z = 0.5  # |z| under this: a quiet session, taking no side (with history)

THRESHOLDS: dict[str, float] = {
    "flat_pct": FLAT_PCT,
    "strong_pct": STRONG_PCT,
    "amplify_ratio": AMPLIFY_RATIO,
    "split_pp": SPLIT_PP,
    "notable_spread_pp": NOTABLE_SPREAD_PP,
    "anomaly_change_pct": ANOMALY_CHANGE_PCT,
    "tiny_base_usd": TINY_BASE_USD,
    "breadth_weak_share_pct": BREADTH_WEAK_SHARE_PCT,
    "breadth_strong_share_pct": BREADTH_STRONG_SHARE_PCT,
    "stable_contraction_pct": STABLE_CONTRACTION_PCT,
    "tech_drawdown_pct": TECH_DRAWDOWN_PCT,
    "reversal_spread_pp": REVERSAL_SPREAD_PP,
    "reversal_min_pct": REVERSAL_MIN_PCT,
    "severity_high_z": SEVERITY_HIGH_Z,
    "severity_medium_z": SEVERITY_MEDIUM_Z,
    "strong_z": STRONG_Z,
    "quiet_z": QUIET_Z,
}


def direction(change_pct: float) -> int:
    """+1 up, −1 down, 0 flat (within ``FLAT_PCT``)."""
    if change_pct >= FLAT_PCT:
        return 1
    if change_pct <= -FLAT_PCT:
        return -1
    return 0


def z_direction(z: float) -> int:
    """+1 up, −1 down, 0 quiet (|z| under ``QUIET_Z``)."""
    if z >= QUIET_Z:
        return 1
    if z <= -QUIET_Z:
        return -1
    return 0


def scaled_direction(change_pct: float, z: float | None) -> int:
    """The direction in the asset's own units when its z is known, else by ``FLAT_PCT``."""
    return z_direction(z) if z is not None else direction(change_pct)


def z_signal(z: float) -> str:
    """The signal column with history: strong at |z| ≥ ``STRONG_Z``, quiet under ``QUIET_Z``."""
    if z >= STRONG_Z:
        return "strong risk-on"
    if z >= QUIET_Z:
        return "risk-on"
    if z > -QUIET_Z:
        return "quiet"
    if z > -STRONG_Z:
        return "risk-off"
    return "strong risk-off"


def scaled_signal(change_pct: float | None, z: float | None) -> str:
    if change_pct is None:
        return MISSING
    return z_signal(z) if z is not None else signal(change_pct)


def us_band(z: float) -> str:
    """Today's US session by its z, the state it hands to Asia's next session."""
    if z <= -STRONG_Z:
        return "strong_down"
    if z <= -QUIET_Z:
        return "down"
    if z < QUIET_Z:
        return "quiet"
    if z < STRONG_Z:
        return "up"
    return "strong_up"


def classify_lead(leader_pct: float, follower_pct: float, leader_z: float | None,
                  follower_z: float | None) -> LinkState:
    """``classify_link`` in each market's own units when both z are known (a quiet leader is
    no lead; amplified means the follower moved 1.5× as many of its own σ), else in percent."""
    if leader_z is None or follower_z is None:
        return classify_link(leader_pct, follower_pct)
    return _link_state(z_direction(leader_z), z_direction(follower_z), leader_z, follower_z)


def same_hours_state(a_direction: int, b_direction: int) -> LinkState:
    """Two markets trading at the same time: together when they took the same side (or both
    were quiet), apart otherwise. Neither leads."""
    return LinkState.TOGETHER if a_direction == b_direction else LinkState.APART


def signal(change_pct: float | None) -> str:
    """The signal column of the risk-sentiment table."""
    if change_pct is None:
        return MISSING
    if change_pct >= STRONG_PCT:
        return "strong risk-on"
    if change_pct >= FLAT_PCT:
        return "risk-on"
    if change_pct > -FLAT_PCT:
        return "flat"
    if change_pct > -STRONG_PCT:
        return "risk-off"
    return "strong risk-off"


def classify_link(leader_pct: float, follower_pct: float) -> LinkState:
    """Did the follower move with the leader?

    leader flat → no lead; follower flat → muted; opposite directions → broken;
    same direction and |follower| ≥ 1.5 × |leader| → amplified; otherwise followed.
    """
    return _link_state(direction(leader_pct), direction(follower_pct), leader_pct, follower_pct)


def _link_state(lead: int, follow: int, leader_size: float, follower_size: float) -> LinkState:
    """The link from both directions (-1, 0, +1) and both moves, in one unit (% or σ)."""
    if lead == 0:
        return LinkState.NO_LEAD
    if follow == 0:
        return LinkState.MUTED
    if lead != follow:
        return LinkState.BROKEN
    if abs(follower_size) >= AMPLIFY_RATIO * abs(leader_size):
        return LinkState.AMPLIFIED
    return LinkState.FOLLOWED


def classify_crypto(equity_pct: float, btc_pct: float) -> CryptoState:
    """BTC against an equity move.

    opposite directions → reversed; one side flat and the other not → decoupled;
    same direction and |BTC| ≥ |equity| → amplifying; otherwise (or both flat) → tracking.
    """
    eq, btc = direction(equity_pct), direction(btc_pct)
    if eq == 0 and btc == 0:
        return CryptoState.TRACKING
    if eq == 0 or btc == 0:
        return CryptoState.DECOUPLED
    if eq != btc:
        return CryptoState.REVERSED
    if abs(btc_pct) >= abs(equity_pct):
        return CryptoState.AMPLIFYING
    return CryptoState.TRACKING


def classify_crypto_scaled(equity_pct: float, btc_pct: float, equity_z: float | None,
                           btc_z: float | None) -> CryptoState:
    """``classify_crypto`` in each asset's own σ when both are known: BTC +0.9 % on a day
    when that is +0.3σ for it is quiet (decoupled from a falling equity market), not reversed;
    amplifying means BTC moved more of its own σ than the equity market did of its own."""
    if equity_z is None or btc_z is None:
        return classify_crypto(equity_pct, btc_pct)
    eq, btc = z_direction(equity_z), z_direction(btc_z)
    if eq == 0 and btc == 0:
        return CryptoState.TRACKING
    if eq == 0 or btc == 0:
        return CryptoState.DECOUPLED
    if eq != btc:
        return CryptoState.REVERSED
    if abs(btc_z) >= abs(equity_z):
        return CryptoState.AMPLIFYING
    return CryptoState.TRACKING


def move_ratio(asset_pct: float, base_pct: float) -> float | None:
    """Ratio of two session moves (a one-day move ratio, not a beta: ``comovement`` has the
    betas); undefined when the base move is flat."""
    if abs(base_pct) < FLAT_PCT:
        return None
    return asset_pct / base_pct


def verdict(directions: list[int]) -> Verdict:
    """Risk-on when every current market rose, risk-off when every one fell, fragmented when
    they split, neutral when none moved beyond ``FLAT_PCT``. Flat markets do not split a verdict.
    """
    if not directions:
        return Verdict.UNKNOWN
    ups, downs = directions.count(1), directions.count(-1)
    if ups and downs:
        return Verdict.FRAGMENTED
    if ups:
        return Verdict.RISK_ON
    if downs:
        return Verdict.RISK_OFF
    return Verdict.NEUTRAL


def prior_value(now: float, change_pct: float) -> float | None:
    """The value a day earlier implied by today's value and its change."""
    base = 1 + change_pct / 100
    if base <= 0:
        return None
    return now / base


def anomaly_reason(change_pct: float | None, prior_usd: float | None) -> str | None:
    """A move from a tiny base is an anomaly, not a signal."""
    if change_pct is None:
        return None
    if prior_usd is not None:
        if prior_usd < TINY_BASE_USD and change_pct >= TINY_BASE_MIN_CHANGE_PCT:
            return "tiny base"
        return None
    if abs(change_pct) >= ANOMALY_CHANGE_PCT:
        return "implausible move, base unknown"
    return None


def stablecoin_reading(net_usd: float, gross_usd: float, mixed: bool) -> str:
    """inflow / outflow when the net is a real share of the gross; rotation when coins swapped
    places with little net change; flat when the net is negligible and nothing moved."""
    if gross_usd < STABLE_FLAT_USD:
        return "flat"
    if mixed and abs(net_usd) < STABLE_NET_SHARE * gross_usd:
        return "rotation"
    if abs(net_usd) < STABLE_FLAT_USD:
        return "rotation" if mixed else "flat"
    return "inflow" if net_usd > 0 else "outflow"


def breadth_divergence(index_pct: float, advance_share_pct: float) -> bool:
    """An index rose while most stocks fell, or fell while most rose."""
    if direction(index_pct) > 0 and advance_share_pct < BREADTH_WEAK_SHARE_PCT:
        return True
    return direction(index_pct) < 0 and advance_share_pct > BREADTH_STRONG_SHARE_PCT


# --- risk conditions: one reading, in its own σ when the history gives one ------------------

def sharp_fall(change_pct: float, z: float | None) -> bool:
    """An index down at least ``STRONG_Z`` of its own σ; without a z, at least
    ``TECH_DRAWDOWN_PCT``."""
    return z <= -STRONG_Z if z is not None else change_pct <= TECH_DRAWDOWN_PCT


def strong_move(change_pct: float, z: float | None) -> bool:
    """A move of at least 1σ (with history) or ``STRONG_PCT`` (without): not a calm session."""
    return abs(z) >= 1.0 if z is not None else abs(change_pct) >= STRONG_PCT


def opposite_strong(a_pct: float, a_z: float | None, b_pct: float, b_z: float | None) -> bool:
    """Two markets on opposite sides, each by at least 1σ of its own; without both z, opposite
    directions at least ``REVERSAL_SPREAD_PP`` apart with each side past ``REVERSAL_MIN_PCT``."""
    if a_z is not None and b_z is not None:
        return a_z * b_z < 0 and abs(a_z) >= 1.0 and abs(b_z) >= 1.0
    return (direction(a_pct) * direction(b_pct) == -1
            and abs(a_pct - b_pct) >= REVERSAL_SPREAD_PP
            and min(abs(a_pct), abs(b_pct)) >= REVERSAL_MIN_PCT)


def stablecoin_outflow(net_usd: float, net_z: float | None) -> bool:
    """Net supply of the tracked stablecoins fell by more than ``STABLE_FLAT_USD``, and by at
    least 1σ of its own daily changes when the history gives one."""
    return net_usd <= -STABLE_FLAT_USD and (net_z is None or net_z <= -1.0)


def issuer_contraction(change_pct: float, z: float | None) -> bool:
    """One stablecoin's supply shrinking: ``STRONG_Z`` of its own σ, else
    ``STABLE_CONTRACTION_PCT`` in a day."""
    return z <= -STRONG_Z if z is not None else change_pct <= STABLE_CONTRACTION_PCT


def wide_split(spread_pp: float, spread_z: float | None) -> bool:
    """Two indices of one market apart by ``STRONG_Z`` σ (their z differ by that much); without
    both z, by ``SPLIT_PP``."""
    if spread_z is not None:
        return abs(spread_z) >= STRONG_Z
    return abs(spread_pp) >= SPLIT_PP


def severity(sigmas: float) -> str:
    """high at ``SEVERITY_HIGH_Z`` σ or more, medium at ``SEVERITY_MEDIUM_Z``, else low. A
    reading without history is counted in σ as ``FIXED_AS_Z`` per multiple of its threshold."""
    if sigmas >= SEVERITY_HIGH_Z:
        return "high"
    if sigmas >= SEVERITY_MEDIUM_Z:
        return "medium"
    return "low"


IMPACT_WEIGHT = {"high": 3.0, "medium": 2.0, "low": 1.0}
