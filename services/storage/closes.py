"""The history store: one row per instrument and session (``daily_closes``, revision 0003).

``append`` upserts closes (``INSERT … ON CONFLICT DO UPDATE`` on SQLite and PostgreSQL: the
latest write of a session wins, whoever wrote it) and then prunes what is older than the
retention; ``add_missing`` writes only sessions the store does not hold yet (``ON CONFLICT DO
NOTHING``: a stored close is never replaced, even by a writer racing this one); ``read`` gives
the closes back as a ``History`` (it is the ``HistoryReader`` of the watchlists and alerts). A
series read back names every source its closes came from.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import delete, func, select

from services.models.history import UNITS, History, Series, Unit
from services.storage.db import Database
from services.storage.tables import DailyCloseRow

DEFAULT_RETENTION_DAYS = 3 * 365 + 1  # three years, a leap day included


@dataclass(frozen=True)
class SessionClose:
    """One instrument's close of one session, and where it came from."""

    instrument_id: str
    session: date
    close: float
    source: str
    unit: Unit = "index"


@dataclass(frozen=True)
class SeriesSpan:
    """What the store holds of one instrument."""

    instrument_id: str
    sessions: int
    first: date
    last: date


@dataclass(frozen=True)
class Appended:
    written: int  # rows inserted or updated
    pruned: int  # rows deleted for being older than the retention


class ClosesStore:
    def __init__(self, db: Database, retention_days: int = DEFAULT_RETENTION_DAYS) -> None:
        if retention_days < 1:
            raise ValueError("the retention must be at least one day")
        self._db = db
        self.retention_days = retention_days

    def cutoff(self, today: date) -> date:
        """The oldest session kept on ``today``."""
        return today - timedelta(days=self.retention_days)

    async def append(self, closes: Iterable[SessionClose], today: date,
                     fetched_at: datetime | None = None) -> Appended:
        """Upsert ``closes`` (sessions older than the retention are not written), then prune
        every row older than the retention, in one transaction."""
        return await self._write(closes, today, fetched_at, replace=True)

    async def add_missing(self, closes: Iterable[SessionClose], today: date,
                          fetched_at: datetime | None = None) -> Appended:
        """``append`` for sessions the store does not hold: a stored close stays as it is.
        ``written`` counts the rows offered (a row another writer stored meanwhile is among
        them, and left alone)."""
        return await self._write(closes, today, fetched_at, replace=False)

    async def _write(self, closes: Iterable[SessionClose], today: date,
                     fetched_at: datetime | None, *, replace: bool) -> Appended:
        cutoff = self.cutoff(today)
        at = fetched_at or datetime.now(UTC)
        rows: dict[tuple[str, date], dict[str, Any]] = {}
        for close in closes:
            if close.session < cutoff:
                continue
            rows[(close.instrument_id, close.session)] = {
                "instrument_id": close.instrument_id, "session_date": close.session,
                "close": float(close.close), "source": close.source, "unit": close.unit,
                "fetched_at": at}
        values = list(rows.values())
        async with self._db.sessions.begin() as session:
            if values:  # one statement, its rows sent in batches ("insertmanyvalues")
                await session.execute(self._upsert() if replace else self._insert_new(), values)
            result = await session.execute(
                delete(DailyCloseRow).where(DailyCloseRow.session_date < cutoff))
        return Appended(len(values), int(getattr(result, "rowcount", 0) or 0))

    async def import_history(self, history: History, today: date,
                             fetched_at: datetime | None = None) -> Appended:
        """Every close of ``history``, with its series' source and unit."""
        return await self.append((SessionClose(series.id, day, value, series.source,
                                               series.unit)
                                  for series in history for day, value in series.closes),
                                 today, fetched_at)

    def _insert(self) -> Any:
        from sqlalchemy.dialects import postgresql, sqlite

        dialect = postgresql if self._db.dialect == "postgresql" else sqlite
        return dialect.insert(DailyCloseRow)

    def _insert_new(self) -> Any:
        return self._insert().on_conflict_do_nothing(
            index_elements=["instrument_id", "session_date"])

    def _upsert(self) -> Any:
        insert = self._insert()
        return insert.on_conflict_do_update(
            index_elements=["instrument_id", "session_date"],
            set_={"close": insert.excluded.close, "source": insert.excluded.source,
                  "unit": insert.excluded.unit, "fetched_at": insert.excluded.fetched_at})

    async def read(self, ids: Collection[str], since: date | None = None) -> History:
        """The series of ``ids`` (an id with no close is absent), from ``since`` on."""
        wanted = sorted(set(ids))
        if not wanted:
            return History()
        query = select(DailyCloseRow).where(DailyCloseRow.instrument_id.in_(wanted))
        return await self._history(query, since)

    async def read_all(self, since: date | None = None) -> History:
        return await self._history(select(DailyCloseRow), since)

    async def last(self, instrument_id: str, n: int) -> Series | None:
        """The latest ``n`` closes of one instrument, oldest first; None when it has none."""
        query = (select(DailyCloseRow).where(DailyCloseRow.instrument_id == instrument_id)
                 .order_by(DailyCloseRow.session_date.desc()).limit(max(0, n)))
        async with self._db.sessions() as session:
            rows = list((await session.scalars(query)).all())
        rows.reverse()
        return _series(instrument_id, rows) if rows else None

    async def spans(self) -> tuple[SeriesSpan, ...]:
        """Every instrument the store holds: its number of sessions, first and last."""
        query = (select(DailyCloseRow.instrument_id, func.count(),
                        func.min(DailyCloseRow.session_date),
                        func.max(DailyCloseRow.session_date))
                 .group_by(DailyCloseRow.instrument_id).order_by(DailyCloseRow.instrument_id))
        async with self._db.sessions() as session:
            found = (await session.execute(query)).all()
        return tuple(SeriesSpan(str(i), int(n), _as_date(first), _as_date(last))
                     for i, n, first, last in found)

    async def _history(self, query: Any, since: date | None) -> History:
        if since is not None:
            query = query.where(DailyCloseRow.session_date >= since)
        query = query.order_by(DailyCloseRow.instrument_id, DailyCloseRow.session_date)
        async with self._db.sessions() as session:
            rows = list((await session.scalars(query)).all())
        by_id: dict[str, list[DailyCloseRow]] = {}
        for row in rows:
            by_id.setdefault(row.instrument_id, []).append(row)
        return History({key: _series(key, found) for key, found in by_id.items()})


def _series(instrument_id: str, rows: Sequence[DailyCloseRow]) -> Series:
    """Rows of one instrument, oldest first, as a ``Series``: its unit is the latest row's, its
    source every distinct source, the latest first."""
    sources: list[str] = []
    for row in reversed(rows):
        if row.source not in sources:
            sources.append(row.source)
    unit = rows[-1].unit if rows[-1].unit in UNITS else "index"
    return Series(instrument_id, "; ".join(sources), cast(Unit, unit),
                  tuple((_as_date(row.session_date), float(row.close)) for row in rows))


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):  # SQLite aggregates come back as text
        return date.fromisoformat(value[:10])
    return cast(date, value)
