"""Alert polls over the loopback upstreams: one message per crossing, none while the figure
moves inside the hysteresis margin, one when two instances poll at once, at most N an hour a
chat, an instrument that cannot be fetched told once a day, only the quotes alerts need."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date

from services.alerts.poller import AlertSettings
from services.errors import DestinationGone, RateLimited
from services.i18n import translator
from services.storage.languages import LanguageStore
from services.watch.history import StaticHistory
from tests.alerts.conftest import Rig
from tests.upstream.server import FakeUpstream
from tests.upstream.world import World
from tests.watch.helpers import history

CHAT = "1001"


def set_hsi(world: World, close: float) -> None:
    day, _ = world.series["^HSI"][-1]
    world.series["^HSI"][-1] = (day, close)


async def test_one_message_per_crossing_and_hysteresis(rig: Rig, world: World) -> None:
    lines = await rig.add(CHAT, "HSI below 25000")
    assert lines[0] == "Alert 1 set: HSI below 25,000."
    assert lines[1].startswith("Now: HSI Hang Seng Index closed at 25,423.06 (2026-11-23, yahoo)")
    poller = rig.make()
    assert (await poller.poll()).fired == 0
    set_hsi(world, 24900.0)
    first = await poller.poll()
    assert (first.fired, first.sent) == (1, 1)
    [note] = rig.notes.to(CHAT)
    assert note.title == "Alert: HSI below 25,000"
    assert note.lines == (
        "HSI Hang Seng Index closed at 24,900 (2026-11-23, yahoo).",
        "It fires again after HSI is back over 25,125.")
    for close in (24950.0, 25050.0, 24800.0, 25100.0, 24990.0):  # inside the margin
        set_hsi(world, close)
        result = await poller.poll()
        assert (result.fired, result.rearmed, result.sent) == (0, 0, 0)
    assert len(rig.notes.to(CHAT)) == 1
    set_hsi(world, 25200.0)
    assert (await poller.poll()).rearmed == 1
    set_hsi(world, 24700.0)
    assert (await poller.poll()).fired == 1
    assert [n.lines[0] for n in rig.notes.to(CHAT)][-1] == (
        "HSI Hang Seng Index closed at 24,700 (2026-11-23, yahoo).")
    assert len(rig.notes.to(CHAT)) == 2


async def test_two_instances_polling_at_once_send_one_message(rig: Rig, world: World) -> None:
    await rig.add(CHAT, "HSI below 25000")
    await rig.add("2002", "HSI below 25000")
    set_hsi(world, 24000.0)
    results = await asyncio.gather(*(rig.make().poll() for _ in range(3)))
    assert sum(r.fired for r in results) == 2
    assert Counter(d for d, _ in rig.notes.sent) == {CHAT: 1, "2002": 1}


async def test_coins_spread_depeg_and_z(rig: Rig, world: World) -> None:
    for rule in ("BTC move 5%", "spread BTC SPX 3pp", "depeg USDC 0.5%"):
        assert (await rig.add(CHAT, rule))[0].startswith("Alert ")
    hist = StaticHistory(history("HSTECH", daily_pct=0.8))
    rig.service.history = hist
    assert (await rig.add(CHAT, "z HSTECH 2"))[0] == "Alert 4 set: HSTECH move ≥ 2σ."
    poller = rig.make(history=hist)
    assert (await poller.poll()).fired == 0
    world.coins["bitcoin"]["usd_24h_change"] = -6.3
    world.listings.coins["usd-coin"].usd = 0.9931
    day, _ = world.series["HSTECH.HK"][-1]
    before = world.series["HSTECH.HK"][-2][1]
    assert before is not None
    world.series["HSTECH.HK"][-1] = (day, round(before * 0.95, 2))
    result = await poller.poll()
    assert result.fired == 4 and result.sent == 4
    titles = [n.title for n in rig.notes.to(CHAT)]
    assert sorted(titles) == sorted(["Alert: BTC move ≥ ±5%", "Alert: spread BTC − SPX ≥ 3 pp",
                                     "Alert: USDC ≥ 0.5% off $1", "Alert: HSTECH move ≥ 2σ"])
    text = {n.title: n.lines[0] for n in rig.notes.to(CHAT)}
    assert text["Alert: BTC move ≥ ±5%"].startswith(
        "BTC Bitcoin moved -6.30% over 24 h, to $87,123 (24h to 2026-11-24 00:29 UTC, "
        "coingecko)")
    assert text["Alert: USDC ≥ 0.5% off $1"].startswith(
        "USDC USDC is at $0.9931, -0.69% off $1 (24h to")
    assert "z -" in text["Alert: HSTECH move ≥ 2σ"] and "(n=60, the history)" in text[
        "Alert: HSTECH move ≥ 2σ"]


async def test_at_most_n_messages_an_hour_then_the_rest(rig: Rig, world: World) -> None:
    for level in range(25010, 25090, 10):  # eight alerts that all cross at once
        await rig.add(CHAT, f"HSI below {level}")
    poller = rig.make(AlertSettings(poll_s=1.0, messages_per_hour=6))
    set_hsi(world, 24000.0)
    first = await poller.poll()
    assert (first.fired, first.sent, first.held) == (8, 6, 2)
    again = await poller.poll()
    assert (again.sent, again.held) == (0, 2)
    rig.clock.advance(hours=1, minutes=1)
    later = await poller.poll()
    assert (later.sent, later.held) == (2, 0)
    held = rig.notes.to(CHAT)[-1]
    assert held.lines[-1].startswith("Held back by the limit of 6 alert messages an hour; it "
                                     "fired at ")


async def test_an_instrument_that_cannot_be_fetched_is_told_once_a_day(
        rig: Rig, world: World) -> None:
    await rig.add(CHAT, "0700 below 300")
    await rig.add(CHAT, "0700 move 10%")
    world.faults["yahoo:0700.HK"] = ["500"] * 30
    poller = rig.make()
    for _ in range(3):
        await poller.poll()
    [notice] = rig.notes.to(CHAT)
    assert notice.title == "Alerts on 0700.HK cannot be checked"
    assert notice.lines[0].startswith("0700.HK Tencent Holdings Limited: yahoo chart: HTTP 500 "
                                      "after 3 attempts (")
    assert (await rig.make().poll()).notices == 0, "another instance: still once"
    rig.clock.advance(days=1)
    await poller.poll()
    assert len(rig.notes.to(CHAT)) == 2, "the next UTC day, told again"


async def test_only_the_quotes_alerts_need_in_one_build(rig: Rig, world: World,
                                                        upstream: FakeUpstream) -> None:
    for rule in ("HSI below 25000", "0700 move 5%", "600519 above 2000", "BTC move 5%",
                 "solana move 8%", "spread BTC SPX 3pp"):
        await rig.add(CHAT, rule)
    upstream.requests.clear()
    result = await rig.make().poll()
    assert result.alerts == 6 and result.instruments == 6
    assert result.requests == {"yahoo": 3, "eastmoney": 1, "coingecko": 1}
    assert len(upstream.requests) == 5


async def test_a_chat_that_blocked_the_bot_stops_its_alerts(rig: Rig, world: World) -> None:
    await rig.add(CHAT, "HSI below 25000")
    await rig.add("2002", "HSI below 25000")
    rig.notes.errors[CHAT] = [DestinationGone(CHAT, "bot was blocked by the user")]
    rig.notes.errors["2002"] = [RateLimited("2002", 3)]
    set_hsi(world, 24000.0)
    poller = rig.make()
    first = await poller.poll()
    assert (first.fired, first.sent, first.failed) == (2, 0, 1)
    assert [a.destination_id for a in await rig.store.active()] == ["2002"]
    second = await poller.poll()
    assert second.sent == 1 and [d for d, _ in rig.notes.sent] == ["2002"], \
        "a 429 leaves the message for the next poll"


async def test_counted_once_per_poll_in_the_one_place(rig: Rig, world: World) -> None:
    counted: list[tuple[str, str, int]] = []

    class Counters:
        def alert_evaluations(self, kind: str, count: int) -> None:
            counted.append(("evaluated", kind, count))

        def alerts_fired(self, kind: str, count: int) -> None:
            counted.append(("fired", kind, count))

    await rig.add(CHAT, "HSI below 25000")
    await rig.add(CHAT, "BTC move 5%")
    set_hsi(world, 24000.0)
    await rig.make(counters=Counters()).poll()
    assert sorted(counted) == [("evaluated", "below", 1), ("evaluated", "move", 1),
                               ("fired", "below", 1)]


def test_history_helper_dates() -> None:
    series = history("X").get("X")
    assert series is not None and series.last == date(2026, 11, 20) and len(series) == 80


async def test_a_chinese_chat_is_alerted_in_chinese(rig: Rig, world: World) -> None:
    """Each message is written in its chat's language when the alert fires (the choice read
    from the store at each poll); the chat next to it stays English."""
    languages = LanguageStore(rig.db)
    await languages.set("telegram", CHAT, "zh")
    lines = (await rig.service.add("telegram", CHAT, ["HSI", "below", "25000"],
                                   tr=translator("zh"))).lines
    assert lines[0] == "已设置提醒 1：HSI 低于 25,000。"
    assert lines[1].startswith("当前：HSI Hang Seng Index 收于 25,423.06（2026-11-23，yahoo）")
    await rig.add("2002", "HSI below 25000")
    poller = rig.make(languages=languages)
    set_hsi(world, 24900.0)
    assert (await poller.poll()).sent == 2
    [chinese] = rig.notes.to(CHAT)
    assert chinese.title == "提醒：HSI 低于 25,000"
    assert chinese.lines == ("HSI Hang Seng Index 收于 24,900（2026-11-23，yahoo）。",
                             "HSI 回到 25,125 以上后才会再次触发。")
    [english] = rig.notes.to("2002")
    assert english.title == "Alert: HSI below 25,000"
