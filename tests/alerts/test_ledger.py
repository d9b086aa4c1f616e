"""The alert ledger and the alert state on SQLite and PostgreSQL: one firing per crossing
(compare-and-set, unique key), claims one owner at a time, and after a worker dies a message
that was never dispatched is sent, one that was dispatched is never sent again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from services.alerts.ledger import IN_DOUBT, PENDING, SENDING, SENT, AlertLedger
from services.alerts.store import AlertStore, DuplicateAlert, TooManyAlerts
from services.storage import Database, open_database
from tests.watch.helpers import HSI, SOLANA, SPX


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    database = await open_database(db_url)
    try:
        yield database
    finally:
        await database.close()


async def dead(worker: str) -> bool:
    return False


async def alive(worker: str) -> bool:
    return True


async def test_alerts_per_chat_duplicates_and_the_limit(db: Database) -> None:
    store = AlertStore(db)
    first, position = await store.add("telegram", "1", "below", HSI, None, 24000, True, 2)
    assert position == 1 and first.armed and first.crossings == 0
    with pytest.raises(DuplicateAlert) as dup:
        await store.add("telegram", "1", "below", HSI, None, 24000.0, True, 2)
    assert dup.value.position == 1
    await store.add("telegram", "1", "spread", SOLANA, SPX, 3, True, 2)
    with pytest.raises(TooManyAlerts):
        await store.add("telegram", "1", "move", SOLANA, None, 5, True, 2)
    await store.add("telegram", "2", "below", HSI, None, 24000, True, 2)  # another chat
    assert [a.kind for a in await store.for_chat("telegram", "1")] == ["below", "spread"]
    assert await store.remove(first.id)
    assert [a.kind for a in await store.for_chat("telegram", "1")] == ["spread"]


async def test_one_firing_per_crossing_even_when_two_instances_try(db: Database) -> None:
    store = AlertStore(db)
    alert, _ = await store.add("telegram", "1", "below", HSI, None, 24000, True, 20)
    one, two = AlertLedger(db, "w1"), AlertLedger(db, "w2")
    results = await asyncio.gather(store.fire(alert, "Alert: HSI below 24,000", one),
                                   store.fire(alert, "Alert: HSI below 24,000", two))
    assert sorted(results) == [False, True]
    [row] = await one.rows()
    assert (row.dedupe_key, row.crossing, row.status) == (f"alert:{alert.id}:1", 1, PENDING)
    [now] = await store.active()
    assert (now.armed, now.crossings) == (False, 1)
    assert not await store.fire(alert, "again", one), "disarmed: no second firing"
    assert await store.rearm([now]) == 1
    assert await store.rearm([now]) == 0
    [armed] = await store.active()
    assert await store.fire(armed, "the next crossing", one)
    assert [r.dedupe_key for r in await one.rows()] == [f"alert:{alert.id}:1",
                                                        f"alert:{alert.id}:2"]


async def test_claims_have_one_owner_and_skip_a_chat_at_its_limit(db: Database) -> None:
    ledger = AlertLedger(db, "w1")
    other = AlertLedger(db, "w2")
    for key in ("a", "b", "c"):
        assert await ledger.notice("telegram", "1" if key != "c" else "2", key, f"text {key}")
    assert not await ledger.notice("telegram", "1", "a", "again"), "the same key is owed once"
    claims = await asyncio.gather(ledger.claim_next("telegram"), other.claim_next("telegram"))
    assert len({c.row_id for c in claims if c is not None}) == 2
    left = await ledger.claim_next("telegram", skip=["1"])
    assert left is None or left.destination_id == "2"


async def test_a_dead_workers_claim_is_sent_only_if_it_never_left(db: Database) -> None:
    crashed = AlertLedger(db, "dead-worker")
    for key in ("never-left", "left"):
        await crashed.notice("telegram", "1", key, key)
    first = await crashed.claim_next("telegram")
    second = await crashed.claim_next("telegram")
    assert first is not None and second is not None
    await crashed.dispatch(second)  # the request was about to leave when the worker died
    survivor = AlertLedger(db, "survivor")
    assert (await survivor.recover(alive)).resent == 0, "a live worker keeps its claims"
    recovered = await survivor.recover(dead)
    assert (recovered.resent, recovered.in_doubt, recovered.workers) == (1, 1, ("dead-worker",))
    status = {r.dedupe_key: r.status for r in await survivor.rows()}
    assert status == {"never-left": PENDING, "left": IN_DOUBT}
    claim = await survivor.claim_next("telegram")
    assert claim is not None and claim.dedupe_key == "never-left"
    assert await survivor.dispatch(claim)
    assert await survivor.mark_sent(claim, ["7"])
    assert not await crashed.mark_sent(first, ["8"]), "the dead worker's claim is gone"
    assert await survivor.claim_next("telegram") is None
    since = datetime.now(UTC) - timedelta(hours=1)
    assert await survivor.delivered_since("telegram", since) == {"1": 2}, \
        "sent and in doubt both count against the hourly limit"
    assert {r.status for r in await survivor.rows()} == {SENT, IN_DOUBT}
    assert SENDING not in {r.status for r in await survivor.rows()}
