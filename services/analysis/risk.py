"""The risk matrix: each risk is a named condition the day's figures trigger or not.

Each reading is measured in its own standard deviations when the history gives a z (severity
grows with it), else against its fixed threshold (``rules.FIXED_AS_Z`` σ per multiple). What
followed such days in the past is the base rate (``Analysis.base_rates["risk.<key>"]``), not a
probability. A trigger to watch is always something that has not happened yet: a level from
the history on the far side of the close, or a second session of the same kind.

Each rule's docstring gives its firing rate over the bundled history (2025-03 to 2026-03) with
the moves in their own σ, then with the fixed thresholds (a day without history); a condition
holding on more than half of the days (``rules.BACKGROUND_SHARE_PCT``) would be background, not
a risk. ``tests/unit/test_firing_rates.py`` recomputes them (``risk_history``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from services.analysis import rules
from services.analysis.moves import comparable, short_name
from services.analysis.watch import describe, near_level
from services.i18n.text import (
    Name,
    Text,
    count,
    day,
    gap,
    joined,
    pct,
    pp,
    said,
    sigma,
    usd,
)
from services.models.analysis import (
    CryptoAnalysis,
    CryptoState,
    EquityMarket,
    Evidence,
    Levels,
    LinkState,
    Move,
    Risk,
    Sentiment,
    Verdict,
    WatchLevel,
)

MAX_SIGMAS = 4.0  # a reading counts at most this many σ in the ranking
MAX_LISTED = 3  # moves named in one risk's evidence


@dataclass(frozen=True)
class RiskInputs:
    sentiment: Sentiment
    crypto: CryptoAnalysis
    us: EquityMarket
    hk: EquityMarket
    cn: EquityMarket
    warnings: tuple[str, ...]
    evidence: Mapping[str, Evidence] = field(default_factory=dict)
    levels: Mapping[str, Levels] = field(default_factory=dict)
    stable_net_z: float | None = None  # the net stablecoin change in its own σ
    stable_z: Mapping[str, float] = field(default_factory=dict)  # by coin symbol

    def z(self, move: Move | None) -> float | None:
        """The move's z, when the history read this very move (same change)."""
        found = self.evidence.get(move.id) if move is not None else None
        if move is None or found is None or found.change_pct != move.change_pct:
            return None
        return found.z


@dataclass(frozen=True)
class Reading:
    """How far past its line one reading is: in σ when ``z`` is known, else fixed."""

    sigmas: float
    scale: str
    intensity: float


def reading(z: float | None, value: float, threshold: float) -> Reading:
    intensity = abs(value / threshold) if threshold else 0.0
    if z is not None:
        return Reading(abs(z), "z", intensity)
    return Reading(rules.FIXED_AS_Z * intensity, "fixed", intensity)


def _risk(key: str, title: str, evidence: str, trigger: str, impact: str, found: Reading,
          level: WatchLevel | None = None, subject: str = "", subject_id: str = "") -> Risk:
    return Risk(key, title, evidence, trigger, impact, rules.severity(found.sigmas),
                found.sigmas, found.scale, found.intensity, rank_score(impact, found.sigmas),
                level, subject, subject_id)


def rank_score(impact: str, sigmas: float) -> float:
    """Impact first, then the reading's σ (capped at ``MAX_SIGMAS``): a high-impact risk ranks
    above every medium one."""
    return rules.IMPACT_WEIGHT[impact] * (MAX_SIGMAS + 1) + min(sigmas, MAX_SIGMAS)


def _name(move: Move) -> Name:
    return Name(move.id, short_name(move))


def _label(move: Move) -> Text:
    """The move's name as a level's owner (``HSI's 50-session average``)."""
    return said("{name}", name=_name(move))


def _move_text(x: RiskInputs, move: Move) -> Text:
    z = x.z(move)
    if z is not None:
        return said("{name} {change} ({sigma})", name=_name(move), change=pct(move.change_pct),
                    sigma=sigma(z))
    return said("{name} {change}", name=_name(move), change=pct(move.change_pct))


