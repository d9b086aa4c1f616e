"""What a watchlist or an alert holds: a ``Listing``, an instrument a user named and the bot
verified, with where its quote comes from.

Ids are stable and never shown: the report's own ids for the report's instruments (``HSI``,
``SSE``, ``BTC``: the history store keys its series by them), the Yahoo symbol with its
share-class dot for US and Hong Kong listings (``BRK.B``, ``0700.HK``), the code and exchange
for A-shares (``600519.SH``, ``000001.SZ``, ``830799.BJ``), ``coin:<CoinGecko id>`` for coins.
Users see ``label`` and ``name``.

Each listing's benchmark is its market's index among the report's ids, for "moved −3.1 % vs
HSI −2.48 %": US → SPX, Hong Kong → HSI, Shanghai → SSE, Shenzhen → SZSE (ChiNext codes →
CHINEXT), coins → BTC. Beijing has no index in the report, and an index has no benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from services.market_data.instruments import BY_ID
from services.market_data.providers import coingecko, eastmoney, yahoo
from services.models.snapshot import Market

Source = Literal["yahoo", "eastmoney", "coingecko"]
Kind = Literal["stock", "etf", "index", "coin"]

US_BENCHMARK, HK_BENCHMARK, COIN_BENCHMARK = "SPX", "HSI", "BTC"


@dataclass(frozen=True)
class Listing:
    id: str
    label: str
    name: str
    market: Market
    kind: str
    source: Source
    symbol: str  # the vendor's: "BRK-B", "^GSPC", "1.600519", "solana"
    benchmark: str | None = None

    @property
    def is_report_id(self) -> bool:
        return self.id in BY_ID


def _report_listing(report_id: str) -> Listing:
    instrument = BY_ID[report_id]
    kind = "coin" if instrument.kind == "coin" else instrument.kind
    if report_id in eastmoney.SECIDS:
        source: Source = "eastmoney"
        symbol = eastmoney.SECIDS[report_id]
    elif report_id in coingecko.COIN_IDS:
        source, symbol = "coingecko", coingecko.COIN_IDS[report_id]
    else:
        source, symbol = "yahoo", yahoo.SYMBOLS[report_id]
    benchmark = None
    if kind == "etf":
        benchmark = US_BENCHMARK
    elif kind == "coin" and report_id != COIN_BENCHMARK:
        benchmark = COIN_BENCHMARK
    return Listing(report_id, report_id, instrument.name, instrument.market, kind, source,
                   symbol, benchmark)


REPORT_LISTINGS: dict[str, Listing] = {rid: _report_listing(rid) for rid in BY_ID}
# (source, vendor symbol) → the report's listing, so that "000001" answered by the Shanghai
# index row is shown as SSE, the report's own id
BY_VENDOR: dict[tuple[str, str], Listing] = {(li.source, li.symbol): li
                                             for li in REPORT_LISTINGS.values()}


def exact_code(listing: Listing) -> str:
    """What to type to name exactly this listing (``SOL.US``, ``coin:solana``, ``0700.HK``)."""
    if listing.source == "coingecko" and not listing.is_report_id:
        return f"coin:{listing.symbol}"
    if listing.market == "US" and not listing.is_report_id:
        return f"{listing.label}.US"
    return listing.label


def a_share_benchmark(exchange: str, code: str) -> str | None:
    if exchange == "SH":
        return "SSE"
    if exchange == "SZ":
        return "CHINEXT" if code.startswith(("300", "301")) else "SZSE"
    return None
