"""Watchlists and alerts over the loopback fake of every upstream (``tests/upstream``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from bot.config import Settings
from services.market_data.transport import open_clients
from services.watch.quotes import QuoteFetcher
from tests.upstream.server import FakeUpstream
from tests.upstream.world import World, endpoints


def settings_for(url: str, **overrides: Any) -> Settings:
    """Generous timeouts: a loaded machine must not turn an answer into a failure."""
    values: dict[str, Any] = {"provider_timeout_s": 10.0, "build_deadline_s": 30.0,
                              "retry_after_cap_s": 1.0, **endpoints(url), **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def world() -> World:
    return World()


@pytest_asyncio.fixture
async def upstream(world: World) -> AsyncIterator[FakeUpstream]:
    async with FakeUpstream(world.handler) as server:
        yield server


async def _no_wait(seconds: float) -> None:
    return None


@pytest_asyncio.fixture
async def quotes(upstream: FakeUpstream, world: World) -> AsyncIterator[QuoteFetcher]:
    settings = settings_for(upstream.url)
    async with open_clients(settings.provider_timeout_s) as clients:
        yield QuoteFetcher(clients, settings, clock=lambda: world.now, sleep=_no_wait,
                           jitter=lambda: 0.0)
