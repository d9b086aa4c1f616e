"""Watchlists for the handlers: add (resolved and verified), remove, list, and the block.

``WatchService`` holds the store, the resolver, the quotes and the history port; the handlers
only parse, call and render. ``QuoteCache`` keeps each instrument's quote for a short while, so
that a busy group asking ``/watchlist`` does not ask the upstreams again for every message;
``board(key, listings)`` fetches once per key (an edition id) for every chat of a fan-out.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from services.errors import InputError, Say
from services.watch.block import WatchBlock, build_block, needed
from services.watch.codes import read_code
from services.watch.history import NO_HISTORY, HistoryReader
from services.watch.instruments import REPORT_LISTINGS, Listing
from services.watch.quotes import QuoteBatch, WatchQuote
from services.watch.resolve import Quotes, Resolution, Resolved, Resolver
from services.watch.store import Added, WatchlistFull, WatchStore

Monotonic = Callable[[], float]
MAX_CODES = 10  # codes per /watch add or remove: each is verified with live requests


@dataclass(frozen=True)
class AddOutcome:
    text: str  # as typed
    resolution: Resolution | None = None
    added: Added | None = None
    full_at: int | None = None  # the limit, when the list was full
    error: Say | None = None  # the text names nothing (one line, said in the reader's language)


@dataclass(frozen=True)
class RemoveOutcome:
    text: str
    removed: tuple[Listing, ...] = ()
    matches: tuple[Listing, ...] = ()  # more than one item fits: ask back
    error: Say | None = None


class QuoteCache:
    """Quotes reused for ``ttl_s`` seconds; whatever is missing or older is fetched in one
    build, one caller at a time (a second caller then finds the first one's quotes)."""

    def __init__(self, quotes: Quotes, ttl_s: float, monotonic: Monotonic = time.monotonic
                 ) -> None:
        self._quotes = quotes
        self._ttl_s = ttl_s
        self._monotonic = monotonic
        self._kept: dict[str, tuple[float, WatchQuote]] = {}
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def get(self, listings: Sequence[Listing]) -> QuoteBatch:
        async with self._lock:
            now = self._monotonic()
            fresh = {li.id: kept[1] for li in listings
                     if (kept := self._kept.get(li.id)) is not None
                     and now - kept[0] < self._ttl_s and kept[1].ok}
            missing = [li for li in listings if li.id not in fresh]
            requests: dict[str, int] = {}
            if missing:
                batch = await self._quotes.fetch(missing)
                self.fetches += 1
                requests = dict(batch.requests)
                for listing_id, quote in batch.quotes.items():
                    self._kept[listing_id] = (now, quote)
                    fresh[listing_id] = quote
            return QuoteBatch(fresh, requests, datetime.now(UTC))


class WatchService:
    def __init__(self, store: WatchStore, quotes: Quotes, *, max_items: int = 30,
                 history: HistoryReader = NO_HISTORY, quote_ttl_s: float = 60.0) -> None:
        self.store = store
        self.quotes = quotes
        self.resolver = Resolver(quotes)
        self.history = history
        self.max_items = max_items
        self.cache = QuoteCache(quotes, quote_ttl_s)
        self._boards: dict[str, asyncio.Future[QuoteBatch]] = {}

    async def add(self, platform: str, destination_id: str, codes: Sequence[str]
                  ) -> list[AddOutcome]:
        """Each code resolved and verified; the ones that name exactly one instrument are
        added (up to ``max_items``)."""
        if len(codes) > MAX_CODES:
            return [AddOutcome(" ".join(codes[:3]) + " …", error=Say(
                "{count} codes at once is too many; add at most {limit} at a time.",
                {"count": len(codes), "limit": MAX_CODES}))]
        outcomes = []
        for code in dict.fromkeys(codes):
            try:
                resolution = await self.resolver.resolve(code)
            except InputError as exc:
                outcomes.append(AddOutcome(code, error=said(exc)))
                continue
            if not isinstance(resolution, Resolved):
                outcomes.append(AddOutcome(code, resolution))
                continue
            try:
                added = await self.store.add(platform, destination_id,
                                             resolution.option.listing, self.max_items)
            except WatchlistFull as full:
                outcomes.append(AddOutcome(code, resolution, full_at=full.limit))
                continue
            outcomes.append(AddOutcome(code, resolution, added))
        return outcomes

    async def remove(self, platform: str, destination_id: str, codes: Sequence[str]
                     ) -> list[RemoveOutcome]:
        """Each code matched against the chat's list (no request needed)."""
        if len(codes) > MAX_CODES:
            return [RemoveOutcome(" ".join(codes[:3]) + " …", error=Say(
                "{count} codes at once is too many; remove at most {limit} at a time.",
                {"count": len(codes), "limit": MAX_CODES}))]
        items = await self.store.items(platform, destination_id)
        outcomes = []
        for code in dict.fromkeys(codes):
            try:
                matches = matching(code, items)
            except InputError as exc:
                outcomes.append(RemoveOutcome(code, error=said(exc)))
                continue
            if len(matches) == 1:
                await self.store.remove(platform, destination_id, matches[0].id)
                items = [li for li in items if li.id != matches[0].id]
            outcomes.append(RemoveOutcome(code, tuple(matches) if len(matches) == 1 else (),
                                          tuple(matches) if len(matches) > 1 else ()))
        return outcomes

    async def items(self, platform: str, destination_id: str) -> list[Listing]:
        return await self.store.items(platform, destination_id)

    async def block(self, platform: str, destination_id: str, language: str = "en"
                    ) -> WatchBlock | None:
        """``/watchlist``: the chat's instruments now (quotes at most ``quote_ttl_s`` old), in
        ``language``."""
        listings = await self.store.items(platform, destination_id)
        if not listings:
            return None
        batch = await self.cache.get(with_benchmarks(listings))
        history = await self.history.read([li.id for li in listings])
        return build_block(listings, batch, history, language=language)

    async def board(self, key: str, listings: Sequence[Listing]) -> QuoteBatch:
        """The quotes of ``listings`` (and their benchmarks) fetched once for ``key``: every
        chat of one edition's fan-out shares them."""
        future = self._boards.get(key)
        if future is None or (future.done() and (future.cancelled()
                                                 or future.exception() is not None)):
            future = asyncio.ensure_future(self.quotes.fetch(with_benchmarks(listings)))
            self._boards = {k: v for k, v in list(self._boards.items())[-3:]}  # recent keys
            self._boards[key] = future
        return await asyncio.shield(future)

    async def block_for(self, key: str, platform: str, destination_id: str,
                        every: Sequence[Listing], language: str = "en") -> WatchBlock | None:
        """The chat's block from the board of ``key`` (fetched for ``every`` listing), in
        ``language``."""
        listings = await self.store.items(platform, destination_id)
        if not listings:
            return None
        batch = await self.board(key, every)
        missing = [li for li in with_benchmarks(listings) if batch.get(li.id) is None]
        if missing:  # added after the board was fetched
            extra = await self.quotes.fetch(missing)
            batch = QuoteBatch({**batch.quotes, **extra.quotes}, batch.requests,
                               batch.fetched_at)
        history = await self.history.read([li.id for li in listings])
        return build_block(listings, batch, history, language=language)


def said(exc: InputError) -> Say:
    """The error's message as a template and values (its English text when it has none)."""
    return exc.say if exc.say is not None else Say(str(exc))


def with_benchmarks(listings: Sequence[Listing]) -> list[Listing]:
    have = {li.id for li in listings}
    return [*listings, *(REPORT_LISTINGS[b] for b in needed(listings) if b not in have)]


def matching(code: str, items: Sequence[Listing]) -> list[Listing]:
    """The chat's items ``code`` names: by what it reads as, or by label."""
    typed = code.strip()
    by_label = [li for li in items if li.label.upper() == typed.upper()
                or li.id.upper() == typed.upper()]
    if by_label:
        return by_label
    reading = read_code(typed)
    ids = {c.listing.id for c in reading.candidates}
    found = [li for li in items if li.id in ids]
    if reading.coin_query is not None:
        found += [li for li in items if li.kind == "coin" and li not in found
                  and reading.coin_query in (li.symbol, li.label.lower())]
    return found
