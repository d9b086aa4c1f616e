"""The current edition: one cached Report (and its charts) that every command answers from.

Many callers at once cause one build, not many (single flight). ``refresh()`` forces a rebuild.
The snapshot source, narrator and chart renderer are passed in.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Protocol

from services.analysis import analyze
from services.models.history import EMPTY_HISTORY, History
from services.models.report import Report
from services.models.snapshot import MarketSnapshot
from services.narration.base import Narrator
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


@dataclass(frozen=True)
class FixedSource:
    """A snapshot given up front: the sample day or ``--input FILE``."""

    snapshot: MarketSnapshot

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
    id: str
    report: Report
    snapshot: MarketSnapshot
    built_at: datetime
    _charts: dict[str, bytes] = field(default_factory=dict)
    _chart_locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    async def chart(self, name: str, render: ChartRenderer) -> bytes:
        """The chart's PNG, rendered once per edition."""
        if name in self._charts:
            return self._charts[name]
        lock = self._chart_locks.setdefault(name, asyncio.Lock())
        async with lock:
            if name not in self._charts:
                self._charts[name] = await render(name, self.report)
        return self._charts[name]


async def make_edition(snapshot: MarketSnapshot, narrator: Narrator, zone: tzinfo,
                       built_at: datetime, history: History = EMPTY_HISTORY) -> Edition:
    """The edition of one snapshot read against ``history`` (also how a stored edition is
    rebuilt after a restart)."""
    analysis = analyze(snapshot, snapshot.generated_at, zone, history)
    narration = await narrator.narrate(analysis)
    edition = Edition(edition_id(snapshot), build_report(analysis, narration), snapshot,
                      built_at)
    log.info("edition %s built (narrator %s)", edition.id, narration.narrator)
    return edition


class EditionCache:
    def __init__(self, source: SnapshotSource, narrator: Narrator, zone: tzinfo,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 on_build: Callable[[Edition], Awaitable[None]] | None = None) -> None:
        self._source = source
        self._narrator = narrator
        self._zone = zone
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
        snapshot = await (self._source.refresh() if force else self._source.get())
        edition = await make_edition(snapshot, self._narrator, self._zone, self._clock())
        self.builds += 1
        self._current = edition
        if self._on_build is not None:
            await self._on_build(edition)
        return edition