def _listed(x: RiskInputs, moves: list[Move]) -> Text:
    shown = [_move_text(x, m) for m in moves[:MAX_LISTED]]
    more = len(moves) - MAX_LISTED
    if more > 0:
        return said("{moves} and {n} more", moves=shown, n=more)
    return said("{moves}", moves=shown)


def _side(move: Move) -> str:
    """The side a move continues on: below for a fall, above for a rise."""
    return "below" if (move.change_pct or 0.0) < 0 else "above"


def _against(move: Move) -> str:
    return "above" if _side(move) == "below" else "below"


def hk_fails_us_lead(x: RiskInputs) -> Risk | None:
    """Hong Kong moved against the US session that led it (broken or muted) by ``SPLIT_PP``.

    Firing rate: 16.7% of 258 days in σ; 22.1% of 258 with the fixed
    thresholds."""
    link = next((link for link in x.sentiment.links if link.key == "us_hk"), None)
    if link is None or link.state not in (LinkState.BROKEN, LinkState.MUTED):
        return None
    if link.spread_pp is None or abs(link.spread_pp) < rules.SPLIT_PP:
        return None
    lead, follow = link.leader, link.follower
    if lead is None or follow is None:
        return None
    gap_z = (abs(link.follower_z - link.leader_z)
             if link.follower_z is not None and link.leader_z is not None else None)
    level = near_level(follow, x.levels, _side(follow), _label(follow))
    watch = (said("{level} in HSI's next session would confirm HK-specific pressure",
                  level=describe(level))
             if level else said("HSI's next session moving against the S&P 500 again would "
                                "confirm HK-specific pressure"))
    return _risk("hk_fails_us_lead", said("Hong Kong not following the US lead"),
                 said("{lead} {lead_change} ({lead_day}) vs {follow} {follow_change} "
                      "({follow_day}), a {gap} gap", lead=_name(lead),
                      lead_change=pct(lead.change_pct), lead_day=day(lead.session),
                      follow=_name(follow), follow_change=pct(follow.change_pct),
                      follow_day=day(follow.session), gap=gap(link.spread_pp)),
                 watch, "high", reading(gap_z, link.spread_pp, rules.SPLIT_PP), level,
                 _label(follow), follow.id)


def narrow_a_share_rally(x: RiskInputs) -> Risk | None:
    """An A-share index moved against most stocks (``rules.breadth_divergence``).

    Firing rate: not measured; the bundled history has no breadth."""
    b = x.cn.breadth
    if b is None or not b.divergence or b.advance_share_pct is None or not b.divergence_with:
        return None
    index = next((m for m in x.cn.moves if m.id == b.divergence_with), None)
    if index is None:
        return None
    rising = (index.change_pct or 0.0) > 0
    share = b.advance_share_pct
    intensity = (rules.BREADTH_WEAK_SHARE_PCT / max(share, 1.0) if rising
                 else share / rules.BREADTH_STRONG_SHARE_PCT)
    level = near_level(index, x.levels, _against(index), _label(index))
    end = (said("{level} would end it", level=describe(level)) if level else
           said("{name} reversing with breadth this weak would end it", name=_name(index)))
    return _risk(
        "narrow_breadth",
        said("A-share index move on narrow breadth") if rising else
        said("A-share index fell on firm breadth"),
        said("{name} {change} with {up} up / {down} down ({share} advancing)", name=_name(index),
             change=pct(index.change_pct), up=count(b.advancers), down=count(b.decliners),
             share=pct(share, 1, signed=False)),
        said("Advancers above {share} would confirm the move; {end}",
             share=pct(rules.BREADTH_WEAK_SHARE_PCT, 0, signed=False), end=end) if rising else
        said("Breadth holding above the index move signals rotation, not liquidation"),
        "medium", Reading(rules.FIXED_AS_Z * intensity, "fixed", intensity), level,
        _label(index), index.id)


