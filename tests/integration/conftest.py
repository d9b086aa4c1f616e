"""Builds against the loopback fake of every upstream (``tests/upstream``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import pytest_asyncio

from bot.config import Settings
from services.market_data.build import MarketData
from services.market_data.calendars import Calendars
from services.market_data.transport import open_clients
from services.models.snapshot import MarketSnapshot
from tests.upstream.server import FakeUpstream
from tests.upstream.world import World, endpoints

Build = Callable[..., Awaitable[MarketSnapshot]]


@pytest.fixture(scope="session")
def calendars() -> Calendars:
    return Calendars.load()


@pytest.fixture
def world() -> World:
    return World()


@pytest_asyncio.fixture
async def upstream(world: World) -> AsyncIterator[FakeUpstream]:
    async with FakeUpstream(world.handler) as server:
        yield server


def settings_for(url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"provider_timeout_s": 0.5, "build_deadline_s": 5.0,
                              "retry_after_cap_s": 1.0, **endpoints(url), **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class Sleeps:
    """Records the waits the retry policy asks for, and waits no time at all."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


JITTER = 0.5  # the jitter draw of the builds of these tests: half the backoff


@pytest_asyncio.fixture
async def build(upstream: FakeUpstream, world: World, calendars: Calendars,
                sleeps: Sleeps) -> Build:
    async def run(**overrides: Any) -> MarketSnapshot:
        settings = settings_for(upstream.url, **overrides)
        async with open_clients(settings.provider_timeout_s) as clients:
            data = MarketData(clients, settings, clock=lambda: world.now, calendars=calendars,
                              sleep=sleeps, jitter=lambda: JITTER)
            return await data.build()
    return run
