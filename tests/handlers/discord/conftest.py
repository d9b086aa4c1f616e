"""A logged-in ``MarketBot`` talking to the loopback Discord fake, on the sample day."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import discord
import pytest

from handlers.discord import DiscordDeps, MarketBot
from services.models.snapshot import MarketSnapshot
from services.narration.base import Narrator
from services.narration.template import TemplateNarrator
from services.report.editions import EditionCache, FixedSource
from services.snapshot_io import load_sample
from services.storage import Database, open_database
from services.storage.subscriptions import SubscriptionStore
from tests.fakes.charts import FakeCharts
from tests.fakes.discord_api import FakeDiscordAPI, Posted, wait_idle

TOKEN = "MTEwMDAw.fake-discord-bot-token.secret-part-XYZ"
CLOCK = datetime(2026, 3, 21, 0, 0, tzinfo=UTC)


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscordAPI]:
    # interactions are fed in and answered at once; a generous answer window keeps a busy
    # machine from failing them (the 3 s rule has its own test in test_fake_gateway.py)
    api = await FakeDiscordAPI(token=TOKEN, interaction_timeout_s=30.0).start()
    monkeypatch.setattr(discord.http.Route, "BASE", api.base_url)
    try:
        yield api
    finally:
        await api.close()


@pytest.fixture
async def db(sqlite_url: str) -> AsyncIterator[Database]:
    database = await open_database(sqlite_url)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
def charts() -> FakeCharts:
    return FakeCharts()


def make_deps(subscriptions: SubscriptionStore, charts: FakeCharts | None = None,
              snapshot: MarketSnapshot | None = None, narrator: Narrator | None = None
              ) -> DiscordDeps:
    """The sample day (or ``snapshot``), the template narrator (or ``narrator``)."""
    editions = EditionCache(FixedSource(snapshot or load_sample()),
                            narrator or TemplateNarrator(), ZoneInfo("Asia/Hong_Kong"))
    return DiscordDeps(editions=editions, subscriptions=subscriptions, charts=charts,
                       chart_names=charts.names if charts else (), clock=lambda: CLOCK)


@pytest.fixture
def deps(db: Database, charts: FakeCharts) -> DiscordDeps:
    return make_deps(SubscriptionStore(db), charts)


@pytest.fixture
async def bot(fake: FakeDiscordAPI, deps: DiscordDeps) -> AsyncIterator[MarketBot]:
    client = MarketBot(deps)
    await client.login(TOKEN)
    try:
        yield client
    finally:
        await client.close()


async def interact(bot: MarketBot, fake: FakeDiscordAPI, payload: dict[str, Any]
                   ) -> list[Posted]:
    """Feed one interaction through discord.py's own parsing and command tree, wait for it
    to finish, and return the messages the fake accepted for it."""
    fake.register_interaction(payload)
    bot._connection.parse_interaction_create(payload)  # type: ignore[arg-type]
    await wait_idle()
    return fake.for_interaction(payload)
