"""The capital flow map: a tree drawn only from the day's figures."""

from __future__ import annotations

from services import format as fmt
from services.analysis.moves import short_name
from services.models.analysis import CryptoAnalysis, EquityMarket, FlowNode, Move
from services.models.snapshot import BREADTH_SCOPE

TOP_CATEGORIES = 4
TOP_DEXES = 3


def _move(move: Move | None) -> str:
    if move is None:
        return fmt.MISSING
    text = f"{short_name(move)} {fmt.pct(move.change_pct)}"
    if move.closed:
        text += f" (closed - last session {fmt.day(move.session)})"
    return text


def stablecoin_node(crypto: CryptoAnalysis) -> FlowNode:
    s = crypto.stablecoins
    if not s.flows:
        return FlowNode("Stablecoins", "supply data missing")
    head = (f"net {fmt.usd(s.net_change_usd, signed=True)} in a day ({s.reading})"
            if s.net_change_usd is not None else
            f"net change unknown: {', '.join(s.missing)} missing")
    children = tuple(FlowNode(f.symbol, f"{fmt.usd(f.change_usd, signed=True)} "
                                        f"({fmt.pct(f.change_pct, 3)}) to "
                                        f"{fmt.usd(f.supply_usd, digits=2)}")
                     for f in s.flows)
    return FlowNode("Stablecoins", head, children)


def crypto_node(crypto: CryptoAnalysis) -> FlowNode:
    cap = (f"total cap {fmt.usd(crypto.total_market_cap_usd)} "
           f"({fmt.pct(crypto.market_cap_change_pct)}), 24h volume "
           f"{fmt.usd(crypto.total_volume_usd)}")
    children = [FlowNode("Majors", " · ".join(_move(m) for m in (crypto.btc, crypto.eth)))]
    cats = [c for c in crypto.categories if c.avg_change_pct is not None][:TOP_CATEGORIES]
    if cats:
        children.append(FlowNode("DeFi TVL by category", " · ".join(
            f"{c.category} {fmt.pct(c.avg_change_pct, 1)}" for c in cats)))
    dexes = [d for d in crypto.dexes if d.change_pct is not None and not d.anomaly][:TOP_DEXES]
    if dexes:
        children.append(FlowNode("DEX volume", " · ".join(
            f"{d.name} {fmt.pct(d.change_pct, 1)}" for d in dexes)))
    return FlowNode("Crypto", cap, tuple(children))


def equity_node(us: EquityMarket, hk: EquityMarket, cn: EquityMarket) -> FlowNode:
    children = []
    for label, market in (("US", us), ("Hong Kong", hk), ("A-shares", cn)):
        parts = [_move(m) for m in market.moves if m.kind in (None, "index")]
        detail = " · ".join(parts) if parts else fmt.MISSING
        extra = []
        if market.breadth and market.breadth.advancers is not None:
            extra.append(f"{fmt.count(market.breadth.advancers)} up / "
                         f"{fmt.count(market.breadth.decliners)} down ({BREADTH_SCOPE})")
        if market.turnover_cny is not None:
            extra.append(f"turnover {fmt.cny(market.turnover_cny)}")
        if market.sectors is not None:
            extra.append(f"defensive {fmt.pct(market.sectors.defensive_avg_pct)} vs growth "
                         f"{fmt.pct(market.sectors.growth_avg_pct)}")
        node_children = (FlowNode("Internals", "; ".join(extra)),) if extra else ()
        children.append(FlowNode(label, detail, node_children))
    return FlowNode("Equities", "", tuple(children))


def cross_border_node(cn: EquityMarket) -> FlowNode:
    if cn.northbound_net_cny is not None:
        return FlowNode("Cross-border", f"northbound net {fmt.cny(cn.northbound_net_cny, True)}")
    return FlowNode("Cross-border", f"northbound net flow {cn.northbound_note or fmt.MISSING}")


def flow_map(crypto: CryptoAnalysis, us: EquityMarket, hk: EquityMarket, cn: EquityMarket
             ) -> tuple[FlowNode, ...]:
    return (stablecoin_node(crypto), crypto_node(crypto), equity_node(us, hk, cn),
            cross_border_node(cn))
