"""No exception escapes a build; the CoinGecko key stays in its header; the bot's live wiring."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.config import Settings
from bot.container import build_container
from services.market_data.build import MarketData
from services.market_data.calendars import Calendars
from services.market_data.live import open_live_source
from services.market_data.providers import defillama
from services.market_data.transport import open_clients
from services.snapshot_io import dump_snapshot
from services.storage.snapshots import SnapshotStore
from tests.integration.conftest import Build, settings_for
from tests.upstream.server import FakeUpstream
from tests.upstream.world import World, world_at

SECRET = "CG-demo-key-never-logged-42"


async def test_a_bug_in_one_feed_is_a_warning_not_a_failed_build(
        build: Build, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def broken(payload: Any) -> Any:
        raise KeyError("a parser bug")

    monkeypatch.setattr(defillama, "parse_dexes", broken)
    snapshot = await build()
    warning = next(w for w in snapshot.warnings if w.source == "defillama dexs")
    assert (warning.reason, warning.figures) == ("internal error (KeyError)", ("dexes",))
    assert snapshot.dexes == () and len(snapshot.protocols) == 5 and len(snapshot.quotes) == 28
    assert "feed defillama dexs failed unexpectedly" in caplog.text


async def test_the_coingecko_key_travels_in_a_header_only(
        upstream: FakeUpstream, world: World, calendars: Calendars,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    world.faults["coingecko:global"] = ["500", "500", "500"]
    settings = settings_for(upstream.url, coingecko_api_key=SECRET)
    async with open_clients(settings.provider_timeout_s) as clients:
        snapshot = await MarketData(clients, settings, clock=lambda: world.now,
                                    calendars=calendars).build()
    gecko = [r for r in upstream.requests if r.path.startswith("/coingecko")]
    assert gecko and all(r.headers["x-cg-demo-api-key"] == SECRET for r in gecko)
    assert not any(SECRET in r.target for r in upstream.requests)
    assert "HTTP Request: GET" in caplog.text  # httpx did log the URLs
    assert SECRET not in caplog.text
    assert SECRET not in snapshot.model_dump_json()


async def test_the_running_bot_serves_live_editions_and_stores_the_snapshot(
        calendars: Calendars, sqlite_url: str) -> None:
    world = world_at(datetime.now(UTC), calendars)  # the bot reads the real clock
    async with FakeUpstream(world.handler) as upstream:
        settings: Settings = settings_for(upstream.url, database_url=sqlite_url)
        async with open_live_source(settings) as source:
            container = await build_container(settings, source)
            try:
                source.attach_store(SnapshotStore(container.db))
                edition = await container.editions.current()
                stored = await SnapshotStore(container.db).latest("live")
            finally:
                await container.close()
    assert len(edition.snapshot.quotes) == 28  # 22 and the six of the macro layer
    assert stored is not None
    assert stored.body == dump_snapshot(edition.snapshot)
    assert len(upstream.requests) == 9  # three Yahoo spark batches and six other requests
