"""The delivery ledger: one row per (edition, platform, destination), claimed before the send
and marked after it.

Row life::

    pending ──claim──▶ sending ──▶ sent      (message ids kept; never sent again)
       ▲                  │   ├──▶ failed    (the platform refused it; ``last_error`` says why)
       │                  │   ├──▶ gone      (blocked, kicked, deleted: subscription deactivated)
       │                  │   └──▶ moved     (the group migrated; a row for the new id follows)
       └── recover ───────┘  (its worker died mid-send: in doubt, sent again)

**Claims.** ``claim_next`` turns one ``pending`` row into ``sending`` in a single
``UPDATE … WHERE id = (SELECT … LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING``. On PostgreSQL two
workers skip each other's locked rows; SQLite runs one writing statement at a time across
processes, so the same statement is atomic there (SQLAlchemy leaves ``FOR UPDATE`` out). Each
claim carries a token (``worker id#n``), and every later write is conditional on it, so a
worker whose claim was taken over cannot overwrite the new owner's outcome.

**Batches.** Claims and ``sent`` marks are written by group commit
(``services.delivery.batching``): the calls that arrive while one write runs go together into
the next one, ``UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED) RETURNING`` for
the claims and one ``UPDATE … RETURNING`` per claim token for the marks. A call never waits for
a batch to fill, so at 30 sends a second each write is alone as before, and at 1,000 a second
the database does tens of transactions a second, not two thousand. The rows of one claim batch
share a token; every write stays conditional on (row, token, ``sending``). ``claim_ahead``
(a paid broadcast's pace: about 25 ms of sends) makes a claim take at least that many rows;
the callers that follow take them without a write. A row claimed ahead that a crash leaves
unsent is recovered like any in-flight row: sent again and counted ``in_doubt`` (the count
stays an upper bound); one a stopping fan-out did not use goes back to ``pending``
(``release_ahead``). ``mark_linger_s`` (paid pace: 25 ms) lets the ``sent`` marks gather that
long before each write, so they go twenty-five at a time, not five; the fan-out does not wait
for them between sends.

**The double-send window.** A send is repeated only when the platform accepted it and the
worker died before ``mark_sent`` committed (a few milliseconds: one ``UPDATE`` right after the
platform's answer; with ``mark_linger_s``, that long more). Such a row stays ``sending`` with
its dead worker's token. ``recover`` finds those rows (the worker's liveness lock is free:
``services.delivery.liveness``), puts them back to ``pending`` and adds one to ``in_doubt``:
the row is sent again, and the count of possible duplicates is kept in the row and reported
(``FanoutResult.in_doubt``). A row that was claimed but whose request never left is counted
the same way; the count is an upper bound.
The other counted source of doubt is a retry after an ambiguous network failure
(``DeliveryInDoubt``: a timeout after the request went out), recorded by ``note_in_doubt``.
A row marked ``sent`` is never sent again by this code.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import count

from sqlalchemy import (
    Select,
    String,
    and_,
    case,
    cast,
    delete,
    func,
    literal,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql import ColumnElement, FromClause, Selectable
from sqlalchemy.sql.dml import Update

from services.delivery.batching import GroupCommit
from services.storage.db import Database
from services.storage.tables import DeliveryRow

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, FAILED, GONE, MOVED = (
    "pending", "sending", "sent", "failed", "gone", "moved")
RETRYABLE_ON_PUSH = (FAILED, GONE)  # an explicit push gives these destinations another try
REASON_LIMIT = 500
_CHUNK = 500
ANALYZE_AFTER = 1000  # rows queued by one enqueue, after which the planner's statistics are
# refreshed (``Ledger._analyze``)

Destination = tuple[str, str]  # (platform, destination_id)
Extra = Callable[[AsyncSession], Awaitable[None]]


def utcnow() -> datetime:
    return datetime.now(UTC)


def worker_of(token: str | None) -> str:
    """The worker id inside a claim token ``worker#n``."""
    return (token or "").split("#", 1)[0]


