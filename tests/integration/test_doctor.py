"""``python -m bot doctor`` against the loopback fake: all sources up, one down."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from tests.upstream.server import FakeUpstream, serving_in_thread
from tests.upstream.world import World, endpoints

FEEDS = ("yahoo spark", "yahoo chart", "eastmoney ulist", "coingecko simple/price",
         "coingecko global", "defillama stablecoins", "defillama protocols", "defillama dexs")


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def doctor_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
               world: World) -> Iterator[FakeUpstream]:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.delenv("COINGECKO_API_KEY", raising=False)
    monkeypatch.setenv("PROVIDER_TIMEOUT_S", "2")
    with serving_in_thread(world.handler) as upstream:
        for key, url in endpoints(upstream.url).items():
            monkeypatch.setenv(key.upper(), url)
        yield upstream


def rows(out: str) -> dict[str, str]:
    return {line.split("  ")[0]: line for line in out.splitlines()
            if line.startswith(FEEDS)}


def test_all_sources_up(doctor_env: FakeUpstream, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    table = rows(out)
    assert list(table) == list(FEEDS)
    assert all("  OK  " in line for line in table.values())
    assert "^GSPC 6,672.30 on 2026-11-23" in table["yahoo chart"]
    assert "^GSPC 6,672.30 on 2026-11-23" in table["yahoo spark"]
    assert "yahoo chart (OK) for its 23 figures" in table["yahoo spark"]
    assert "breadth 1,513 up / 3,661 down" in table["eastmoney ulist"]
    assert "yahoo chart (OK) for BTC, ETH" in table["coingecko simple/price"]
    assert "(3 CEX/Chain rows left out)" in table["defillama protocols"]
    assert out.rstrip().endswith("every figure has a working source")
    assert len(doctor_env.requests) == len(FEEDS)  # one request per source


def test_a_refused_spark_is_covered_by_the_charts(
        doctor_env: FakeUpstream, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.faults["yahoo:spark:^GSPC"] = ["500"]
    assert main(["doctor"]) == 0
    line = rows(capsys.readouterr().out)["yahoo spark"]
    assert "  failed  " in line and "HTTP 500" in line
    assert "yahoo chart (OK) for its 23 figures" in line


def test_a_source_down_with_a_fallback_still_passes(
        doctor_env: FakeUpstream, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.faults["coingecko:price"] = ["503"]
    assert main(["doctor"]) == 0
    table = rows(capsys.readouterr().out)
    line = table["coingecko simple/price"]
    assert "  failed  " in line and "HTTP 503" in line and "yahoo chart (OK) for BTC, ETH" in line
    assert world.hits["coingecko:price"] == 1  # no retry: one live request


def test_a_source_down_whose_figures_have_no_fallback_fails(
        doctor_env: FakeUpstream, world: World, capsys: pytest.CaptureFixture[str]) -> None:
    world.faults["eastmoney"] = ["timeout"]
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    line = rows(out)["eastmoney ulist"]
    assert "  failed  " in line and "no answer within 2 s" in line
    assert "yahoo chart (OK) for SSE, SZSE, CHINEXT; none for a_share_breadth" in line
    assert out.rstrip().endswith("no working source for: a_share_breadth")
