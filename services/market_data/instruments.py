"""The instruments a snapshot carries: our quote ids (the analysis depends on them), names,
markets, kinds and the unit of their closes in a history (``market-history/1``). Vendor symbols
live in each provider module, keyed by these ids."""

from __future__ import annotations

from dataclasses import dataclass

from services.models.history import Unit
from services.models.snapshot import Market


@dataclass(frozen=True)
class Instrument:
    id: str
    name: str
    market: Market
    kind: str
    unit: Unit = "index"


US_INDICES = (
    Instrument("SPX", "S&P 500", "US", "index"),
    Instrument("IXIC", "Nasdaq Composite", "US", "index"),
    Instrument("DJI", "Dow Jones Industrial Average", "US", "index"),
)

SECTOR_ETFS = tuple(Instrument(ticker, f"{sector} Select Sector SPDR", "US", "etf", "usd")
                    for ticker, sector in (
                        ("XLK", "Technology"), ("XLF", "Financial"), ("XLE", "Energy"),
                        ("XLV", "Health Care"), ("XLU", "Utilities"), ("XLP", "Consumer Staples"),
                        ("XLY", "Consumer Discretionary"), ("XLI", "Industrial"),
                        ("XLB", "Materials"), ("XLRE", "Real Estate"),
                        ("XLC", "Communication Services")))

HK_INDICES = (
    Instrument("HSI", "Hang Seng Index", "HK", "index"),
    Instrument("HSCEI", "Hang Seng China Enterprises", "HK", "index"),
    Instrument("HSTECH", "Hang Seng TECH", "HK", "index"),
)

CN_INDICES = (
    Instrument("SSE", "上证指数 SSE Composite", "CN", "index"),
    Instrument("SZSE", "深证成指 SZSE Component", "CN", "index"),
    Instrument("CHINEXT", "创业板指 ChiNext", "CN", "index"),
)

COINS = (
    Instrument("BTC", "Bitcoin", "CRYPTO", "coin", "usd"),
    Instrument("ETH", "Ethereum", "CRYPTO", "coin", "usd"),
)

ALL = US_INDICES + SECTOR_ETFS + HK_INDICES + CN_INDICES + COINS
BY_ID = {instrument.id: instrument for instrument in ALL}
