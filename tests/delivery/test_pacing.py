"""The pacer on a fake clock: overall spacing, per-chat and per-group windows, 429 pauses."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from services.delivery.pacing import Pacer, Window, telegram_pacer
from tests.delivery.fakes import FakeClock


async def test_any_second_holds_at_most_the_rate() -> None:
    clock = FakeClock()
    pacer = telegram_pacer(29, clock=clock, sleep=clock.sleep)
    times = []
    for chat in range(100):
        await pacer.acquire(str(chat))
        times.append(clock.now)
    for i in range(len(times) - 29):
        assert times[i + 29] - times[i] >= 1.0 - 1e-9, "30 sends inside one second"
    assert times[-1] - times[0] == pytest.approx(99 / 29)


async def test_a_group_gets_twenty_a_minute() -> None:
    clock = FakeClock()
    pacer = telegram_pacer(clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(21):
        await pacer.acquire("-100123")
        times.append(clock.now)
    assert times[19] - times[0] == pytest.approx(19.0)  # one a second
    assert times[20] - times[0] == pytest.approx(60.0)  # the 21st waits for the minute


async def test_a_pause_holds_everyone() -> None:
    clock = FakeClock()
    pacer = telegram_pacer(clock=clock, sleep=clock.sleep)
    await pacer.acquire("1")
    pacer.pause(5)
    await pacer.acquire("2")
    assert clock.now - 1000.0 == pytest.approx(5.0)


async def test_concurrent_acquirers_are_spaced_too() -> None:
    clock = FakeClock()
    pacer = Pacer(10, lambda _k: (Window(1, 1.0),), clock=clock, sleep=clock.sleep)
    stamps: list[float] = []

    async def one(key: str) -> None:
        await pacer.acquire(key)
        stamps.append(clock.now)

    await asyncio.gather(*(one(str(i)) for i in range(20)))
    stamps.sort()
    assert all(b - a >= 0.1 - 1e-9 for a, b in itertools.pairwise(stamps))


async def test_a_stale_turn_is_taken_again_so_late_sends_do_not_bunch() -> None:
    clock = FakeClock()
    pacer = telegram_pacer(10, clock=clock, sleep=clock.sleep)
    tickets = [await pacer.turn() for _ in range(5)]  # five workers took turns 0.1 s apart
    clock.now += 2.0  # then all waited for the first upload
    sent = []
    for chat, ticket in enumerate(tickets):
        await pacer.acquire_key(str(chat), ticket)
        sent.append(clock.now)
    assert [round(b - a, 3) for a, b in itertools.pairwise(sent)] == [0.1] * 4
    fresh = await pacer.turn()
    await pacer.acquire_key("9", fresh)
    assert clock.now == pytest.approx(sent[-1] + 0.1), "a fresh turn is not taken twice"


async def test_a_long_push_does_not_keep_every_chat_in_memory() -> None:
    """5,000 private chats at 1,000 a second: a chat whose one-second window has passed is
    forgotten at the next sweep (every 1,000 sends), so at most about two thousand remain."""
    clock = FakeClock()
    pacer = telegram_pacer(1000, clock=clock, sleep=clock.sleep)
    for chat in range(5000):
        await pacer.acquire(str(chat))
    assert len(pacer._recent) <= 2000
    group = telegram_pacer(1000, clock=clock, sleep=clock.sleep)
    await group.acquire("-100123")
    for chat in range(1000, 3000):
        await group.acquire(str(chat))
    assert "-100123" in group._recent, "a group's minute window is kept for its minute"


async def test_a_busy_loop_does_not_cost_the_paid_rate_nor_break_the_limit() -> None:
    """Every sleep wakes 3 ms late (a loaded event loop): at 950 a second, turns granted late
    still count from their planned time, so 2,000 turns take 2,000 intervals (not 2,000
    sleeps of 4 ms), and no one-second window holds more than 950 + 24 + 1."""
    clock = FakeClock()

    async def late_sleep(seconds: float) -> None:
        await clock.sleep(seconds + 0.003)

    pacer = telegram_pacer(950, clock=clock, sleep=late_sleep)
    start = clock.now
    times = []
    for _ in range(2000):
        times.append(await pacer.turn())
    assert times[-1] - start == pytest.approx(2000 / 950, abs=0.01)
    for i in range(len(times) - 975):
        assert times[i + 975] - times[i] >= 1.0 - 1e-9, "976 turns inside one second"
    free = telegram_pacer(29, clock=clock, sleep=late_sleep)
    first = await free.turn()
    second = await free.turn()
    assert second - first >= 1 / 29, "the free pace never catches up more than a turn"


async def test_a_turn_a_few_milliseconds_old_is_used_not_taken_again() -> None:
    """At a paid 950 the fan-out takes its turn, then waits a few milliseconds for its claim's
    batch write: the turn still counts. 16 workers hold turns, use them 4 ms after the last
    (the oldest is then 19 turns old, inside the 24 of ``catch_up``), then 100 more turns
    follow: 116 turns in all, not 132 (taking a new turn for each send wasted one turn in ten
    and capped the push near 860 a second)."""
    clock = FakeClock()
    pacer = telegram_pacer(950, clock=clock, sleep=clock.sleep)
    tickets = [await pacer.turn() for _ in range(16)]
    clock.now += 0.004  # the claims' write
    for chat, ticket in enumerate(tickets):
        await pacer.acquire_key(str(chat), ticket)
    last = [await pacer.turn() for _ in range(100)][-1]
    assert last - tickets[0] == pytest.approx(115 / 950, abs=1e-6)


async def test_no_second_of_sends_holds_more_than_the_rate_and_catch_up() -> None:
    """The sends are counted whatever the turns: 2,000 sends that each claim a fresh turn
    (nothing spaces them) go 974 in the first second (950 + 24), then as the window
    frees."""
    clock = FakeClock()
    pacer = telegram_pacer(950, clock=clock, sleep=clock.sleep)
    sent: list[float] = []
    for chat in range(2000):
        await pacer.acquire_key(str(chat), clock.now)
        sent.append(clock.now)
    assert sent[973] == sent[0] and sent[974] == pytest.approx(sent[0] + 1.0)
    for i in range(len(sent) - 974):
        assert sent[i + 974] - sent[i] >= 1.0 - 1e-9, "975 sends inside one second"
