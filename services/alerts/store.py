"""The alerts and their state (table ``alerts``, revision 0005).

State changes are compare-and-set, so two instances evaluating at once (a leader handing
over) cannot both fire one crossing: ``fire`` updates ``armed → false, crossings → c + 1``
only where the row is still armed at crossing ``c``, and in the same transaction owes the
message ``alert:<id>:<c + 1>`` to the ledger (whose unique key would refuse a second one
anyway).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select, update

from services.alerts.ledger import AlertLedger
from services.alerts.rules import Kind, rule_key
from services.storage.db import Database
from services.storage.tables import AlertRow
from services.watch.instruments import Listing
from services.watch.store import InstrumentStore


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class StoredAlert:
    id: int
    platform: str
    destination_id: str
    kind: str
    instrument_id: str
    other_id: str | None
    threshold: float
    armed: bool
    crossings: int


def _value(row: AlertRow) -> StoredAlert:
    return StoredAlert(row.id, row.platform, row.destination_id, row.kind, row.instrument_id,
                       row.other_id, row.threshold, row.armed, row.crossings)


class TooManyAlerts(Exception):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"{limit} alerts already")


class DuplicateAlert(Exception):
    def __init__(self, position: int) -> None:
        self.position = position
        super().__init__(f"the same as alert {position}")


class AlertStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        self.instruments = InstrumentStore(db)

    async def add(self, platform: str, destination_id: str, kind: Kind, listing: Listing,
                  other: Listing | None, threshold: float, armed: bool, limit: int
                  ) -> tuple[StoredAlert, int]:
        """The alert and its position in the chat's list; ``TooManyAlerts`` past ``limit``,
        ``DuplicateAlert`` when the chat has the same one."""
        key = rule_key(kind, listing.id, other.id if other else None, threshold)
        now = _now()
        async with self._db.sessions.begin() as session:
            await self.instruments.save(listing, session)
            if other is not None:
                await self.instruments.save(other, session)
            have = list(await session.scalars(select(AlertRow).where(
                AlertRow.platform == platform, AlertRow.destination_id == destination_id,
                AlertRow.active.is_(True)).order_by(AlertRow.id)))
            for position, row in enumerate(have, 1):
                if row.rule_key == key:
                    raise DuplicateAlert(position)
            if len(have) >= limit:
                raise TooManyAlerts(limit)
            await session.execute(delete(AlertRow).where(  # an old inactive copy
                AlertRow.platform == platform, AlertRow.destination_id == destination_id,
                AlertRow.rule_key == key))
            row = AlertRow(platform=platform, destination_id=destination_id, kind=kind,
                           rule_key=key, instrument_id=listing.id,
                           other_id=other.id if other else None, threshold=threshold,
                           armed=armed, crossings=0, active=True, created_at=now,
                           updated_at=now)
            session.add(row)
            await session.flush()
            return _value(row), len(have) + 1

    async def for_chat(self, platform: str, destination_id: str) -> list[StoredAlert]:
        """The chat's alerts in the order they were set (their positions are 1, 2, …)."""
        async with self._db.sessions() as session:
            rows = await session.scalars(select(AlertRow).where(
                AlertRow.platform == platform, AlertRow.destination_id == destination_id,
                AlertRow.active.is_(True)).order_by(AlertRow.id))
            return [_value(r) for r in rows]

    async def remove(self, alert_id: int) -> bool:
        async with self._db.sessions.begin() as session:
            result = await session.execute(delete(AlertRow).where(AlertRow.id == alert_id))
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def active(self) -> list[StoredAlert]:
        async with self._db.sessions() as session:
            rows = await session.execute(select(
                AlertRow.id, AlertRow.platform, AlertRow.destination_id, AlertRow.kind,
                AlertRow.instrument_id, AlertRow.other_id, AlertRow.threshold, AlertRow.armed,
                AlertRow.crossings).where(AlertRow.active.is_(True)))
            return [StoredAlert(*row) for row in rows]

    async def fire(self, alert: StoredAlert, text: str, ledger: AlertLedger) -> bool:
        """Disarm the alert at its next crossing and owe its message, in one transaction;
        False when another instance fired this crossing first."""
        crossing = alert.crossings + 1
        async with self._db.sessions.begin() as session:
            result = await session.execute(update(AlertRow).where(
                AlertRow.id == alert.id, AlertRow.armed.is_(True),
                AlertRow.crossings == alert.crossings, AlertRow.active.is_(True)).values(
                armed=False, crossings=crossing, updated_at=_now()))
            if not result.rowcount:  # type: ignore[attr-defined]
                return False
            return await ledger.owe(session, alert.platform, alert.destination_id,
                                    f"alert:{alert.id}:{crossing}", text, alert.id, crossing)

    async def rearm(self, alerts: Sequence[StoredAlert]) -> int:
        """Arm again the alerts whose condition cleared (each only at the crossing it was
        read at)."""
        done = 0
        if not alerts:
            return 0
        now = _now()
        async with self._db.sessions.begin() as session:
            for alert in alerts:
                result = await session.execute(update(AlertRow).where(
                    AlertRow.id == alert.id, AlertRow.armed.is_(False),
                    AlertRow.crossings == alert.crossings).values(armed=True, updated_at=now))
                done += result.rowcount  # type: ignore[attr-defined]
        return done

    async def stop(self, platform: str, destination_id: str) -> int:
        """The chat is gone (blocked, kicked): its alerts stop."""
        async with self._db.sessions.begin() as session:
            result = await session.execute(update(AlertRow).where(
                AlertRow.platform == platform, AlertRow.destination_id == destination_id,
                AlertRow.active.is_(True)).values(active=False, updated_at=_now()))
            return int(result.rowcount)  # type: ignore[attr-defined]

    async def move(self, platform: str, old_id: str, new_id: str) -> int:
        """A Telegram group migrated: its alerts follow it."""
        async with self._db.sessions.begin() as session:
            result = await session.execute(update(AlertRow).where(
                AlertRow.platform == platform, AlertRow.destination_id == old_id).values(
                destination_id=new_id, updated_at=_now()))
            return int(result.rowcount)  # type: ignore[attr-defined]
