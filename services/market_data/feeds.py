"""The feeds of one build.

A feed is one job of a build: fetch, parse, and hand figures to the ``Assembly``. Every upstream
failure is caught here, per request, and becomes a warning naming the source and the reason; the
figures it would have given stay missing.

A figure with a fallback source is hedged: its fallback starts as soon as the primary fails or
has not answered within the hedge delay, whichever comes first, and the first good answer wins
(``Assembly.add_quote`` keeps the first). A primary overtaken on every figure it serves is
stopped; one that still has figures of its own to give (Eastmoney's breadth) runs on.

Yahoo's figures come in a few spark batches (``yahoo.batches``: a year of daily bars, five days
for Hong Kong), all in flight at once within the per-host limit. Each batch is hedged the same
way: a symbol the spark answer lacks or garbles, or every symbol of a batch that failed or is
slower than the hedge delay, is asked for on its own, as a chart. A spark that gave way is in
its source status; a figure is named missing only when its chart fails too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import date, datetime
from typing import Any, TypeVar

from services.errors import UpstreamError
from services.market_data.assembly import Assembly
from services.market_data.fetcher import Fetcher
from services.market_data.instruments import (
    BY_ID,
    CN_INDICES,
    COINS,
    HK_INDICES,
    MACRO,
    QUOTE_BY_ID,
    SECTOR_ETFS,
    US_INDICES,
    Instrument,
)
from services.market_data.providers import coingecko, defillama, eastmoney, yahoo
from services.market_data.providers.base import Fetched, Parsed, Request, decode_json
from services.market_data.settings import MarketDataSettings
from services.models.history import Series
from services.models.snapshot import RATE_KIND, Breadth, Quote

T = TypeVar("T")

MAX_INDEX_MOVE_PCT = 25.0
MAX_COIN_MOVE_PCT = 50.0
# A session's move beyond which a daily quote of a kind is rejected at the edge (indices and
# ETFs: ``MAX_INDEX_MOVE_PCT``). The VIX has more than doubled in a day (5 February 2018); a
# yield's move is bounded in basis points instead (``plausibility``).
MAX_MOVE_PCT: dict[str, float] = {"volatility": 300.0, "commodity": 60.0, "fx": 20.0,
                                  RATE_KIND: 1000.0}

# The bars a daily quote reads first: its close and the one before, with room for a live bar,
# a holiday bar and a null close or two.
QUOTE_BARS = 10

# The figures Yahoo serves first hand (in spark batches); A-share indices and coins are asked of
# it only as fallbacks.
YAHOO_IDS = tuple(i.id for i in US_INDICES + SECTOR_ETFS + HK_INDICES + MACRO)

CalendarLookup = Callable[[str], Awaitable["yahoo.SessionCalendar | None"]]
Job = tuple[str, tuple[str, ...], Coroutine[Any, Any, None]]


class Feeds:
    """The jobs of one build. Each catches its own upstream failures."""

    def __init__(self, fetcher: Fetcher, settings: MarketDataSettings, assembly: Assembly,
                 calendar: CalendarLookup) -> None:
        self._fetcher = fetcher
        self._settings = settings
        self._out = assembly
        self._calendar = calendar
        key = settings.coingecko_api_key
        self._coingecko_key = key.get_secret_value() if key is not None else None

    def all(self) -> list[Job]:
        jobs: list[Job] = [(yahoo.SPARK_FEED, ids, self.yahoo_batch(ids, range_))
                           for range_, ids in yahoo.batches(YAHOO_IDS)]
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
        fetched = await self._fetcher.get(request)
        return decode_json(decode(fetched.body), request.source), fetched

    # --- hedging

    async def _hedged(self, primary: Callable[[asyncio.Event], Coroutine[Any, Any, None]],
                      feed: str, served: tuple[str, ...], others: tuple[str, ...],
                      fallback: Callable[[str], Coroutine[Any, Any, None]]) -> None:
        """Run ``primary`` (the feed serving ``served`` with a fallback each, and ``others``
        without one), which sets the event it is given when its upstream has answered. Start
        ``fallback(figure)`` for every figure still missing once the primary has ended, or when
        it has not answered within the hedge delay. Fallbacks whose figure arrives from elsewhere
        are cancelled, and so is the primary once every figure it serves has arrived."""
        answered = asyncio.Event()
        first = asyncio.ensure_future(primary(answered))
        heard = asyncio.ensure_future(answered.wait())
        backups: dict[str, asyncio.Future[None]] = {}
        stopped = False
        try:
            await asyncio.wait({first, heard}, timeout=self._settings.hedge_delay_s,
                               return_when=asyncio.FIRST_COMPLETED)
            if answered.is_set():  # in time: let it finish (it may wait for a calendar)
                await asyncio.wait({first})
            backups = {figure: asyncio.ensure_future(fallback(figure)) for figure in served
                       if not self._out.delivered(figure)}
            self._fetcher.metrics.source_fallback(feed, len(backups))
            pending: set[asyncio.Future[None]] = {first, *backups.values()}
            while pending:
                _, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for figure, backup in backups.items():
                    if backup in pending and self._out.delivered(figure):
                        backup.cancel()
                if (first in pending and not stopped
                        and all(self._out.delivered(f) for f in served + others)):
                    stopped = True
                    first.cancel()
                    self._out.overtaken(feed, (
                        f"no answer within the hedge delay of {self._settings.hedge_delay_s:g} "
                        f"s; {', '.join(served)} from the fallback"), served)
            for job in (first, *backups.values()):
                bug = None if job.cancelled() else job.exception()
                if bug is not None:
                    raise bug  # to the isolation point of the build
        finally:
            waits: list[asyncio.Future[Any]] = [first, heard, *backups.values()]
            for task in waits:
                task.cancel()
            await asyncio.gather(*waits, return_exceptions=True)

    # --- Yahoo: US and HK indices, sector ETFs; fallback for A-share indices and coins

    async def yahoo_batch(self, ids: tuple[str, ...], range_: str) -> None:
        """One spark batch, each of its figures hedged by its own chart."""
        await self._hedged(lambda answered: self._spark(ids, range_, answered),
                           yahoo.SPARK_FEED, ids, (),
                           lambda quote_id: self.yahoo_quote(QUOTE_BY_ID[quote_id], range_))

    async def _spark(self, ids: tuple[str, ...], range_: str, answered: asyncio.Event) -> None:
        symbols = tuple(yahoo.SYMBOLS[quote_id] for quote_id in ids)
        try:
            payload, fetched = await self._get(yahoo.spark_request(
                self._settings.yahoo_base_url, symbols, range_))
            answered.set()
            charts = yahoo.split_spark(payload)
        except UpstreamError as exc:
            self._out.gave_way(exc, ids, note="each from its own chart instead")
            return
        self._out.answered(yahoo.SPARK_FEED, fetched.date)
        for quote_id, symbol in zip(ids, symbols, strict=True):
            what = f"{quote_id} ({symbol})"
            chart = charts.get(symbol)
            if chart is None:
                self._out.gap(yahoo.SPARK_FEED, f"{what}: not in the answer; from its chart "
                                                "instead", quote_id)
                continue
            try:
                await self._daily(QUOTE_BY_ID[quote_id], chart, fetched, yahoo.SPARK_FEED)
            except UpstreamError as exc:
                self._out.gap(yahoo.SPARK_FEED, f"{what}: {exc.reason}; from its chart instead",
                              quote_id)

    async def yahoo_quote(self, instrument: Instrument, range_: str | None = None) -> None:
        """One figure from its own chart (a spark's fallback, or an A-share index's)."""
        symbol = yahoo.SYMBOLS[instrument.id]
        what = f"{instrument.id} ({symbol})"
        try:
            payload, fetched = await self._get(yahoo.chart_request(
                self._settings.yahoo_base_url, symbol,
                range_ or yahoo.build_range(instrument.id)))
            await self._daily(instrument, payload, fetched, yahoo.FEED)
        except UpstreamError as exc:
            self._out.failed(exc, (instrument.id,), what)

    async def _daily(self, instrument: Instrument, chart: Any, fetched: Fetched,
                     feed: str) -> None:
        """A quote from one chart-shaped answer: its last completed close, dated by its own
        bar (never by the time of the request), and the closed sessions before it.

        The quote reads the answer's last bars only; its year of closes is read when the
        build's history is asked for, so that it costs the snapshot no time."""
        now = self._out.now
        series = yahoo.parse_chart(chart, now=now, last=QUOTE_BARS)
        calendar = await self._calendar(instrument.sessions)
        closed = yahoo.closed_bars(series, calendar)
        if len(closed) < 2:  # the last bars were not enough (nulls, a gap): read them all
            series = yahoo.parse_chart(chart, now=now)
            closed = yahoo.closed_bars(series, calendar)
        parsed = yahoo.last_close(series, calendar=calendar, closed=closed,
                                  max_move_pct=MAX_MOVE_PCT.get(instrument.kind,
                                                                MAX_INDEX_MOVE_PCT))
        daily = parsed.value
        self._out.rejected(feed, parsed.rejected,
                           f"{instrument.id} ({yahoo.SYMBOLS[instrument.id]}): ")
        if feed != yahoo.SPARK_FEED:  # a spark answer is counted once, for all its symbols
            self._out.answered(feed, daily.as_of or fetched.date)
        else:
            self._out.answered_at(feed, daily.as_of)
        rate = instrument.kind == RATE_KIND  # a yield moves in basis points, not percent
        kept = self._out.add_quote(_quote(instrument, daily.close,
                                          None if rate else daily.change_pct, daily.session,
                                          yahoo.SOURCE, change_bp=daily.change_bp if rate
                                          else None))
        if kept:
            def closes() -> Series:
                bars = yahoo.closed_bars(yahoo.parse_chart(chart, now=now), calendar)
                return Series(instrument.id, yahoo.SOURCE, instrument.unit,
                              tuple((bar.session, bar.close) for bar in bars))
            self._out.keep_closes(instrument.id, closes)

    async def yahoo_coin(self, instrument: Instrument) -> None:
        """A coin from hourly bars: its price and a true 24-hour change."""
        symbol = yahoo.SYMBOLS[instrument.id]
        what = f"{instrument.id} ({symbol})"
        try:
            payload, fetched = await self._get(yahoo.chart_request(
                self._settings.yahoo_base_url, symbol, yahoo.COIN_RANGE, yahoo.COIN_INTERVAL))
            parsed = yahoo.rolling_change(payload, now=self._out.now,
                                          max_move_pct=MAX_COIN_MOVE_PCT)
        except UpstreamError as exc:
            self._out.failed(exc, (instrument.id,), what)
            return
        self._out.rejected(yahoo.FEED, parsed.rejected, f"{what}: ")
        move = parsed.value
        self._out.answered(yahoo.FEED, move.as_of or fetched.date)
        window = None if move.window == yahoo.WINDOW_24H else move.window
        self._out.add_quote(_quote(instrument, move.price, move.change_pct, move.as_of,
                                   yahoo.SOURCE, window))

    # --- Eastmoney: A-share indices (fallback Yahoo), breadth and turnover

    async def a_shares(self) -> None:
        ids = tuple(i.id for i in CN_INDICES)
        await self._hedged(self._eastmoney, eastmoney.FEED, ids, ("a_share_breadth",),
                           lambda quote_id: self.yahoo_quote(BY_ID[quote_id]))

    async def _eastmoney(self, answered: asyncio.Event) -> None:
        ids = tuple(i.id for i in CN_INDICES)
        try:
            payload, fetched = await self._get(
                eastmoney.ulist_request(self._settings.eastmoney_base_url), eastmoney.strip_jsonp)
            answered.set()
            parsed = eastmoney.parse_ulist(payload, now=self._out.now,
                                           max_move_pct=MAX_INDEX_MOVE_PCT)
        except UpstreamError as exc:
            self._out.failed(exc, (*ids, "a_share_breadth"),
                             note=f"{', '.join(ids)} from yahoo instead; breadth has no fallback")
            return
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
                self._out.add_quote(_quote(instrument, quote.close, quote.change_pct,
                                           quote.session, eastmoney.SOURCE))
            elif instrument.id not in rejected:  # a rejection was already reported
                self._out.warn(eastmoney.FEED, f"{instrument.id}: {problem}; last close "
                                               "from yahoo instead", (instrument.id,))
        if "a_share_breadth" not in rejected:
            intraday = next((q for q in board.quotes.values() if q.intraday), None)
            self._take_breadth(board.breadth, latest, intraday)

    def _take_breadth(self, breadth: Breadth | None, latest: date | None,
                      intraday: eastmoney.IndexQuote | None) -> None:
        if breadth is None:
            self._out.warn(eastmoney.FEED, "breadth and turnover missing from the answer",
                           ("a_share_breadth",))
        elif intraday is not None and intraday.as_of is not None:
            self._out.warn(eastmoney.FEED, f"breadth left out: {_intraday(intraday.as_of)}",
                           ("a_share_breadth",))
        elif latest is not None and breadth.session is not None and breadth.session > latest:
            self._out.warn(eastmoney.FEED, f"breadth left out: the session of "
                                           f"{breadth.session.isoformat()} is still in progress",
                           ("a_share_breadth",))
        else:
            self._out.breadth = breadth

    # --- CoinGecko: BTC and ETH (fallback Yahoo), total market

    async def coins(self) -> None:
        ids = tuple(i.id for i in COINS)
        await self._hedged(self._coingecko, coingecko.PRICE_FEED, ids, (),
                           lambda coin: self.yahoo_coin(BY_ID[coin]))

    async def _coingecko(self, answered: asyncio.Event) -> None:
        try:
            payload, fetched = await self._get(coingecko.price_request(
                self._settings.coingecko_base_url, self._coingecko_key))
            answered.set()
            parsed = coingecko.parse_price(payload, now=self._out.now,
                                           max_move_pct=MAX_COIN_MOVE_PCT)
        except UpstreamError as exc:
            self._out.failed(exc, tuple(i.id for i in COINS), note="coins from yahoo instead")
            return
        self._out.rejected(coingecko.PRICE_FEED, parsed.rejected)
        prices = parsed.value
        self._out.answered(coingecko.PRICE_FEED,
                           max((p.as_of for p in prices.values() if p.as_of),
                               default=fetched.date))
        for instrument in COINS:
            price = prices.get(instrument.id)
            if price is not None:
                self._out.add_quote(_quote(
                    instrument, price.price_usd, price.change_pct_24h,
                    price.as_of or fetched.date or self._out.now, coingecko.SOURCE))

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
        tvl = await self._block(
            defillama.protocols_request(self._settings.defillama_base_url),
            defillama.parse_protocols, "protocols")
        if tvl is not None:
            self._out.protocols = tvl.protocols
            self._out.defi_categories = tvl.categories

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


def _intraday(as_of: datetime) -> str:
    local = as_of.astimezone(eastmoney.SHANGHAI)
    return (f"read at {local:%H:%M} Shanghai time on {local.date().isoformat()}, before the "
            f"{eastmoney.CLOSE:%H:%M} close: intraday, not a close")


def _board_problem(quote: eastmoney.IndexQuote | None, latest: date | None) -> str | None:
    """Why an Eastmoney row is not a close we can use, or None when it is."""
    if quote is None or quote.close is None:
        return "no value in the answer"
    if quote.session is None or quote.as_of is None:
        return "no session date in the answer"
    if quote.intraday:
        return _intraday(quote.as_of)
    if latest is not None and quote.session > latest:
        return f"the session of {quote.session.isoformat()} is still in progress"
    return None


def _quote(instrument: Instrument, close: float | None, change: float | None,
           session: date | datetime | None, source: str, window: str | None = None, *,
           change_bp: float | None = None) -> Quote:
    return Quote(id=instrument.id, name=instrument.name, market=instrument.market,
                 kind=instrument.kind, close=close, change_pct=change, session=session,
                 source=source, change_window=window, change_bp=change_bp)
