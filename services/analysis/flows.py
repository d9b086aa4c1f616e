"""The capital flow map: a tree drawn only from the day's figures."""

from __future__ import annotations

from services.analysis.moves import short_name
from services.i18n.text import MISSING, Name, Text, cny, count, day, joined, pct, said, usd
from services.models.analysis import CryptoAnalysis, EquityMarket, FlowNode, Move
from services.models.snapshot import BREADTH_SCOPE

TOP_CATEGORIES = 4
TOP_DEXES = 3


def _name(move: Move) -> Name:
    return Name(move.id, short_name(move))


def _move(move: Move | None) -> Text:
    if move is None:
        return said("{missing}", missing=MISSING)
    if move.closed:
        return said("{name} {change} (closed - last session {day})", name=_name(move),
                    change=pct(move.change_pct), day=day(move.session))
    return said("{name} {change}", name=_name(move), change=pct(move.change_pct))


def _dotted(parts: list[Text]) -> Text:
    """``a · b · c``."""
    head = parts[0]
    for part in parts[1:]:
        head = said("{a} · {b}", a=head, b=part)
    return head


def stablecoin_node(crypto: CryptoAnalysis) -> FlowNode:
    s = crypto.stablecoins
    label = said("Stablecoins")
    if not s.flows:
        return FlowNode(label, said("supply data missing"))
    head = (said("net {amount} in a day ({reading})", amount=usd(s.net_change_usd, signed=True),
                 reading=said(s.reading))
            if s.net_change_usd is not None else
            said("net change unknown: {coins} missing", coins=list(s.missing)))
    children = tuple(FlowNode(f.symbol, said("{change} ({pct}) to {supply}",
                                             change=usd(f.change_usd, signed=True),
                                             pct=pct(f.change_pct, 3),
                                             supply=usd(f.supply_usd, digits=2)))
                     for f in s.flows)
    return FlowNode(label, head, children)


def crypto_node(crypto: CryptoAnalysis) -> FlowNode:
    cap = said("total cap {cap} ({change}), 24h volume {volume}",
               cap=usd(crypto.total_market_cap_usd), change=pct(crypto.market_cap_change_pct),
               volume=usd(crypto.total_volume_usd))
    children = [FlowNode(said("Majors"), _dotted([_move(m) for m in (crypto.btc, crypto.eth)]))]
    cats = [c for c in crypto.categories if c.avg_change_pct is not None][:TOP_CATEGORIES]
    if cats:
        children.append(FlowNode(said("DeFi TVL by category"), _dotted(
            [said("{name} {change}", name=c.category, change=pct(c.avg_change_pct, 1))
             for c in cats])))
    dexes = [d for d in crypto.dexes if d.change_pct is not None and not d.anomaly][:TOP_DEXES]
    if dexes:
        children.append(FlowNode(said("DEX volume"), _dotted(
            [said("{name} {change}", name=d.name, change=pct(d.change_pct, 1)) for d in dexes])))
    return FlowNode(said("Crypto"), cap, tuple(children))


MARKETS = (("US", said("US")), ("HK", said("Hong Kong")), ("CN", said("A-shares")))


def equity_node(us: EquityMarket, hk: EquityMarket, cn: EquityMarket) -> FlowNode:
    children = []
    for (_, label), market in zip(MARKETS, (us, hk, cn), strict=True):
        parts = [_move(m) for m in market.moves if m.kind in (None, "index")]
        detail = _dotted(parts) if parts else said("{missing}", missing=MISSING)
        extra = []
        if market.breadth and market.breadth.advancers is not None:
            extra.append(said("{up} up / {down} down ({scope})",
                              up=count(market.breadth.advancers),
                              down=count(market.breadth.decliners),
                              scope=said(BREADTH_SCOPE)))
        if market.turnover_cny is not None:
            extra.append(said("turnover {amount}", amount=cny(market.turnover_cny)))
        if market.sectors is not None:
            extra.append(said("defensive {defensive} vs growth {growth}",
                              defensive=pct(market.sectors.defensive_avg_pct),
                              growth=pct(market.sectors.growth_avg_pct)))
        node_children = (FlowNode(said("Internals"), joined(extra, "; ")),) if extra else ()
        children.append(FlowNode(label, detail, node_children))
    return FlowNode(said("Equities"), "", tuple(children))


def cross_border_node(cn: EquityMarket) -> FlowNode:
    label = said("Cross-border")
    if cn.northbound_net_cny is not None:
        return FlowNode(label, said("northbound net {amount}",
                                    amount=cny(cn.northbound_net_cny, True)))
    return FlowNode(label, said("northbound net flow {note}",
                                note=cn.northbound_note or MISSING))


def flow_map(crypto: CryptoAnalysis, us: EquityMarket, hk: EquityMarket, cn: EquityMarket
             ) -> tuple[FlowNode, ...]:
    return (stablecoin_node(crypto), crypto_node(crypto), equity_node(us, hk, cn),
            cross_border_node(cn))
