"""The instruments a snapshot carries: our quote ids (the analysis depends on them), names,
markets and kinds. Vendor symbols live in each provider module, keyed by these ids."""

from __future__ import annotations

from dataclasses import dataclass

from services.models.snapshot import Market


@dataclass(frozen=True)
class Instrument:
    id: str
    name: str
    market: Market
    kind: str


US_INDICES = (
    Instrument("SPX", "S&P 500", "US", "index"),
    Instrument("IXIC", "Nasdaq Composite", "US", "index"),
    Instrument("DJI", "Dow Jones Industrial Average", "US", "index"),
)

SECTOR_ETFS = tuple(Instrument(ticker, f"{sector} Select Sector SPDR", "US", "etf")
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
    Instrument("BTC", "Bitcoin", "CRYPTO", "coin"),
    Instrument("ETH", "Ethereum", "CRYPTO", "coin"),
)

ALL = US_INDICES + SECTOR_ETFS + HK_INDICES + CN_INDICES + COINS
BY_ID = {instrument.id: instrument for instrument in ALL}
