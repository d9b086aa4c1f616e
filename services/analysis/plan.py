"""The action plan: ideas by risk appetite, each resting on a triggered risk or a reading.

Each idea names its instrument, a level from the history (the nearest moving average or
52-week extreme; none without history), a horizon and its evidence. An idea that adds risk on
a risk-off day, or cuts it on a risk-on day, contradicts the verdict and is left out
(``contradicts``). Each rule's docstring gives its firing rate over the bundled history where
it can be read there (``risk_history.PLAN_CONDITIONS``; the rules resting on a risk fire with
it, and the risk's docstring has the rate).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from services.analysis import rules
from services.analysis.moves import SHORT_NAME, short_name
from services.analysis.watch import nearest
from services.i18n.text import Name, Text, pct, pp, ratio, said, usd
from services.models.analysis import (
    CryptoAnalysis,
    CryptoState,
    Divergence,
    Evidence,
    Idea,
    Levels,
    Move,
    Risk,
    Sentiment,
    Verdict,
    WatchLevel,
)

DISCLAIMER = said("For information only, computed from the listed market data; not "
                  "investment advice. Markets move after this edition; check live prices and "
                  "your own circumstances before acting.")

DEX_MOMENTUM_PCT = 50.0  # a non-anomalous DEX volume change at least this large is momentum
TVL_MOMENTUM_PCT = 10.0  # a category's average TVL change at least this large is momentum
MIN_CATEGORY_PROTOCOLS = 2  # a category average over fewer protocols is not a trend

ADD, REDUCE, RELATIVE, HOLD = "add", "reduce", "relative", "hold"


@dataclass(frozen=True)
class PlanInputs:
    sentiment: Sentiment
    crypto: CryptoAnalysis
    divergences: tuple[Divergence, ...]
    risks: tuple[Risk, ...]
    evidence: Mapping[str, Evidence] = field(default_factory=dict)
    levels: Mapping[str, Levels] = field(default_factory=dict)

    def risk(self, key: str) -> Risk | None:
        return next((r for r in self.risks if r.key == key), None)

    def divergence(self, key: str) -> Divergence | None:
        return next((d for d in self.divergences if d.key == key), None)

    def z(self, move: Move | None) -> float | None:
        found = self.evidence.get(move.id) if move is not None else None
        if move is None or found is None or found.change_pct != move.change_pct:
            return None
        return found.z

    def level(self, quote_id: str, side: str, label: str) -> WatchLevel | None:
        return nearest(self.levels.get(quote_id), side, label)


def _name(move: Move) -> Name:
    return Name(move.id, short_name(move))


def _named(quote_id: str) -> Text:
    """A quote by its name in the reader's language (a level's owner, an instrument)."""
    return said("{name}", name=Name(quote_id, SHORT_NAME.get(quote_id, quote_id)))


def contradicts(idea: Idea, verdict: Verdict) -> bool:
    """Adding risk on a risk-off day, or cutting it on a risk-on day."""
    return ((verdict is Verdict.RISK_OFF and idea.stance == ADD)
            or (verdict is Verdict.RISK_ON and idea.stance == REDUCE))


def size_down_when_fragmented(x: PlanInputs) -> Idea | None:
    """Smaller positions when every market fell (broad risk-off), or when markets split and an
    index fell sharply; a split alone is the usual state of things.

    Firing rate: 31.4% of 258 days in σ; 27.1% of 258 with the fixed
    thresholds."""
    risk = x.risk("broad_risk_off")
    if risk is None and x.sentiment.verdict is Verdict.FRAGMENTED:
        risk = x.risk("index_drawdown")
    if risk is None:
        return None
    level = x.level(risk.subject_id, "above", risk.level.label if risk.level else
                    _named(risk.subject_id))
    return Idea("conservative", said("Run smaller positions than usual in the markets that fell"),
                risk.evidence, (risk.key,), instrument=risk.subject,
                horizon=said("until a session closes back above the level") if level else
                said("the next few sessions"), level=level, stance=REDUCE)


def light_hk_until_it_follows(x: PlanInputs) -> Idea | None:
    """Rests on ``hk_fails_us_lead`` (fires with it)."""
    risk = x.risk("hk_fails_us_lead")
    if risk is None:
        return None
    return Idea("conservative",
                said("Keep Hong Kong exposure light until HSI moves with the US lead"),
                risk.evidence, (risk.key,), instrument=_named("HSI"),
                horizon=said("the next HK session"),
                level=x.level("HSI", "above" if _fell(x, "us_hk") else "below", _named("HSI")),
                stance=REDUCE)


def _fell(x: PlanInputs, link_key: str) -> bool:
    """Whether the follower of the chain link fell."""
    link = next((link for link in x.sentiment.links if link.key == link_key), None)
    follower = link.follower if link is not None else None
    return follower is not None and (follower.change_pct or 0.0) < 0


def avoid_a_share_index_on_narrow_breadth(x: PlanInputs) -> Idea | None:
    """Rests on ``narrow_breadth`` (no breadth history: rate not measured)."""
    risk = x.risk("narrow_breadth")
    if risk is None:
        return None
    return Idea("conservative",
                said("Prefer selected A-share names over broad index products while breadth "
                     "disagrees with the index"), risk.evidence, (risk.key,),
                instrument=risk.subject,
                horizon=said("until advancers pass {share}",
                             share=pct(rules.BREADTH_WEAK_SHARE_PCT, 0, signed=False)),
                level=x.level(risk.subject_id, "below", risk.subject), stance=RELATIVE)


def spread_stablecoin_issuer_risk(x: PlanInputs) -> Idea | None:
    """Rests on ``stablecoin_contraction`` (fires with it)."""
    risk = x.risk("stablecoin_contraction")
    if risk is None:
        return None
    level = x.level(f"{risk.subject}_SUPPLY", "below", said("{coin} supply",
                                                            coin=risk.subject))
    return Idea("conservative",
                said("Spread stablecoin balances across issuers and watch {coin}'s supply daily",
                     coin=risk.subject), risk.evidence, (risk.key,), instrument=risk.subject,
                horizon=said("daily, until its supply stops shrinking"), level=level,
                stance=RELATIVE)


def lighten_crypto_on_outflow(x: PlanInputs) -> Idea | None:
    """Rests on ``stablecoin_outflow`` (fires with it)."""
    risk = x.risk("stablecoin_outflow")
    if risk is None or x.crypto.btc is None:
        return None
    btc = x.crypto.btc
    level = x.level("BTC", "below", _named("BTC"))
    return Idea("conservative", said("Keep crypto exposure light while dollars leave stablecoins"),
                risk.evidence, (risk.key,), instrument=said("{name}", name=_name(btc)),
                horizon=said("the next few UTC days"), level=level, stance=REDUCE)


def pair_intra_market_split(x: PlanInputs) -> Idea | None:
    """ChiNext and the SSE far apart (``rules.wide_split``: 2σ between their z, else
    ``SPLIT_PP``).

    Firing rate: 6.7% of 255 days in σ; 34.9% of 255 with the fixed
    thresholds."""
    d = x.divergence("chinext_sse")
    if d is None or not rules.wide_split(d.spread_pp, d.spread_z):
        return None
    strong, weak = (d.a_label, d.b_label) if d.spread_pp > 0 else (d.b_label, d.a_label)
    strong_id = "CHINEXT" if strong == d.a_label else "SSE"
    return Idea("moderate",
                said("Relative value: {strong} over {weak}, sized for a gap that can close as "
                     "fast as it opened", strong=strong, weak=weak),
                said("{a} {a_change} vs {b} {b_change} ({spread})", a=d.a_label,
                     a_change=pct(d.a_pct), b=d.b_label, b_change=pct(d.b_pct),
                     spread=pp(d.spread_pp)), (d.key,),
                instrument=said("{a} vs {b}", a=strong, b=weak),
                horizon=said("up to a week of sessions"),
                level=x.level(strong_id, "below", strong), stance=RELATIVE)


def pair_crypto_against_reversed_equity(x: PlanInputs) -> Idea | None:
    """Rests on ``crypto_equity_snapback`` (fires with it)."""
    risk = x.risk("crypto_equity_snapback")
    links = [link for link in x.sentiment.crypto_links if link.state is CryptoState.REVERSED]
    if risk is None or not links:
        return None
    widest = max(links, key=lambda link: abs(link.spread_pp))
    equity = _name(widest.equity)
    return Idea("moderate",
                said("Pair trade: BTC over {name} while they move apart; exit if BTC turns with "
                     "equities", name=equity) if widest.spread_pp > 0 else
                said("Pair trade: BTC under {name} while they move apart; exit if BTC turns with "
                     "equities", name=equity),
                risk.evidence, (risk.key,),
                instrument=said("BTC vs {name}", name=equity),
                horizon=said("the next few sessions"),
                level=x.level("BTC", "below" if widest.spread_pp > 0 else "above",
                              _named("BTC")),
                stance=RELATIVE)


def hedge_crypto_beta(x: PlanInputs) -> Idea | None:
    """BTC amplified a strong S&P 500 session (1σ, else ``STRONG_PCT``): a calm day's ratio of
    two small moves says nothing.

    Firing rate: 16.3% of 264 days in σ; 11.7% of 264 with the fixed
    thresholds."""
    spx = next((link.equity for link in x.sentiment.crypto_links if link.equity.id == "SPX"),
               None)
    move_ratio = x.sentiment.crypto_move_ratio_spx
    if (x.sentiment.crypto_state is not CryptoState.AMPLIFYING or spx is None
            or spx.change_pct is None or move_ratio is None
            or not rules.strong_move(spx.change_pct, x.z(spx))):
        return None
    return Idea("moderate",
                said("Treat crypto as leveraged equity risk: hedge crypto longs with an equity "
                     "index hedge"),
                said("BTC/S&P 500 one-day move ratio {ratio} on a {change} S&P 500 session",
                     ratio=ratio(move_ratio), change=pct(spx.change_pct)),
                ("crypto_move_ratio",),
                instrument=said("BTC against the S&P 500"),
                horizon=said("the next few sessions"),
                level=x.level("SPX", "below" if spx.change_pct < 0 else "above",
                              _named("SPX")),
                stance=REDUCE)


def ride_dex_volume_momentum(x: PlanInputs) -> Idea | None:
    """DEX volume surging while BTC is not falling (on a falling day a surge is selling).
    Not measured over the history: it has no DEX volume."""
    btc = x.crypto.btc
    if btc is None or btc.change_pct is None or btc.change_pct < 0:
        return None
    hot = [d for d in x.crypto.dexes if d.change_pct is not None and not d.anomaly
           and d.change_pct >= DEX_MOMENTUM_PCT]
    if not hot:
        return None
    return Idea("aggressive",
                said("Momentum: follow the venues where DEX volume is surging, small size, exit "
                     "when volume fades"),
                said("{venues}", venues=[said("{name} {change} to {volume}", name=d.name,
                                              change=pct(d.change_pct, 1),
                                              volume=usd(d.value_usd)) for d in hot]),
                ("dex_volume",),
                instrument=said("{names}", names=[d.name for d in hot]),
                horizon=said("the next few days"),
                level=x.level("BTC", "below", _named("BTC")), stance=ADD)


def ride_tvl_category_leader(x: PlanInputs) -> Idea | None:
    """A DeFi category's TVL up ``TVL_MOMENTUM_PCT`` over at least two protocols. Not measured
    over the history: it has no TVL by category."""
    leaders = [c for c in x.crypto.categories
               if c.avg_change_pct is not None and c.avg_change_pct >= TVL_MOMENTUM_PCT
               and c.counted >= MIN_CATEGORY_PROTOCOLS]
    if not leaders:
        return None
    top = leaders[0]
    return Idea("aggressive",
                said("Sector momentum: the {category} category leads DeFi TVL growth; prefer its "
                     "strongest protocol", category=top.category),
                said("{category} {change} TVL-weighted over {n} protocols", category=top.category,
                     change=pct(top.avg_change_pct, 1), n=top.counted) if top.weighted else
                said("{category} {change} average over {n} listed protocols",
                     category=top.category, change=pct(top.avg_change_pct, 1), n=top.counted),
                ("tvl_categories",),
                instrument=f"{top.leader} ({top.category})" if top.leader else top.category,
                horizon=said("up to a week"),
                level=x.level("ETH", "below", _named("ETH")), stance=ADD)


def hk_catch_up(x: PlanInputs) -> Idea | None:
    """Rests on ``hk_fails_us_lead``, when Hong Kong fell against a rising US lead."""
    risk = x.risk("hk_fails_us_lead")
    link = next((link for link in x.sentiment.links if link.key == "us_hk"), None)
    if risk is None or link is None or link.leader is None or link.follower is None:
        return None
    if (link.leader.change_pct or 0.0) <= 0 or (link.follower.change_pct or 0.0) >= 0:
        return None
    return Idea("aggressive",
                said("Contrarian: an HK catch-up trade, entered only if the next HK session "
                     "turns with the US"), risk.evidence, (risk.key,), instrument=_named("HSI"),
                horizon=said("the next HK session"),
                level=x.level("HSI", "above", _named("HSI")), stance=ADD)


def hold_when_calm(x: PlanInputs) -> Idea | None:
    """No risk triggered."""
    if x.risks:
        return None
    return Idea("conservative", said("No stress condition triggered: hold core positions"),
                x.sentiment.verdict_reason, ("verdict",), instrument=said("core positions"),
                horizon=said("until the next edition"), stance=HOLD)


RULES: tuple[Callable[[PlanInputs], Idea | None], ...] = (
    size_down_when_fragmented, light_hk_until_it_follows, avoid_a_share_index_on_narrow_breadth,
    spread_stablecoin_issuer_risk, lighten_crypto_on_outflow, hold_when_calm,
    pair_intra_market_split, pair_crypto_against_reversed_equity, hedge_crypto_beta,
    ride_dex_volume_momentum, ride_tvl_category_leader, hk_catch_up,
)


def action_plan(inputs: PlanInputs) -> tuple[Idea, ...]:
    """Every idea the day's figures trigger that does not contradict the verdict."""
    verdict = inputs.sentiment.verdict
    return tuple(idea for rule in RULES if (idea := rule(inputs)) is not None
                 and not contradicts(idea, verdict))
