"""Two real ``python -m bot run`` processes on one database (PostgreSQL, and SQLite on one
host), both serving Telegram against the shared fake Bot API on loopback:

only one leads the schedule; the leader is killed (SIGKILL) in the middle of a slot's
fan-out; the standby takes the lead, finishes the fan-out from the ledger, and every chat ends
up with the edition, a repeat only where the ledger counted one in doubt.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from services.delivery.leader import make_leader_lock
from services.delivery.ledger import SENT
from services.delivery.slots import Slot, SlotStore
from services.storage import open_database
from services.storage.subscriptions import SubscriptionStore
from tests.delivery.processes import (
    Api,
    Watched,
    bot_env,
    crash,
    ledger_rows,
    start_bot,
    until,
)
from tests.fakes.telegram_api import TELEGRAM_LIMITS, FakeBotApi, Sent
from tests.fakes.telegram_server import serve

LEADS = "this instance leads the briefing schedule"
POLLING = "polling"
CHATS = [str(5000 + i) for i in range(40)]
KILL_AFTER = 10


async def prepare(db_url: str) -> Slot:
    """Forty chats on a slot that came due two minutes ago; it last fired yesterday."""
    due = (datetime.now(UTC) - timedelta(minutes=2)).replace(second=0, microsecond=0)
    slot = Slot(due.strftime("%H:%M"), "UTC")
    db = await open_database(db_url)
    try:
        store = SubscriptionStore(db)
        for chat in CHATS:
            await store.upsert("telegram", chat, slot.time_hhmm, slot.tz)
        async with db.sessions.begin() as session:
            await SlotStore.record(session, slot, due - timedelta(days=1), None)
    finally:
        await db.close()
    return slot


async def test_the_standby_takes_over_and_finishes_the_fanout(db_url: str,
                                                             tmp_path: Path) -> None:
    await prepare(db_url)
    fake = FakeBotApi(limits=TELEGRAM_LIMITS)
    holder = await open_database(db_url)
    lock = make_leader_lock(holder)
    assert await lock.try_acquire()  # the test holds the lead while both processes start
    procs: list[Watched] = []
    try:
        with serve(fake) as base_url:
            env = bot_env(db_url, Api(fake, base_url), LOG_LEVEL="INFO",
                          SCHEDULER_POLL_S="0.2")
            procs = [Watched(await start_bot(["run", "--sample"], env, tmp_path))
                     for _ in range(2)]
            await until(lambda: all(p.said(POLLING) for p in procs))
            assert not any(p.said(LEADS) for p in procs)

            def leader() -> Watched | None:
                return next((p for p in procs if p.said(LEADS)), None)

            def kill_the_leader(sent: Sent) -> None:  # in the fake's server thread
                if len(fake.sent) != KILL_AFTER:
                    return
                deadline = time.monotonic() + 60
                while (first := leader()) is None and time.monotonic() < deadline:
                    time.sleep(0.01)
                assert first is not None
                crash(first.process)

            fake.on_sent = kill_the_leader
            await lock.release()
            await until(lambda: leader() is not None)
            first = leader()
            assert first is not None
            await asyncio.wait_for(first.process.wait(), 120)
            assert first.process.returncode == -signal.SIGKILL
            second = next(p for p in procs if p is not first)
            await until(lambda: second.said(LEADS))
            await until(lambda: set(_received(fake)) == set(CHATS))
            await until(lambda: _all_sent(db_url))
            fake.on_sent = None
            assert await second.stop() == 0, "\n".join(second.lines[-20:])
    finally:
        for p in procs:
            crash(p.process)
        await lock.release()
        await holder.close()

    rows = await ledger_rows(db_url)
    assert {r.status for r in rows} == {SENT}
    in_doubt = {r.destination_id for r in rows if r.in_doubt}
    duplicated = {chat for chat, n in _received(fake).items() if n > 1}
    assert duplicated <= in_doubt, "a repeat only where the ledger counted one"
    assert len(rows) == len(CHATS)
    claimed_by = {(r.claimed_by or "").split("#")[0].split(":")[1] for r in rows}
    assert claimed_by == {str(first.process.pid), str(second.process.pid)}, \
        "both processes sent a share: the leader before it died, the standby after"


def _received(fake: FakeBotApi) -> Counter[str]:
    return Counter(str(s.chat_id) for s in fake.sent)


async def _all_sent(db_url: str) -> bool:
    rows = await ledger_rows(db_url)
    return len(rows) == len(CHATS) and {r.status for r in rows} == {SENT}
