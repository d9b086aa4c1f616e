"""Briefing slots: the distinct (time of day, time zone) pairs subscriptions ask for, and when
each last fired (``schedule_slots``), so a restart or a standby fires a missed one once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.storage.db import Database
from services.storage.subscriptions import Subscription
from services.storage.tables import ScheduleSlotRow


@dataclass(frozen=True, order=True)
class Slot:
    time_hhmm: str  # "08:30"
    tz: str  # IANA name

    @classmethod
    def of(cls, subscription: Subscription) -> Slot:
        hour, minute = subscription.time_hhmm.strip().split(":")
        return cls(f"{int(hour):02d}:{int(minute):02d}", subscription.tz)

    @property
    def key(self) -> str:
        return f"{self.time_hhmm} {self.tz}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def hour(self) -> int:
        return int(self.time_hhmm[:2])

    @property
    def minute(self) -> int:
        return int(self.time_hhmm[3:])

    def has(self, subscription: Subscription) -> bool:
        return Slot.of(subscription) == self


def slots_of(subscriptions: Iterable[Subscription]) -> list[Slot]:
    return sorted({Slot.of(s) for s in subscriptions})


class SlotStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def last_fires(self) -> dict[str, datetime]:
        async with self._db.sessions() as session:
            rows = await session.execute(select(ScheduleSlotRow.slot,
                                                ScheduleSlotRow.last_fire_at))
            return {slot: _aware(at) for slot, at in rows}

    async def last_fire(self, slot: Slot) -> datetime | None:
        async with self._db.sessions() as session:
            at = await session.scalar(select(ScheduleSlotRow.last_fire_at).where(
                ScheduleSlotRow.slot == slot.key))
        return _aware(at) if at is not None else None

    async def seed(self, slot: Slot, handled_up_to: datetime) -> None:
        """A slot seen for the first time owes nothing before ``handled_up_to``; from then on
        a restart catches up its missed fire (kept if the slot is already known)."""
        values = {"slot": slot.key, "last_fire_at": handled_up_to.astimezone(UTC),
                  "edition_id": None, "updated_at": datetime.now(UTC)}
        dialect = postgresql if self._db.dialect == "postgresql" else sqlite
        async with self._db.sessions.begin() as session:
            await session.execute(dialect.insert(ScheduleSlotRow).values(**values)
                                  .on_conflict_do_nothing(index_elements=["slot"]))

    @staticmethod
    async def record(session: AsyncSession, slot: Slot, fire_at: datetime,
                     edition_id: str | None) -> None:
        """Within the caller's transaction (the ledger's enqueue): the slot fired."""
        fire_at = fire_at.astimezone(UTC)  # SQLite keeps wall-clock digits only: UTC always
        row = await session.get(ScheduleSlotRow, slot.key, with_for_update=True)
        now = datetime.now(UTC)
        if row is None:
            session.add(ScheduleSlotRow(slot=slot.key, last_fire_at=fire_at,
                                        edition_id=edition_id, updated_at=now))
        elif _aware(row.last_fire_at) < fire_at:
            row.last_fire_at, row.edition_id, row.updated_at = fire_at, edition_id, now


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
