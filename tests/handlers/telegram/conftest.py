"""A real python-telegram-bot Application over the fake Bot API, with the sample day cached."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from telegram.ext import BaseRateLimiter

from bot.config import Settings
from bot.container import Container, build_container
from handlers.telegram import TelegramService
from handlers.telegram.deps import TelegramDeps
from services.models.snapshot import MarketSnapshot
from services.report.editions import FixedSource, SnapshotSource
from services.snapshot_io import load_sample
from tests.fakes import telegram_updates as tu
from tests.fakes.charts import FakeCharts
from tests.fakes.telegram_api import TOKEN, FakeBotApi, Sent
from tests.fakes.telegram_app import feed, telegram_service

NOW = datetime(2026, 3, 21, 1, 0, tzinfo=UTC)  # Saturday 09:00 in Hong Kong


@dataclass
class Bot:
    fake: FakeBotApi
    service: TelegramService
    container: Container
    charts: FakeCharts | None

    @property
    def app(self) -> Any:
        return self.service.app

    @property
    def deps(self) -> TelegramDeps:
        return self.service.deps

    async def feed(self, update: dict[str, Any]) -> list[Sent]:
        """Process an update; returns what the fake accepted meanwhile."""
        before = len(self.fake.sent)
        await feed(self.app, update)
        return self.fake.sent[before:]

    async def send(self, text: str, chat_id: int = 1001, user_id: int | None = None,
                   kind: str | None = None) -> list[Sent]:
        return await self.feed(tu.command(text, chat_id, user_id, kind))

    async def press(self, data: str, chat_id: int = 1001, message_id: int = 1,
                    photo: bool = False, text: str = "menu") -> list[Sent]:
        return await self.feed(tu.callback(data, chat_id, message_id=message_id, photo=photo,
                                           text=text))


MakeBot = Callable[..., Awaitable[Bot]]


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    """PTB 22 warns on every ``RetryAfter`` unless opted in to its 23.x ``timedelta``."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def make_bot(sqlite_url: str) -> AsyncIterator[MakeBot]:
    """``await make_bot(charts=…, fake=…, **settings)`` → an initialised (not polling) bot,
    talking to ``fake`` through MockTransport (no socket, so sends never interleave). It
    reports on ``snapshot`` (default: the sample day), or asks ``source`` for its snapshot."""
    made: list[Bot] = []

    async def make(charts: FakeCharts | None = None, fake: FakeBotApi | None = None,
                   database_url: str | None = None, snapshot: MarketSnapshot | None = None,
                   over_loopback: bool = False, source: SnapshotSource | None = None,
                   rate_limiter: BaseRateLimiter[Any] | None = None, **settings: Any) -> Bot:
        values: dict[str, Any] = {"telegram_bot_token": TOKEN, "briefing_time": "08:30",
                                  "briefing_tz": "Asia/Hong_Kong", "refresh_cooldown_s": 300,
                                  "database_url": database_url or sqlite_url,
                                  "telegram_channels": ()}
        values.update(settings)
        config = Settings(_env_file=None, **values)  # type: ignore[call-arg]
        names = charts.names if charts is not None else ()
        container = await build_container(config, source or FixedSource(snapshot or load_sample()),
                                          charts, names)
        fake = fake or FakeBotApi()
        # over_loopback: real sockets (the caller serves ``fake`` at TELEGRAM_BASE_URL)
        service = (TelegramService(container) if over_loopback
                   else telegram_service(container, fake, rate_limiter))
        service.deps.clock = lambda: NOW
        await service.app.initialize()
        bot = Bot(fake, service, container, charts)
        made.append(bot)
        return bot

    yield make
    for bot in made:
        if bot.app.running:
            await bot.service.stop()
        else:
            await bot.app.shutdown()
        await bot.container.close()


@pytest.fixture
async def bot(make_bot: MakeBot) -> Bot:
    """With a chart renderer (so /report sends the dashboard)."""
    return await make_bot(charts=FakeCharts())
