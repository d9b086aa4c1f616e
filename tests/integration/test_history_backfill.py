"""Backfill against a loopback fake of the upstreams serving more than a trading year of bars:
every equity index gets 250 sessions or more, the session still trading is not stored, a
source that fails gives way to the next and a series no source gives is named; and the
``history`` commands (backfill, show, import, export) end to end on the real clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.cli import main
from services.history_io import load_history_path, load_sample_history
from services.market_data.backfill import EQUITY_INDICES, PLANS, Backfiller, backfill_into
from services.market_data.calendars import Calendars
from services.market_data.transport import open_clients
from services.storage import open_database
from services.storage.closes import ClosesStore
from tests.integration.conftest import settings_for
from tests.upstream.server import FakeUpstream, serving_in_thread
from tests.upstream.world import endpoints
from tests.upstream.year import year_world

# Monday 2026-11-23 13:00 in New York: Hong Kong and Shanghai have closed the 23rd, New York
# is trading it.
NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


async def test_backfill_stores_a_trading_year_per_equity_index(
        calendars: Calendars, tmp_path: Path) -> None:
    world = year_world(NOW, calendars)
    # The SSE Composite's kline fails: it comes from Yahoo. HSTECH's fails too, and Yahoo
    # serves HSTECH.HK only for short ranges: it is named as missing, with both reasons.
    world.faults["eastmoney:kline:1.000001"] = ["500"]
    world.faults["eastmoney:kline:124.HSTECH"] = ["500"]
    db = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'h.db'}")
    try:
        store = ClosesStore(db)
        async with FakeUpstream(world.handler) as upstream, open_clients(10.0) as clients:
            settings = settings_for(upstream.url, provider_attempts=1)
            result, appended = await backfill_into(store, clients, settings, now=NOW,
                                                   calendars=calendars)
            sent = len(upstream.requests)
        spans = {s.instrument_id: s for s in await store.spans()}
        stored = await store.read_all()
    finally:
        await db.close()

    by_id = {o.id: o for o in result.outcomes}
    assert len(by_id) == len(PLANS) == 31
    assert [o.id for o in result.failed] == ["HSTECH"]
    assert by_id["HSTECH"].problems == ("eastmoney kline: HTTP 500", "yahoo chart: HTTP 404")
    sse = by_id["SSE"].series
    assert sse is not None and sse.source == "yahoo 000001.SS daily close"
    assert by_id["SSE"].problems == ("eastmoney kline: HTTP 500",)
    assert by_id["HSI"].series is not None
    assert by_id["HSI"].series.source == "eastmoney kline 100.HSI"
    for index in EQUITY_INDICES:
        if index != "HSTECH":
            assert spans[index].sessions >= 250, (index, spans[index])
    # the US session of the 23rd is still trading: its bar is served, and not stored
    assert world.series["^GSPC"][-1][0] == date(2026, 11, 23)
    assert spans["SPX"].last == date(2026, 11, 20)
    assert spans["HSI"].last == spans["SSE"].last == date(2026, 11, 23)
    # coins, macro and supplies: complete UTC days only (the dollar index trades on weekdays:
    # its last complete day is Friday the 20th; Monday the 23rd is still moving)
    assert spans["BTC"].last == spans["USDT_SUPPLY"].last == date(2026, 11, 22)
    assert spans["DXY"].last == date(2026, 11, 20)
    units = {s.id: s.unit for s in stored}
    assert (units["TNX"], units["XLK"], units["SPX"], units["USDCNH"]) == (
        "percent", "usd", "index", "rate")
    assert appended.written == sum(len(s) for s in stored)
    # Yahoo's 22 series in three spark batches, six klines and the two charts they fell back
    # to, three supply charts (one chart a Yahoo series was 33 requests)
    assert result.requests == sent == 14
    assert result.requests_by_upstream == {"yahoo": 5, "eastmoney": 6, "defillama": 3}


async def test_a_spark_batch_that_fails_or_leaves_a_symbol_out_gives_way_to_charts(
        calendars: Calendars) -> None:
    world = year_world(NOW, calendars)
    world.faults["yahoo:spark:^GSPC"] = ["500"]  # the first batch: SPX … XLY
    world.spark_gaps["CL=F"] = "omit"  # the second batch answers without WTI
    world.spark_gaps["^VIX"] = "nulls"  # and with the VIX's closes all null
    async with FakeUpstream(world.handler) as upstream, open_clients(10.0) as clients:
        settings = settings_for(upstream.url, provider_attempts=1)
        result = await Backfiller(clients, settings, calendars=calendars).run(NOW)
        charts = sorted(r.path.rsplit("/", 1)[-1] for r in upstream.requests
                        if "/v8/finance/chart/" in r.path)
    by_id = {o.id: o for o in result.outcomes}
    assert [o.id for o in result.failed] == []
    first_batch = ("SPX", "IXIC", "DJI", "XLK", "XLF", "XLE", "XLV", "XLU", "XLP", "XLY")
    for series_id in first_batch:
        assert by_id[series_id].problems == ("yahoo spark: HTTP 500",)
        assert by_id[series_id].sessions >= 250
    assert by_id["WTI_FUT"].problems == ("yahoo spark: CL=F not in the answer",)
    assert by_id["VIX"].problems == ("yahoo spark: no completed session since 2025-10-19",)
    spx = by_id["SPX"].series
    assert spx is not None and spx.source == "yahoo ^GSPC daily close"
    for series_id in ("XLI", "DXY", "BTC"):  # served by their batches
        assert by_id[series_id].problems == () and by_id[series_id].sessions >= 250
    assert len(charts) == 12  # ten for the failed batch, WTI and the VIX
    assert result.requests_by_upstream["yahoo"] == 3 + 12


@pytest.fixture
def history_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                calendars: Calendars) -> Iterator[FakeUpstream]:
    """The command line's settings point at the fake, on the real clock."""
    world = year_world(datetime.now(UTC), calendars)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    with serving_in_thread(world.handler) as upstream:
        for key, url in endpoints(upstream.url).items():
            monkeypatch.setenv(key.upper(), url)
        yield upstream


