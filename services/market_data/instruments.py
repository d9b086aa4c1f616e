"""The instruments a snapshot carries: our quote ids (the analysis depends on them), names,
markets, kinds and the unit of their closes in a history (``market-history/1``). Vendor symbols
live in each provider module, keyed by these ids.

``ALL`` (``BY_ID``) are the report's equity indices, sector ETFs and coins, which watchlists may
also hold by their ids; ``MACRO`` is the macro layer (market ``MACRO``: the dollar, the 10-year
yield, gold, WTI, the VIX, USD/CNH), in every snapshot but not in watchlists. ``SNAPSHOT``
(``QUOTE_BY_ID``) is both, in the order a snapshot lists its quotes.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.models.history import Unit
from services.models.snapshot import Market

# ``Instrument.calendar`` of what trades round the clock on weekdays (futures, FX): no
# exchange's calendar dates its bars, and weekends are no sessions.
WEEKDAYS = "weekdays"


@dataclass(frozen=True)
class Instrument:
    id: str
    name: str
    market: Market
    kind: str
    unit: Unit = "index"
    calendar: str | None = None  # the calendar dating its bars: its market's when None

    @property
    def sessions(self) -> str:
        """The calendar its bars are checked against: a market of ``calendars.EXCHANGES`` or
        ``WEEKDAYS``."""
        return self.calendar or self.market


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

# The macro layer. Kinds: fx, rate (a yield in percent, moving in basis points), commodity,
# volatility. The VIX and the 10-year trade on the days New York's exchanges do; futures, the
# dollar index and FX round the clock on weekdays.
MACRO = (
    Instrument("DXY", "US Dollar Index", "MACRO", "fx", "index", WEEKDAYS),
    Instrument("TNX", "US 10-year Treasury yield", "MACRO", "rate", "percent", "US"),
    Instrument("GOLD_FUT", "Gold futures (front month)", "MACRO", "commodity", "usd", WEEKDAYS),
    Instrument("WTI_FUT", "WTI crude futures (front month)", "MACRO", "commodity", "usd",
               WEEKDAYS),
    Instrument("VIX", "Cboe Volatility Index", "MACRO", "volatility", "index", "US"),
    Instrument("USDCNH", "USD/CNH (offshore yuan)", "MACRO", "fx", "rate", WEEKDAYS),
)

ALL = US_INDICES + SECTOR_ETFS + HK_INDICES + CN_INDICES + COINS
BY_ID = {instrument.id: instrument for instrument in ALL}
SNAPSHOT = ALL + MACRO
QUOTE_BY_ID = {instrument.id: instrument for instrument in SNAPSHOT}
