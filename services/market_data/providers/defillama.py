"""DefiLlama: stablecoin supply, protocol TVL and DEX volume (keyless).

A 1-day change measured from almost nothing (a protocol whose TVL, or a DEX whose volume, was
under ``MIN_BASE_USD`` the day before) says nothing about the market and is rejected, as is a
change below -100 %. Only the largest protocols and DEXes are kept, so that the snapshot stays
small: ``MAX_PROTOCOLS`` protocols with at least ``MIN_TVL_USD`` of TVL, ``MAX_DEXES`` DEXes.

``/protocols`` also lists exchanges (category CEX: "Binance CEX" holds about $150B of customer
reserves) and whole chains (category Chain). Neither is DeFi: both are left out of the protocols
and of the categories. Bridges stay: they are on-chain contracts holding users' deposits, and as
a category of their own they double count nothing else in the table (DefiLlama leaves them out
of chain totals for that reason, not out of DeFi). Each category's 1-day move is TVL-weighted
over every protocol of the full list: its TVL now over its TVL a day earlier.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from services.errors import UpstreamFormatError
from services.market_data.providers.base import (
    Parsed,
    Rejection,
    Request,
    change_pct,
    mapping,
    number,
    sequence,
    unix_time,
)
from services.models.snapshot import (
    NOT_DEFI_CATEGORIES,
    DefiCategory,
    Dex,
    Protocol,
    Stablecoin,
)

SOURCE = "defillama"
STABLECOINS_FEED = "defillama stablecoins"
PROTOCOLS_FEED = "defillama protocols"
DEXES_FEED = "defillama dexs"

STABLECOINS = ("USDT", "USDC", "DAI")
MIN_TVL_USD = 10e6
MIN_BASE_USD = 1e6
MAX_PROTOCOLS = 500
MAX_DEXES = 50
MAX_SUPPLY_MOVE_PCT = 50.0
DEX_CATEGORIES = ("Dexs", "Dexes")
UNCATEGORISED = "Uncategorised"


@dataclass(frozen=True)
class DefiTvl:
    """The largest DeFi protocols, and every DeFi category over the full list."""

    protocols: tuple[Protocol, ...]
    categories: tuple[DefiCategory, ...]
    left_out: int  # CEX and Chain rows with a TVL


def stablecoins_request(stablecoins_url: str) -> Request:
    return Request(source=STABLECOINS_FEED, upstream=SOURCE,
                   url=f"{stablecoins_url.rstrip('/')}/stablecoins",
                   params={"includePrices": "true"})


def protocols_request(base_url: str) -> Request:
    return Request(source=PROTOCOLS_FEED, upstream=SOURCE,
                   url=f"{base_url.rstrip('/')}/protocols")


def dexes_request(base_url: str) -> Request:
    return Request(
        source=DEXES_FEED, upstream=SOURCE,
        url=f"{base_url.rstrip('/')}/overview/dexs",
        params={"excludeTotalDataChart": "true", "excludeTotalDataChartBreakdown": "true",
                "dataType": "dailyVolume"},
    )


def parse_stablecoins(payload: Any) -> Parsed[tuple[Stablecoin, ...]]:
    """USDT, USDC and DAI: circulating supply in USD and its change over the previous day."""
    assets = sequence(mapping(payload, STABLECOINS_FEED, "$").get("peggedAssets"),
                      STABLECOINS_FEED, "peggedAssets")
    best: dict[str, tuple[float | None, dict[str, Any]]] = {}
    for asset in assets:
        if not isinstance(asset, dict) or asset.get("pegType") not in (None, "peggedUSD"):
            continue
        symbol = str(asset.get("symbol") or "").upper()
        if symbol not in STABLECOINS:
            continue
        supply = _pegged_usd(asset.get("circulating"))
        kept = best.get(symbol)
        if kept is None or (supply or 0.0) > (kept[0] or 0.0):
            best[symbol] = (supply, asset)

    coins: list[Stablecoin] = []
    rejected: list[Rejection] = []
    for symbol in STABLECOINS:
        if symbol not in best:
            rejected.append(Rejection(symbol, f"{symbol}: missing from the answer"))
            continue
        supply, asset = best[symbol]
        if supply is None:
            rejected.append(Rejection(symbol, f"{symbol}: no supply in the answer"))
            continue
        if supply < 0:
            rejected.append(Rejection(symbol, f"{symbol}: negative supply ({supply:g})"))
            continue
        change = change_pct(supply, _pegged_usd(asset.get("circulatingPrevDay")))
        if change is not None and abs(change) > MAX_SUPPLY_MOVE_PCT:
            rejected.append(Rejection(symbol, (
                f"{symbol}: a {change:+.1f}% supply change in a day is outside the sane bound "
                f"of ±{MAX_SUPPLY_MOVE_PCT:g}%")))
            change = None
        coins.append(Stablecoin(symbol=symbol, circulating_usd=supply, change_pct_1d=change,
                                source=SOURCE))
    return Parsed(tuple(coins), tuple(rejected))


def parse_protocols(payload: Any) -> Parsed[DefiTvl]:
    """The largest DeFi protocols by TVL, each with its category and 1-day TVL change, and the
    TVL-weighted move of every DeFi category. CEX and Chain rows are left out."""
    rows = sequence(payload, PROTOCOLS_FEED, "$")
    defi: list[tuple[float, dict[str, Any]]] = []
    left_out = 0
    for row in rows:
        if not isinstance(row, dict) or not row.get("name"):
            continue
        tvl = number(row.get("tvl"))
        if tvl is None or tvl < 0:
            continue
        if row.get("category") in NOT_DEFI_CATEGORIES:
            left_out += 1
            continue
        defi.append((tvl, row))
    if not any(isinstance(r, dict) and number(r.get("tvl")) is not None for r in rows):
        raise UpstreamFormatError(PROTOCOLS_FEED, "no protocol has a TVL in the answer")
    defi.sort(key=lambda item: item[0], reverse=True)

    protocols: list[Protocol] = []
    from_nothing: list[str] = []
    for tvl, row in defi:
        if tvl < MIN_TVL_USD or len(protocols) >= MAX_PROTOCOLS:
            break
        name = str(row["name"])
        change, rejected = _sane_change(tvl, number(row.get("change_1d")))
        if rejected:
            from_nothing.append(name)
        category = row.get("category")
        protocols.append(Protocol(name=name, category=str(category) if category else None,
                                  tvl_usd=tvl, change_pct_1d=change, source=SOURCE))
    value = DefiTvl(tuple(protocols), _categories(defi), left_out)
    return Parsed(value, _from_nothing("protocols", "TVL", from_nothing))


def _categories(rows: list[tuple[float, dict[str, Any]]]) -> tuple[DefiCategory, ...]:
    """Each category's TVL, and its move: TVL now over TVL a day earlier, summed over the
    protocols whose 1-day change is usable (not from almost nothing); largest TVL first."""
    tvl: dict[str, float] = defaultdict(float)
    members: dict[str, int] = defaultdict(int)
    now: dict[str, float] = defaultdict(float)
    before: dict[str, float] = defaultdict(float)
    counted: dict[str, int] = defaultdict(int)
    for value, row in rows:
        category = str(row.get("category") or UNCATEGORISED)
        tvl[category] += value
        members[category] += 1
        change, _ = _sane_change(value, number(row.get("change_1d"))) if value > 0 else (
            None, False)
        if change is not None:
            now[category] += value
            before[category] += value / (1.0 + change / 100.0)
            counted[category] += 1
    found = [DefiCategory(category=name, tvl_usd=total,
                          change_pct_1d=((now[name] / before[name] - 1.0) * 100.0
                                         if before[name] > 0 else None),
                          change_usd_1d=now[name] - before[name] if counted[name] else None,
                          protocols=members[name], counted=counted[name], source=SOURCE)
             for name, total in tvl.items()]
    return tuple(sorted(found, key=lambda c: -(c.tvl_usd or 0.0)))


def parse_dexes(payload: Any) -> Parsed[tuple[Dex, ...]]:
    """The DEXes with the largest 24-hour volume (rows of other categories are dropped)."""
    body = mapping(payload, DEXES_FEED, "$")
    rows = sequence(body.get("protocols"), DEXES_FEED, "protocols")
    found: list[tuple[float, dict[str, Any]]] = []
    for row in rows:
        if not isinstance(row, dict) or row.get("category") not in DEX_CATEGORIES:
            continue
        volume = number(row.get("total24h"))
        if volume is not None and volume > 0:
            found.append((volume, row))
    if not found:
        raise UpstreamFormatError(DEXES_FEED, "no DEX has a 24h volume in the answer")
    found.sort(key=lambda item: item[0], reverse=True)

    dexes: list[Dex] = []
    from_nothing: list[str] = []
    for volume, row in found[:MAX_DEXES]:
        name = str(row.get("displayName") or row.get("name") or "?")
        reported = number(row.get("change_1d"))
        if reported is None:
            reported = change_pct(volume, number(row.get("total48hto24h")))
        change, rejected = _sane_change(volume, reported)
        if rejected:
            from_nothing.append(name)
        dexes.append(Dex(name=name, volume_usd_1d=volume, change_pct_1d=change, source=SOURCE))
    return Parsed(tuple(dexes), _from_nothing("dexes", "volume", from_nothing))


def _sane_change(current: float, change: float | None) -> tuple[float | None, bool]:
    """``(change, rejected)``: rejected when impossible or measured from under
    ``MIN_BASE_USD``."""
    if change is None:
        return None, False
    if change <= -100.0 or current / (1.0 + change / 100.0) < MIN_BASE_USD:
        return None, True
    return change, False


def _from_nothing(block: str, measure: str, names: Iterable[str]) -> tuple[Rejection, ...]:
    names = list(names)
    if not names:
        return ()
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return (Rejection(block, (
        f"1-day change rejected for {len(names)} {block} whose {measure} a day earlier was "
        f"under ${MIN_BASE_USD / 1e6:g}M or impossible: {shown}")),)


def _pegged_usd(value: object) -> float | None:
    return number(value.get("peggedUSD")) if isinstance(value, dict) else None


# --- daily history: one stablecoin's circulating supply, a point a day

SUPPLY_CHART_FEED = "defillama stablecoin chart"
# Our history id → DefiLlama's stablecoin id (stablecoins.llama.fi/stablecoins lists them).
SUPPLY_IDS: dict[str, str] = {"USDT_SUPPLY": "1", "USDC_SUPPLY": "2", "DAI_SUPPLY": "5"}


@dataclass(frozen=True)
class SupplyPoint:
    day: date  # the UTC day the point is dated (its timestamp is 00:00 UTC)
    circulating_usd: float


def supply_chart_request(stablecoins_url: str, stablecoin_id: str) -> Request:
    return Request(source=SUPPLY_CHART_FEED, upstream=SOURCE,
                   url=f"{stablecoins_url.rstrip('/')}/stablecoincharts/all",
                   params={"stablecoin": stablecoin_id})


def parse_supply_chart(payload: Any, *, now: datetime) -> Parsed[tuple[SupplyPoint, ...]]:
    """``[{"date": "1735689600", "totalCirculatingUSD": {"peggedUSD": …}, …}, …]``: the supply
    of each complete UTC day, oldest first. The point of the current UTC day is still moving and
    is left out; a point with no supply, a negative one or a future date is named."""
    rows = sequence(payload, SUPPLY_CHART_FEED, "$")
    today = now.astimezone(UTC).date()
    points: dict[date, SupplyPoint] = {}
    rejected: list[Rejection] = []
    for position, row in enumerate(rows):
        row = mapping(row, SUPPLY_CHART_FEED, f"[{position}]")
        at = unix_time(row.get("date"))
        supply = _pegged_usd(row.get("totalCirculatingUSD"))
        if supply is None:
            supply = _pegged_usd(row.get("totalCirculating"))
        if at is None or supply is None or supply <= 0:
            rejected.append(Rejection(f"[{position}]", f"point {position}: no date or no "
                                                       "positive supply"))
            continue
        day = at.astimezone(UTC).date()
        if day > today:
            raise UpstreamFormatError(SUPPLY_CHART_FEED, f"a point dated {day.isoformat()}, "
                                                         "after today (UTC)")
        if day == today:
            continue
        points[day] = SupplyPoint(day, supply)
    return Parsed(tuple(points[d] for d in sorted(points)), tuple(rejected))
