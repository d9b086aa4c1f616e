"""Hostile and odd input driven through the bot over the Telegram fake: upstream strings,
refused snapshots, overlong commands, an error too long to report, double taps, 200 chats
asking for the dashboard at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from telegram.ext import AIORateLimiter

from bot.cli import main
from handlers.debounce import DEBOUNCE_S, Debounce
from services.errors import InputError
from services.market_data.cache import ORIGIN, SnapshotCache
from services.models.snapshot import MarketSnapshot
from services.snapshot_io import load_sample, load_snapshot
from services.storage.snapshots import SnapshotStore
from tests.fakes import telegram_updates as tu
from tests.fakes.charts import FakeCharts
from tests.fakes.telegram_api import TOKEN
from tests.handlers.telegram.conftest import Bot, MakeBot
from tests.support.hostile import ACCEPTED, REFUSED, UNSAFE, Case

COMMANDS = ("/crypto", "/report full", "/status", "/report")
SAMPLE_MESSAGES = {"/crypto": 1, "/report full": 4, "/status": 1, "/report": 1}


@pytest.mark.parametrize("case", ACCEPTED, ids=lambda c: c.key)
async def test_hostile_snapshots_leave_every_command_working(make_bot: MakeBot, case: Case
                                                             ) -> None:
    bot = await make_bot(charts=FakeCharts(), snapshot=load_snapshot(case.raw))
    for command in COMMANDS:
        sent = await bot.send(command)
        assert sent, f"{command}: no answer"
        assert len(sent) <= SAMPLE_MESSAGES[command] + 1, f"{command}: {len(sent)} messages"
        for message in sent:
            assert 0 < len(message.text) <= (1024 if message.photo else 4096)
            assert not any(bad in message.text for bad in UNSAFE)
            assert "A" * 65 not in message.text
            assert "went wrong" not in message.text
    assert bot.fake.failures == []


async def test_an_implausible_move_is_named_in_status_not_in_the_insight(make_bot: MakeBot
                                                                        ) -> None:
    case = next(c for c in ACCEPTED if c.key == "index_move_1e30")
    bot = await make_bot(snapshot=load_snapshot(case.raw))
    [insight] = await bot.send("/report")
    assert "1e+30" not in insight.text.split("Missing inputs")[0]
    [status] = await bot.send("/status")
    assert ("reference: SPX: a +1e+30% move in one session is outside the sane bound of ±25% "
            "for an index; left out") in status.text


async def test_status_lists_a_few_problems_and_counts_the_rest(make_bot: MakeBot) -> None:
    case = next(c for c in ACCEPTED if c.key == "1000_warnings_200_sources")
    bot = await make_bot(snapshot=load_snapshot(case.raw))
    [status] = await bot.send("/status")
    assert "• source 6 · OK · as-of time n/a\n• and 193 more" in status.text  # 200 sources
    assert "• source 13: timeout\n• and 1093 more" in status.text  # 100 failed, 1000 warnings
    assert len(status.text) < 1500


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.key)
def test_the_bot_refuses_a_hostile_input_file_at_start(tmp_path: Path, case: Case,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "day.json"
    path.write_text(case.raw)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    assert main(["run", "--input", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(case.problem_in(str(path)))
    assert "Traceback" not in err


@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.key)
async def test_a_hostile_stored_snapshot_is_rebuilt_and_commands_answer(make_bot: MakeBot,
                                                                        case: Case) -> None:
    """A snapshot stored by an earlier run that is not a valid document any more (or was
    tampered with) is not served: the cache builds a new one and every command answers."""
    builds: list[MarketSnapshot] = []

    async def build() -> MarketSnapshot:
        builds.append(load_sample())
        return builds[-1]

    cache = SnapshotCache(build, ttl_s=600, clock=lambda: datetime.now(UTC))
    bot = await make_bot(source=cache)
    store = SnapshotStore(bot.container.db)
    now = datetime.now(UTC)
    await store.save(case.raw, built_at=now - timedelta(seconds=5), generated_at=now,
                     origin=ORIGIN)
    cache.attach_store(store)
    [status] = await bot.send("/status")
    assert status.text.startswith("Current edition") and len(builds) == 1
    [crypto] = await bot.send("/crypto")
    assert crypto.text.startswith("3. CRYPTO AND DEFI")


@pytest.mark.parametrize("command", ["/report", "/chart", "/subscribe", "/crypto", "/status",
                                     "/settings", "/us@market_test_bot"])
async def test_a_4000_character_command_gets_one_short_line(bot: Bot, command: str) -> None:
    [sent] = await bot.send(f"{command} {'x' * 4000}")
    assert sent.text == (f"That command is {len(command) + 4001:,} characters long; commands "
                         "take at most 200. /help lists them.")
    assert await bot.deps.subscriptions.get("telegram", "1001") is None


async def test_an_overlong_command_for_another_bot_is_not_ours(bot: Bot) -> None:
    assert await bot.send(f"/report@other_bot {'x' * 4000}", chat_id=-42, user_id=3) == []


async def test_a_long_value_is_quoted_short(bot: Bot) -> None:
    [sent] = await bot.send(f"/report {'moon' * 40}")
    assert sent.text.startswith("unknown section 'moonmoonmoonmoonmoonmoonmoonmoo…'. Valid")
    assert len(sent.text) < 300


async def test_the_error_handler_reports_an_error_of_any_length(make_bot: MakeBot) -> None:
    class Refusing:
        async def get(self) -> MarketSnapshot:
            raise InputError("no day here: " + "x" * 10_000)

        refresh = get

    bot = await make_bot(source=Refusing())
    [sent] = await bot.send("/report")
    assert sent.text.startswith("no day here: xxx") and sent.text.endswith("…")
    assert len(sent.text) <= 1000
    [menu] = await bot.send("/start")
    [said] = await bot.press("s:us", message_id=menu.message_id)  # press answered, then this
    assert said.text == sent.text


async def test_a_double_tap_on_full_report_sends_it_once(bot: Bot) -> None:
    now = [0.0]
    bot.deps.presses = Debounce(clock=lambda: now[0])
    [menu] = await bot.send("/start")
    first, second = await asyncio.gather(bot.press("full", message_id=menu.message_id),
                                         bot.press("full", message_id=menu.message_id))
    full = len(first) + len(second)
    assert full >= 2 and not (first and second), "one of the two presses sends"
    answers = [a.get("text") for a in bot.fake.callback_answers]
    assert len(answers) == 2 and set(answers) == {None, "Already on its way."}
    now[0] += DEBOUNCE_S + 0.1
    assert len(await bot.press("full", message_id=menu.message_id)) == full  # later: again


async def test_a_group_pressing_one_button_gets_one_answer(bot: Bot) -> None:
    now = [0.0]
    bot.deps.presses = Debounce(clock=lambda: now[0])
    group = -1001234
    [menu] = await bot.send("/start", chat_id=group, user_id=1)
    presses = [bot.feed(tu.callback("full", group, user_id=member, message_id=menu.message_id))
               for member in range(1, 8)]
    sent = [s for batch in await asyncio.gather(*presses) for s in batch]
    assert len(sent) == len(await bot.press("full", chat_id=group, message_id=999))
    assert len(bot.fake.callback_answers) == 8  # every press acknowledged
    # Another message's button, or another button, is another press.
    assert await bot.press("s:us", chat_id=group, message_id=menu.message_id)


async def test_200_first_reports_at_once_upload_the_dashboard_once(make_bot: MakeBot) -> None:
    unpaced = AIORateLimiter(overall_max_rate=0, group_max_rate=0)  # pacing is not the point
    bot = await make_bot(charts=FakeCharts(), rate_limiter=unpaced)
    chats = range(5000, 5200)
    await asyncio.gather(*(bot.feed(tu.command("/report", chat)) for chat in chats))
    photos = [s for s in bot.fake.sent if s.method == "sendPhoto"]
    assert {p.chat_id for p in photos} == set(chats) and len(photos) == 200
    assert bot.fake.uploads == 1
    assert len({p.photo for p in photos}) == 1  # the one upload's file_id, everywhere
    assert bot.charts is not None and bot.charts.calls == ["dashboard"]
    assert bot.fake.failures == []
