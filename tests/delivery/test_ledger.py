"""The ledger on SQLite and PostgreSQL: rows, atomic claims, conditional marks, recovery of a
dead worker's rows (counted in doubt), and the retry rules of an explicit push."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import select, text

from services.delivery.ledger import FAILED, GONE, PENDING, SENDING, SENT, Ledger
from services.storage import Database
from services.storage.tables import DeliveryRow

E = "2026-03-21T00:30Z-test0001"
DESTS = [("telegram", str(i)) for i in range(1, 6)] + [("discord", "9001")]


async def alive(_worker: str) -> bool:
    return True


async def dead(_worker: str) -> bool:
    return False


async def rows(db: Database) -> dict[tuple[str, str], DeliveryRow]:
    async with db.sessions() as session:
        return {(r.platform, r.destination_id): r
                for r in await session.scalars(select(DeliveryRow))}


async def test_enqueue_is_idempotent_and_counts_what_was_sent(db: Database) -> None:
    ledger = Ledger(db, "w1")
    first = await ledger.enqueue(E, DESTS)
    assert (first.added, first.already_sent) == (6, 0)
    claim = await ledger.claim_next(E, "telegram")
    assert claim is not None
    assert await ledger.mark_sent(claim, ["77"])
    again = await ledger.enqueue(E, DESTS + DESTS[:1])
    assert (again.added, again.already_sent) == (0, 1)
    assert await ledger.statuses(E) == {PENDING: 5, SENT: 1}
    stored = (await rows(db))[("telegram", claim.destination_id)]
    assert json.loads(stored.message_ids or "[]") == ["77"]
    assert stored.sent_at is not None and stored.attempts == 1


async def test_concurrent_claims_never_share_a_row(db: Database) -> None:
    """Many workers (separate ledgers, as separate processes would be) claim at once."""
    many = [("telegram", str(i)) for i in range(60)]
    await Ledger(db, "setup").enqueue(E, many)
    ledgers = [Ledger(db, f"w{i}") for i in range(6)]

    async def drain(ledger: Ledger) -> list[str]:
        taken = []
        while (claim := await ledger.claim_next(E, "telegram")) is not None:
            taken.append(claim.destination_id)
        return taken

    results = await asyncio.gather(*(drain(ledger) for ledger in ledgers))
    everything = [d for taken in results for d in taken]
    assert sorted(everything, key=int) == [d for _, d in many]
    assert len(set(everything)) == len(everything)


async def test_marks_need_the_claim_token(db: Database) -> None:
    ledger = Ledger(db, "w1")
    await ledger.enqueue(E, DESTS[:1])
    claim = await ledger.claim_next(E, "telegram")
    assert claim is not None
    await Ledger(db, "w2").recover(dead)  # w1 taken for dead: the row goes back to pending
    assert not await ledger.mark_sent(claim, ["1"]), "a lost claim cannot mark the row"
    assert await ledger.statuses(E) == {PENDING: 1}


async def test_recover_takes_only_dead_workers_rows_and_counts_them(db: Database) -> None:
    a, b = Ledger(db, "host:1:aaaa"), Ledger(db, "host:2:bbbb")
    await a.enqueue(E, DESTS)
    claim_a = await a.claim_next(E, "telegram")
    claim_b = await b.claim_next(E, "telegram")
    assert claim_a and claim_b

    async def only_b_alive(worker: str) -> bool:
        return worker == "host:2:bbbb"

    recovered = await Ledger(db, "host:3:cccc").recover(only_b_alive, E)
    assert (recovered.rows, recovered.workers) == (1, ("host:1:aaaa",))
    state = await rows(db)
    row_a = state[("telegram", claim_a.destination_id)]
    assert (row_a.status, row_a.in_doubt, row_a.claimed_by) == (PENDING, 1, None)
    assert "in doubt" in (row_a.last_error or "")
    assert state[("telegram", claim_b.destination_id)].status == SENDING
    assert (await Ledger(db, "x").recover(alive, E)).rows == 0


async def test_an_explicit_push_retries_failed_and_gone_rows_not_sent_ones(db: Database) -> None:
    ledger = Ledger(db, "w1")
    await ledger.enqueue(E, DESTS[:3])
    outcomes = []
    for mark in ("sent", "failed", "gone"):
        claim = await ledger.claim_next(E, "telegram")
        assert claim is not None
        outcomes.append(claim.destination_id)
        if mark == "sent":
            await ledger.mark_sent(claim, ["1"])
        elif mark == "failed":
            await ledger.mark_failed(claim, "Bad Request: chat not found")
        else:
            await ledger.mark_gone(claim, "Forbidden: bot was blocked by the user")
    assert await ledger.statuses(E) == {SENT: 1, FAILED: 1, GONE: 1}
    resumed = await ledger.enqueue(E, DESTS[:3], retry_failed=False)
    assert resumed.retried == 0
    pushed = await ledger.enqueue(E, DESTS[:3])
    assert (pushed.already_sent, pushed.retried) == (1, 2)
    assert await ledger.statuses(E) == {SENT: 1, PENDING: 2}


async def test_moved_row_hands_over_to_a_claimed_row_for_the_new_id(db: Database) -> None:
    ledger = Ledger(db, "w1")
    await ledger.enqueue(E, [("telegram", "-100"), ("telegram", "-200")])
    claim = await ledger.claim_next(E, "telegram")
    assert claim is not None and claim.destination_id == "-100"
    moved = await ledger.mark_moved(claim, "-1001000")
    assert moved is not None and moved.destination_id == "-1001000"
    assert await ledger.mark_sent(moved, ["5"])
    state = await rows(db)
    assert state[("telegram", "-100")].status == "moved"
    assert state[("telegram", "-1001000")].status == SENT
    # a group that moved onto an id already in the ledger is delivered through that row
    other = await ledger.claim_next(E, "telegram")
    assert other is not None and other.destination_id == "-200"
    assert await ledger.mark_moved(other, "-1001000") is None


async def test_in_doubt_retries_are_counted_on_the_row(db: Database) -> None:
    ledger = Ledger(db, "w1")
    await ledger.enqueue(E, DESTS[:1])
    claim = await ledger.claim_next(E, "telegram")
    assert claim is not None
    assert await ledger.note_in_doubt(claim, "TimedOut: read timeout")
    assert await ledger.mark_sent(claim, ["3"])
    row = (await rows(db))[("telegram", "1")]
    assert (row.status, row.in_doubt) == (SENT, 1)


async def test_unfinished_lists_editions_with_work_left(db: Database) -> None:
    ledger = Ledger(db, "w1")
    await ledger.enqueue(E, DESTS[:1])
    await ledger.enqueue("other", DESTS[:1])
    claim = await ledger.claim_next("other", "telegram")
    assert claim is not None
    await ledger.mark_sent(claim, ["1"])
    from datetime import timedelta

    assert await ledger.unfinished(timedelta(hours=1)) == [E]


async def test_two_pushers_enqueueing_the_same_edition_do_not_clash(db: Database) -> None:
    many = [("telegram", str(i)) for i in range(300)]
    results = await asyncio.gather(Ledger(db, "a").enqueue(E, many),
                                   Ledger(db, "b").enqueue(E, many))
    assert sum(r.added for r in results) >= 300
    assert await Ledger(db, "c").statuses(E) == {PENDING: 300}


async def test_an_in_memory_database_has_one_worker_and_one_leader() -> None:
    from services.delivery.leader import make_leader_lock
    from services.delivery.liveness import make_liveness
    from services.storage import open_database

    db = await open_database("sqlite+aiosqlite://", run_migrations=False)
    try:
        liveness = make_liveness(db, "me")
        await liveness.start()
        assert await liveness.is_alive("me") and not await liveness.is_alive("someone-else")
        lock = make_leader_lock(db)
        assert await lock.try_acquire() and await lock.still_held()
        await lock.release()
        assert not await lock.still_held()
    finally:
        await db.close()


async def test_claims_and_marks_asked_together_are_written_together(db: Database) -> None:
    """Group commit: 200 claims asked at once take a handful of statements, never a row
    twice, and their 200 marks likewise; each row ends ``sent`` with its own message id."""
    many = [("telegram", str(i)) for i in range(200)]
    ledger = Ledger(db, "w1")
    await ledger.enqueue(E, many)
    claims = await asyncio.gather(*(ledger.claim_next(E, "telegram") for _ in range(230)))
    taken = [c for c in claims if c is not None]
    assert sorted(int(c.destination_id) for c in taken) == list(range(200))
    assert claims.count(None) == 30, "the callers beyond the pending rows get None"
    group = ledger._claims[(E, "telegram")]
    assert group.items == 230 and group.writes < 10
    marked = await asyncio.gather(*(ledger.mark_sent(c, [f"m{c.destination_id}"])
                                    for c in taken))
    assert all(marked) and ledger._marks.writes < 10
    state = await rows(db)
    assert {r.status for r in state.values()} == {SENT}
    assert all(json.loads(r.message_ids or "[]") == [f"m{d}"] for (_, d), r in state.items())


async def test_a_batch_of_marks_keeps_each_claims_token(db: Database) -> None:
    """Marks of two claim batches go in one write: the rows of a claim that was taken over
    (its worker was thought dead) are not marked, the rows of the live claim are."""
    ledger = Ledger(db, "host:1:aaaa")
    await ledger.enqueue(E, DESTS[:4])
    stale = [c for c in await asyncio.gather(*(ledger.claim_next(E, "telegram")
                                               for _ in range(2))) if c is not None]
    await Ledger(db, "host:2:bbbb").recover(_dead, E)  # both rows back to pending
    fresh = [c for c in await asyncio.gather(*(ledger.claim_next(E, "telegram")
                                               for _ in range(4))) if c is not None]
    assert len(stale) == 2 and len(fresh) == 4
    assert len({c.token for c in fresh}) == 1 and fresh[0].token != stale[0].token
    marked = await asyncio.gather(*(ledger.mark_sent(c, ["1"]) for c in stale + fresh))
    assert marked == [False, False, True, True, True, True]
    assert await ledger.statuses(E) == {SENT: 4}


async def _dead(_worker: str) -> bool:
    return False


async def test_a_claim_nobody_waits_for_goes_back_to_pending(db: Database) -> None:
    """A worker cancelled while its claim is being written: the row is given back."""
    ledger = Ledger(db, "w1")
    await ledger.enqueue(E, DESTS[:1])
    waiting = asyncio.ensure_future(ledger.claim_next(E, "telegram"))
    await asyncio.sleep(0)  # the claim's write has started
    waiting.cancel()
    group = ledger._claims[(E, "telegram")]
    assert group._task is not None
    await asyncio.wait([group._task])
    assert await ledger.statuses(E) == {PENDING: 1}
    claim = await ledger.claim_next(E, "telegram")
    assert claim is not None and claim.attempts == 1


async def test_a_big_enqueue_queues_each_row_once_and_leaves_fresh_statistics(
        db: Database) -> None:
    """2,000 destinations on top of yesterday's 2,000 sent rows: every row is queued once
    (a second enqueue adds only the new one), and the planner's statistics count the new
    pending rows (PostgreSQL's ``pg_stats`` / SQLite's ``sqlite_stat1``), so the claims are
    not planned for an edition with no pending rows."""
    ledger = Ledger(db, "w1")
    yesterday = [("telegram", str(i)) for i in range(2000)]
    await ledger.enqueue("e0", yesterday)
    async with db.engine.begin() as conn:
        await conn.execute(text("UPDATE deliveries SET status = 'sent'"))
    queued = await ledger.enqueue("e1", yesterday)
    assert (queued.added, queued.already_sent) == (2000, 0)
    again = await ledger.enqueue("e1", [*yesterday, ("discord", "9")])
    assert (again.added, again.already_sent) == (1, 0)
    assert await ledger.statuses("e1") == {PENDING: 2001}
    async with db.engine.connect() as conn:
        if db.dialect == "postgresql":
            [(values, shares)] = (await conn.execute(text(
                "SELECT most_common_vals::text, most_common_freqs FROM pg_stats "
                "WHERE tablename = 'deliveries' AND attname = 'status'"))).all()
            share = dict(zip(values.strip("{}").split(","), shares, strict=True))
            assert share[PENDING] == pytest.approx(0.5, abs=0.05)
        else:  # sampled (``analysis_limit``): the estimated rows of each index
            stats = dict((await conn.execute(text(
                "SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'deliveries'"))).all())
            assert int(stats["ix_deliveries_claim"].split()[0]) > 2000, stats
