"""The command line on live data: ``snapshot --out``, ``report`` by default, no network."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from services.market_data.calendars import Calendars
from services.snapshot_io import load_snapshot_file
from tests.upstream.server import FakeUpstream, serving_in_thread
from tests.upstream.world import endpoints, world_at

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def live_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
             calendars: Calendars) -> Iterator[FakeUpstream]:
    """Settings from the environment point at a loopback fake serving today's data (the
    command line reads the real clock)."""
    world = world_at(datetime.now(UTC), calendars)
    for name in ("YAHOO_BASE_URL", "EASTMONEY_BASE_URL", "COINGECKO_BASE_URL",
                 "DEFILLAMA_BASE_URL", "DEFILLAMA_STABLECOINS_URL", "COINGECKO_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env, the database lands here
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    with serving_in_thread(world.handler) as upstream:
        for key, url in endpoints(upstream.url).items():
            monkeypatch.setenv(key.upper(), url)
        yield upstream


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_snapshot_writes_the_input_format(live_env: FakeUpstream, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "today.json"
    assert main(["snapshot", "--out", str(out)]) == 0
    snapshot = load_snapshot_file(out)
    assert len(snapshot.quotes) == 28 and len(snapshot.stablecoins) == 3
    assert "wrote" in capsys.readouterr().err
    # Within the TTL a second command reuses the stored snapshot: no request goes out.
    requests = len(live_env.requests)
    assert main(["snapshot", "--out", str(tmp_path / "again.json")]) == 0
    assert len(live_env.requests) == requests
    assert load_snapshot_file(tmp_path / "again.json") == snapshot


def test_report_defaults_to_live_data(live_env: FakeUpstream,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert '"S&P 500"' in out or "S&P 500" in out
    assert len(live_env.requests) == 9  # three Yahoo spark batches and six other requests


def test_no_network_reports_every_source_unreachable_and_exits_3(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}")
    dead = f"http://127.0.0.1:{closed_port()}"
    for key, url in endpoints(dead).items():
        monkeypatch.setenv(key.upper(), url)
    monkeypatch.setenv("BUILD_DEADLINE_S", "5")
    assert main(["report"]) == 3
    captured = capsys.readouterr()
    assert "every source was unreachable" in captured.out
    assert "every market data source was unreachable" in captured.err
    assert "connection failed (ConnectError)" in captured.err


def test_report_sample_does_not_load_the_live_path() -> None:
    code = ("import sys, io, contextlib\n"
            "from bot.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    assert main(['report', '--sample']) == 0\n"
            "print(sorted(m for m in ('httpx', 'exchange_calendars', 'pandas', 'tenacity',"
            " 'services.market_data') if m in sys.modules))\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "[]"
