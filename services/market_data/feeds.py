"""The feeds of one build.

A feed is one job of a build: fetch, parse, and hand figures to the ``Assembly``, with failover
to a fallback source per figure. Every upstream failure is caught here, per request, and becomes
a warning naming the source and the reason; the figures it would have given stay missing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import date, datetime
from typing import Any, TypeVar

import httpx

from services.errors import UpstreamError
from services.market_data.assembly import Assembly
from services.market_data.instruments import (
    BY_ID,
    CN_INDICES,
    COINS,
    HK_INDICES,
    SECTOR_ETFS,
    US_INDICES,
    Instrument,
)
from services.market_data.providers import coingecko, defillama, eastmoney, yahoo
from services.market_data.providers.base import (
    Fetched,
    Parsed,
    Request,
    RetryPolicy,
    decode_json,
    fetch,
)
from services.market_data.settings import MarketDataSettings
from services.models.snapshot import Breadth, Quote

T = TypeVar("T")

MAX_INDEX_MOVE_PCT = 25.0
MAX_COIN_MOVE_PCT = 50.0

CalendarLookup = Callable[[str], Awaitable["yahoo.SessionCalendar | None"]]
Job = tuple[str, tuple[str, ...], Coroutine[Any, Any, None]]


class Feeds:
    """The jobs of one build. Each catches its own upstream failures."""

    def __init__(self, client: httpx.AsyncClient, settings: MarketDataSettings, policy: RetryPolicy,
                 assembly: Assembly, calendar: CalendarLookup) -> None:
        self._client = client
        self._settings = settings
        self._policy = policy
        self._out = assembly
        self._calendar = calendar
        key = settings.coingecko_api_key
        self._coingecko_key = key.get_secret_value() if key is not None else None

    def all(self) -> list[Job]:
        jobs: list[Job] = [(yahoo.FEED, (i.id,), self.yahoo_quote(i))
                           for i in US_INDICES + SECTOR_ETFS + HK_INDICES]
        jobs += [
            (eastmoney.FEED, (*(i.id for i in CN_INDICES), "a_share_breadth"), self.a_shares()),
            (coingecko.PRICE_FEED, tuple(i.id for i in COINS), self.coins()),
            (coingecko.GLOBAL_FEED, ("crypto_market",), self.crypto_market()),
            (defillama.STABLECOINS_FEED, ("stablecoins",), self.stablecoins()),
            (defillama.PROTOCOLS_FEED, ("protocols",), self.protocols()),
            (defillama.DEXES_FEED, ("dexes",), self.dexes()),
        ]
        return jobs

    async def _get(self, request: Request,
                   decode: Callable[[bytes], bytes] = lambda body: body) -> tuple[Any, Fetched]:
        fetched = await fetch(self._client, request, self._policy)
        return decode_json(decode(fetched.body), request.source), fetched

    # --- Yahoo: US and HK indices, sector ETFs; fallback for A-share indices and coins

    async def yahoo_quote(self, instrument: Instrument) -> None:
        symbol = yahoo.SYMBOLS[instrument.id]
        what = f"{instrument.id} ({symbol})"
        coin = instrument.market == "CRYPTO"
        try:
            payload, fetched = await self._get(
                yahoo.chart_request(self._settings.yahoo_base_url, symbol))
            series = yahoo.parse_chart(payload, now=self._out.now)
            calendar = None if coin else await self._calendar(instrument.market)
            parsed = yahoo.last_close(series, calendar=calendar,
                                      max_move_pct=MAX_COIN_MOVE_PCT if coin
                                      else MAX_INDEX_MOVE_PCT)
        except UpstreamError as exc:
            self._out.failed(exc, (instrument.id,), what)
            return
        self._out.rejected(yahoo.FEED, parsed.rejected, f"{what}: ")
        daily = parsed.value
        as_of = daily.as_of or fetched.date
        self._out.answered(yahoo.FEED, as_of)
        session: date | datetime = (as_of or self._out.now) if coin else daily.session
        self._out.add_quote(_quote(instrument, daily.close, daily.change_pct, session,
                                   yahoo.SOURCE))

    # --- Eastmoney: A-share indices, breadth and turnover

    async def a_shares(self) -> None:
        ids = tuple(i.id for i in CN_INDICES)
        missing = set(ids)
        try:
            payload, fetched = await self._get(
                eastmoney.ulist_request(self._settings.eastmoney_base_url), eastmoney.strip_jsonp)
            parsed = eastmoney.parse_ulist(payload, now=self._out.now,
                                           max_move_pct=MAX_INDEX_MOVE_PCT)
        except UpstreamError as exc:
            self._out.failed(exc, (*ids, "a_share_breadth"),
                             note=f"{', '.join(ids)} from yahoo instead; breadth has no fallback")
        else:
            self._out.rejected(eastmoney.FEED, parsed.rejected)
            calendar = await self._calendar("CN")
            latest = calendar.latest_completed() if calendar is not None else None
            board = parsed.value
            as_of = max((q.as_of for q in board.quotes.values() if q.as_of), default=None)
            self._out.answered(eastmoney.FEED, as_of or fetched.date)
            rejected = {r.figure for r in parsed.rejected}
            for instrument in CN_INDICES:
                quote = board.quotes.get(instrument.id)
                problem = _board_problem(quote, latest)
                if quote is not None and problem is None:
                    missing.discard(instrument.id)
                    self._out.add_quote(_quote(instrument, quote.close, quote.change_pct,
                                               quote.session, eastmoney.SOURCE))
                elif instrument.id not in rejected:  # a rejection was already reported
                    self._out.warn(eastmoney.FEED, f"{instrument.id}: {problem}; last close "
                                                   "from yahoo instead", (instrument.id,))
            self._take_breadth(board.breadth, latest)
        await asyncio.gather(*(self.yahoo_quote(BY_ID[i]) for i in ids if i in missing))

    def _take_breadth(self, breadth: Breadth | None, latest: date | None) -> None:
        if breadth is None:
            self._out.warn(eastmoney.FEED, "breadth and turnover missing from the answer",
                           ("a_share_breadth",))
        elif latest is not None and breadth.session is not None and breadth.session > latest:
            self._out.warn(eastmoney.FEED, f"breadth left out: the session of "
                                           f"{breadth.session.isoformat()} is still in progress",
                           ("a_share_breadth",))
        else:
            self._out.breadth = breadth

    # --- CoinGecko: BTC and ETH (fallback Yahoo), total market

    async def coins(self) -> None:
        missing = {i.id for i in COINS}
        try:
            payload, fetched = await self._get(coingecko.price_request(
                self._settings.coingecko_base_url, self._coingecko_key))
            parsed = coingecko.parse_price(payload, now=self._out.now,
                                           max_move_pct=MAX_COIN_MOVE_PCT)
        except UpstreamError as exc:
            self._out.failed(exc, tuple(sorted(missing)), note="coins from yahoo instead")
        else:
            self._out.rejected(coingecko.PRICE_FEED, parsed.rejected)
            prices = parsed.value
            self._out.answered(coingecko.PRICE_FEED,
                               max((p.as_of for p in prices.values() if p.as_of),
                                   default=fetched.date))
            for instrument in COINS:
                price = prices.get(instrument.id)
                if price is None:
                    continue
                missing.discard(instrument.id)
                self._out.add_quote(_quote(
                    instrument, price.price_usd, price.change_pct_24h,
                    price.as_of or fetched.date or self._out.now, coingecko.SOURCE))
        await asyncio.gather(*(self.yahoo_quote(BY_ID[i]) for i in sorted(missing)))

    async def crypto_market(self) -> None:
        market = await self._block(
            coingecko.global_request(self._settings.coingecko_base_url, self._coingecko_key),
            lambda payload: coingecko.parse_global(payload, now=self._out.now), "crypto_market",
            as_of=lambda value: value.as_of)
        if market is not None:
            self._out.crypto_market = market

    # --- DefiLlama: stablecoins, protocols, DEXes

    async def stablecoins(self) -> None:
        coins = await self._block(
            defillama.stablecoins_request(self._settings.defillama_stablecoins_url),
            defillama.parse_stablecoins, "stablecoins")
        if coins is not None:
            self._out.stablecoins = coins

    async def protocols(self) -> None:
        protocols = await self._block(
            defillama.protocols_request(self._settings.defillama_base_url),
            defillama.parse_protocols, "protocols")
        if protocols is not None:
            self._out.protocols = protocols

    async def dexes(self) -> None:
        dexes = await self._block(defillama.dexes_request(self._settings.defillama_base_url),
                                  defillama.parse_dexes, "dexes")
        if dexes is not None:
            self._out.dexes = dexes

    async def _block(self, request: Request, parse: Callable[[Any], Parsed[T]], figure: str,
                     as_of: Callable[[T], datetime | None] = lambda value: None) -> T | None:
        """One request for one block of the snapshot (no fallback): its value, or None with
        the failure recorded."""
        try:
            payload, fetched = await self._get(request)
            parsed = parse(payload)
        except UpstreamError as exc:
            self._out.failed(exc, (figure,))
            return None
        self._out.rejected(request.source, parsed.rejected)
        self._out.answered(request.source, as_of(parsed.value) or fetched.date)
        return parsed.value


def _board_problem(quote: eastmoney.IndexQuote | None, latest: date | None) -> str | None:
    """Why an Eastmoney row is not a close we can use, or None when it is."""
    if quote is None or quote.close is None:
        return "no value in the answer"
    if quote.session is None:
        return "no session date in the answer"
    if latest is not None and quote.session > latest:
        return f"the session of {quote.session.isoformat()} is still in progress"
    return None


def _quote(instrument: Instrument, close: float | None, change: float | None,
           session: date | datetime | None, source: str) -> Quote:
    return Quote(id=instrument.id, name=instrument.name, market=instrument.market,
                 kind=instrument.kind, close=close, change_pct=change, session=session,
                 source=source)
