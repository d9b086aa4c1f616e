"""The current edition: one cached Report (and its charts) that every command answers from.

Many callers at once cause one build, not many (single flight). ``refresh()`` forces a rebuild.
The snapshot source, narrator and chart renderer are passed in.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import Protocol

from services.analysis import analyze
from services.models.history import EMPTY_HISTORY, History
from services.models.report import Narration, Report
from services.models.snapshot import MarketSnapshot
from services.narration.base import Narrator, narrate_in
from services.narration.template import TemplateNarrator
from services.ops.metrics import Metrics
from services.report.builder import build_report
from services.snapshot_io import dump_snapshot

log = logging.getLogger(__name__)


class SnapshotSource(Protocol):
    async def get(self) -> MarketSnapshot:
        """The snapshot to report on (cached by the source as it sees fit)."""
        ...

    async def refresh(self) -> MarketSnapshot:
        """A new snapshot now, bypassing the source's cache."""
        ...


class ChartRenderer(Protocol):
    async def __call__(self, name: str, report: Report) -> bytes: ...


class EditionHistory(Protocol):
    """Where an edition's history comes from and where its closes go
    (``services.report.history``: the store, or a history given up front)."""

    async def read(self, snapshot: MarketSnapshot) -> History:
        """The closes the snapshot is read against. Never raises: a history that cannot be
        read is an empty ``History`` whose ``gaps`` say why."""
        ...

    async def record(self, snapshot: MarketSnapshot, history: History,
                     doubtful: Collection[str] = ()) -> int:
        """Append the day's closes (best effort); how many were written."""
        ...


@dataclass(frozen=True)
class FixedSource:
    """A snapshot given up front: the sample day or ``--input FILE``, with the history it
    comes with (the sample's bundled year), if any."""

    snapshot: MarketSnapshot
    history: History | None = None

    async def get(self) -> MarketSnapshot:
        return self.snapshot

    async def refresh(self) -> MarketSnapshot:
        return self.snapshot


def edition_id(snapshot: MarketSnapshot) -> str:
    """Stable for the same snapshot content: ``2026-03-21T00:30Z-1a2b3c4d``."""
    digest = hashlib.sha256(dump_snapshot(snapshot).encode()).hexdigest()[:8]
    stamp = snapshot.generated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
    return f"{stamp}-{digest}"


@dataclass
class Edition:
    """One edition: its id, its report in the default language, the snapshot behind it.

    The same edition in another language (``await edition.localised("zh")``) has the same id,
    analysis and figures, and its report in that language, narrated once on first ask by the
    edition's narrator. Every language shares the edition's caches: reports by language,
    charts by (name, language)."""

    id: str
    report: Report
    snapshot: MarketSnapshot
    built_at: datetime
    narrator: Narrator | None = None  # writes the other languages' narration (template if None)
    _charts: dict[tuple[str, str], bytes] = field(default_factory=dict)
    _chart_locks: dict[tuple[str, str], asyncio.Lock] = field(default_factory=dict)
    _reports: dict[str, Report] = field(default_factory=dict)
    _report_locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._reports.setdefault(self.report.language, self.report)

    @property
    def language(self) -> str:
        return self.report.language

    async def chart(self, name: str, render: ChartRenderer) -> bytes:
        """The chart's PNG in this report's language, rendered once per edition."""
        key = (name, self.report.language)
        if key in self._charts:
            return self._charts[key]
        lock = self._chart_locks.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self._charts:
                self._charts[key] = await render(name, self.report)
        return self._charts[key]

    async def report_in(self, language: str) -> Report:
        """The report in ``language``, narrated and built once (callers meanwhile wait)."""
        if language in self._reports:
            return self._reports[language]
        lock = self._report_locks.setdefault(language, asyncio.Lock())
        async with lock:
            if language not in self._reports:
                analysis = self.report.analysis
                narration = await narrate_in(self.narrator or TemplateNarrator(), analysis,
                                             language)
                self._reports[language] = build_report(analysis, narration, language)
                log.info("edition %s in %s (narrator %s)", self.id, language,
                         narration.narrator)
        return self._reports[language]

    async def localised(self, language: str) -> Edition:
        """This edition with its report in ``language`` (itself when it already is)."""
        report = await self.report_in(language)
        return self if report is self.report else replace(self, report=report)

    def narrations(self) -> dict[str, Narration]:
        """What was narrated so far, by language (to store with the edition)."""
        return {language: r.narration for language, r in self._reports.items()}


