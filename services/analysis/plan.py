"""The action plan: ideas by risk appetite, each resting on a triggered risk or divergence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from services import format as fmt
from services.analysis import rules
from services.analysis.moves import short_name
from services.models.analysis import (
    CryptoAnalysis,
    CryptoState,
    Divergence,
    Idea,
    Risk,
    Sentiment,
    Verdict,
)

DISCLAIMER = ("For information only, computed from the listed market data; not investment "
              "advice. Markets move after this edition; check live prices and your own "
              "circumstances before acting.")

DEX_MOMENTUM_PCT = 50.0  # a non-anomalous DEX volume change at least this large is momentum
TVL_MOMENTUM_PCT = 10.0  # a category's average TVL change at least this large is momentum
MIN_CATEGORY_PROTOCOLS = 2  # a category average over fewer protocols is not a trend


@dataclass(frozen=True)
class PlanInputs:
    sentiment: Sentiment
    crypto: CryptoAnalysis
    divergences: tuple[Divergence, ...]
    risks: tuple[Risk, ...]

    def risk(self, key: str) -> Risk | None:
        return next((r for r in self.risks if r.key == key), None)

    def divergence(self, key: str) -> Divergence | None:
        return next((d for d in self.divergences if d.key == key), None)


def size_down_when_fragmented(x: PlanInputs) -> Idea | None:
    if x.sentiment.verdict not in (Verdict.FRAGMENTED, Verdict.RISK_OFF):
        return None
    return Idea("conservative",
                f"Run smaller positions than usual: the day's verdict is "
                f"{x.sentiment.verdict.value}",
                x.sentiment.verdict_reason, ("verdict",))


def light_hk_until_it_follows(x: PlanInputs) -> Idea | None:
    risk = x.risk("hk_fails_us_lead")
    if risk is None:
        return None
    return Idea("conservative", "Keep Hong Kong exposure light until HSI moves with the US lead",
                risk.evidence, (risk.key,))


def avoid_a_share_index_on_narrow_breadth(x: PlanInputs) -> Idea | None:
    risk = x.risk("narrow_breadth")
    if risk is None:
        return None
    return Idea("conservative",
                "Prefer selected A-share names over broad index products while breadth "
                "disagrees with the index", risk.evidence, (risk.key,))


def spread_stablecoin_issuer_risk(x: PlanInputs) -> Idea | None:
    risk = x.risk("stablecoin_contraction")
    if risk is None:
        return None
    return Idea("conservative",
                "Spread stablecoin balances across issuers and watch the shrinking token's "
                "supply daily", risk.evidence, (risk.key,))


def pair_intra_market_split(x: PlanInputs) -> Idea | None:
    d = x.divergence("chinext_sse")
    if d is None or abs(d.spread_pp) < rules.SPLIT_PP:
        return None
    strong, weak = (d.a_label, d.b_label) if d.spread_pp > 0 else (d.b_label, d.a_label)
    return Idea("moderate",
                f"Relative value: {strong} over {weak}, sized for a gap that can close as fast "
                f"as it opened",
                f"{d.a_label} {fmt.pct(d.a_pct)} vs {d.b_label} {fmt.pct(d.b_pct)} "
                f"({fmt.pp(d.spread_pp)})", (d.key,))


def pair_crypto_against_reversed_equity(x: PlanInputs) -> Idea | None:
    risk = x.risk("crypto_equity_snapback")
    links = [link for link in x.sentiment.crypto_links if link.state is CryptoState.REVERSED]
    if risk is None or not links:
        return None
    widest = max(links, key=lambda link: abs(link.spread_pp))
    side = "over" if widest.spread_pp > 0 else "under"
    return Idea("moderate",
                f"Pair trade: BTC {side} {short_name(widest.equity)} while their correlation is "
                f"broken; exit if BTC turns with equities",
                risk.evidence, (risk.key,))


def hedge_crypto_beta(x: PlanInputs) -> Idea | None:
    beta = x.sentiment.crypto_move_ratio_spx
    if x.sentiment.crypto_state is not CryptoState.AMPLIFYING or beta is None:
        return None
    return Idea("moderate",
                "Treat crypto as leveraged equity risk today: hedge crypto longs with an equity "
                "index hedge", f"BTC/S&P 500 one-day move ratio {fmt.ratio(beta)}",
                ("crypto_beta",))


def ride_dex_volume_momentum(x: PlanInputs) -> Idea | None:
    hot = [d for d in x.crypto.dexes if d.change_pct is not None and not d.anomaly
           and d.change_pct >= DEX_MOMENTUM_PCT]
    if not hot:
        return None
    return Idea("aggressive",
                "Momentum: follow the venues where DEX volume is surging, small size, exit when "
                "volume fades",
                ", ".join(f"{d.name} {fmt.pct(d.change_pct, 1)} to {fmt.usd(d.value_usd)}"
                          for d in hot), ("dex_volume",))


def ride_tvl_category_leader(x: PlanInputs) -> Idea | None:
    leaders = [c for c in x.crypto.categories
               if c.avg_change_pct is not None and c.avg_change_pct >= TVL_MOMENTUM_PCT
               and c.counted >= MIN_CATEGORY_PROTOCOLS]
    if not leaders:
        return None
    top = leaders[0]
    return Idea("aggressive",
                f"Sector momentum: the {top.category} category leads DeFi TVL growth; prefer its "
                f"strongest protocol ({top.leader})",
                f"{top.category} {fmt.pct(top.avg_change_pct, 1)} "
                + (f"TVL-weighted over {top.counted} protocols" if top.weighted else
                   f"average over {top.counted} listed protocols"), ("tvl_categories",))


def hk_catch_up(x: PlanInputs) -> Idea | None:
    risk = x.risk("hk_fails_us_lead")
    if risk is None:
        return None
    return Idea("aggressive",
                "Contrarian: an HK catch-up trade, entered only if the next HK session turns "
                "with the US", risk.evidence, (risk.key,))


def hold_when_calm(x: PlanInputs) -> Idea | None:
    if x.risks:
        return None
    return Idea("conservative", "No stress condition triggered: hold core positions",
                x.sentiment.verdict_reason, ("verdict",))


RULES: tuple[Callable[[PlanInputs], Idea | None], ...] = (
    size_down_when_fragmented, light_hk_until_it_follows, avoid_a_share_index_on_narrow_breadth,
    spread_stablecoin_issuer_risk, hold_when_calm,
    pair_intra_market_split, pair_crypto_against_reversed_equity, hedge_crypto_beta,
    ride_dex_volume_momentum, ride_tvl_category_leader, hk_catch_up,
)


def action_plan(inputs: PlanInputs) -> tuple[Idea, ...]:
    return tuple(idea for rule in RULES if (idea := rule(inputs)) is not None)