def test_the_history_commands_end_to_end(history_env: FakeUpstream, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "backfill"]) in (0, 1)  # HSTECH: see the line it prints
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert "sessions" in lines["SPX"] and "yahoo ^GSPC daily close" in lines["SPX"]
    assert "eastmoney kline 1.000001" in lines["SSE"]
    assert int(lines["SSE"].split()[1]) >= 250
    assert " of 31 series, " in out.splitlines()[-1]

    assert main(["history", "show", "SPX", "--last", "3"]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert shown[0].startswith("SPX (index) · yahoo ^GSPC daily close")
    assert len(shown) == 4 and all(line.rstrip().endswith("%") for line in shown[1:])

    out_file = tmp_path / "all.json"
    assert main(["history", "export", "--out", str(out_file)]) == 0
    exported = load_history_path(out_file)
    assert len(exported) >= 30 and "wrote" in capsys.readouterr().err

    # the sample's year imports next to it; a yield's change reads in bp
    sample = tmp_path / "sample.json"
    sample.write_text(json.dumps({"schema": "market-history/1", "series": {
        s.id: {"source": s.source, "unit": s.unit,
               "closes": [[d.isoformat(), v] for d, v in s.closes]}
        for s in load_sample_history()}}), encoding="utf-8")
    assert main(["history", "import", str(sample)]) == 0
    assert "23 series" in capsys.readouterr().err
    assert main(["history", "show", "DGS10", "--last", "2"]) == 0
    dgs = capsys.readouterr().out.splitlines()
    assert dgs[-1].startswith("2026-03-20") and dgs[-1].endswith("bp")


def test_bad_history_input_exits_2_with_one_line_per_problem(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema": "market-history/1", "series": {
        "SPX": {"source": "x", "unit": "index",
                "closes": [["2026-03-02", 1.0], ["2026-03-01", 2.0], ["2026-03-03", -1]]},
        "TNX": {"source": "x", "unit": "percent", "closes": [["2026-03-02", "NaN"]]}}}))
    assert main(["history", "import", str(bad)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == ["series.SPX.closes[1]: dates out of order (2026-03-01 after 2026-03-02)",
                   "series.SPX.closes[2]: a price must be positive (got -1)",
                   "series.TNX.closes[0]: close is not a number"]
    assert main(["history", "show", "SPX"]) == 2  # nothing was stored from the bad file
    assert capsys.readouterr().err.strip() == (
        "error: no closes stored for SPX; stored: nothing yet (python -m bot history backfill)")
    assert main(["history", "backfill", "--days", "0"]) == 2
    assert "--days must be 1 to" in capsys.readouterr().err
    assert main(["history", "import", str(tmp_path / "none.json")]) == 2
    assert "cannot read file" in capsys.readouterr().err
