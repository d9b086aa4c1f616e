"""The daily push to 2,000 Telegram chats, against a loopback fake Bot API that enforces
Telegram's flood limits (30 messages/s overall, 1/s per chat, 20/min per group) with 429s.

    python bench/fanout.py [--chats 2000] [--database-url URL]

Runs the product's own path (``bot.delivery`` → ``Briefing.push`` → ledger → fan-out →
``TelegramSender`` over python-telegram-bot's HTTP client) and prints one JSON line:

- ``delivered_per_s``: messages accepted per second of fan-out (target ≥ 27);
- ``lost`` / ``duplicated``: chats that got no message / more than one (targets 0);
- ``photo_uploads_per_edition``: dashboard uploads the fake received (target 1);
- ``share_429``: 429 answers as a share of send attempts (target ≤ 0.01);
- ``peak_rss_mb``: the process's peak RSS, fake server threads included.

The database is a fresh SQLite file unless ``--database-url`` names another (give an empty
PostgreSQL database). The dashboard is the real one (the chart worker pool, as ``run`` and
``push`` use it), rendered once for the edition; the time to render it counts in the rate.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.cli import open_container  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.delivery import delivery_from_settings  # noqa: E402
from services.report.editions import FixedSource  # noqa: E402
from services.snapshot_io import load_sample  # noqa: E402
from tests.fakes.telegram_api import TELEGRAM_LIMITS, FakeBotApi  # noqa: E402
from tests.fakes.telegram_server import serve  # noqa: E402


async def run(chats: int, database_url: str, base_url: str, fake: FakeBotApi
              ) -> dict[str, object]:
    settings = Settings(_env_file=None, database_url=database_url,  # type: ignore[call-arg]
                        telegram_bot_token=fake.token, telegram_base_url=base_url,
                        narrator="template", log_level="WARNING")
    async with open_container(settings, FixedSource(load_sample())) as container:
        ids = [str(100000 + i) for i in range(chats)]
        for chat in ids:
            await container.subscriptions.upsert("telegram", chat, "08:30", "Asia/Hong_Kong")
        delivery = await delivery_from_settings(container)
        try:
            started = time.monotonic()
            result = await delivery.briefing.push()
            seconds = time.monotonic() - started
        finally:
            await delivery.close()
    received = Counter(str(s.chat_id) for s in fake.sent)
    attempts = len(fake.sent) + fake.flood.rejected
    return {
        "bench": "fanout",
        "chats": chats,
        "delivered_per_s": round(result.sent / seconds, 2),
        "lost": sum(1 for chat in ids if chat not in received),
        "duplicated": sum(1 for n in received.values() if n > 1),
        "photo_uploads_per_edition": fake.uploads,
        "share_429": round(fake.flood.rejected / attempts, 4) if attempts else 0.0,
        "responses_429": fake.flood.rejected,
        "seconds": round(seconds, 2),
        "sent": result.sent,
        "failed": result.failed,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "chart_workers_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "database": database_url.split(":", 1)[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=2000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    fake = FakeBotApi(limits=TELEGRAM_LIMITS)
    with tempfile.TemporaryDirectory() as tmp, serve(fake) as base_url:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        print(json.dumps(asyncio.run(run(args.chats, url, base_url, fake))))


if __name__ == "__main__":
    main()
