"""What one build has gathered so far: figures, warnings, and each source's record.

Feeds hand figures to the ``Assembly`` as they arrive and report each failed request to it;
``snapshot()`` turns the lot into a ``MarketSnapshot`` whose ``warnings`` name every failed source
and its reason and whose ``sources`` give each source's as-of. ``history()`` gives the closed
sessions the answers carried along with the quotes (a year of daily bars from Yahoo).

A primary that gives way to a fallback figure by figure (``gave_way``, ``gap``) is recorded in
its source status only: the figure is not missing yet. If the fallback fails too, the fallback's
own warning names the figure.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol as Typed

from services.errors import UpstreamError, UpstreamTimeout, UpstreamUnreachable
from services.market_data.instruments import SNAPSHOT
from services.market_data.providers.base import Rejection
from services.models.history import History, Series
from services.models.snapshot import (
    Breadth,
    CryptoMarket,
    DefiCategory,
    Dex,
    MarketSnapshot,
    Protocol,
    Quote,
    SessionCalendar,
    SourceStatus,
    SourceWarning,
    Stablecoin,
)

log = logging.getLogger(__name__)

NORTHBOUND_REASON = "not published since 2024-08-19"
SHOWN_FIGURES = 5  # figures named in a status's fallback line before "and N more"


class FeedTraffic(Typed):
    """What the fetcher counted for one feed (``fetcher.Traffic``)."""

    sent: int

    @property
    def latency_s(self) -> float | None: ...


@dataclass
class _FeedLog:
    answered: int = 0
    failures: list[str] = field(default_factory=list)
    as_of: datetime | None = None
    lost: list[str] = field(default_factory=list)  # figures of its failed requests
    gaps: list[str] = field(default_factory=list)  # figures an answered request did not serve


_BLOCKS = ("a_share_breadth", "crypto_market", "stablecoins", "protocols", "dexes")


class Assembly:
    """The figures of one build as they arrive, the warnings, and each feed's record."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.quotes: dict[str, Quote] = {}
        self.crypto_market: CryptoMarket | None = None
        self.stablecoins: tuple[Stablecoin, ...] = ()
        self.protocols: tuple[Protocol, ...] = ()
        self.defi_categories: tuple[DefiCategory, ...] = ()
        self.dexes: tuple[Dex, ...] = ()
        self.breadth: Breadth | None = None
        self.warnings: list[SourceWarning] = []
        # by quote id: how to read the closed sessions of the answer that gave it
        self._closes: dict[str, Callable[[], Series]] = {}
        self._feeds: dict[str, _FeedLog] = {}
        self._notes: dict[str, str] = {}  # e.g. a calendar whose sessions were inferred
        self.calendars: dict[str, SessionCalendar] = {}  # by market: sessions around now
        self._answers_refused = 0  # failures other than no connection or no answer in time

    def calendar(self, market: str, sessions: tuple[date, ...], source: str) -> None:
        """The market's sessions around the build, from its exchange calendar."""
        self.calendars[market] = SessionCalendar.model_validate(
            {"market": market, "sessions": sessions, "source": source})

    def warn(self, source: str, reason: str, figures: Iterable[str]) -> None:
        self.warnings.append(SourceWarning(source=source, reason=reason, figures=tuple(figures)))

    def rejected(self, source: str, rejections: Iterable[Rejection], prefix: str = "") -> None:
        for rejection in rejections:
            self.warn(source, f"{prefix}{rejection.reason}", (rejection.figure,))

    def answered(self, feed: str, as_of: datetime | None) -> None:
        self._feeds.setdefault(feed, _FeedLog()).answered += 1
        self.answered_at(feed, as_of)

    def answered_at(self, feed: str, as_of: datetime | None) -> None:
        """A figure of an answer already counted, as of ``as_of``: the source's as-of is the
        latest of its figures'."""
        log = self._feeds.setdefault(feed, _FeedLog())
        if as_of is not None and (log.as_of is None or as_of > log.as_of):
            log.as_of = as_of

    def failed(self, exc: UpstreamError, figures: Iterable[str], what: str = "",
               note: str = "") -> None:
        reason = exc.reason + (f" after {exc.attempts} attempts" if exc.attempts > 1 else "")
        reason = (f"{what}: " if what else "") + reason + (f"; {note}" if note else "")
        figures = tuple(figures)
        log = self._feeds.setdefault(exc.source, _FeedLog())
        log.failures.append(reason)
        log.lost.extend(figures)
        if not isinstance(exc, (UpstreamUnreachable, UpstreamTimeout)):
            self._answers_refused += 1
        self.warn(exc.source, reason, figures)

    def gave_way(self, exc: UpstreamError, figures: Iterable[str], note: str = "") -> None:
        """A failed request whose figures each have a fallback that is now asked: in the
        source's status (failed, with what covered its figures), not in the warnings."""
        reason = exc.reason + (f" after {exc.attempts} attempts" if exc.attempts > 1 else "")
        log = self._feeds.setdefault(exc.source, _FeedLog())
        log.failures.append(reason + (f"; {note}" if note else ""))
        log.lost.extend(figures)
        if not isinstance(exc, (UpstreamUnreachable, UpstreamTimeout)):
            self._answers_refused += 1

    def gap(self, feed: str, reason: str, figure: str) -> None:
        """A figure an answered request did not serve (absent, or unreadable), now asked of its
        fallback: in the source's status only."""
        log = self._feeds.setdefault(feed, _FeedLog())
        log.gaps.append(reason)
        log.lost.append(figure)

    def fail_feed(self, feed: str, reason: str, figures: Iterable[str]) -> None:
        missing = [figure for figure in figures if not self.delivered(figure)]
        log = self._feeds.setdefault(feed, _FeedLog())
        log.failures.append(reason)
        log.lost.extend(missing)
        self.warn(feed, reason, missing)

    def overtaken(self, feed: str, reason: str, figures: Iterable[str]) -> None:
        """A primary stopped because its fallback answered first: in its status, not a gap."""
        log = self._feeds.setdefault(feed, _FeedLog())
        log.failures.append(reason)
        log.lost.extend(figures)

    def note(self, name: str, text: str) -> None:
        """A remark about the build (once): in the warnings and in the sources."""
        if name not in self._notes:
            self._notes[name] = text
            self.warn(name, text, ())

    def cut_off(self, feed: str, figures: tuple[str, ...], deadline_s: float) -> None:
        self.fail_feed(feed, f"no answer before the build deadline of {deadline_s:g} s", figures)

    def delivered(self, figure: str) -> bool:
        """Whether ``figure`` (a quote id or a block name of ``_BLOCKS``) has arrived."""
        blocks = {"a_share_breadth": self.breadth, "crypto_market": self.crypto_market,
                  "stablecoins": self.stablecoins, "protocols": self.protocols,
                  "dexes": self.dexes}
        return bool(blocks[figure]) if figure in blocks else figure in self.quotes

    def add_quote(self, quote: Quote) -> bool:
        """Keep ``quote`` unless its figure has already arrived: the first good answer wins."""
        if quote.id in self.quotes:
            return False
        self.quotes[quote.id] = quote
        return True

    def keep_closes(self, quote_id: str, read: Callable[[], Series]) -> None:
        """How to read the closed sessions of the answer that gave a quote (the first answer
        wins, as for the quote); read by ``history``."""
        self._closes.setdefault(quote_id, read)

    def history(self) -> History:
        """The closed sessions of the answers that gave the quotes. An answer whose full read
        fails (a bar in the future, say) gives none."""
        series: dict[str, Series] = {}
        for quote_id, read in self._closes.items():
            try:
                closes = read()
            except UpstreamError as exc:
                log.warning("closes of %s left out: %s", quote_id, exc.reason)
                continue
            if closes.closes:
                series[quote_id] = closes
        return History(series)

    def latest_session(self, market: str) -> date | None:
        """The latest session among the figures of ``market`` that arrived (breadth included
        for CN): the data's own word on the latest session."""
        days = [q.session_date for q in self.quotes.values()
                if q.market == market and q.session_date is not None]
        if market == "CN" and self.breadth is not None and self.breadth.session is not None:
            days.append(self.breadth.session)
        return max(days) if days else None

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

    def mark_macro_stale(self, oldest: date, latest: date) -> None:
        """Flag every MACRO quote older than ``oldest``, the New York session before
        ``latest`` (a round-the-clock quote's latest close may be a session behind)."""
        for quote_id, quote in list(self.quotes.items()):
            if quote.market != "MACRO" or quote.session_date is None:
                continue
            if quote.session_date < oldest:
                self.quotes[quote_id] = quote.model_copy(update={"stale": True})
                self.warn(quote.source or "calendar", (
                    f"{quote_id}: last close is of {quote.session_date.isoformat()}, more than "
                    f"a session older than the latest US session {latest.isoformat()} (stale)"),
                    (quote_id,))

    def snapshot(self, traffic: Mapping[str, FeedTraffic] | None = None) -> MarketSnapshot:
        order = {instrument.id: i for i, instrument in enumerate(SNAPSHOT)}
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
            protocols=self.protocols, defi_categories=self.defi_categories, dexes=self.dexes,
            a_share_breadth=self.breadth, northbound_net_cny=None, warnings=tuple(warnings),
            sources=self._statuses(traffic or {}), calendars=tuple(self.calendars.values()))

    def _statuses(self, traffic: Mapping[str, FeedTraffic]) -> tuple[SourceStatus, ...]:
        statuses = []
        for name, log in self._feeds.items():
            reason = None
            if log.failures:
                total = log.answered + len(log.failures)
                reason = (log.failures[0] if total == 1 else
                          f"{len(log.failures)} of {total} requests failed, first: "
                          f"{log.failures[0]}")
            if log.gaps:
                gaps = (log.gaps[0] if len(log.gaps) == 1 else
                        f"{len(log.gaps)} figures not served, first: {log.gaps[0]}")
                reason = f"{reason}; {gaps}" if reason else gaps
            counted = traffic.get(name)
            latency = counted.latency_s if counted is not None else None
            failed = bool(log.failures or log.gaps)
            statuses.append(SourceStatus(
                name=name, as_of=log.as_of, ok=not failed, reason=reason,
                requests=counted.sent if counted is not None else None,
                latency_s=round(latency, 3) if latency is not None else None,
                fallback=self._coverage(log.lost) if failed else None))
        statuses += [SourceStatus(name=name, note=text) for name, text in self._notes.items()]
        return tuple(statuses)

    def _coverage(self, lost: list[str]) -> str | None:
        """Which of a failed feed's figures another source covered, and which none did."""
        figures = list(dict.fromkeys(lost))
        if not figures:
            return None
        by_source: dict[str, list[str]] = {}
        uncovered = []
        for figure in figures:
            quote = self.quotes.get(figure)
            if quote is not None and quote.source:
                by_source.setdefault(quote.source, []).append(figure)
            elif not self.delivered(figure):
                uncovered.append(figure)
        parts = [f"{source} covers {_names(ids)}" for source, ids in by_source.items()]
        if uncovered:
            parts.append(f"no fallback for {_names(uncovered)}")
        return "; ".join(parts) or None


def _names(figures: list[str]) -> str:
    shown = ", ".join(figures[:SHOWN_FIGURES])
    more = len(figures) - SHOWN_FIGURES
    return shown + (f" and {more} more" if more > 0 else "")
