"""What a typed code can mean, before any request: pure rules, no guessing.

``read_code(text)`` gives every instrument the text may name (``Candidate``), plus, for text
that can be a coin's symbol or id, the query to look it up on CoinGecko. One live request per
candidate (``services.watch.resolve``) then says which exist; two that exist make the bot ask
back. The rules:

- the report's ids (SPX, HSI, SSE, BTC …) name the report's instruments, and only them;
- US tickers: one to five letters, with a share class after a dot or dash (``BRK.B`` is
  Yahoo's ``BRK-B``); ``SOL.US`` names the US listing only;
- Hong Kong: one to five digits (``700``, ``0700``, ``0700.HK`` → ``0700.HK``);
- A-shares, six digits: 6xxxxx and 5xxxxx Shanghai (``600519``), 0/1/2/3xxxxx Shenzhen
  (``000001``, ``300750``; 399xxx its indices), 4xxxxx, 8xxxxx and 92xxxx Beijing; a
  ``000xxx`` code is also a Shanghai index (``000001`` is 平安银行 and the SSE Composite);
  ``.SH``/``.SS``, ``.SZ``, ``.BJ`` (or ``SH``/``SZ``/``BJ`` in front) name one exchange;
- coins: text that can be a symbol or a CoinGecko id is looked up; ``coin:sol`` looks up
  only coins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.errors import InputError, Say
from services.i18n import N_
from services.market_data.instruments import BY_ID
from services.models.snapshot import Market
from services.watch.instruments import (
    BY_VENDOR,
    HK_BENCHMARK,
    REPORT_LISTINGS,
    US_BENCHMARK,
    Listing,
    Source,
    a_share_benchmark,
)

MAX_LENGTH = 24
EXAMPLES = N_("e.g. AAPL, BRK.B, 0700, 600519, BTC or HSI")

_US = re.compile(r"^([A-Z]{1,5})(?:[.\-]([A-Z]{1,2}))?$")
_US_EXPLICIT = re.compile(r"^([A-Z]{1,5}(?:[.\-][A-Z]{1,2})?)\.US$")
_HK = re.compile(r"^(\d{1,5})(?:\.HK)?$")
_A_SUFFIX = re.compile(r"^(\d{6})\.(SH|SS|SZ|BJ)$")
_A_PREFIX = re.compile(r"^(SH|SZ|BJ)(\d{6})$")
_COIN = re.compile(r"^[a-z0-9][a-z0-9\-]{0,39}$")

EXCHANGE_NAMES = {"SH": "Shanghai", "SZ": "Shenzhen", "BJ": "Beijing"}
SECID_MARKET = {"SH": "1", "SZ": "0", "BJ": "0"}  # Eastmoney's f13


class CodeError(InputError):
    """The text cannot name an instrument at all."""


NOT_A_CODE = N_("'{typed}' is not a ticker, code or coin ({examples}).")


@dataclass(frozen=True)
class Candidate:
    """One instrument the text may name, with the request that would verify it."""

    listing: Listing  # name still the code's; the verifying answer gives the real one
    where: str  # for the ask-back: "Shenzhen stock", "Shanghai index", "US", "Hong Kong"


@dataclass(frozen=True)
class Reading:
    text: str  # as typed, trimmed
    candidates: tuple[Candidate, ...]
    coin_query: str | None = None  # look this up among CoinGecko's coins (symbol or id)


def read_code(text: str) -> Reading:
    """Every instrument ``text`` may name; ``CodeError`` when it cannot name any."""
    typed = text.strip()
    if not typed or len(typed) > MAX_LENGTH or any(c.isspace() for c in typed):
        raise CodeError.saying(NOT_A_CODE, typed=typed[:MAX_LENGTH], examples=Say(EXAMPLES))
    upper = typed.upper()
    if upper in BY_ID:
        listing = REPORT_LISTINGS[upper]
        return Reading(typed, (Candidate(listing, _where(listing)),))
    if upper.startswith("COIN:"):
        query = typed[5:].strip().lower()
        if not _COIN.match(query):
            raise CodeError.saying("'{typed}' is not a coin's symbol or CoinGecko id "
                                   "(e.g. coin:sol or coin:solana).", typed=typed)
        return Reading(typed, (), query)
    found = _a_share(upper) or _hong_kong(upper) or _us(upper)
    coin = typed.lower() if _COIN.match(typed.lower()) and not typed.isdigit() else None
    if _US_EXPLICIT.match(upper) or _A_SUFFIX.match(upper) or _A_PREFIX.match(upper) \
            or upper.endswith(".HK"):
        coin = None  # the text names its exchange
    if not found and coin is None:
        raise CodeError.saying(NOT_A_CODE, typed=typed, examples=Say(EXAMPLES))
    return Reading(typed, tuple(found), coin)


def _where(listing: Listing) -> str:
    kinds = {"index": "index", "etf": "ETF", "coin": "coin", "stock": "stock"}
    place = {"US": "US", "HK": "Hong Kong", "CN": "China", "CRYPTO": "crypto"}[listing.market]
    return f"{place} {kinds.get(listing.kind, listing.kind)}"


def _us(upper: str) -> list[Candidate]:
    explicit = _US_EXPLICIT.match(upper)
    ticker = explicit.group(1) if explicit else upper
    match = _US.match(ticker)
    if not match:
        return []
    base, share_class = match.groups()
    label = f"{base}.{share_class}" if share_class else base
    symbol = f"{base}-{share_class}" if share_class else base
    listing = Listing(label, label, label, "US", "stock", "yahoo", symbol, US_BENCHMARK)
    return [Candidate(listing, "US listing")]


def _hong_kong(upper: str) -> list[Candidate]:
    match = _HK.match(upper)
    if not match:
        return []
    digits = match.group(1).lstrip("0") or "0"
    if digits == "0":
        return []
    code = digits.zfill(4)
    label = f"{code}.HK"
    listing = Listing(label, label, label, "HK", "stock", "yahoo", label, HK_BENCHMARK)
    return [Candidate(listing, "Hong Kong listing")]


def _a_share(upper: str) -> list[Candidate]:
    suffix, prefix = _A_SUFFIX.match(upper), _A_PREFIX.match(upper)
    if suffix:
        code, exchange = suffix.group(1), {"SS": "SH"}.get(suffix.group(2), suffix.group(2))
        return _on_exchange(code, exchange)
    if prefix:
        return _on_exchange(prefix.group(2), prefix.group(1))
    if not (len(upper) == 6 and upper.isdigit()):
        return []
    code = upper
    if code.startswith("000"):  # a Shenzhen stock, and a Shanghai index of the same code
        return _on_exchange(code, "SZ") + _on_exchange(code, "SH")
    found = _exchange_of(code)
    if found is None:
        raise CodeError.saying("'{code}' is not an A-share code: Shanghai codes start with 6 "
                               "or 5, Shenzhen with 0, 1, 2 or 3, Beijing with 4, 8 or 92.",
                               code=code)
    return _on_exchange(code, found)


def _exchange_of(code: str) -> str | None:
    if code[0] in "65" or code.startswith("900"):
        return "SH"
    if code[0] in "0123":
        return "SZ"
    if code[0] in "48" or code.startswith("92"):
        return "BJ"
    return None


def _on_exchange(code: str, exchange: str) -> list[Candidate]:
    secid = f"{SECID_MARKET[exchange]}.{code}"
    report = BY_VENDOR.get(("eastmoney", secid))
    if report is not None:
        return [Candidate(report, f"{EXCHANGE_NAMES[exchange]} index")]
    index = (exchange == "SH" and code.startswith("000")) or (
        exchange == "SZ" and code.startswith("399"))
    label = f"{code}.{exchange}"
    source: Source = "eastmoney"
    market: Market = "CN"
    listing = Listing(label, label, label, market, "index" if index else "stock", source,
                      secid, None if index else a_share_benchmark(exchange, code))
    kind = "index" if index else "stock"
    return [Candidate(listing, f"{EXCHANGE_NAMES[exchange]} {kind}")]
