"""The alert ledger: one row per message owed to a chat (a firing, or the once-a-day notice of
an instrument that could not be fetched), claimed before the send and marked after it, with
the delivery ledger's discipline (``services.delivery.ledger``).

Row life::

    pending ──claim──▶ sending ──dispatch──▶ (request) ──▶ sent       message ids kept
       ▲                 │                              ├──▶ failed     the platform refused it
       │                 │                              ├──▶ gone       blocked, kicked, deleted
       └── release ──────┤  (429, no connection: it never arrived)
       └── recover ──────┘  a dead worker's claim that was never dispatched
                         dispatched, then the worker died ──▶ in_doubt  (never sent again)

**Claims** are one ``UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) RETURNING`` with a
token, every later write conditional on it, exactly as the delivery ledger's.

**Never twice.** The issue asks that a restart, a crash or a second instance never send an
alert twice. ``dispatch`` commits ``dispatched_at`` just before the request leaves. A row
whose worker died before that point is put back to ``pending`` and sent (the request never
left); a row dispatched and never marked may have arrived, so it is marked ``in_doubt`` and
not sent again (logged, counted in ``Recovered``): an alert is at most once. A timeout after
the request left is ``in_doubt`` the same way. The window where an alert can be lost is the
request itself (dispatched, then the worker died before the platform took it); where the
delivery ledger sends again, this one does not.

The unique key ``(platform, destination_id, dedupe_key)`` makes the insert of a firing or a
notice a no-op for the second instance that tries it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import count

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert, Update

from services.delivery.ledger import worker_of
from services.storage.db import Database
from services.storage.tables import AlertMessageRow

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED, GONE, IN_DOUBT = (
    "pending", "sending", "sent", "failed", "gone", "in_doubt")
REASON_LIMIT = 500
DELIVERED = (SENT, IN_DOUBT)  # count against the hourly limit: they (may) have arrived


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


@dataclass(frozen=True)
class AlertClaim:
    row_id: int
    platform: str
    destination_id: str
    dedupe_key: str
    text: str
    token: str
    created_at: datetime


@dataclass(frozen=True)
class Recovered:
    resent: int  # claimed, never dispatched: back to pending
    in_doubt: int  # dispatched, never marked: not sent again
    workers: tuple[str, ...]


class AlertLedger:
    def __init__(self, db: Database, worker_id: str,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self.worker_id = worker_id
        self._clock = clock
        self._seq = count(1)

    # ------------------------------------------------------------------ owing
    def _insert(self, **values: object) -> Insert:
        dialect = postgresql if self._db.dialect == "postgresql" else sqlite
        return dialect.insert(AlertMessageRow).values(**values).on_conflict_do_nothing(
            index_elements=["platform", "destination_id", "dedupe_key"])

    async def owe(self, session: AsyncSession, platform: str, destination_id: str,
                  dedupe_key: str, text: str, alert_id: int | None = None,
                  crossing: int | None = None) -> bool:
        """Within the caller's transaction: a message owed (a no-op if that key is owed
        already). True when this call added it."""
        now = self._clock()
        result = await session.execute(self._insert(
            platform=platform, destination_id=destination_id, dedupe_key=dedupe_key,
            alert_id=alert_id, crossing=crossing, text=text, status=PENDING, attempts=0,
            created_at=now, updated_at=now))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def notice(self, platform: str, destination_id: str, dedupe_key: str,
                     text: str) -> bool:
        async with self._db.sessions.begin() as session:
            return await self.owe(session, platform, destination_id, dedupe_key, text)

    # ------------------------------------------------------------------ claiming
    async def claim_next(self, platform: str, skip: Sequence[str] = ()) -> AlertClaim | None:
        """Atomically take the oldest pending message on ``platform`` (of a destination not
        in ``skip``), or None."""
        token = f"{self.worker_id}#{next(self._seq)}"
        now = self._clock()
        candidate = select(AlertMessageRow.id).where(AlertMessageRow.platform == platform,
                                                     AlertMessageRow.status == PENDING)
        if skip:
            candidate = candidate.where(AlertMessageRow.destination_id.not_in(list(skip)))
        statement = (update(AlertMessageRow)
                     .where(AlertMessageRow.id == candidate.order_by(AlertMessageRow.id)
                            .limit(1).with_for_update(skip_locked=True).scalar_subquery(),
                            AlertMessageRow.status == PENDING)
                     .values(status=SENDING, claimed_by=token, claimed_at=now,
                             dispatched_at=None, attempts=AlertMessageRow.attempts + 1,
                             updated_at=now)
                     .returning(AlertMessageRow.id, AlertMessageRow.destination_id,
                                AlertMessageRow.dedupe_key, AlertMessageRow.text,
                                AlertMessageRow.created_at))
        async with self._db.sessions.begin() as session:
            row = (await session.execute(statement)).first()
        if row is None:
            return None
        return AlertClaim(row.id, platform, row.destination_id, row.dedupe_key, row.text,
                          token, _aware(row.created_at) or now)

    def _owned(self, claim: AlertClaim) -> Update:
        return update(AlertMessageRow).where(AlertMessageRow.id == claim.row_id,
                                             AlertMessageRow.claimed_by == claim.token,
                                             AlertMessageRow.status == SENDING)

    async def _finish(self, claim: AlertClaim, **values: object) -> bool:
        async with self._db.sessions.begin() as session:
            result = await session.execute(self._owned(claim).values(
                updated_at=self._clock(), **values))
        if not result.rowcount:  # type: ignore[attr-defined]
            log.warning("lost the claim on alert message %s (taken over?)", claim.dedupe_key)
            return False
        return True

    async def dispatch(self, claim: AlertClaim) -> bool:
        """Committed just before the request leaves: from here on, never sent again."""
        return await self._finish(claim, dispatched_at=self._clock())

    async def mark_sent(self, claim: AlertClaim, message_ids: Sequence[str]) -> bool:
        return await self._finish(claim, status=SENT, sent_at=self._clock(),
                                  message_ids=json.dumps(list(message_ids)), last_error=None)

    async def release(self, claim: AlertClaim, reason: str) -> bool:
        """Back to pending: the send did not reach the platform (429, no connection)."""
        return await self._finish(claim, status=PENDING, claimed_by=None, dispatched_at=None,
                                  last_error=reason[:REASON_LIMIT])

    async def mark_failed(self, claim: AlertClaim, reason: str) -> bool:
        return await self._finish(claim, status=FAILED, last_error=reason[:REASON_LIMIT])

    async def mark_gone(self, claim: AlertClaim, reason: str) -> bool:
        return await self._finish(claim, status=GONE, last_error=reason[:REASON_LIMIT])

    async def mark_in_doubt(self, claim: AlertClaim, reason: str) -> bool:
        """It may have arrived: never sent again. Counts as sent for the hourly limit."""
        return await self._finish(claim, status=IN_DOUBT, sent_at=self._clock(),
                                  last_error=f"in doubt: {reason}"[:REASON_LIMIT])

    # ------------------------------------------------------------------ recovery
    async def recover(self, is_alive: Callable[[str], Awaitable[bool]]) -> Recovered:
        """Rows of dead workers: never dispatched → pending; dispatched → in_doubt."""
        async with self._db.sessions() as session:
            rows = (await session.execute(select(
                AlertMessageRow.id, AlertMessageRow.claimed_by, AlertMessageRow.dispatched_at)
                .where(AlertMessageRow.status == SENDING))).all()
        dead: dict[str, bool] = {}
        resend: list[tuple[int, str]] = []
        doubt: list[tuple[int, str]] = []
        for row_id, token, dispatched in rows:
            worker = worker_of(token)
            if worker == self.worker_id:
                continue
            if worker not in dead:
                dead[worker] = not await is_alive(worker)
            if dead[worker]:
                (doubt if dispatched is not None else resend).append((row_id, token))
        now = self._clock()
        async with self._db.sessions.begin() as session:
            for row_id, token in resend:
                await session.execute(update(AlertMessageRow).where(
                    AlertMessageRow.id == row_id, AlertMessageRow.claimed_by == token,
                    AlertMessageRow.status == SENDING).values(
                    status=PENDING, claimed_by=None, updated_at=now,
                    last_error="its worker died before sending it"))
            for row_id, token in doubt:
                await session.execute(update(AlertMessageRow).where(
                    AlertMessageRow.id == row_id, AlertMessageRow.claimed_by == token,
                    AlertMessageRow.status == SENDING).values(
                    status=IN_DOUBT, sent_at=now, updated_at=now,
                    last_error="in doubt: its worker died while sending it; not sent again"))
        if doubt:
            log.warning("%d alert messages were in flight when their worker died: marked "
                        "in_doubt, not sent again (an alert is sent at most once)", len(doubt))
        workers = tuple(w for w, is_dead in dead.items() if is_dead)
        return Recovered(len(resend), len(doubt), workers)

    # ------------------------------------------------------------------ reading
    async def delivered_since(self, platform: str, since: datetime) -> dict[str, int]:
        """Messages that (may) have arrived since ``since``, by destination."""
        async with self._db.sessions() as session:
            rows = await session.execute(
                select(AlertMessageRow.destination_id, func.count())
                .where(AlertMessageRow.platform == platform,
                       AlertMessageRow.status.in_(DELIVERED),
                       AlertMessageRow.sent_at >= since)
                .group_by(AlertMessageRow.destination_id))
            return {destination: n for destination, n in rows}

    async def rows(self) -> list[AlertMessageRow]:
        async with self._db.sessions() as session:
            return list(await session.scalars(select(AlertMessageRow)
                                              .order_by(AlertMessageRow.id)))

    async def pending_for(self, platform: str, destinations: Sequence[str]) -> int:
        """Messages still owed to these destinations (held by the hourly limit)."""
        if not destinations:
            return 0
        async with self._db.sessions() as session:
            return int(await session.scalar(
                select(func.count()).select_from(AlertMessageRow).where(
                    AlertMessageRow.platform == platform, AlertMessageRow.status == PENDING,
                    AlertMessageRow.destination_id.in_(list(destinations)))) or 0)

    async def pending(self) -> int:
        async with self._db.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(AlertMessageRow)
                                            .where(AlertMessageRow.status == PENDING)) or 0)

    def hour_ago(self) -> datetime:
        return self._clock() - timedelta(hours=1)