async def make_edition(snapshot: MarketSnapshot, narrator: Narrator, zone: tzinfo,
                       built_at: datetime, history: History = EMPTY_HISTORY,
                       language: str = "en", previous: MarketSnapshot | None = None
                       ) -> Edition:
    """The edition of one snapshot read against ``history``, in ``language`` first (also how
    a stored edition is rebuilt after a restart). ``previous`` is the previous edition's
    snapshot, analysed the same way to say what changed since (None: the first edition)."""
    before = (analyze(previous, previous.generated_at, zone, history)
              if previous is not None else None)
    analysis = analyze(snapshot, snapshot.generated_at, zone, history, before)
    narration = await narrate_in(narrator, analysis, language)
    edition = Edition(edition_id(snapshot), build_report(analysis, narration, language),
                      snapshot, built_at, narrator)
    log.info("edition %s built (narrator %s, %s)", edition.id, narration.narrator, language)
    return edition


Previous = Callable[[datetime], Awaitable[MarketSnapshot | None]]
"""The snapshot of the previous stored edition, older than the given ``generated_at``
(``EditionStore.previous``)."""


async def no_previous(before: datetime) -> MarketSnapshot | None:
    """No store behind the editions: every edition is a first one."""
    return None


class EditionCache:
    def __init__(self, source: SnapshotSource, narrator: Narrator, zone: tzinfo,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 on_build: Callable[[Edition], Awaitable[None]] | None = None,
                 language: str = "en", history: EditionHistory | None = None,
                 metrics: Metrics | None = None, previous: Previous = no_previous) -> None:
        self._source = source
        self.history = history  # read before each build; the day's closes recorded after
        self._metrics = metrics or Metrics()
        self._previous = previous
        self._narrator = narrator
        self._zone = zone
        self.language = language  # each edition is built in it first
        self._clock = clock
        self._on_build = on_build
        self._current: Edition | None = None
        self._building: asyncio.Task[Edition] | None = None
        self.builds = 0

    @property
    def building(self) -> bool:
        return self._building is not None and not self._building.done()

    @property
    def cached(self) -> Edition | None:
        return self._current

    async def current(self) -> Edition:
        """The cached edition, building it first if there is none."""
        if self._current is not None:
            return self._current
        return await self._build_once()

    async def refresh(self) -> Edition:
        """Build a new edition now (callers arriving meanwhile share this build)."""
        return await self._build_once(force=True)

    async def _build_once(self, force: bool = False) -> Edition:
        if self._building is None or self._building.done():
            if not force and self._current is not None:
                return self._current
            self._building = asyncio.ensure_future(self._build(force))
        return await asyncio.shield(self._building)

    async def _build(self, force: bool = False) -> Edition:
        started = time.monotonic()
        snapshot = await (self._source.refresh() if force else self._source.get())
        history = await self.history.read(snapshot) if self.history else EMPTY_HISTORY
        edition = await make_edition(snapshot, self._narrator, self._zone, self._clock(),
                                     history, language=self.language,
                                     previous=await self._previous(snapshot.generated_at))
        if self.history is not None:  # never a quote the cross-check found stale or in conflict
            await self.history.record(snapshot, history,
                                      tuple(c.id for c in edition.report.analysis.checks))
        self._metrics.edition_built(edition.report.narration.narrator,
                                    time.monotonic() - started)
        self.builds += 1
        self._current = edition
        if self._on_build is not None:
            await self._on_build(edition)
        return edition
