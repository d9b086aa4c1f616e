"""Subscriptions of Telegram chats/channels and Discord channels, keyed by platform."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, update

from services.storage.db import Database
from services.storage.tables import SubscriptionRow

PLATFORMS = ("telegram", "discord")


@dataclass(frozen=True)
class Subscription:
    platform: str
    destination_id: str
    kind: str
    time_hhmm: str
    tz: str
    active: bool
    guild_id: str | None = None
    title: str | None = None
    deactivated_reason: str | None = None


def _value(row: SubscriptionRow) -> Subscription:
    return Subscription(row.platform, row.destination_id, row.kind, row.time_hhmm, row.tz,
                        row.active, row.guild_id, row.title, row.deactivated_reason)


def _now() -> datetime:
    return datetime.now(UTC)


class SubscriptionStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def upsert(self, platform: str, destination_id: str, time_hhmm: str, tz: str,
                     kind: str = "private", guild_id: str | None = None,
                     title: str | None = None) -> Subscription:
        """Subscribe (or re-activate, or change the time of) one destination."""
        if platform not in PLATFORMS:
            raise ValueError(f"unknown platform {platform!r}")
        now = _now()
        async with self._db.sessions.begin() as session:
            row = await session.scalar(select(SubscriptionRow).where(
                SubscriptionRow.platform == platform,
                SubscriptionRow.destination_id == destination_id).with_for_update())
            if row is None:
                row = SubscriptionRow(platform=platform, destination_id=destination_id,
                                      created_at=now)
                session.add(row)
            row.kind, row.guild_id, row.title = kind, guild_id, title
            row.time_hhmm, row.tz, row.active = time_hhmm, tz, True
            row.updated_at, row.deactivated_at, row.deactivated_reason = now, None, None
            await session.flush()
            return _value(row)

    async def get(self, platform: str, destination_id: str) -> Subscription | None:
        async with self._db.sessions() as session:
            row = await session.scalar(select(SubscriptionRow).where(
                SubscriptionRow.platform == platform,
                SubscriptionRow.destination_id == destination_id))
            return _value(row) if row else None

    async def list(self, platform: str | None = None, active_only: bool = True
                   ) -> list[Subscription]:
        """Columns, not ORM objects: a push to 100,000 chats reads them all, and ORM rows
        cost several times the memory and time."""
        t = SubscriptionRow
        query = select(t.platform, t.destination_id, t.kind, t.time_hhmm, t.tz, t.active,
                       t.guild_id, t.title, t.deactivated_reason).order_by(t.id)
        if platform:
            query = query.where(t.platform == platform)
        if active_only:
            query = query.where(t.active.is_(True))
        async with self._db.sessions() as session:
            return [Subscription(*row) for row in await session.execute(query)]

    async def deactivate(self, platform: str, destination_id: str, reason: str) -> bool:
        """Stop sending to a destination that is gone (blocked, kicked, deleted)."""
        now = _now()
        async with self._db.sessions.begin() as session:
            result = await session.execute(update(SubscriptionRow).where(
                SubscriptionRow.platform == platform,
                SubscriptionRow.destination_id == destination_id,
                SubscriptionRow.active.is_(True)).values(
                active=False, deactivated_at=now, deactivated_reason=reason[:500],
                updated_at=now))
            return bool(result.rowcount)  # type: ignore[attr-defined]

    async def remove(self, platform: str, destination_id: str) -> bool:
        """The user unsubscribed: keep the row, inactive, for the record."""
        return await self.deactivate(platform, destination_id, "unsubscribed")

    async def move(self, platform: str, old_id: str, new_id: str) -> bool:
        """A Telegram group migrated to a supergroup: keep its settings under the new id."""
        async with self._db.sessions.begin() as session:
            existing = await session.scalar(select(SubscriptionRow).where(
                SubscriptionRow.platform == platform,
                SubscriptionRow.destination_id == new_id))
            if existing is not None:
                await session.delete(existing)
                await session.flush()
            result = await session.execute(update(SubscriptionRow).where(
                SubscriptionRow.platform == platform,
                SubscriptionRow.destination_id == old_id).values(
                destination_id=new_id, kind="supergroup", updated_at=_now()))
            return bool(result.rowcount)  # type: ignore[attr-defined]
