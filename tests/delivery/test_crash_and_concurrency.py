"""Real processes, real database (SQLite and PostgreSQL), the shared Telegram fake on a
loopback socket (``tests/fakes/telegram_server.py``) enforcing 30/s and 1/s per chat:

- a pusher killed (SIGKILL) the instant the platform accepted its k-th message, then ``push``
  again: every chat has the edition, no confirmed send is repeated, and any repeat is one the
  second run reported as ``in_doubt``;
- two pushers at once on one database: each chat gets the edition exactly once.
"""

from __future__ import annotations

import asyncio
import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.delivery.ledger import SENDING, SENT
from services.storage import open_database
from services.storage.subscriptions import SubscriptionStore
from tests.delivery.processes import (
    Api,
    bot_env,
    crash,
    ledger_rows,
    run_bot,
    start_bot,
    summary,
)
from tests.fakes.telegram_api import TELEGRAM_LIMITS, FakeBotApi, Sent
from tests.fakes.telegram_server import serve


@pytest.fixture
def api() -> Iterator[Api]:
    fake = FakeBotApi(limits=TELEGRAM_LIMITS)
    with serve(fake) as base_url:
        yield Api(fake, base_url)


def received(fake: FakeBotApi) -> Counter[str]:
    return Counter(str(s.chat_id) for s in fake.sent)


async def subscribe(db_url: str, count: int) -> list[str]:
    db = await open_database(db_url)
    try:
        store = SubscriptionStore(db)
        chats = [str(1000 + i) for i in range(count)]
        for chat in chats:
            await store.upsert("telegram", chat, "08:30", "Asia/Hong_Kong")
        return chats
    finally:
        await db.close()


@pytest.mark.parametrize("kill_after", [1, 12])
async def test_killed_mid_fanout_then_push_again(db_url: str, api: Api, tmp_path: Path,
                                                 kill_after: int) -> None:
    chats = await subscribe(db_url, 30)
    env = bot_env(db_url, api)
    fake = api.fake
    process = await start_bot(["push", "--sample"], env, tmp_path)

    def kill_at_k(sent: Sent) -> None:
        if len(fake.sent) == kill_after:
            crash(process)  # accepted, and the answer never arrives

    fake.on_sent = kill_at_k
    await asyncio.wait_for(process.communicate(), 300)
    assert process.returncode == -signal.SIGKILL
    fake.on_sent = None

    after_crash = await ledger_rows(db_url)
    confirmed = {r.destination_id for r in after_crash if r.status == SENT}
    in_flight = {r.destination_id for r in after_crash if r.status == SENDING}
    accepted_then = set(received(fake))
    assert len(accepted_then) >= kill_after
    assert confirmed < accepted_then, "a row is marked sent only after Telegram accepted it"
    assert in_flight, "the k-th send was accepted and never marked: it is in flight"

    code, out, err = await run_bot(["push", "--sample"], env, tmp_path)
    assert code == 0, err
    result = summary(out)
    assert result["skipped_already_sent"] == len(confirmed)
    assert result["sent"] == len(chats) - len(confirmed)
    assert result["in_doubt"] == len(in_flight)
    assert (result["failed"], result["deactivated"]) == (0, 0)

    counts = received(fake)
    assert set(counts) == set(chats), "every chat has the edition"
    duplicated = {chat for chat, n in counts.items() if n > 1}
    assert not duplicated & confirmed, "no duplicate of a confirmed send"
    assert duplicated <= in_flight, "a repeat happens only inside the counted window"
    assert duplicated, "the k-th chat was accepted before the crash and sent again"
    final = await ledger_rows(db_url)
    assert {r.status for r in final} == {SENT}
    assert sum(r.in_doubt for r in final) == len(in_flight)
    # the dashboard went up once, unless the crash came before its file_id was stored
    assert fake.uploads == (2 if kill_after == 1 else 1)
    assert all(s.method == "sendPhoto" for s in fake.sent)

    code, out, _ = await run_bot(["push", "--sample"], env, tmp_path)
    assert code == 0
    assert summary(out)["sent"] == 0 and summary(out)["skipped_already_sent"] == len(chats)


async def test_two_pushers_at_once_deliver_each_chat_once(db_url: str, api: Api,
                                                          tmp_path: Path) -> None:
    chats = await subscribe(db_url, 60)
    env = bot_env(db_url, api)
    runs = await asyncio.gather(*(run_bot(["push", "--sample"], env, tmp_path)
                                  for _ in range(2)))
    for code, _, err in runs:
        assert code == 0, err
    results = [summary(out) for _, out, _ in runs]
    # Each chat once, between them. How they shared the work is not asserted: on a loaded
    # machine one process can start seconds after the other and find every row taken.
    assert sum(r["sent"] for r in results) == len(chats)
    assert received(api.fake) == {chat: 1 for chat in chats}
    assert {r.status for r in await ledger_rows(db_url)} == {SENT}
    assert sum(r["in_doubt"] for r in results) == 0
