"""Verified instruments and each chat's watchlist (tables ``watch_instruments`` and
``watch_items``, revision 0005)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.models.snapshot import Market
from services.storage.db import Database
from services.storage.tables import WatchInstrumentRow, WatchItemRow
from services.watch.instruments import Listing, Source

Destination = tuple[str, str]  # (platform, destination id)


def _now() -> datetime:
    return datetime.now(UTC)


def _listing(row: WatchInstrumentRow) -> Listing:
    return Listing(row.id, row.label, row.name, cast(Market, row.market), row.kind,
                   cast(Source, row.source), row.symbol, row.benchmark)


@dataclass(frozen=True)
class Added:
    listing: Listing
    added: bool  # False: it was on the list already
    count: int  # instruments on the list now


class WatchlistFull(Exception):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"watchlist full ({limit})")


class InstrumentStore:
    """The verified instruments, shared by watchlists and alerts."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def save(self, listing: Listing, session: AsyncSession | None = None) -> None:
        """Keep ``listing`` (its name refreshed if it was known)."""
        values = {"id": listing.id, "label": listing.label, "name": listing.name,
                  "market": listing.market, "kind": listing.kind, "source": listing.source,
                  "symbol": listing.symbol, "benchmark": listing.benchmark,
                  "verified_at": _now()}
        dialect = postgresql if self._db.dialect == "postgresql" else sqlite
        statement = dialect.insert(WatchInstrumentRow).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=["id"], set_={k: statement.excluded[k] for k in values if k != "id"})
        if session is not None:
            await session.execute(statement)
            return
        async with self._db.sessions.begin() as own:
            await own.execute(statement)

    async def get(self, listing_id: str) -> Listing | None:
        return (await self.many([listing_id])).get(listing_id)

    async def many(self, ids: Iterable[str]) -> dict[str, Listing]:
        wanted = list(dict.fromkeys(ids))
        out: dict[str, Listing] = {}
        async with self._db.sessions() as session:
            for start in range(0, len(wanted), 500):
                rows = await session.scalars(select(WatchInstrumentRow).where(
                    WatchInstrumentRow.id.in_(wanted[start:start + 500])))
                out.update({row.id: _listing(row) for row in rows})
        return out


class WatchStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self.instruments = InstrumentStore(db)

    async def add(self, platform: str, destination_id: str, listing: Listing,
                  limit: int) -> Added:
        """Put ``listing`` on the chat's list; ``WatchlistFull`` past ``limit``."""
        async with self._db.sessions.begin() as session:
            await self.instruments.save(listing, session)
            have = list(await session.scalars(select(WatchItemRow.instrument_id).where(
                WatchItemRow.platform == platform,
                WatchItemRow.destination_id == destination_id)))
            if listing.id in have:
                return Added(listing, False, len(have))
            if len(have) >= limit:
                raise WatchlistFull(limit)
            session.add(WatchItemRow(platform=platform, destination_id=destination_id,
                                     instrument_id=listing.id, created_at=_now()))
            return Added(listing, True, len(have) + 1)

    async def remove(self, platform: str, destination_id: str, listing_id: str) -> bool:
        async with self._db.sessions.begin() as session:
            result = await session.execute(delete(WatchItemRow).where(
                WatchItemRow.platform == platform,
                WatchItemRow.destination_id == destination_id,
                WatchItemRow.instrument_id == listing_id))
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def items(self, platform: str, destination_id: str) -> list[Listing]:
        """The chat's instruments, in the order they were added."""
        async with self._db.sessions() as session:
            rows = await session.execute(
                select(WatchInstrumentRow).join(
                    WatchItemRow, WatchItemRow.instrument_id == WatchInstrumentRow.id)
                .where(WatchItemRow.platform == platform,
                       WatchItemRow.destination_id == destination_id)
                .order_by(WatchItemRow.id))
            return [_listing(row) for (row,) in rows]

    async def count(self, platform: str, destination_id: str) -> int:
        async with self._db.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(WatchItemRow).where(
                WatchItemRow.platform == platform,
                WatchItemRow.destination_id == destination_id)) or 0)

    async def watchers(self) -> dict[Destination, list[Listing]]:
        """Every chat with a watchlist, and its instruments."""
        out: dict[Destination, list[Listing]] = {}
        async with self._db.sessions() as session:
            rows = await session.execute(
                select(WatchItemRow.platform, WatchItemRow.destination_id, WatchInstrumentRow)
                .join(WatchInstrumentRow, WatchItemRow.instrument_id == WatchInstrumentRow.id)
                .order_by(WatchItemRow.id))
            for platform, destination, row in rows:
                out.setdefault((platform, destination), []).append(_listing(row))
        return out

    async def move(self, platform: str, old_id: str, new_id: str) -> int:
        """A Telegram group migrated: its watchlist follows it."""
        async with self._db.sessions.begin() as session:
            rows = list(await session.scalars(select(WatchItemRow).where(
                WatchItemRow.platform == platform, WatchItemRow.destination_id == old_id)))
            taken = set(await session.scalars(select(WatchItemRow.instrument_id).where(
                WatchItemRow.platform == platform, WatchItemRow.destination_id == new_id)))
            for row in rows:
                if row.instrument_id in taken:
                    await session.delete(row)
                else:
                    row.destination_id = new_id
            return len(rows)