def index_drawdown(x: RiskInputs) -> Risk | None:
    """An index fell sharply: at least ``STRONG_Z`` of its own σ (``rules.sharp_fall``), or
    ``TECH_DRAWDOWN_PCT`` without history.

    Firing rate: 14.7% of 259 days in σ; 18.9% of 259 with the fixed
    thresholds."""
    hits = [m for market in (x.us, x.hk, x.cn) for m in market.moves
            if m.kind in (None, "index") and comparable(m) and m.change_pct is not None
            and rules.sharp_fall(m.change_pct, x.z(m))]
    if not hits:
        return None

    def strength(m: Move) -> Reading:
        return reading(x.z(m), m.change_pct or 0.0, rules.TECH_DRAWDOWN_PCT)

    hits.sort(key=lambda m: -strength(m).sigmas)
    worst = hits[0]
    level = near_level(worst, x.levels, "below", _label(worst))
    line = (sigma(rules.STRONG_Z, 0, signed=False) if x.z(worst) is not None
            else pct(-rules.TECH_DRAWDOWN_PCT, 0, signed=False))
    watch = (said("{level} would turn a sharp day into a break of trend", level=describe(level))
             if level else
             said("Another session down {size} or more for {name} would mark a trend, not a "
                  "one-day shake-out", size=line, name=_name(worst)))
    return _risk("index_drawdown", said("{name} sharp fall", name=_name(worst)),
                 _listed(x, hits), watch,
                 "medium", strength(worst), level, _label(worst), worst.id)


def crypto_equity_snapback(x: RiskInputs) -> Risk | None:
    """BTC and an equity headline on opposite sides, each by at least 1σ of its own
    (``rules.opposite_strong``); without history, at least ``REVERSAL_SPREAD_PP`` apart with
    each side past ``REVERSAL_MIN_PCT``.

    Firing rate: 8.1% of 273 days in σ; 14.3% of 273 with the fixed
    thresholds."""
    links = [link for link in x.sentiment.crypto_links if link.state is CryptoState.REVERSED
             and link.equity.change_pct is not None and link.btc.change_pct is not None
             and rules.opposite_strong(link.btc.change_pct, x.z(link.btc),
                                       link.equity.change_pct, x.z(link.equity))]
    if not links:
        return None
    btc = links[0].btc
    btc_z = x.z(btc)

    def strength(equity: Move, spread: float) -> Reading:
        z = x.z(equity)
        if z is not None and btc_z is not None:
            return Reading(min(abs(z), abs(btc_z)), "z", abs(spread) / rules.REVERSAL_SPREAD_PP)
        return reading(None, spread, rules.REVERSAL_SPREAD_PP)

    found = max((strength(link.equity, link.spread_pp) for link in links),
                key=lambda r: r.sigmas)
    level = near_level(btc, x.levels, _against(btc), _label(btc))
    watch = (said("{level} would mean BTC turned with equities and closed the gap from the "
                  "crypto side", level=describe(level)) if level else
             said("BTC's next UTC day moving with equities would close these gaps from the "
                  "crypto side"))
    return _risk(
        "crypto_equity_snapback", said("Crypto and equities on opposite sides"),
        said("{btc} vs {equities}", btc=_move_text(x, btc), equities=[
            said("{move} ({spread})", move=_move_text(x, link.equity), spread=pp(link.spread_pp))
            for link in links]),
        watch, "medium", found, level, _label(btc), "BTC")


def stablecoin_outflow(x: RiskInputs) -> Risk | None:
    """Net supply of the tracked stablecoins fell by more than ``STABLE_FLAT_USD`` (and by 1σ
    of its own daily changes with history): dollars leaving crypto.

    Firing rate: 9.6% of 384 days in σ; 28.1% of 384 with the fixed
    thresholds."""
    s = x.crypto.stablecoins
    if s.net_change_usd is None or not rules.stablecoin_outflow(s.net_change_usd,
                                                                x.stable_net_z):
        return None
    falling = [f for f in s.flows if f.change_usd is not None and f.change_usd < 0]
    return _risk(
        "stablecoin_outflow", said("Net stablecoin outflow"),
        said("net {amount} in a day ({coins})", amount=usd(s.net_change_usd, signed=True),
             coins=[said("{coin} {change}", coin=f.symbol, change=usd(f.change_usd, signed=True))
                    for f in falling]),
        said("Another day of net outflow would mean dollars keep leaving crypto"),
        "medium", reading(x.stable_net_z, s.net_change_usd, -rules.STABLE_FLAT_USD))


