"""The daily push to many Telegram chats, against the fake Bot API (in a process of its own on
loopback, as Telegram is another machine) that enforces Telegram's flood limits with 429s:
30 messages/s overall, 1,000/s for paid broadcasts, 1/s per chat, 20/min per group.

    python bench/fanout.py [--chats 2000] [--paid] [--paid-limit 1000] [--database-url URL]

Runs the product's own path (``bot.delivery`` → ``Briefing.push`` → ledger → fan-out →
``TelegramSender``, python-telegram-bot over aiohttp) and prints one JSON line:

- ``delivered_per_s``: messages accepted per second of the push (free: target ≥ 27; paid,
  against a fake allowing 1,000 a second: target ≥ 900);
- ``first_message_after_s`` / ``sending_per_s``: the push's start to its first message (the
  edition, its dashboard, the ledger rows), then the rate from the first message to the last,
  both on the fake's clock;
- ``lost`` / ``duplicated``: chats that got no message / more than one (targets 0);
- ``paid_sends``: messages the fake received with ``allow_paid_broadcast``;
- ``photo_uploads_per_edition``: dashboard uploads the fake received (target 1);
- ``share_429``: 429 answers as a share of send attempts (target ≤ 0.01);
- ``cpu_ms_per_message``: the bot process's CPU time per message sent (what caps the rate on
  a machine with no spare core), ``fake_cpu_ms_per_message`` the fake's, and the machine's
  one-minute load average at the end (other processes competing for the cores);
- ``ledger_writes``: the ledger's claim and mark transactions, and rows per transaction;
- ``peak_rss_mb``: the bot process's peak RSS (the fake's is its own, not counted);
  ``chart_workers_peak_rss_mb``: the largest chart worker's.

The database is a fresh SQLite file unless ``--database-url`` names another (give an empty
PostgreSQL database). The subscriptions are written before the clock starts; the push's time
counts everything after: the edition (its dashboard rendered by the chart worker pool, as
``run`` and ``push`` do), the ledger rows, the sends.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from bot.cli import open_container  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.delivery import delivery_from_settings  # noqa: E402
from services.report.editions import FixedSource  # noqa: E402
from services.snapshot_io import load_sample  # noqa: E402
from services.storage.db import Database  # noqa: E402
from services.storage.tables import SubscriptionRow  # noqa: E402


class FakeProcess:
    """``python -m tests.fakes.telegram_server`` on a free loopback port."""

    def __init__(self, paid_limit: int) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.fakes.telegram_server", "--port", "0",
             "--limits", "telegram", "--paid-per-second", str(paid_limit)],
            cwd=ROOT, stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert self.process.stdout is not None
        info = json.loads(self.process.stdout.readline())
        self.base_url: str = info["base_url"]
        self.token: str = info["token"]
        self.control = self.base_url.removesuffix("/bot") + "/_fake/"

    def get(self, route: str) -> Any:
        with urllib.request.urlopen(self.control + route, timeout=120) as answer:
            return json.loads(answer.read())

    def cpu_s(self) -> float:
        """The fake's CPU time so far (Linux /proc), to show what it takes from the machine."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


async def subscribe(db: Database, ids: list[str]) -> None:
    """Every chat subscribed, in bulk (setting up, not measured)."""
    now = datetime.now(UTC)
    async with db.sessions.begin() as session:
        for start in range(0, len(ids), 5000):
            await session.execute(insert(SubscriptionRow), [
                {"platform": "telegram", "destination_id": chat, "kind": "private",
                 "time_hhmm": "08:30", "tz": "Asia/Hong_Kong", "active": True,
                 "created_at": now, "updated_at": now} for chat in ids[start:start + 5000]])


async def run(chats: int, database_url: str, fake: FakeProcess, paid: bool
              ) -> dict[str, object]:
    settings = Settings(_env_file=None, database_url=database_url,  # type: ignore[call-arg]
                        telegram_bot_token=fake.token, telegram_base_url=fake.base_url,
                        telegram_paid_broadcast=paid, narrator="template",
                        log_level="WARNING")
    ids = [str(100000 + i) for i in range(chats)]
    async with open_container(settings, FixedSource(load_sample())) as container:
        await subscribe(container.db, ids)
        delivery = await delivery_from_settings(container)
        try:
            started, cpu, fake_cpu = time.monotonic(), time.process_time(), fake.cpu_s()
            result = await delivery.briefing.push()
            seconds, cpu = time.monotonic() - started, time.process_time() - cpu
            fake_cpu = fake.cpu_s() - fake_cpu
            ledger = delivery.ledger
            claims = list(ledger._claims.values())
            writes = {"claim_transactions": sum(g.writes for g in claims),
                      "mark_transactions": ledger._marks.writes}
        finally:
            await delivery.close()
        peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    received = fake.get("received")
    stats = fake.get("stats")
    counts: dict[str, int] = received["chats"]
    attempts = sum(counts.values()) + stats["rejected_429"]
    return {
        "bench": "fanout",
        "mode": "paid" if paid else "free",
        "chats": chats,
        "delivered_per_s": round(result.sent / seconds, 2),
        "lost": sum(1 for chat in ids if chat not in counts),
        "duplicated": sum(1 for n in counts.values() if n > 1),
        "paid_sends": received["paid"],
        "photo_uploads_per_edition": stats["uploads"],
        "share_429": round(stats["rejected_429"] / attempts, 4) if attempts else 0.0,
        "responses_429": stats["rejected_429"],
        "seconds": round(seconds, 2),
        # the fake's own clock (CLOCK_MONOTONIC, shared by the processes): from the push's
        # start to its first message (the edition, the dashboard, the ledger rows), and the
        # rate from the first message to the last
        "first_message_after_s": round(received["first_at"] - started, 2)
        if received["first_at"] is not None else None,
        "sending_per_s": round((sum(counts.values()) - 1)
                               / (received["last_at"] - received["first_at"]), 1)
        if received["first_at"] is not None and received["last_at"] > received["first_at"]
        else None,
        "cpu_ms_per_message": round(cpu * 1000 / result.sent, 3) if result.sent else None,
        "fake_cpu_ms_per_message": round(fake_cpu * 1000 / result.sent, 3)
        if result.sent else None,
        "machine_load_1min": round(os.getloadavg()[0], 2),
        "sent": result.sent,
        "failed": result.failed,
        "in_doubt": result.in_doubt,
        "ledger_writes": {**writes, "rows_per_mark_transaction": round(
            result.sent / writes["mark_transactions"], 1) if writes["mark_transactions"]
            else None},
        "peak_rss_mb": round(peak_rss, 1),
        "chart_workers_peak_rss_mb": round(workers_rss, 1),
        "database": database_url.split(":", 1)[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=2000)
    parser.add_argument("--paid", action="store_true",
                        help="TELEGRAM_PAID_BROADCAST=true: allow_paid_broadcast, paid pace")
    parser.add_argument("--paid-limit", type=int, default=1000,
                        help="the fake's paid broadcasts per second (Telegram's: 1000)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    fake = FakeProcess(args.paid_limit)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
            print(json.dumps(asyncio.run(run(args.chats, url, fake, args.paid))))
    finally:
        fake.close()


if __name__ == "__main__":
    main()
