"""The macro layer over the loopback fake: the dollar, the 10-year (in basis points), gold, WTI,
the VIX and USD/CNH, in the same spark batches as the rest of Yahoo, with their year of closes;
a missing one is missing like any other."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from services.market_data.instruments import MACRO
from services.market_data.providers.yahoo import SYMBOLS
from services.models.snapshot import MarketSnapshot
from services.renderers import discord_embeds, json_out, markdown, telegram_messages
from services.report.pipeline import report_from_snapshot
from services.snapshot_io import dump_snapshot, load_snapshot
from tests.integration.conftest import Build
from tests.upstream.world import World

MONDAY, FRIDAY, THURSDAY = date(2026, 11, 23), date(2026, 11, 20), date(2026, 11, 19)
# At the world's now (Monday 19:30 in New York, 00:30 in London on Tuesday), the New York day's
# bar of futures and the dollar index is still live: their latest close is Friday's.
SESSION = {"DXY": FRIDAY, "GOLD_FUT": FRIDAY, "WTI_FUT": FRIDAY, "TNX": MONDAY,
           "VIX": MONDAY, "USDCNH": MONDAY}


def closes(world: World, quote_id: str, upto: date) -> tuple[float, float]:
    served = [close for day, close in world.series[SYMBOLS[quote_id]] if day <= upto]
    before, last = served[-2:]
    assert before is not None and last is not None
    return before, last


def macro(snapshot: MarketSnapshot) -> dict[str, Any]:
    return {q.id: q for q in snapshot.quotes if q.market == "MACRO"}


async def test_every_macro_quote_arrives_dated_by_its_own_bar(build: Build, world: World) -> None:
    snapshot = await build()
    quotes = macro(snapshot)

    assert list(quotes) == [i.id for i in MACRO]
    for instrument in MACRO:
        quote = quotes[instrument.id]
        before, last = closes(world, instrument.id, SESSION[instrument.id])
        assert (quote.kind, quote.session, quote.close, quote.source, quote.stale) == (
            instrument.kind, SESSION[instrument.id], last, "yahoo", False), instrument.id
        if instrument.kind == "rate":
            assert quote.change_pct is None
            assert quote.change_bp == pytest.approx((last - before) * 100)
        else:
            assert quote.change_bp is None
            assert quote.change_pct == pytest.approx((last / before - 1) * 100)
    assert {(i.kind) for i in MACRO} == {"fx", "rate", "commodity", "volatility"}
    assert not [w for w in snapshot.warnings if set(w.figures) & set(quotes)]
    assert load_snapshot(dump_snapshot(snapshot)) == snapshot


async def test_the_macro_layer_brings_its_year_at_no_extra_request(
        build: Build, world: World, upstream: Any) -> None:
    await build()
    sparks = [r for r in upstream.requests if r.path.startswith("/yahoo/")]
    assert len(sparks) == 3 and all(r.path.endswith("/spark") for r in sparks)
    macro_batch = next(r for r in sparks if "^TNX" in r.query["symbols"])
    assert macro_batch.query["range"] == "1y"


async def test_a_missing_macro_quote_is_missing_like_any_other(build: Build,
                                                               world: World) -> None:
    world.spark_gaps["^VIX"] = "omit"
    world.faults["yahoo:^VIX"] = ["500"] * 3
    snapshot = await build()
    assert snapshot.quote("VIX") is None
    warning = next(w for w in snapshot.warnings if w.figures == ("VIX",))
    assert (warning.source, warning.reason) == ("yahoo chart",
                                                 "VIX (^VIX): HTTP 500 after 3 attempts")
    assert set(macro(snapshot)) == {i.id for i in MACRO} - {"VIX"}


async def test_a_macro_quote_more_than_a_session_behind_is_stale(build: Build,
                                                                 world: World) -> None:
    world.series["GC=F"] = [bar for bar in world.series["GC=F"] if bar[0] <= THURSDAY]
    snapshot = await build()
    gold = snapshot.quote("GOLD_FUT")
    assert gold is not None and (gold.session, gold.stale) == (THURSDAY, True)
    assert [w.reason for w in snapshot.warnings if w.figures == ("GOLD_FUT",)] == [
        "GOLD_FUT: last close is of 2026-11-19, more than a session older than the latest US "
        "session 2026-11-23 (stale)"]
    assert not any(q.stale for q in snapshot.quotes if q.id != "GOLD_FUT")


async def test_a_report_with_the_macro_layer_renders_everywhere(build: Build) -> None:
    snapshot = await build()
    report = report_from_snapshot(snapshot, ZoneInfo("Asia/Hong_Kong"))
    assert markdown.render(report, None)
    assert telegram_messages.render_full(report)
    assert discord_embeds.render_messages(report)
    assert json_out.render(report)