def stablecoin_contraction(x: RiskInputs) -> Risk | None:
    """One stablecoin shrinking (``rules.issuer_contraction``: ``STRONG_Z`` σ of its own, else
    ``STABLE_CONTRACTION_PCT``) on a day without a net outflow: holders leaving one issuer.
    On a net outflow day the outflow is the risk, not the issuer.

    Firing rate: 4.7% of 384 days in σ; 19.5% of 384 with the fixed
    thresholds."""
    s = x.crypto.stablecoins
    if s.net_change_usd is None or rules.stablecoin_outflow(s.net_change_usd, x.stable_net_z):
        return None
    shrinking = [f for f in s.flows if f.change_pct is not None
                 and rules.issuer_contraction(f.change_pct, x.stable_z.get(f.symbol))]
    if not shrinking:
        return None

    def strength(symbol: str, change_pct: float) -> Reading:
        return reading(x.stable_z.get(symbol), change_pct, rules.STABLE_CONTRACTION_PCT)

    shrinking.sort(key=lambda f: -strength(f.symbol, f.change_pct or 0.0).sigmas)
    worst = shrinking[0]
    z = x.stable_z.get(worst.symbol)
    line = sigma(-rules.STRONG_Z) if z is not None else pct(rules.STABLE_CONTRACTION_PCT)
    return _risk(
        "stablecoin_contraction", said("{coin} supply contracting", coin=worst.symbol),
        said("{coins}, while net supply was {net}", coins=joined(
            [said("{coin} {change} ({pct}) to {supply}", coin=f.symbol,
                  change=usd(f.change_usd, signed=True), pct=pct(f.change_pct, 3),
                  supply=usd(f.supply_usd, digits=2)) for f in shrinking], "; "),
             net=usd(s.net_change_usd, signed=True)),
        said("Another day below {size} for {coin} would mean holders keep leaving that issuer",
             size=line, coin=worst.symbol),
        "medium", strength(worst.symbol, worst.change_pct or 0.0), None, worst.symbol,
        worst.symbol)


def broad_risk_off(x: RiskInputs) -> Risk | None:
    """Every current market fell (the verdict is risk-off, each move in its own σ).

    Firing rate: 23.0% of 256 days in σ; 15.2% of 256 with the fixed
    thresholds."""
    if x.sentiment.verdict is not Verdict.RISK_OFF:
        return None
    downs = [r.move for r in x.sentiment.rows if r.move is not None and comparable(r.move)
             and r.move.change_pct is not None and r.move.change_pct < 0]
    if not downs:
        return None

    def strength(m: Move) -> Reading:
        return reading(x.z(m), m.change_pct or 0.0, rules.STRONG_PCT)

    downs.sort(key=lambda m: -strength(m).sigmas)
    equities = [m for m in downs if m.market != "CRYPTO"]
    anchor = equities[0] if equities else downs[0]
    level = near_level(anchor, x.levels, "below", _label(anchor))
    watch = (said("{level} would turn de-risking into a trend", level=describe(level)) if level
             else said("Another risk-off session would turn de-risking into a trend"))
    return _risk("broad_risk_off", said("Broad risk-off"),
                 said("every market fell: {moves}", moves=[_move_text(x, m) for m in downs]),
                 watch,
                 "high", strength(downs[0]), level,
                 said("{names}", names=[_name(m) for m in downs]), anchor.id)


RULES: tuple[Callable[[RiskInputs], Risk | None], ...] = (
    broad_risk_off, hk_fails_us_lead, index_drawdown, narrow_a_share_rally,
    crypto_equity_snapback, stablecoin_outflow, stablecoin_contraction,
)


def risk_matrix(inputs: RiskInputs) -> tuple[Risk, ...]:
    """The triggered risks, ranked by impact, then by σ (``rank_score``)."""
    triggered = [risk for rule in RULES if (risk := rule(inputs)) is not None]
    return tuple(sorted(triggered, key=lambda r: -r.score))
