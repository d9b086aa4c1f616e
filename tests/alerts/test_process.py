"""The whole feature in real processes: ``python -m bot run --sample`` (and ``push``) against
the fake Bot API and the fake upstreams on loopback, on SQLite and PostgreSQL.

In a private chat and in a group: a watchlist with an ambiguous code (asked back) and an
unknown one (refused), then the daily push with each chat's watchlist block; an alert, the
upstream day changed so that it crosses, exactly one message per chat; the figure back and
forth inside the hysteresis margin, no second one; re-armed, crossed again and the bot killed
the instant Telegram accepted an alert message, restarted: still one message per crossing.
Waits are generous and count polls (the fake's requests), never a wall-clock budget.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.alerts.ledger import IN_DOUBT, SENT, AlertLedger
from services.storage import open_database
from tests.conftest import ROOT
from tests.delivery.processes import Api, bot_env, crash, run_bot, start_bot, summary
from tests.delivery.test_two_instances import Watched, until
from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_api import TELEGRAM_LIMITS, FakeBotApi, Sent
from tests.fakes.telegram_server import serve
from tests.upstream.server import FakeUpstream, serving_in_thread
from tests.upstream.world import World, endpoints

PRIVATE, GROUP, ADMIN, MEMBER = 1001, -100777, 7, 8
ALERT_TITLE = "Alert: HSI below 25,000"
CLOCK_HOOK = ROOT / "tests" / "support" / "clock_hook"


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def upstream(world: World) -> Iterator[FakeUpstream]:
    with serving_in_thread(world.handler) as server:
        yield server


def env_for(db_url: str, api: Api, upstream: FakeUpstream, world: World) -> dict[str, str]:
    urls = {key.upper(): value for key, value in endpoints(upstream.url).items()}
    return bot_env(db_url, api, LOG_LEVEL="INFO", ALERT_POLL_S="1", SCHEDULER_POLL_S="0.2",
                   PROVIDER_TIMEOUT_S="10", BUILD_DEADLINE_S="30", PTB_TIMEDELTA="true",
                   MARKETBOT_TEST_CLOCK=world.now.isoformat(),
                   PYTHONPATH=f"{CLOCK_HOOK}:{ROOT}", **urls)


def hsi_polls(upstream: FakeUpstream) -> int:
    return sum(1 for r in list(upstream.requests) if r.path.endswith("/%5EHSI"))


def set_hsi(world: World, close: float) -> None:
    day, _ = world.series["^HSI"][-1]
    world.series["^HSI"][-1] = (day, close)


def alerts_to(fake: FakeBotApi, chat: int) -> list[Sent]:
    return [s for s in fake.to(chat) if s.text.startswith(ALERT_TITLE)]


class Chats:
    """Commands typed in the chats; the bot answers through getUpdates."""

    def __init__(self, fake: FakeBotApi) -> None:
        self.fake = fake

    async def type(self, text: str, chat: int = PRIVATE, user: int | None = None) -> str:
        before = len(self.fake.to(chat))
        self.fake.add_update(tu.command(text, chat, user))
        await until(lambda: len(self.fake.to(chat)) > before, timeout=90)
        return self.fake.to(chat)[before].text


async def polled(upstream: FakeUpstream, times: int = 3) -> None:
    """Wait until the leader has polled ``times`` more times (HSI charts fetched)."""
    start = hsi_polls(upstream)
    await until(lambda: hsi_polls(upstream) >= start + times, timeout=90)


async def test_watchlists_briefing_and_alerts_once_per_crossing(
        db_url: str, tmp_path: Path, world: World, upstream: FakeUpstream) -> None:
    fake = FakeBotApi(limits=TELEGRAM_LIMITS)
    fake.set_member(GROUP, ADMIN, "administrator")
    fake.set_member(GROUP, MEMBER, "member")
    chats = Chats(fake)
    with serve(fake) as base_url:
        env = env_for(db_url, Api(fake, base_url), upstream, world)
        bot = Watched(await start_bot(["run", "--sample"], env, tmp_path))
        try:
            await until(lambda: bot.said("polling"), timeout=120)
            # --- watchlists: asked back, refused, added (private chat and group)
            asked = await chats.type("/watch add 000001")
            assert asked.startswith("'000001' is more than one instrument; send one of:")
            refused = await chats.type("/watch add APPL")
            assert refused.startswith("'APPL' is not an instrument we can find. Closest: AAPL")
            assert (await chats.type("/watch add 000001.SZ 700")).startswith(
                "Added 000001.SZ 平安银行")
            assert (await chats.type("/watch add 700", GROUP, MEMBER)) == (
                "Only this group's administrators can change its watchlist.")
            assert (await chats.type("/watch add 700 solana", GROUP, ADMIN)).startswith(
                "Added 0700.HK")
            await chats.type("/subscribe")
            await chats.type("/subscribe", GROUP, ADMIN)
            # --- the daily push: the edition, then each chat's block
            code, out, err = await run_bot(["push", "--sample"], env, tmp_path)
            assert code == 0, err
            assert summary(out)["sent"] == 2
            for chat in (PRIVATE, GROUP):
                await until(lambda chat=chat: any(
                    s.text.startswith("Your watchlist") for s in fake.to(chat)), timeout=60)
                pushed = [s for s in fake.to(chat) if s.method == "sendPhoto"
                          or s.text.startswith("Your watchlist")]
                assert [s.method for s in pushed] == ["sendPhoto", "sendMessage"]
            block = next(s for s in fake.to(PRIVATE) if s.text.startswith("Your watchlist"))
            assert "000001.SZ 平安银行" in block.text and "0700.HK Tencent" in block.text
            # --- an alert per chat; the day changes so that it crosses
            for chat, user in ((PRIVATE, None), (GROUP, ADMIN)):
                assert (await chats.type("/alert add HSI below 25000", chat, user)).startswith(
                    "Alert 1 set: HSI below 25,000.")
            await polled(upstream)
            assert not alerts_to(fake, PRIVATE), "25,423.06 is not below 25,000"
            crossed_at = time.monotonic()
            set_hsi(world, 24900.0)
            await until(lambda: all(alerts_to(fake, c) for c in (PRIVATE, GROUP)), timeout=90)
            latency = time.monotonic() - crossed_at
            print(f"crossing to message: {latency:.2f} s (ALERT_POLL_S=1)")
            [message] = alerts_to(fake, PRIVATE)
            assert message.text == (
                "Alert: HSI below 25,000\n"
                "HSI Hang Seng Index closed at 24,900 (2026-11-23, yahoo).\n"
                "It fires again after HSI is back over 25,125.")
            # --- back and forth inside the margin: nothing more
            for close in (25050.0, 24950.0, 25100.0, 24800.0):
                set_hsi(world, close)
                await polled(upstream)
            assert [len(alerts_to(fake, c)) for c in (PRIVATE, GROUP)] == [1, 1]
            # --- re-armed, crossed again, killed the instant Telegram accepts the message
            set_hsi(world, 25200.0)
            await polled(upstream)

            def kill_on_alert(sent: Sent) -> None:  # in the fake's server thread
                if sent.text.startswith(ALERT_TITLE):
                    fake.on_sent = None
                    crash(bot.process)

            fake.on_sent = kill_on_alert
            set_hsi(world, 24700.0)
            await asyncio.wait_for(bot.process.wait(), 90)
            assert bot.process.returncode == -signal.SIGKILL
            await bot.stop()
            bot = Watched(await start_bot(["run", "--sample"], env, tmp_path))
            await until(lambda: all(len(alerts_to(fake, c)) >= 2 for c in (PRIVATE, GROUP)),
                        timeout=120)
            await polled(upstream, 5)
            assert [len(alerts_to(fake, c)) for c in (PRIVATE, GROUP)] == [2, 2], \
                "one message per crossing, the kill and the restart included"
            assert alerts_to(fake, PRIVATE)[1].text.split("\n")[1] == (
                "HSI Hang Seng Index closed at 24,700 (2026-11-23, yahoo).")
            assert await bot.stop() == 0
        finally:
            crash(bot.process)
    db = await open_database(db_url)
    try:
        rows = await AlertLedger(db, "reader").rows()
    finally:
        await db.close()
    firings = [r for r in rows if r.dedupe_key.startswith("alert:")]
    assert sorted((r.destination_id, r.crossing) for r in firings) == [
        (str(GROUP), 1), (str(GROUP), 2), (str(PRIVATE), 1), (str(PRIVATE), 2)]
    assert {r.status for r in firings} <= {SENT, IN_DOUBT}
    assert sum(r.status == IN_DOUBT for r in firings) == 1, \
        "the message in flight at the kill is in doubt, and was not sent again"