def next_pending(edition_id: str, platform: str, limit: int, after: int = 0
                 ) -> Select[int]:
    """The ids of the next ``limit`` pending rows of the edition on the platform above id
    ``after``, lowest first, skipping rows another worker has locked. ``ix_deliveries_claim``
    (revision 0007) serves it; ``after`` (the last id this ledger claimed) keeps it cheap on
    any plan: a walk of the primary key, which PostgreSQL chose when its statistics said
    every row was pending, starts at the rows not yet claimed instead of passing every row
    already sent (50,000 rows, 21 ms, halfway through a 100,000-chat push, for each claim)."""
    return (select(DeliveryRow.id)
            .where(DeliveryRow.edition_id == edition_id, DeliveryRow.platform == platform,
                   DeliveryRow.status == PENDING, DeliveryRow.id > after)
            .order_by(DeliveryRow.id).limit(limit)
            .with_for_update(skip_locked=True))


@dataclass(frozen=True)
class Claim:
    """One row this worker owns until it marks the outcome."""

    row_id: int
    edition_id: str
    platform: str
    destination_id: str
    token: str
    attempts: int


@dataclass(frozen=True)
class Enqueued:
    """What ``enqueue`` found and did for the requested destinations."""

    added: int
    already_sent: int
    retried: int  # failed/gone rows put back to pending by an explicit push


@dataclass(frozen=True)
class Recovered:
    rows: int
    workers: tuple[str, ...]
    by_platform: dict[str, int] = field(default_factory=dict)


