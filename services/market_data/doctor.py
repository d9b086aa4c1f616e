"""``python -m bot doctor``: one live request per source, and whether every figure has one that
works.

Each feed is probed once (no retry) through the same clients, headers and limits as a build,
and its answer parsed by the same parser. The table says, per source: OK or failed, the latency,
what came back or why it failed, and which fallback covers its figures. The verdict is good when
every figure of a snapshot has a working source: its own, or its fallback.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services import format as fmt
from services.errors import UpstreamError, UpstreamFormatError
from services.market_data.fetcher import Fetcher
from services.market_data.instruments import (
    CN_INDICES,
    COINS,
    HK_INDICES,
    MACRO,
    SECTOR_ETFS,
    US_INDICES,
)
from services.market_data.providers import coingecko, defillama, eastmoney, yahoo
from services.market_data.providers.base import Request, RetryPolicy, decode_json
from services.market_data.settings import MarketDataSettings
from services.market_data.transport import HttpClients

PROBE_SYMBOL = "^GSPC"
SHOWN_FIGURES = 5  # a fallback's figures listed by name up to this many


@dataclass(frozen=True)
class Probe:
    feed: str
    figures: tuple[str, ...]  # what the feed serves in a build
    fallback: str | None  # the feed that serves ``covered`` when this one fails
    covered: tuple[str, ...]
    request: Callable[[MarketDataSettings], Request]
    read: Callable[[Any, datetime], str]  # the parsed answer, in a few words


@dataclass(frozen=True)
class Result:
    probe: Probe
    ok: bool
    latency_s: float | None
    detail: str


def _yahoo(payload: Any, now: datetime) -> str:
    daily = yahoo.last_close(yahoo.parse_chart(payload, now=now), max_move_pct=25).value
    return f"{PROBE_SYMBOL} {fmt.level(daily.close)} on {daily.session.isoformat()}"


def _spark(payload: Any, now: datetime) -> str:
    chart = yahoo.split_spark(payload).get(PROBE_SYMBOL)
    if chart is None:
        raise UpstreamFormatError(yahoo.SPARK_FEED, f"{PROBE_SYMBOL} not in the answer")
    return _yahoo(chart, now)


def _eastmoney(payload: Any, now: datetime) -> str:
    board = eastmoney.parse_ulist(payload, now=now).value
    quotes = ", ".join(f"{k} {fmt.level(q.close)}" for k, q in board.quotes.items())
    breadth = board.breadth
    counted = (f"; breadth {fmt.count(breadth.advancers)} up / {fmt.count(breadth.decliners)} "
               "down" if breadth is not None else "; no breadth")
    return (quotes or "no index rows") + counted


def _prices(payload: Any, now: datetime) -> str:
    prices = coingecko.parse_price(payload, now=now).value
    return ", ".join(f"{k} {fmt.price_usd(p.price_usd)}" for k, p in prices.items()) or (
        "no prices")


def _global(payload: Any, now: datetime) -> str:
    market = coingecko.parse_global(payload, now=now).value
    return f"market cap {fmt.usd(market.total_market_cap_usd)}"


def _stablecoins(payload: Any, now: datetime) -> str:
    return ", ".join(c.symbol for c in defillama.parse_stablecoins(payload).value) or "none"


def _protocols(payload: Any, now: datetime) -> str:
    tvl = defillama.parse_protocols(payload).value
    return (f"{len(tvl.protocols)} protocols, {len(tvl.categories)} categories "
            f"({tvl.left_out} CEX/Chain rows left out)")


def _dexes(payload: Any, now: datetime) -> str:
    return f"{len(defillama.parse_dexes(payload).value)} DEXes"


def _ids(*groups: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(i.id for group in groups for i in group)


CN = _ids(CN_INDICES)
COIN_IDS = _ids(COINS)

YAHOO_IDS = _ids(US_INDICES, SECTOR_ETFS, HK_INDICES, MACRO)

PROBES: tuple[Probe, ...] = (
    Probe(yahoo.SPARK_FEED, YAHOO_IDS, yahoo.FEED, YAHOO_IDS,
          lambda s: yahoo.spark_request(s.yahoo_base_url, (PROBE_SYMBOL,)), _spark),
    Probe(yahoo.FEED, (), None, (),
          lambda s: yahoo.chart_request(s.yahoo_base_url, PROBE_SYMBOL), _yahoo),
    Probe(eastmoney.FEED, (*CN, "a_share_breadth"), yahoo.FEED, CN,
          lambda s: eastmoney.ulist_request(s.eastmoney_base_url), _eastmoney),
    Probe(coingecko.PRICE_FEED, COIN_IDS, yahoo.FEED, COIN_IDS,
          lambda s: coingecko.price_request(s.coingecko_base_url, _key(s)), _prices),
    Probe(coingecko.GLOBAL_FEED, ("crypto_market",), None, (),
          lambda s: coingecko.global_request(s.coingecko_base_url, _key(s)), _global),
    Probe(defillama.STABLECOINS_FEED, ("stablecoins",), None, (),
          lambda s: defillama.stablecoins_request(s.defillama_stablecoins_url), _stablecoins),
    Probe(defillama.PROTOCOLS_FEED, ("protocols",), None, (),
          lambda s: defillama.protocols_request(s.defillama_base_url), _protocols),
    Probe(defillama.DEXES_FEED, ("dexes",), None, (),
          lambda s: defillama.dexes_request(s.defillama_base_url), _dexes),
)


def _key(settings: MarketDataSettings) -> str | None:
    key = settings.coingecko_api_key
    return key.get_secret_value() if key is not None else None


async def check(clients: HttpClients, settings: MarketDataSettings, now: datetime
                ) -> tuple[Result, ...]:
    """Every probe at once, one request each (no retry), within one provider timeout."""
    policy = RetryPolicy(timeout_s=settings.provider_timeout_s, attempts=1)
    fetcher = Fetcher(clients, policy, deadline_s=settings.provider_timeout_s + 1.0)

    async def run(probe: Probe) -> Result:
        request = probe.request(settings)
        started = time.monotonic()
        try:
            fetched = await fetcher.get(request)
            latency = time.monotonic() - started
            decode = eastmoney.strip_jsonp if probe.feed == eastmoney.FEED else _same
            detail = probe.read(decode_json(decode(fetched.body), request.source), now)
        except UpstreamError as exc:
            answered = fetcher.traffic.get(request.source)
            return Result(probe, False, answered.latency_s if answered is not None else None,
                          exc.reason)
        return Result(probe, True, latency, detail)

    return tuple(await asyncio.gather(*(run(probe) for probe in PROBES)))


def _same(body: bytes) -> bytes:
    return body


def unserved(results: tuple[Result, ...]) -> tuple[str, ...]:
    """The figures with no working source: neither their own nor their fallback answered."""
    working = {r.probe.feed for r in results if r.ok}
    lost = []
    for result in results:
        for figure in result.probe.figures:
            own = result.probe.feed in working
            fallback = (figure in result.probe.covered and result.probe.fallback in working)
            if not (own or fallback):
                lost.append(figure)
    return tuple(lost)


def fallback_text(result: Result, results: tuple[Result, ...]) -> str:
    probe = result.probe
    if probe.fallback is None:
        return "none"
    state = next((r for r in results if r.probe.feed == probe.fallback), None)
    works = "OK" if state is not None and state.ok else "failed"
    covered = (f"its {len(probe.covered)} figures" if len(probe.covered) > SHOWN_FIGURES
               and probe.covered == probe.figures else ", ".join(probe.covered))
    text = f"{probe.fallback} ({works}) for {covered}"
    rest = [f for f in probe.figures if f not in probe.covered]
    return text + (f"; none for {', '.join(rest)}" if rest else "")


def table(results: tuple[Result, ...]) -> str:
    """The results as a plain-text table, then the verdict."""
    header = ("source", "result", "latency", "what came back / why it failed", "fallback")
    rows = [(r.probe.feed, "OK" if r.ok else "failed",
             f"{r.latency_s * 1000:.0f} ms" if r.latency_s is not None else "n/a",
             r.detail, fallback_text(r, results)) for r in results]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in (header, tuple("-" * w for w in widths), *rows)]
    lost = unserved(results)
    lines.append("")
    lines.append("every figure has a working source" if not lost else
                 f"no working source for: {', '.join(lost)}")
    return "\n".join(lines) + "\n"

