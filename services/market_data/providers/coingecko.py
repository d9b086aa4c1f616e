"""CoinGecko ``/simple/price`` (BTC, ETH) and ``/global`` (total crypto market).

Keyless; an optional demo key raises the rate limit. The key travels in a header, never in the
URL (httpx logs URLs). Changes are CoinGecko's rolling 24-hour windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.errors import UpstreamFormatError
from services.market_data.providers.base import (
    FUTURE_TOLERANCE,
    Parsed,
    Rejection,
    Request,
    check_not_future,
    mapping,
    number,
    unix_time,
)
from services.models.snapshot import CryptoMarket

SOURCE = "coingecko"
PRICE_FEED = "coingecko simple/price"
GLOBAL_FEED = "coingecko global"

COIN_IDS: dict[str, str] = {"BTC": "bitcoin", "ETH": "ethereum"}  # our id → CoinGecko id


@dataclass(frozen=True)
class CoinPrice:
    price_usd: float
    change_pct_24h: float | None
    as_of: datetime | None


def _headers(api_key: str | None, base_url: str) -> dict[str, str]:
    """The key header, when there is a key (the common headers are in ``sources.py``)."""
    headers: dict[str, str] = {}
    if api_key:
        name = "x-cg-pro-api-key" if "pro-api." in base_url else "x-cg-demo-api-key"
        headers[name] = api_key
    return headers


def price_request(base_url: str, api_key: str | None = None) -> Request:
    return Request(
        source=PRICE_FEED, upstream=SOURCE,
        url=f"{base_url.rstrip('/')}/simple/price",
        params={"ids": ",".join(COIN_IDS.values()), "vs_currencies": "usd",
                "include_24hr_change": "true", "include_24hr_vol": "true",
                "include_market_cap": "true", "include_last_updated_at": "true"},
        headers=_headers(api_key, base_url),
    )


def global_request(base_url: str, api_key: str | None = None) -> Request:
    return Request(source=GLOBAL_FEED, upstream=SOURCE, url=f"{base_url.rstrip('/')}/global",
                   headers=_headers(api_key, base_url))


def parse_price(payload: Any, *, now: datetime,
                max_move_pct: float = 50.0) -> Parsed[dict[str, CoinPrice]]:
    """Prices by our coin id. A coin absent, null or implausible is left out with a rejection."""
    body = mapping(payload, PRICE_FEED, "$")
    if not any(k in body for k in COIN_IDS.values()) and ("error" in body or "status" in body):
        raise UpstreamFormatError(PRICE_FEED, "error answer instead of prices")
    prices: dict[str, CoinPrice] = {}
    rejected: list[Rejection] = []
    for coin, gecko_id in COIN_IDS.items():
        row = body.get(gecko_id)
        if not isinstance(row, dict):
            rejected.append(Rejection(coin, f"{coin}: missing from the answer"))
            continue
        price = number(row.get("usd"))
        change = number(row.get("usd_24h_change"))
        as_of = unix_time(row.get("last_updated_at"))
        problem = None
        if price is None or price <= 0:
            problem = "no price in the answer"
        elif as_of is not None and as_of > now + FUTURE_TOLERANCE:
            problem = f"timestamp {as_of.isoformat()} is in the future"
        elif change is not None and abs(change) > max_move_pct:
            problem = f"a {change:+.1f}% 24h move is outside the sane bound of ±{max_move_pct:g}%"
        if problem or price is None:
            rejected.append(Rejection(coin, f"{coin}: {problem}"))
            continue
        prices[coin] = CoinPrice(price_usd=price, change_pct_24h=change, as_of=as_of)
    return Parsed(prices, tuple(rejected))


def parse_global(payload: Any, *, now: datetime,
                 max_move_pct: float = 50.0) -> Parsed[CryptoMarket]:
    data = mapping(mapping(payload, GLOBAL_FEED, "$").get("data"), GLOBAL_FEED, "data")
    cap_by_currency = data.get("total_market_cap")
    volume_by_currency = data.get("total_volume")
    if not isinstance(cap_by_currency, dict) or not isinstance(volume_by_currency, dict):
        raise UpstreamFormatError(GLOBAL_FEED, "unexpected shape: no total_market_cap or "
                                               "total_volume object")
    as_of = unix_time(data.get("updated_at"))
    check_not_future(as_of, now, GLOBAL_FEED, "updated_at")
    rejected: list[Rejection] = []
    cap = _non_negative(number(cap_by_currency.get("usd")), "total_market_cap_usd", rejected)
    volume = _non_negative(number(volume_by_currency.get("usd")), "total_volume_usd", rejected)
    change = number(data.get("market_cap_change_percentage_24h_usd"))
    if cap is None and volume is None and change is None and not rejected:
        raise UpstreamFormatError(GLOBAL_FEED, "no figures in the answer (all null)")
    if change is not None and abs(change) > max_move_pct:
        rejected.append(Rejection("market_cap_change_pct", (
            f"market cap change {change:+.1f}% is outside the sane bound of ±{max_move_pct:g}%")))
        change = None
    market = CryptoMarket(total_market_cap_usd=cap, market_cap_change_pct=change,
                          total_volume_usd=volume, as_of=as_of, source=SOURCE)
    return Parsed(market, tuple(rejected))


def _non_negative(value: float | None, figure: str, rejected: list[Rejection]) -> float | None:
    if value is not None and value < 0:
        rejected.append(Rejection(figure, f"{figure} is negative ({value:g})"))
        return None
    return value


# --- any coin (watchlists and alerts): prices by CoinGecko id, and the search for a symbol

SEARCH_FEED = "coingecko search"
MAX_IDS = 250  # ids per simple/price request


@dataclass(frozen=True)
class CoinHit:
    id: str  # CoinGecko's id: "solana"
    symbol: str  # "SOL"
    name: str
    market_cap_rank: int | None


def prices_request(base_url: str, gecko_ids: list[str], api_key: str | None = None) -> Request:
    return Request(
        source=PRICE_FEED, upstream=SOURCE,
        url=f"{base_url.rstrip('/')}/simple/price",
        params={"ids": ",".join(gecko_ids), "vs_currencies": "usd",
                "include_24hr_change": "true", "include_last_updated_at": "true"},
        headers=_headers(api_key, base_url),
    )


def parse_prices(payload: Any, *, now: datetime,
                 max_move_pct: float = 90.0) -> Parsed[dict[str, CoinPrice]]:
    """Prices by CoinGecko id, for every coin in the answer (an unknown id is absent)."""
    body = mapping(payload, PRICE_FEED, "$")
    if "error" in body or "status" in body:
        raise UpstreamFormatError(PRICE_FEED, "error answer instead of prices")
    prices: dict[str, CoinPrice] = {}
    rejected: list[Rejection] = []
    for gecko_id, row in body.items():
        if not isinstance(row, dict):
            continue
        price = number(row.get("usd"))
        change = number(row.get("usd_24h_change"))
        as_of = unix_time(row.get("last_updated_at"))
        problem = None
        if price is None or price <= 0:
            problem = "no price in the answer"
        elif as_of is not None and as_of > now + FUTURE_TOLERANCE:
            problem = f"timestamp {as_of.isoformat()} is in the future"
        elif change is not None and abs(change) > max_move_pct:
            problem = f"a {change:+.1f}% 24h move is outside the sane bound of ±{max_move_pct:g}%"
        if problem or price is None:
            rejected.append(Rejection(gecko_id, f"{gecko_id}: {problem}"))
            continue
        prices[gecko_id] = CoinPrice(price_usd=price, change_pct_24h=change, as_of=as_of)
    return Parsed(prices, tuple(rejected))


def search_request(base_url: str, query: str, api_key: str | None = None) -> Request:
    return Request(source=SEARCH_FEED, upstream=SOURCE, url=f"{base_url.rstrip('/')}/search",
                   params={"query": query}, headers=_headers(api_key, base_url))


def parse_search(payload: Any) -> tuple[CoinHit, ...]:
    """The coins of a search answer, in CoinGecko's order."""
    coins = mapping(payload, SEARCH_FEED, "$").get("coins") or []
    if not isinstance(coins, list):
        raise UpstreamFormatError(SEARCH_FEED, "unexpected shape: coins is not a list")
    hits = []
    for row in coins:
        if not isinstance(row, dict):
            continue
        gecko_id, symbol, name = row.get("id"), row.get("symbol"), row.get("name")
        if not all(isinstance(v, str) and v for v in (gecko_id, symbol, name)):
            continue
        rank = row.get("market_cap_rank")
        hits.append(CoinHit(str(gecko_id), str(symbol).upper(), str(name),
                            rank if isinstance(rank, int) and not isinstance(rank, bool)
                            else None))
    return tuple(hits)
