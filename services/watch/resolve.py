"""From typed text to one verified instrument, without guessing.

``Resolver.resolve(text)`` reads the text (``codes.read_code``: every instrument it may name),
looks a coin symbol up on CoinGecko, then verifies every candidate with one live request each,
all at once (``QuoteFetcher.fetch``). The answer is one of:

- ``Resolved``: exactly one candidate exists (its name and last price came back);
- ``Ambiguous``: several exist ("000001": 平安银行 and the SSE Composite; a symbol several
  coins share): the user picks by typing the exact form each option shows;
- ``Unknown``: none exists; the closest suggestions (Yahoo's search, the report's ids, coins
  whose symbol is near) come with it;
- ``Unverified``: a candidate could not be asked (the upstream failed), so the bot cannot tell
  which instrument is meant; nothing is saved.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from services.errors import UpstreamError
from services.market_data.instruments import BY_ID
from services.market_data.providers import coingecko, yahoo
from services.watch.codes import Candidate, read_code
from services.watch.instruments import BY_VENDOR, COIN_BENCHMARK, Listing, exact_code
from services.watch.quotes import QuoteBatch, WatchQuote, named

log = logging.getLogger(__name__)
MAX_SUGGESTIONS = 4
MAX_COIN_OPTIONS = 5


class Quotes(Protocol):
    async def fetch(self, listings: Sequence[Listing]) -> QuoteBatch: ...

    async def search_coins(self, query: str) -> tuple[coingecko.CoinHit, ...]: ...

    async def search_yahoo(self, query: str) -> tuple[yahoo.SearchHit, ...]: ...


@dataclass(frozen=True)
class Option:
    """An instrument that exists, with the figures that proved it."""

    listing: Listing
    quote: WatchQuote
    where: str

    @property
    def code(self) -> str:
        """What to type to name exactly this one."""
        return exact_code(self.listing)


@dataclass(frozen=True)
class Suggestion:
    code: str
    name: str | None


@dataclass(frozen=True)
class Resolved:
    text: str
    option: Option


@dataclass(frozen=True)
class Ambiguous:
    text: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Unknown:
    text: str
    suggestions: tuple[Suggestion, ...]


@dataclass(frozen=True)
class Unverified:
    text: str
    failed: tuple[str, ...]  # "0700.HK (yahoo: timeout)", each candidate that was not checked
    lookup: str | None = None  # why the coin lookup failed, if it did

    @property
    def reason(self) -> str:
        """``could not check 0700.HK (yahoo: timeout); the coin lookup (…)``."""
        parts = [*self.failed, *([f"the coin lookup ({self.lookup})"] if self.lookup else [])]
        return "could not check " + "; ".join(parts)


Resolution = Resolved | Ambiguous | Unknown | Unverified


def coin_listing(hit: coingecko.CoinHit) -> Listing:
    report = BY_VENDOR.get(("coingecko", hit.id))
    if report is not None:
        return report
    return Listing(f"coin:{hit.id}", hit.symbol[:32], hit.name[:120], "CRYPTO", "coin",
                   "coingecko", hit.id, COIN_BENCHMARK)


def coin_matches(query: str, hits: Sequence[coingecko.CoinHit]) -> list[coingecko.CoinHit]:
    """The coins ``query`` names: the one whose CoinGecko id it is, else those whose symbol it
    is; of those, the ones CoinGecko ranks by market cap when any is ranked (an unranked coin
    sharing a big coin's symbol is not what anyone means)."""
    by_id = [h for h in hits if h.id == query]
    if by_id:
        return by_id[:1]
    same = [h for h in hits if h.symbol.lower() == query]
    ranked = sorted((h for h in same if h.market_cap_rank is not None),
                    key=lambda h: h.market_cap_rank or 0)
    return (ranked or same)[:MAX_COIN_OPTIONS]


class Resolver:
    def __init__(self, quotes: Quotes) -> None:
        self._quotes = quotes

    async def resolve(self, text: str) -> Resolution:
        """``CodeError`` (an ``InputError``) when the text cannot name anything."""
        reading = read_code(text)
        candidates = list(reading.candidates)
        coin_hits: tuple[coingecko.CoinHit, ...] = ()
        lookup_failed: str | None = None
        if reading.coin_query is not None:
            try:
                coin_hits = await self._quotes.search_coins(reading.coin_query)
            except UpstreamError as exc:
                lookup_failed = str(exc)
            for hit in coin_matches(reading.coin_query, coin_hits):
                listing = coin_listing(hit)
                rank = f", rank {hit.market_cap_rank}" if hit.market_cap_rank else ""
                candidates.append(Candidate(listing, f"coin{rank}"))
        unique = list({c.listing.id: c for c in candidates}.values())
        batch = await self._quotes.fetch([c.listing for c in unique])
        options, failures = [], []
        for candidate in unique:
            quote = batch.get(candidate.listing.id)
            if quote is None:
                continue
            if quote.ok:
                options.append(Option(named(quote, candidate.listing), quote, candidate.where))
            elif quote.status == "failed":
                failures.append(f"{candidate.listing.label} ({quote.problem})")
        if (failures or lookup_failed is not None) and len(options) <= 1:
            return Unverified(reading.text, tuple(failures), lookup_failed)
        if len(options) == 1:
            return Resolved(reading.text, options[0])
        if options:
            return Ambiguous(reading.text, tuple(options))
        return Unknown(reading.text, await self._suggest(reading.text, coin_hits))

    async def _suggest(self, text: str, coin_hits: Sequence[coingecko.CoinHit]
                       ) -> tuple[Suggestion, ...]:
        found: list[Suggestion] = []
        try:
            hits = await self._quotes.search_yahoo(text)
        except UpstreamError as exc:
            log.info("suggestions for %r without Yahoo's search: %s", text, exc)
            hits = ()
        for hit in hits:
            found.append(Suggestion(_typed(hit.symbol), hit.name))
        for report_id in difflib.get_close_matches(text.upper(), list(BY_ID), n=2, cutoff=0.6):
            found.append(Suggestion(report_id, BY_ID[report_id].name))
        near = difflib.get_close_matches(text.upper(), [h.symbol for h in coin_hits], n=2,
                                         cutoff=0.6)
        for coin in coin_hits:
            if coin.symbol in near:
                found.append(Suggestion(f"coin:{coin.id}", coin.name))
        unique = {s.code: s for s in found if s.code.upper() != text.upper()}
        return tuple(unique.values())[:MAX_SUGGESTIONS]


def _typed(symbol: str) -> str:
    """How a user types a Yahoo symbol here: ``BRK-B`` → ``BRK.B``, ``^GSPC`` → ``SPX``."""
    report = BY_VENDOR.get(("yahoo", symbol))
    if report is not None:
        return report.label
    if symbol.endswith((".SS", ".SZ")):
        return symbol[:-3] + (".SH" if symbol.endswith(".SS") else ".SZ")
    if "." not in symbol and "-" in symbol:
        return symbol.replace("-", ".")
    return symbol
