"""Builds against the loopback fake of every upstream (``tests/upstream``)."""

from __future__ import annotations

import asyncio
import logging
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
    # Generous limits: a loaded machine must not time out a healthy loopback request (the
    # tests of timeouts and of the deadline set their own, short ones).
    values: dict[str, Any] = {"provider_timeout_s": 10.0, "build_deadline_s": 30.0,
                              "retry_after_cap_s": 1.0, **endpoints(url), **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class Sleeps:
    """Waits no time at all: the retry policy's sleep in these builds."""

    async def __call__(self, seconds: float) -> None:
        await asyncio.sleep(0)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


JITTER = 0.5  # the jitter draw of the builds of these tests: half the backoff


class Waits:
    """The waits the retry policy asked for, per upstream route, from its retry log lines.

    Every request of a build runs in the same loop, and on a loaded machine other requests
    time out and back off too: a test counts only the waits of the route it is about."""

    def __init__(self, caplog: pytest.LogCaptureFixture, world: World) -> None:
        self._caplog = caplog
        self._world = world

    def of(self, route: str) -> list[float]:
        return [record.wait_s for record in self._caplog.records  # type: ignore[attr-defined]
                if hasattr(record, "wait_s") and self._world.route_of(record.url) == route]


@pytest.fixture
def waits(caplog: pytest.LogCaptureFixture, world: World) -> Waits:
    caplog.set_level(logging.INFO, logger="services.market_data.fetcher")
    return Waits(caplog, world)


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
