"""``DiscordService`` as ``python -m bot run`` starts it: login, cogs, command sync (to one
guild, or globally), and a clean stop."""

from __future__ import annotations

import asyncio

import discord
import pytest

from bot.config import Settings
from bot.container import build_container
from bot.runtime import run
from handlers.discord import DiscordService
from services.report.editions import FixedSource
from services.snapshot_io import load_sample
from tests.fakes.charts import FakeCharts
from tests.fakes.discord_api import FakeDiscordAPI
from tests.handlers.discord.conftest import TOKEN

COMMANDS = {"report", "section", "chart", "subscribe", "unsubscribe", "lang", "status", "ask"}


def settings(sqlite_url: str, guild_id: int | None) -> Settings:
    return Settings(_env_file=None, database_url=sqlite_url,  # type: ignore[call-arg]
                    discord_bot_token=TOKEN, discord_guild_id=guild_id)


@pytest.mark.parametrize("guild_id", [None, 777000000000000001])
async def test_start_syncs_commands_and_stops(fake: FakeDiscordAPI, sqlite_url: str,
                                              guild_id: int | None) -> None:
    container = await build_container(settings(sqlite_url, guild_id),
                                      FixedSource(load_sample()))
    service = DiscordService(container, gateway=False)
    try:
        await service.start()
        assert set(fake.synced) == {guild_id}
        synced = {c["name"]: c for c in fake.synced[guild_id]}
        assert set(synced) == COMMANDS
        for name in ("subscribe", "unsubscribe"):
            assert int(synced[name]["default_member_permissions"]) == 16  # Manage Channels
            assert synced[name]["contexts"] == [0]  # guild only
        assert service.bot.intents.message_content is False
        assert service.bot.allowed_mentions is not None
        assert service.bot.allowed_mentions.to_dict() == {"parse": []}
    finally:
        await service.stop()
        await container.close()
    assert service.bot.is_closed()


async def test_runtime_runs_the_discord_service_until_stopped(
        fake: FakeDiscordAPI, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The gateway is not faked: ``connect`` waits until the bot closes."""
    async def connect(self: discord.Client, *, reconnect: bool = True) -> None:
        while not self.is_closed():
            await asyncio.sleep(0.01)

    monkeypatch.setattr(discord.Client, "connect", connect)
    container = await build_container(settings(sqlite_url, None), FixedSource(load_sample()))
    stop = asyncio.Event()
    try:
        running = asyncio.create_task(run(container, stop))
        for _ in range(500):
            if fake.synced:
                break
            await asyncio.sleep(0.01)
        assert {c["name"] for c in fake.synced[None]} == COMMANDS
        stop.set()
        assert await asyncio.wait_for(running, 10) == 0
    finally:
        await container.close()


async def test_chart_choices_come_from_the_containers_renderer(fake: FakeDiscordAPI,
                                                               sqlite_url: str) -> None:
    charts = FakeCharts()
    container = await build_container(settings(sqlite_url, None), FixedSource(load_sample()),
                                      charts=charts)
    service = DiscordService(container, gateway=False)
    try:
        await service.start()
    finally:
        await service.stop()
        await container.close()
    chart = next(c for c in fake.synced[None] if c["name"] == "chart")
    assert [c["value"] for c in chart["options"][0]["choices"]] == list(charts.names)
