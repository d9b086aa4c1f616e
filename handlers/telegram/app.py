"""The Application (manual lifecycle, no JobQueue) and ``TelegramService`` for ``bot.runtime``.

The runtime owns the event loop, so the steps ``run_polling`` would take are taken here:
``initialize → start → updater.start_polling`` and, on stop, the reverse. That lets the daily
briefing run Telegram, Discord and the scheduler in one loop.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import AIORateLimiter, Application, BaseRateLimiter
from telegram.request import BaseRequest

from bot.config import Settings
from bot.container import Container
from handlers.telegram.connection import Link, WatchedRequest
from handlers.telegram.deps import TelegramDeps
from handlers.telegram.menu import publish
from handlers.telegram.ordering import PerChatOrder
from handlers.telegram.routes import ALLOWED_UPDATES, register
from handlers.telegram.subscriptions import sync_channels
from services.errors import ConfigError

log = logging.getLogger(__name__)

TelegramApp = Application


def file_url(base_url: str) -> str:
    """``https://api.telegram.org/bot`` → ``https://api.telegram.org/file/bot``."""
    head, _, tail = base_url.rstrip("/").rpartition("/")
    return f"{head}/file/{tail}"


def build_application(settings: Settings, request: BaseRequest | None = None,
                      updates_request: BaseRequest | None = None,
                      rate_limiter: BaseRateLimiter[Any] | None = None) -> TelegramApp:
    """PTB's Application for ``settings``: its own JobQueue off, AIORateLimiter retrying 429s,
    updates handled concurrently across chats (so many chats share one edition build) and in
    order within a chat."""
    token = settings.telegram_bot_token
    if token is None or not token.get_secret_value():
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set")
    limiter = rate_limiter or AIORateLimiter(max_retries=settings.telegram_max_retries)
    builder = (Application.builder().token(token.get_secret_value())
               .base_url(settings.telegram_base_url)
               .base_file_url(file_url(settings.telegram_base_url))
               .job_queue(None).rate_limiter(limiter).concurrent_updates(PerChatOrder()))
    if request is not None:
        builder = builder.request(request)
    if updates_request is not None:
        builder = builder.get_updates_request(updates_request)
    return builder.build()


class TelegramService:
    """The Telegram side of ``python -m bot run``: start it, stop it."""

    name = "telegram"

    def __init__(self, container: Container, request: BaseRequest | None = None,
                 updates_request: BaseRequest | None = None,
                 rate_limiter: BaseRateLimiter[Any] | None = None) -> None:
        self.deps = TelegramDeps.from_container(container)
        self.link = Link()  # the last poll's outcome (``connected``, for /readyz)
        self.app = build_application(container.settings, request,
                                     WatchedRequest(updates_request, self.link), rate_limiter)
        self._poll_timeout = container.settings.telegram_poll_timeout_s
        register(self.app, self.deps)

    async def start(self) -> None:
        await self.app.initialize()
        await sync_channels(self.deps, self.app.bot)
        await publish(self.app.bot, self.deps.language)
        await self.app.start()
        assert self.app.updater is not None  # built with an Updater (the default)
        await self.app.updater.start_polling(timeout=self._poll_timeout,
                                             allowed_updates=ALLOWED_UPDATES)
        self.link.connected, self.link.detail = True, "polling"  # getMe and the menu went
        log.info("telegram bot @%s polling", self.app.bot.username)

    def connected(self) -> tuple[bool, str]:
        """Connected to Telegram (the last poll was answered), and a word on it."""
        if self.app.updater is None or not self.app.updater.running:
            return False, "not polling"
        return self.link.state()

    async def stop(self) -> None:
        if self.app.updater is not None and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()
        # After a failed start (a rejected token, no network) the Application is not
        # initialized and its shutdown does nothing: the Bot's HTTP clients are closed here
        # (after a full shutdown this does nothing).
        await self.app.bot.shutdown()
