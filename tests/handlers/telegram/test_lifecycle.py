"""The manual lifecycle: start (commands menu, polling), answer what arrives, stop; and
``python -m bot run --sample`` end to end against the loopback fake."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from handlers.telegram.menu import COMMANDS
from services.history_io import load_sample_history
from services.renderers.telegram_messages import render_full
from services.report.pipeline import report_from_snapshot
from services.snapshot_io import load_sample
from tests.fakes import telegram_updates as tu
from tests.fakes.telegram_api import TOKEN, FakeBotApi
from tests.fakes.telegram_server import serve
from tests.handlers.telegram.conftest import MakeBot

ROOT = Path(__file__).resolve().parents[3]


async def wait_for(condition: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        await asyncio.sleep(0.02)
    assert condition(), "timed out"  # type: ignore[operator]


async def test_start_publishes_the_menu_polls_and_stops(make_bot: MakeBot) -> None:
    bot = await make_bot(telegram_poll_timeout_s=1)
    await bot.service.start()
    assert [c["command"] for c in bot.fake.commands] == [name for name, _ in COMMANDS]
    assert bot.fake.calls["deleteWebhook"] == 1
    bot.fake.add_update(tu.command("/flows", 1001))
    await wait_for(lambda: bot.fake.texts(1001))
    assert bot.fake.texts(1001)[0].startswith("8. CAPITAL FLOW MAP")
    await bot.service.stop()
    assert not bot.app.running and bot.fake.calls["getUpdates"] >= 1


def test_python_m_bot_run_sample_against_the_loopback_fake(tmp_path: Path) -> None:
    fake = FakeBotApi()
    with serve(fake) as base_url:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_BASE_URL": base_url,
               "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
               "TELEGRAM_POLL_TIMEOUT_S": "1", "DISCORD_BOT_TOKEN": "", "LOG_LEVEL": "INFO"}
        process = subprocess.Popen([sys.executable, "-m", "bot", "run", "--sample"], cwd=tmp_path,
                                   env={**env, "PYTHONPATH": str(ROOT)},
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 120  # a bound for a hang, not a speed check
            while not fake.commands and time.monotonic() < deadline:
                time.sleep(0.05)
            assert fake.commands, "the bot never called setMyCommands"
            fake.add_update(tu.command("/report full", 1001))
            full = len(render_full(report_from_snapshot(  # --sample reads its own year
                load_sample(), ZoneInfo("Asia/Hong_Kong"), history=load_sample_history())))
            while len(fake.texts(1001)) < full and time.monotonic() < deadline:
                time.sleep(0.05)
            fake.add_update(tu.command("/subscribe 07:00 Europe/Berlin", 1001))
            while len(fake.texts(1001)) == full and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    texts = fake.texts(1001)
    assert len(texts) == full + 1 and texts[0].startswith("Market Intelligence Report - 2026-03-21")
    assert texts[-1].startswith("Subscribed: the daily edition arrives at 07:00 Europe/Berlin")
    assert all(len(t) <= 4096 for t in texts)
    assert "telegram stopped" in err and TOKEN not in err + out


async def test_one_chat_is_answered_in_order_while_chats_run_concurrently(
        make_bot: MakeBot) -> None:
    fake = FakeBotApi()
    # Chat 1001's answers are held until chat 1002 has its reply: if chats waited for each
    # other, 1002 would come only after the 30 s hold, last.
    other_answered = threading.Event()
    fake.holds[1001] = other_answered
    fake.on_sent = lambda sent: other_answered.set() if sent.chat_id == 1002 else None
    with serve(fake) as base_url:  # real sockets: sends of different updates interleave
        bot = await make_bot(fake=fake, over_loopback=True, telegram_base_url=base_url,
                             telegram_poll_timeout_s=1)
        await bot.deps.editions.current()  # cached: the commands race only on sending
        await bot.service.start()
        full = len(render_full(report_from_snapshot(load_sample(), ZoneInfo("Asia/Hong_Kong"))))
        for update in (tu.command("/report full", 1001), tu.command("/report full", 1001),
                       tu.command("/us", 1001), tu.command("/hk", 1002)):
            fake.add_update(update)
        await wait_for(lambda: len(fake.texts(1001)) >= 2 * full + 1 and fake.texts(1002))
        await bot.service.stop()
    texts = fake.texts(1001)
    assert texts[0].startswith("Market Intelligence Report") and texts[-1].startswith("4. US")
    # both reports whole, in order, then /us: one chat's replies never interleave
    assert len(texts) == 2 * full + 1 and texts[full].startswith("Market Intelligence Report")
    chats = [s.chat_id for s in fake.sent]
    assert chats.index(1002) < len(chats) - 1  # the other chat did not wait for 1001
