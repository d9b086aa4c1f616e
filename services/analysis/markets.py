"""US, Hong Kong and A-shares: index tables, intra-market dispersion, breadth, turnover, flows."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from services.analysis import rules
from services.analysis.moves import HEADLINE, comparable
from services.analysis.sentiment import split
from services.i18n.text import day, said
from services.models.analysis import BreadthReading, EquityMarket, Move, SectorRotation, Split
from services.models.snapshot import Breadth, MarketSnapshot

INDICES: dict[str, tuple[str, ...]] = {
    "US": ("SPX", "IXIC", "DJI"),
    "HK": ("HSI", "HSCEI", "HSTECH"),
    "CN": ("SSE", "SZSE", "CHINEXT"),
}

# Intra-market dispersion pairs: (key, a, b) → a minus b.
SPLITS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "US": (("nasdaq_dow", "IXIC", "DJI"),),
    "HK": (("hstech_hsi", "HSTECH", "HSI"), ("hscei_hsi", "HSCEI", "HSI")),
    "CN": (("chinext_sse", "CHINEXT", "SSE"), ("szse_sse", "SZSE", "SSE")),
}

# US sector ETFs for the defensive-against-growth rotation.
DEFENSIVE_ETFS = ("XLU", "XLP", "XLV")
GROWTH_ETFS = ("XLK", "XLY", "XLC")

# Written once, shown in the reader's language (services.i18n.text).
NORTHBOUND_NOT_PUBLISHED = said("not published since {day}", day=day(date(2024, 8, 19)))


def splits_for(market: str, moves: dict[str, Move]) -> tuple[Split, ...]:
    found = (split(key, moves.get(a), moves.get(b)) for key, a, b in SPLITS[market])
    return tuple(s for s in found if s is not None)


def read_breadth(breadth: Breadth | None, moves: dict[str, Move]) -> BreadthReading | None:
    if breadth is None:
        return None
    adv, dec, flat = breadth.advancers, breadth.decliners, breadth.flat
    share = ratio = total = None
    if adv is not None and dec is not None:
        total = adv + dec + (flat or 0)
        if adv + dec > 0:
            share = 100 * adv / (adv + dec)
        if dec > 0:
            ratio = adv / dec
    against = None
    if share is not None:
        for index_id in INDICES["CN"]:
            move = moves.get(index_id)
            if comparable(move) and move is not None and move.change_pct is not None \
                    and rules.breadth_divergence(move.change_pct, share):
                against = index_id
                break
    return BreadthReading(
        advancers=adv, decliners=dec, flat=flat, total=total, advance_share_pct=share,
        ad_ratio=ratio, divergence=against is not None, divergence_with=against,
        reading=_breadth_words(share), session=breadth.session)


def _breadth_words(share: float | None) -> str:
    if share is None:
        return "unknown"
    if share < 25:
        return "very weak"
    if share < rules.BREADTH_WEAK_SHARE_PCT:
        return "weak"
    if share <= rules.BREADTH_STRONG_SHARE_PCT:
        return "balanced"
    if share <= 75:
        return "strong"
    return "very strong"


def sector_rotation(moves: dict[str, Move]) -> SectorRotation | None:
    defensive = tuple(m for i in DEFENSIVE_ETFS if comparable(m := moves.get(i)) and m)
    growth = tuple(m for i in GROWTH_ETFS if comparable(m := moves.get(i)) and m)
    if not defensive or not growth:
        return None
    d_avg = sum(m.change_pct or 0.0 for m in defensive) / len(defensive)
    g_avg = sum(m.change_pct or 0.0 for m in growth) / len(growth)
    spread = d_avg - g_avg
    leader = "neither" if abs(spread) < rules.NOTABLE_SPREAD_PP else (
        "defensive" if spread > 0 else "growth")
    return SectorRotation(d_avg, g_avg, spread, leader, defensive, growth)


def equity_market(market: str, snapshot: MarketSnapshot, moves: dict[str, Move]) -> EquityMarket:
    indices = tuple(moves[i] for i in INDICES[market] if i in moves)
    others = tuple(m for m in moves.values()
                   if m.market == market and m.id not in INDICES[market])
    headline = moves.get(HEADLINE[market])
    missing = tuple(i for i in INDICES[market]
                    if i not in moves or moves[i].change_pct is None)
    base = EquityMarket(market=market, moves=indices + others, splits=splits_for(market, moves),
                        headline=headline, closed=bool(headline and headline.closed),
                        missing=missing)
    if market == "US":
        return replace(base, sectors=sector_rotation(moves))
    if market == "CN":
        breadth = snapshot.a_share_breadth
        return replace(
            base, breadth=read_breadth(breadth, moves),
            turnover_cny=breadth.turnover_cny if breadth else None,
            northbound_net_cny=snapshot.northbound_net_cny,
            northbound_note=None if snapshot.northbound_net_cny is not None
            else NORTHBOUND_NOT_PUBLISHED)
    return base
