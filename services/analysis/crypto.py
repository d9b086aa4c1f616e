"""Crypto and DeFi: price action, stablecoin supply, TVL by category, DEX volume, anomalies."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from services.analysis import rules
from services.models.analysis import (
    CategoryMove,
    CryptoAnalysis,
    Move,
    Mover,
    StablecoinFlow,
    StablecoinSummary,
)
from services.models.snapshot import (
    NOT_DEFI_CATEGORIES,
    DefiCategory,
    MarketSnapshot,
    Stablecoin,
)

# Of the data path's full category list, the largest by TVL are shown (then ranked by move).
MAX_CATEGORIES = 10


def stablecoin_flow(coin: Stablecoin) -> StablecoinFlow:
    """Change in USD = supply now − supply a day earlier, the latter implied by the 1-day %."""
    prior = change = None
    if coin.circulating_usd is not None and coin.change_pct_1d is not None:
        prior = rules.prior_value(coin.circulating_usd, coin.change_pct_1d)
        change = None if prior is None else coin.circulating_usd - prior
    return StablecoinFlow(coin.symbol, coin.circulating_usd, coin.change_pct_1d, prior, change)


def summarize_stablecoins(coins: Iterable[Stablecoin]) -> StablecoinSummary:
    flows = tuple(stablecoin_flow(c) for c in coins)
    known = [f.change_usd for f in flows if f.change_usd is not None]
    missing = tuple(f.symbol for f in flows if f.change_usd is None)
    supplies = [f.supply_usd for f in flows]
    total = sum(s for s in supplies if s is not None) if all(
        s is not None for s in supplies) and supplies else None
    if not flows or missing:
        # A net over some coins only would be a different figure: show the parts, not a net.
        gross = sum(abs(c) for c in known) if known else None
        return StablecoinSummary(flows, None, gross, total, "unknown",
                                 _mixed(known), missing)
    net = sum(known)
    gross = sum(abs(c) for c in known)
    mixed = _mixed(known)
    return StablecoinSummary(flows, net, gross, total, rules.stablecoin_reading(net, gross, mixed),
                             mixed, ())


def _mixed(changes: list[float]) -> bool:
    return any(c > 0 for c in changes) and any(c < 0 for c in changes)


def mover(name: str, group: str | None, value: float | None, change_pct: float | None) -> Mover:
    prior = change = None
    if value is not None and change_pct is not None:
        prior = rules.prior_value(value, change_pct)
        change = None if prior is None else value - prior
    reason = rules.anomaly_reason(change_pct, prior)
    return Mover(name, group, value, change_pct, prior, change, reason is not None, reason)


def by_magnitude(movers: Iterable[Mover]) -> tuple[Mover, ...]:
    """Largest absolute change first; unknown changes last."""
    return tuple(sorted(movers, key=lambda m: -abs(m.change_pct) if m.change_pct is not None
                        else float("inf")))


def weighted_categories(rows: tuple[DefiCategory, ...], protocols: tuple[Mover, ...]
                        ) -> tuple[CategoryMove, ...]:
    """The largest DeFi categories by TVL, each with its TVL-weighted move over every protocol
    DefiLlama lists in it; leader, laggard and anomalies from the listed protocols."""
    kept = sorted((r for r in rows if r.category not in NOT_DEFI_CATEGORIES),
                  key=lambda r: -(r.tvl_usd or 0.0))[:MAX_CATEGORIES]
    result = []
    for row in kept:
        members = [m for m in protocols if (m.group or "Uncategorised") == row.category]
        ranked = sorted((m for m in members if not m.anomaly and m.change_pct is not None),
                        key=lambda m: m.change_pct or 0.0)
        result.append(CategoryMove(
            category=row.category, count=row.protocols or len(members),
            counted=row.counted or 0, avg_change_pct=row.change_pct_1d, tvl_usd=row.tvl_usd,
            change_usd=row.change_usd_1d,
            leader=ranked[-1].name if ranked else None,
            laggard=ranked[0].name if len(ranked) > 1 else None,
            anomalies=tuple(m.name for m in members if m.anomaly), weighted=True))
    return _by_move(result)


def _by_move(found: list[CategoryMove]) -> tuple[CategoryMove, ...]:
    return tuple(sorted(found, key=lambda c: -(c.avg_change_pct if c.avg_change_pct is not None
                                                else float("-inf"))))


def categories(protocols: tuple[Mover, ...]) -> tuple[CategoryMove, ...]:
    """Unweighted means of the listed protocols (a snapshot without ``defi_categories``)."""
    groups: dict[str, list[Mover]] = defaultdict(list)
    for p in protocols:
        groups[p.group or "Uncategorised"].append(p)
    result = []
    for name, members in groups.items():
        counted = [m for m in members if not m.anomaly and m.change_pct is not None]
        avg = (sum(m.change_pct for m in counted if m.change_pct is not None) / len(counted)
               if counted else None)
        full = counted and all(m.value_usd is not None and m.change_usd is not None
                               for m in counted)
        tvl = sum(m.value_usd or 0.0 for m in counted) if full else None
        delta = sum(m.change_usd or 0.0 for m in counted) if full else None
        ranked = sorted(counted, key=lambda m: m.change_pct or 0.0)
        result.append(CategoryMove(
            category=name, count=len(members), counted=len(counted), avg_change_pct=avg,
            tvl_usd=tvl, change_usd=delta,
            leader=ranked[-1].name if ranked else None,
            laggard=ranked[0].name if len(ranked) > 1 else None,
            anomalies=tuple(m.name for m in members if m.anomaly)))
    return _by_move(result)


def analyze_crypto(snapshot: MarketSnapshot, moves: dict[str, Move]) -> CryptoAnalysis:
    btc, eth = moves.get("BTC"), moves.get("ETH")
    others = tuple(m for m in moves.values() if m.market == "CRYPTO" and m.id not in ("BTC", "ETH"))
    protocols = by_magnitude(mover(p.name, p.category, p.tvl_usd, p.change_pct_1d)
                             for p in snapshot.protocols
                             if p.category not in NOT_DEFI_CATEGORIES)  # exchanges, chains
    dexes = by_magnitude(mover(d.name, None, d.volume_usd_1d, d.change_pct_1d)
                         for d in snapshot.dexes)
    market = snapshot.crypto_market
    spread = (eth.change_pct - btc.change_pct
              if btc and eth and btc.change_pct is not None and eth.change_pct is not None
              else None)
    return CryptoAnalysis(
        btc=btc, eth=eth, others=others,
        total_market_cap_usd=market.total_market_cap_usd if market else None,
        market_cap_change_pct=market.market_cap_change_pct if market else None,
        total_volume_usd=market.total_volume_usd if market else None,
        as_of=market.as_of if market else None,
        eth_btc_spread_pp=spread,
        stablecoins=summarize_stablecoins(snapshot.stablecoins),
        categories=(weighted_categories(snapshot.defi_categories, protocols)
                    if snapshot.defi_categories else categories(protocols)),
        protocols=protocols,
        dexes=dexes,
        anomalies=tuple(m for m in protocols + dexes if m.anomaly))
