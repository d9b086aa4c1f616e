"""Run the real python-telegram-bot Application against ``FakeBotApi`` without a socket.

    fake = FakeBotApi()
    service = telegram_service(container, fake)     # handlers registered, nothing started
    await service.app.initialize()
    await feed(service.app, telegram_updates.command("/report full"))
    fake.texts(1001)                                # what the chat saw
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, BaseRateLimiter
from telegram.request import HTTPXRequest

from bot.container import Container
from handlers.telegram import TelegramService
from tests.fakes.telegram_api import FakeBotApi


def requests(fake: FakeBotApi, pool: int = 64) -> tuple[HTTPXRequest, HTTPXRequest]:
    """PTB requests whose transport is the fake (one for calls, one for ``getUpdates``)."""
    calls = HTTPXRequest(connection_pool_size=pool,
                         httpx_kwargs={"transport": fake.transport()})
    updates = HTTPXRequest(httpx_kwargs={"transport": fake.transport()})
    return calls, updates


def telegram_service(container: Container, fake: FakeBotApi,
                     rate_limiter: BaseRateLimiter[Any] | None = None) -> TelegramService:
    calls, updates = requests(fake)
    return TelegramService(container, request=calls, updates_request=updates,
                           rate_limiter=rate_limiter)


async def feed(app: Application[Any, Any, Any, Any, Any, Any], update: dict[str, Any]) -> None:
    """Process one update exactly as polling would hand it over."""
    await app.process_update(Update.de_json(update, app.bot))
