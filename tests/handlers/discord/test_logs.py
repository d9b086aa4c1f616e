"""No token in the logs: not the bot token at any level, not interaction tokens once the
runtime's redactor has seen the record; a failing command is logged, the user gets one line."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest

from bot.logging import RedactingFilter
from handlers.discord import EditionPoster, MarketBot
from services.models.report import Report
from services.storage import Database
from services.storage.subscriptions import SubscriptionStore
from tests.fakes import discord_interactions as di
from tests.fakes.discord_api import FakeDiscordAPI
from tests.handlers.discord.conftest import TOKEN, interact, make_deps


@dataclass
class BrokenCharts:
    names: tuple[str, ...] = ("dashboard",)

    async def __call__(self, name: str, report: Report) -> bytes:
        raise RuntimeError("renderer exploded")


@pytest.fixture
def redacted_output() -> Iterator[io.StringIO]:
    """What the runtime's log handler (with its redactor) would print."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter([TOKEN]))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


async def test_no_token_in_logs(fake: FakeDiscordAPI, db: Database,
                                caplog: pytest.LogCaptureFixture,
                                redacted_output: io.StringIO) -> None:
    caplog.set_level(logging.DEBUG)
    charts = BrokenCharts()
    client = MarketBot(make_deps(SubscriptionStore(db)))
    await client.login(TOKEN)
    broken = MarketBot(replace(make_deps(SubscriptionStore(db)), charts=charts,
                               chart_names=charts.names))
    await broken.login(TOKEN)
    payloads = [di.command("report"), di.command("section", {"name": "us"}),
                di.command("subscribe", {"time": "99:99"}, permissions=di.MODERATOR),
                di.command("subscribe", permissions=di.MEMBER)]
    try:
        for payload in payloads:
            await interact(client, fake, payload)
        failing = di.command("chart", {"name": "dashboard"})
        posted = await interact(broken, fake, failing)
        fake.channel_gone(di.CHANNEL_ID)
        poster = EditionPoster(client, None, client.deps.subscriptions)
        await poster.deliver(di.CHANNEL_ID, await client.deps.editions.current())
    finally:
        await client.close()
        await broken.close()

    assert posted[0].content == ("Something went wrong on our side; please try again in a "
                                 "minute.")
    assert "/chart failed" in caplog.text and "renderer exploded" in caplog.text
    assert "deactivated discord:" in caplog.text
    assert TOKEN not in caplog.text
    for record in caplog.records:
        assert TOKEN not in str(record.args) and TOKEN not in (record.exc_text or "")
    printed = redacted_output.getvalue()
    assert "/interactions/" in printed or "/webhooks/" in printed, "discord.py's DEBUG lines"
    for payload in [*payloads, failing]:
        assert payload["token"] not in printed
    assert TOKEN not in printed