class Ledger:
    def __init__(self, db: Database, worker_id: str,
                 clock: Callable[[], datetime] = utcnow, *, claim_ahead: int = 1,
                 mark_linger_s: float = 0.0) -> None:
        self._db = db
        self._claim_ahead = max(1, claim_ahead)
        self._turn: contextlib.AbstractAsyncContextManager[object] = (
            asyncio.Lock() if db.dialect == "sqlite" else contextlib.nullcontext())
        self._ahead: dict[tuple[str, str], deque[Claim]] = {}
        self._cursor: dict[tuple[str, str], int] = {}  # the last id claimed, per edition
        self.worker_id = worker_id
        self._clock = clock
        self._seq = count(1)
        self._claims: dict[tuple[str, str], GroupCommit[None, Claim | None]] = {}
        self._marks: GroupCommit[tuple[Claim, str], bool] = GroupCommit(
            self._mark_sent_many, linger_s=mark_linger_s)

    @contextlib.asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncConnection]:
        """A transaction for the batch writes. On SQLite they take turns in this process:
        SQLite has one writer at a time, and a second connection that finds the database
        locked waits in its busy handler by sleeps of up to 100 ms, which at 1,000 sends a
        second would hold up everything."""
        async with self._turn, self._db.engine.begin() as connection:
            yield connection

    # ------------------------------------------------------------------ queueing
    async def enqueue(self, edition_id: str, destinations: Iterable[Destination],
                      retry_failed: bool = True, extra: Extra | None = None) -> Enqueued:
        """Make sure each destination has a row for the edition. Rows already ``sent`` stay
        as they are; with ``retry_failed`` (an explicit push), ``failed``/``gone`` rows of the
        requested destinations go back to ``pending``. ``extra`` runs in the same transaction
        (the scheduler records the slot's fire there, so the two cannot part)."""
        wanted = list(dict.fromkeys(destinations))
        now = self._clock()
        async with self._db.sessions.begin() as session:
            existing = {(r.platform, r.destination_id): (r.id, r.status) for r in
                        (await session.execute(select(
                            DeliveryRow.id, DeliveryRow.platform, DeliveryRow.destination_id,
                            DeliveryRow.status).where(DeliveryRow.edition_id == edition_id)))}
            missing = [d for d in wanted if d not in existing]
            await self._insert_new(session, edition_id, missing, now)
            already = sum(1 for d in wanted if existing.get(d, (0, ""))[1] == SENT)
            again = [existing[d][0] for d in wanted
                     if retry_failed and existing.get(d, (0, ""))[1] in RETRYABLE_ON_PUSH]
            for start in range(0, len(again), _CHUNK):
                await session.execute(update(DeliveryRow).where(
                    DeliveryRow.id.in_(again[start:start + _CHUNK]),
                    DeliveryRow.status.in_(RETRYABLE_ON_PUSH)).values(
                    status=PENDING, claimed_by=None, updated_at=now))
            if extra is not None:
                await extra(session)
        if len(missing) + len(again) >= ANALYZE_AFTER:
            await self._analyze()
        return Enqueued(len(missing), already, len(again))

    async def _analyze(self) -> None:
        """Fresh planner statistics after a big enqueue. PostgreSQL's said the edition had
        next to no pending rows (the table was empty, or held only sent rows when last
        analysed), so it planned each claim as "every pending row of the edition, sorted":
        15-30 ms a claim at 100,000 chats, which capped a paid broadcast near 770 a second.
        PostgreSQL samples 30,000 rows; SQLite is told to sample too. A failure (no right to
        analyse the table) costs only the plan: logged, not raised."""
        try:
            async with self._write() as connection:
                if self._db.dialect == "sqlite":  # samples, not the whole ever-growing ledger
                    await connection.execute(text("PRAGMA analysis_limit = 1000"))
                await connection.execute(text("ANALYZE deliveries"))
        except Exception as exc:
            log.warning("could not analyse the delivery ledger (%s): claims may plan badly",
                        type(exc).__name__)

    async def _insert_new(self, session: AsyncSession, edition_id: str,
                          destinations: Sequence[Destination], now: datetime) -> None:
        """``INSERT … SELECT … ON CONFLICT DO NOTHING``: another pusher may be enqueueing the
        same edition right now, and its rows win. Every row goes in one statement, from two
        arrays on PostgreSQL (``unnest``) and from one JSON array on SQLite (``json_each``):
        100,000 rows in 1.2 s and 0.5 s, against 3.5 s and 2.1 s in pages of ``VALUES``, so
        a big push starts sooner."""
        if not destinations:
            return
        keys = ["edition_id", "platform", "destination_id"]
        columns = [*keys, "status", "attempts", "in_doubt", "updated_at"]

        def rows(table: FromClause, platform: ColumnElement[str],
                 destination: ColumnElement[str]) -> Selectable:
            return select(literal(edition_id), platform, destination, literal(PENDING),
                          literal(0), literal(0), literal(now, DeliveryRow.updated_at.type)
                          ).select_from(table).where(true())  # SQLite: ON CONFLICT needs it

        if self._db.dialect == "postgresql":
            arrays = func.unnest(
                cast([p for p, _ in destinations], postgresql.ARRAY(String)),
                cast([d for _, d in destinations], postgresql.ARRAY(String)),
            ).table_valued("platform", "destination_id").render_derived(name="t")
            await session.execute(postgresql.insert(DeliveryRow).from_select(
                columns, rows(arrays, arrays.c.platform, arrays.c.destination_id),
            ).on_conflict_do_nothing(index_elements=keys))
            return
        pairs = func.json_each(json.dumps(destinations)).table_valued("value")
        await session.execute(sqlite.insert(DeliveryRow).from_select(
            columns, rows(pairs, func.json_extract(pairs.c.value, "$[0]"),
                          func.json_extract(pairs.c.value, "$[1]")),
        ).on_conflict_do_nothing(index_elements=keys))

    # ------------------------------------------------------------------ claiming
    async def claim_next(self, edition_id: str, platform: str) -> Claim | None:
        """Atomically take one pending row of the edition on that platform, or None. Claims
        asked for at the same time are taken in one statement (group commit), and with
        ``claim_ahead`` a write takes that many rows at least: the next callers get them
        without a write of their own (``release_ahead`` gives back what nobody took)."""
        key = (edition_id, platform)
        ahead = self._ahead.get(key)
        if ahead:
            return ahead.popleft()
        group = self._claims.get(key)
        if group is None:
            if len(self._claims) > 64:  # a long-running bot: forget old editions' groups
                self._claims.clear()
                self._cursor.clear()
            group = self._claims[key] = GroupCommit(
                lambda asks: self._claim_many(edition_id, platform, len(asks)),
                on_orphan=self._give_back)
        return await group.submit(None)

    async def _claim_many(self, edition_id: str, platform: str, wanted: int
                          ) -> list[Claim | None]:
        """Up to ``wanted`` pending rows in id order from the last claimed (then from the
        lowest, when none are left above it), under one claim token; padded with
        None when fewer are left. Up to ``claim_ahead`` rows are taken, the surplus kept for
        the next callers."""
        token = f"{self.worker_id}#{next(self._seq)}"
        asked, wanted = wanted, max(wanted, self._claim_ahead)
        now = self._clock()
        key = (edition_id, platform)
        after = self._cursor.get(key, 0)

        def claiming(after: int, limit: int) -> Update:
            # A CTE, not ``IN (subquery)``: PostgreSQL may run a LIMIT … SKIP LOCKED
            # subquery of a semi-join more than once and so claim more rows than asked; a
            # CTE with FOR UPDATE is always materialised, once.
            picked = next_pending(edition_id, platform, limit, after).cte("picked")
            return (update(DeliveryRow)
                    .where(DeliveryRow.id.in_(select(picked.c.id)),
                           DeliveryRow.status == PENDING)
                    .values(status=SENDING, claimed_by=token, claimed_at=now,
                            attempts=DeliveryRow.attempts + 1, updated_at=now)
                    .returning(DeliveryRow.id, DeliveryRow.destination_id,
                               DeliveryRow.attempts))

        async with self._write() as connection:
            rows = list((await connection.execute(claiming(after, wanted))).all())
            if len(rows) < wanted and after:
                # Rows below the cursor that went back to pending (given back, recovered),
                # or another worker's: a full look once the rows above it are taken.
                rows += (await connection.execute(claiming(0, wanted - len(rows)))).all()
        rows.sort(key=lambda r: r.id)
        self._cursor[key] = rows[-1].id if rows else 0
        taken = [Claim(row.id, edition_id, platform, row.destination_id, token, row.attempts)
                 for row in rows]
        for extra in taken[wanted:]:  # never expected; but a claimed row must not be lost
            await self._give_back(None, extra)
        if len(taken) > asked:
            self._ahead.setdefault((edition_id, platform), deque()).extend(taken[asked:wanted])
        claims: list[Claim | None] = list(taken[:asked])
        return claims + [None] * (asked - len(claims))

    async def release_ahead(self, edition_id: str, platform: str) -> int:
        """Give back the rows claimed ahead that no caller took (the fan-out stopped early):
        back to ``pending``, not counted in doubt. Returns how many."""
        ahead = self._ahead.pop((edition_id, platform), None)
        if not ahead:
            return 0
        now = self._clock()
        given = 0
        async with self._write() as connection:
            for token in {claim.token for claim in ahead}:
                result = await connection.execute(update(DeliveryRow).where(
                    DeliveryRow.id.in_([c.row_id for c in ahead if c.token == token]),
                    DeliveryRow.claimed_by == token, DeliveryRow.status == SENDING).values(
                    status=PENDING, claimed_by=None, attempts=DeliveryRow.attempts - 1,
                    updated_at=now))
                given += result.rowcount
        return given

    async def _give_back(self, _ask: None, claim: Claim | None) -> None:
        """A claim taken for a caller that stopped waiting (cancelled): back to pending."""
        if claim is not None:
            await self._finish(claim, PENDING, claimed_by=None, attempts=claim.attempts - 1)

    async def touch(self, claim: Claim) -> bool:
        """Refresh the claim's time while it waits (a 429, a back-off)."""
        return await self._finish(claim, SENDING)

    # ------------------------------------------------------------------ outcomes
    async def mark_sent(self, claim: Claim, message_ids: Sequence[str]) -> bool:
        # The double-send window closes when this commits: keep nothing between the
        # platform's answer and this call (no logging, no other I/O). Marks that arrive
        # together are committed together (group commit), held back for a batch only as
        # long as ``mark_linger_s`` says (0 unless the pace is a paid broadcast's).
        return await self._marks.submit((claim, json.dumps(list(message_ids))))

    async def _mark_sent_many(self, marks: list[tuple[Claim, str]]) -> list[bool]:
        """One transaction: an ``UPDATE … RETURNING id`` per claim token among ``marks``."""
        now = self._clock()
        by_token: dict[str, dict[int, str]] = {}
        for claim, ids in marks:
            by_token.setdefault(claim.token, {})[claim.row_id] = ids
        done: set[tuple[str, int]] = set()
        async with self._write() as connection:
            for token, rows in by_token.items():
                statement = (update(DeliveryRow)
                             .where(DeliveryRow.id.in_(list(rows)),
                                    DeliveryRow.claimed_by == token,
                                    DeliveryRow.status == SENDING)
                             .values(status=SENT, sent_at=now, updated_at=now, last_error=None,
                                     message_ids=case(rows, value=DeliveryRow.id))
                             .returning(DeliveryRow.id))
                done.update((token, row_id)
                            for row_id in (await connection.execute(statement)).scalars())
        for claim, _ in marks:
            if (claim.token, claim.row_id) not in done:
                log.warning("lost the claim on %s %s for edition %s (taken over?)",
                            claim.platform, claim.destination_id, claim.edition_id)
        return [(claim.token, claim.row_id) in done for claim, _ in marks]

    async def mark_failed(self, claim: Claim, reason: str) -> bool:
        return await self._finish(claim, FAILED, last_error=reason[:REASON_LIMIT])

    async def mark_gone(self, claim: Claim, reason: str) -> bool:
        return await self._finish(claim, GONE, last_error=reason[:REASON_LIMIT])

    async def release(self, claim: Claim, reason: str) -> bool:
        """Give the row back (``pending``) without an outcome: the platform is unusable."""
        return await self._finish(claim, PENDING, last_error=reason[:REASON_LIMIT],
                                  claimed_by=None)

    async def note_in_doubt(self, claim: Claim, reason: str) -> bool:
        """A retry follows a failure after which the platform may have delivered the send."""
        return await self._finish(claim, SENDING, in_doubt=DeliveryRow.in_doubt + 1,
                                  last_error=f"in doubt: {reason}"[:REASON_LIMIT])

    async def mark_moved(self, claim: Claim, new_id: str) -> Claim | None:
        """The destination has a new id: this row becomes ``moved`` and a row for the new id
        is created already claimed by this worker, so the resend is ours. None when the new
        id already has a row for this edition (it is delivered through that row)."""
        now = self._clock()
        token = f"{self.worker_id}#{next(self._seq)}"
        async with self._db.sessions.begin() as session:
            done = await session.execute(self._owned(claim).values(
                status=MOVED, last_error=f"moved to {new_id}", updated_at=now))
            if not done.rowcount:  # type: ignore[attr-defined]
                return None
            taken = await session.scalar(select(DeliveryRow.id).where(
                DeliveryRow.edition_id == claim.edition_id,
                DeliveryRow.platform == claim.platform,
                DeliveryRow.destination_id == new_id))
            if taken is not None:
                return None
            row = DeliveryRow(edition_id=claim.edition_id, platform=claim.platform,
                              destination_id=new_id, status=SENDING, attempts=1,
                              claimed_by=token, claimed_at=now, updated_at=now, in_doubt=0)
            session.add(row)
            await session.flush()
            return Claim(row.id, claim.edition_id, claim.platform, new_id, token, 1)

    def _owned(self, claim: Claim) -> Update:
        """An update of the claimed row, only while this claim still holds it."""
        return update(DeliveryRow).where(DeliveryRow.id == claim.row_id,
                                         DeliveryRow.claimed_by == claim.token,
                                         DeliveryRow.status == SENDING)

    async def _finish(self, claim: Claim, status: str, **values: object) -> bool:
        now = self._clock()
        if status == SENDING:
            values.setdefault("claimed_at", now)
        async with self._db.sessions.begin() as session:
            result = await session.execute(self._owned(claim).values(
                status=status, updated_at=now, **values))
        if not result.rowcount:  # type: ignore[attr-defined]
            log.warning("lost the claim on %s %s for edition %s (taken over?)",
                        claim.platform, claim.destination_id, claim.edition_id)
            return False
        return True

    # ------------------------------------------------------------------ recovery
    async def in_flight(self, edition_id: str | None = None
                        ) -> dict[str, list[tuple[int, str]]]:
        """Rows in ``sending`` as (row id, claim token), by the claiming worker."""
        query = select(DeliveryRow.id, DeliveryRow.claimed_by).where(
            DeliveryRow.status == SENDING)
        if edition_id is not None:
            query = query.where(DeliveryRow.edition_id == edition_id)
        out: dict[str, list[tuple[int, str]]] = {}
        async with self._db.sessions() as session:
            for row in await session.execute(query):
                token = row.claimed_by or ""
                out.setdefault(worker_of(token), []).append((row.id, token))
        return out

    async def recover(self, is_alive: Callable[[str], Awaitable[bool]],
                      edition_id: str | None = None) -> Recovered:
        """Put rows claimed by dead workers back to ``pending``, each counted ``in_doubt``."""
        recovered, dead, by_platform = 0, [], Counter[str]()
        for worker, claims in (await self.in_flight(edition_id)).items():
            if worker == self.worker_id or await is_alive(worker):
                continue
            dead.append(worker)
            now = self._clock()
            async with self._db.sessions.begin() as session:
                for start in range(0, len(claims), _CHUNK):
                    chunk = claims[start:start + _CHUNK]
                    result = await session.execute(update(DeliveryRow).where(
                        DeliveryRow.id.in_([row_id for row_id, _ in chunk]),
                        DeliveryRow.status == SENDING,
                        DeliveryRow.claimed_by.in_({token for _, token in chunk})).values(
                        status=PENDING, claimed_by=None, in_doubt=DeliveryRow.in_doubt + 1,
                        last_error=f"in doubt: worker {worker} died while sending"[
                            :REASON_LIMIT],
                        updated_at=now).returning(DeliveryRow.platform))
                    platforms = list(result.scalars())
                    recovered += len(platforms)
                    by_platform.update(platforms)
        if recovered:
            log.warning("recovered %d in-flight deliveries of dead workers %s; they are sent "
                        "again (possible duplicates, counted as in_doubt)", recovered, dead)
        return Recovered(recovered, tuple(dead), dict(by_platform))

    # ------------------------------------------------------------------ retention
    async def prune(self, older_than: timedelta, chunk: int = 5000) -> int:
        """Delete the finished rows (sent, failed, gone, moved) last touched more than
        ``older_than`` ago, ``chunk`` at a time, each chunk its own short transaction (a push
        running meanwhile waits for one chunk at most). Rows still pending or sending are
        kept whatever their age: they are unfinished work. Returns how many went. A pruned
        destination would get that edition again if the same edition were pushed again (a
        ``--sample`` or ``--input`` bot pushes one edition every day): hence the retention is
        off unless ``DELIVERY_RETENTION_DAYS`` is set."""
        cutoff = self._clock() - older_than
        finished = (SENT, FAILED, GONE, MOVED)
        deleted = 0
        while True:
            async with self._write() as connection:
                ids = list((await connection.execute(
                    select(DeliveryRow.id).where(DeliveryRow.updated_at < cutoff,
                                                 DeliveryRow.status.in_(finished))
                    .limit(chunk))).scalars())
                if ids:
                    await connection.execute(delete(DeliveryRow).where(
                        DeliveryRow.id.in_(ids), DeliveryRow.status.in_(finished)))
            deleted += len(ids)
            if len(ids) < chunk:
                break
        if deleted:
            log.info("delivery ledger: deleted %d finished rows older than %s", deleted,
                     older_than)
        return deleted

    # ------------------------------------------------------------------ reading
    async def statuses(self, edition_id: str) -> dict[str, int]:
        async with self._db.sessions() as session:
            rows = await session.execute(
                select(DeliveryRow.status, func.count()).where(
                    DeliveryRow.edition_id == edition_id).group_by(DeliveryRow.status))
            return {status: n for status, n in rows}

    async def status_of(self, edition_id: str, destinations: Iterable[Destination]
                        ) -> dict[Destination, str]:
        wanted = set(destinations)
        async with self._db.sessions() as session:
            rows = await session.execute(select(
                DeliveryRow.platform, DeliveryRow.destination_id, DeliveryRow.status).where(
                DeliveryRow.edition_id == edition_id))
            return {(p, d): s for p, d, s in rows if (p, d) in wanted}

    async def unfinished(self, since: timedelta) -> list[str]:
        """Editions with rows still ``pending`` or ``sending``, touched within ``since``."""
        cutoff = self._clock() - since
        async with self._db.sessions() as session:
            rows = await session.scalars(select(DeliveryRow.edition_id).where(
                and_(DeliveryRow.status.in_((PENDING, SENDING)),
                     DeliveryRow.updated_at >= cutoff)).distinct())
            return sorted(rows)
