"""The risk matrix: each risk is a named condition that either triggers on the day's figures
or does not. Likelihood is qualitative (``rules.likelihood``); no probability is computed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from services import format as fmt
from services.analysis import rules
from services.analysis.coverage import grouped
from services.analysis.moves import short_name
from services.models.analysis import (
    CryptoAnalysis,
    CryptoState,
    EquityMarket,
    LinkState,
    Risk,
    Sentiment,
    Verdict,
)


@dataclass(frozen=True)
class RiskInputs:
    sentiment: Sentiment
    crypto: CryptoAnalysis
    us: EquityMarket
    hk: EquityMarket
    cn: EquityMarket
    warnings: tuple[str, ...]


def _risk(key: str, title: str, evidence: str, trigger: str, impact: str, intensity: float
          ) -> Risk:
    return Risk(key, title, evidence, trigger, impact, rules.likelihood(intensity), intensity,
                rules.IMPACT_WEIGHT[impact] * min(intensity, 3.0))


def hk_fails_us_lead(x: RiskInputs) -> Risk | None:
    link = next(link for link in x.sentiment.links if link.key == "us_hk")
    if link.state not in (LinkState.BROKEN, LinkState.MUTED) or link.spread_pp is None:
        return None
    if abs(link.spread_pp) < rules.SPLIT_PP or not link.leader or not link.follower:
        return None
    lead, follow = link.leader, link.follower
    return _risk(
        "hk_fails_us_lead", "Hong Kong not following the US lead",
        f"{short_name(lead)} {fmt.pct(lead.change_pct)} vs {short_name(follow)} "
        f"{fmt.pct(follow.change_pct)} (a {fmt.gap(link.spread_pp)} gap)",
        "HSI's next session: another move against the S&P 500 confirms HK-specific pressure",
        "high", abs(link.spread_pp) / rules.SPLIT_PP)


def narrow_a_share_rally(x: RiskInputs) -> Risk | None:
    b = x.cn.breadth
    if b is None or not b.divergence or b.advance_share_pct is None or not b.divergence_with:
        return None
    index = next(m for m in x.cn.moves if m.id == b.divergence_with)
    rising = (index.change_pct or 0.0) > 0
    share = b.advance_share_pct
    intensity = (rules.BREADTH_WEAK_SHARE_PCT / max(share, 1.0) if rising
                 else share / rules.BREADTH_STRONG_SHARE_PCT)
    return _risk(
        "narrow_breadth",
        "A-share index move on narrow breadth" if rising else "A-share index fell on firm breadth",
        f"{short_name(index)} {fmt.pct(index.change_pct)} with {fmt.count(b.advancers)} up / "
        f"{fmt.count(b.decliners)} down ({fmt.pct(share, 1, signed=False)} advancing)",
        f"Advancers above {fmt.pct(rules.BREADTH_WEAK_SHARE_PCT, 0, signed=False)} would confirm "
        f"the move; {short_name(index)} reversing with breadth this weak would end it"
        if rising else "Breadth holding above the index move signals rotation, not liquidation",
        "medium", intensity)


def index_drawdown(x: RiskInputs) -> Risk | None:
    hits = [m for market in (x.us, x.hk, x.cn) for m in market.moves
            if m.kind in (None, "index") and m.change_pct is not None and not m.closed
            and m.change_pct <= rules.TECH_DRAWDOWN_PCT]
    if not hits:
        return None
    worst = min(hits, key=lambda m: m.change_pct or 0.0)
    return _risk(
        "index_drawdown", f"{short_name(worst)} drawdown",
        ", ".join(f"{short_name(m)} {fmt.pct(m.change_pct)}" for m in hits),
        f"A second session below {fmt.pct(rules.TECH_DRAWDOWN_PCT)} for {short_name(worst)} "
        f"would mark a trend, not a one-day shake-out",
        "medium", (worst.change_pct or 0.0) / rules.TECH_DRAWDOWN_PCT)


def crypto_equity_snapback(x: RiskInputs) -> Risk | None:
    links = [link for link in x.sentiment.crypto_links if link.state is CryptoState.REVERSED
             and abs(link.spread_pp) >= rules.REVERSAL_SPREAD_PP]
    if not links:
        return None
    widest = max(abs(link.spread_pp) for link in links)
    btc = links[0].btc
    return _risk(
        "crypto_equity_snapback", "Crypto-equity correlation snapping back",
        f"BTC {fmt.pct(btc.change_pct)} vs " + ", ".join(
            f"{short_name(link.equity)} {fmt.pct(link.equity.change_pct)} "
            f"({fmt.pp(link.spread_pp)})" for link in links),
        "BTC turning with equities on the next risk-off day would close these gaps from the "
        "crypto side",
        "medium", widest / rules.REVERSAL_SPREAD_PP)


def stablecoin_contraction(x: RiskInputs) -> Risk | None:
    shrinking = [f for f in x.crypto.stablecoins.flows
                 if f.change_pct is not None and f.change_pct <= rules.STABLE_CONTRACTION_PCT]
    if not shrinking:
        return None
    worst = min(shrinking, key=lambda f: f.change_pct or 0.0)
    return _risk(
        "stablecoin_contraction", f"{worst.symbol} supply contracting",
        "; ".join(f"{f.symbol} {fmt.usd(f.change_usd, signed=True)} "
                  f"({fmt.pct(f.change_pct, 3)}) to {fmt.usd(f.supply_usd, digits=2)}"
                  for f in shrinking),
        f"Another day below {fmt.pct(rules.STABLE_CONTRACTION_PCT)} for {worst.symbol}, or net "
        f"stablecoin supply turning negative, would mean dollars leaving crypto",
        "high", (worst.change_pct or 0.0) / rules.STABLE_CONTRACTION_PCT)


def broad_risk_off(x: RiskInputs) -> Risk | None:
    if x.sentiment.verdict is not Verdict.RISK_OFF:
        return None
    downs = [r.move.change_pct for r in x.sentiment.rows
             if r.move and r.move.change_pct is not None and not r.move.closed]
    worst = min(downs) if downs else -rules.STRONG_PCT
    return _risk("broad_risk_off", "Broad risk-off", x.sentiment.verdict_reason,
                 "A second risk-off day across markets would turn de-risking into a trend",
                 "high", abs(worst) / rules.STRONG_PCT)


def data_anomalies(x: RiskInputs) -> Risk | None:
    if not x.crypto.anomalies:
        return None
    return _risk(
        "data_anomalies", "Anomalous DeFi figures excluded",
        "; ".join(f"{m.name} {fmt.pct(m.change_pct, 1)} ({m.anomaly_reason})"
                  for m in x.crypto.anomalies),
        "Check these against the protocol's own dashboard before reading them as flows",
        "low", 1.0)


def coverage_gaps(x: RiskInputs) -> Risk | None:
    if not x.warnings:
        return None
    return _risk("coverage_gaps", "Missing inputs", "; ".join(grouped(x.warnings)),
                 "Conclusions that rest on the missing figures are left out of this edition",
                 "low", 1.0)


RULES: tuple[Callable[[RiskInputs], Risk | None], ...] = (
    hk_fails_us_lead, narrow_a_share_rally, index_drawdown, crypto_equity_snapback,
    stablecoin_contraction, broad_risk_off, data_anomalies, coverage_gaps,
)


def risk_matrix(inputs: RiskInputs) -> tuple[Risk, ...]:
    triggered = [risk for rule in RULES if (risk := rule(inputs)) is not None]
    return tuple(sorted(triggered, key=lambda r: -r.score))
