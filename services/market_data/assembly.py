"""What one build has gathered so far: figures, warnings, and each source's record.

Feeds hand figures to the ``Assembly`` as they arrive and report each failed request to it;
``snapshot()`` turns the lot into a ``MarketSnapshot`` whose ``warnings`` name every failed source
and its reason and whose ``sources`` give each source's as-of.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from services.errors import UpstreamError, UpstreamTimeout, UpstreamUnreachable
from services.market_data.instruments import BY_ID
from services.market_data.providers.base import Rejection
from services.models.snapshot import (
    Breadth,
    CryptoMarket,
    Dex,
    MarketSnapshot,
    Protocol,
    Quote,
    SourceStatus,
    SourceWarning,
    Stablecoin,
)

NORTHBOUND_REASON = "not published since 2024-08-19"


@dataclass
class _FeedLog:
    answered: int = 0
    failures: list[str] = field(default_factory=list)
    as_of: datetime | None = None


_BLOCKS = ("a_share_breadth", "crypto_market", "stablecoins", "protocols", "dexes")


class Assembly:
    """The figures of one build as they arrive, the warnings, and each feed's record."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.quotes: dict[str, Quote] = {}
        self.crypto_market: CryptoMarket | None = None
        self.stablecoins: tuple[Stablecoin, ...] = ()
        self.protocols: tuple[Protocol, ...] = ()
        self.dexes: tuple[Dex, ...] = ()
        self.breadth: Breadth | None = None
        self.warnings: list[SourceWarning] = []
        self._feeds: dict[str, _FeedLog] = {}
        self._answers_refused = 0  # failures other than no connection or no answer in time

    def warn(self, source: str, reason: str, figures: Iterable[str]) -> None:
        self.warnings.append(SourceWarning(source=source, reason=reason, figures=tuple(figures)))

    def rejected(self, source: str, rejections: Iterable[Rejection], prefix: str = "") -> None:
        for rejection in rejections:
            self.warn(source, f"{prefix}{rejection.reason}", (rejection.figure,))

    def answered(self, feed: str, as_of: datetime | None) -> None:
        log = self._feeds.setdefault(feed, _FeedLog())
        log.answered += 1
        if as_of is not None and (log.as_of is None or as_of > log.as_of):
            log.as_of = as_of

    def failed(self, exc: UpstreamError, figures: Iterable[str], what: str = "",
               note: str = "") -> None:
        reason = exc.reason + (f" after {exc.attempts} attempts" if exc.attempts > 1 else "")
        reason = (f"{what}: " if what else "") + reason + (f"; {note}" if note else "")
        self._feeds.setdefault(exc.source, _FeedLog()).failures.append(reason)
        if not isinstance(exc, (UpstreamUnreachable, UpstreamTimeout)):
            self._answers_refused += 1
        self.warn(exc.source, reason, figures)

    def fail_feed(self, feed: str, reason: str, figures: Iterable[str]) -> None:
        missing = [figure for figure in figures if not self.delivered(figure)]
        self._feeds.setdefault(feed, _FeedLog()).failures.append(reason)
        self.warn(feed, reason, missing)

    def cut_off(self, feed: str, figures: tuple[str, ...], deadline_s: float) -> None:
        self.fail_feed(feed, f"no answer before the build deadline of {deadline_s:g} s", figures)

    def delivered(self, figure: str) -> bool:
        """Whether ``figure`` (a quote id or a block name of ``_BLOCKS``) has arrived."""
        blocks = {"a_share_breadth": self.breadth, "crypto_market": self.crypto_market,
                  "stablecoins": self.stablecoins, "protocols": self.protocols,
                  "dexes": self.dexes}
        return bool(blocks[figure]) if figure in blocks else figure in self.quotes

    def add_quote(self, quote: Quote) -> None:
        self.quotes[quote.id] = quote

    def mark_stale(self, market: str, latest: date) -> None:
        """Flag every quote of ``market`` older than its latest completed session."""
        for quote_id, quote in list(self.quotes.items()):
            if quote.market != market or quote.session_date is None:
                continue
            if quote.session_date < latest:
                self.quotes[quote_id] = quote.model_copy(update={"stale": True})
                self.warn(quote.source or "calendar", (
                    f"{quote_id}: last close is of {quote.session_date.isoformat()}, older than "
                    f"the latest {market} session {latest.isoformat()} (stale)"), (quote_id,))

    def snapshot(self) -> MarketSnapshot:
        order = {instrument.id: i for i, instrument in enumerate(BY_ID.values())}
        quotes = sorted(self.quotes.values(), key=lambda q: order.get(q.id, len(order)))
        warnings = [*self.warnings, SourceWarning(source="northbound", reason=NORTHBOUND_REASON,
                                                  figures=("northbound_net_cny",))]
        if not any(self.delivered(figure) for figure in (*self.quotes, *_BLOCKS)):
            reason = ("every source was unreachable (no connection or no answer in time)"
                      if not self._answers_refused else "every source failed")
            warnings.insert(0, SourceWarning(source="all sources",
                                             reason=f"{reason}: no figure arrived"))
        return MarketSnapshot(
            schema_="market-snapshot/1", generated_at=self.now, quotes=tuple(quotes),
            crypto_market=self.crypto_market, stablecoins=self.stablecoins,
            protocols=self.protocols, dexes=self.dexes, a_share_breadth=self.breadth,
            northbound_net_cny=None, warnings=tuple(warnings), sources=self._statuses())

    def _statuses(self) -> tuple[SourceStatus, ...]:
        statuses = []
        for name, log in self._feeds.items():
            reason = None
            if log.failures:
                total = log.answered + len(log.failures)
                reason = (log.failures[0] if total == 1 else
                          f"{len(log.failures)} of {total} requests failed, first: "
                          f"{log.failures[0]}")
            statuses.append(SourceStatus(name=name, as_of=log.as_of, ok=not log.failures,
                                         reason=reason))
        return tuple(statuses)
