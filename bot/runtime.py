"""``python -m bot run``: one asyncio loop for every platform service, stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from typing import Protocol

from bot.config import Settings
from bot.container import Container

log = logging.getLogger(__name__)

EXIT_NO_PLATFORM = 2


class Service(Protocol):
    name: str

    async def start(self) -> None: ...
    async def stop(self) -> None: ...


def has_platform(settings: Settings) -> bool:
    return any(token is not None and token.get_secret_value()
               for token in (settings.telegram_bot_token, settings.discord_bot_token))


NO_PLATFORM_MESSAGE = ("error: neither TELEGRAM_BOT_TOKEN nor DISCORD_BOT_TOKEN is set; "
                       "nothing to run")


def platform_services(container: Container) -> list[Service]:
    """A service per platform whose token is set."""
    services: list[Service] = []
    settings = container.settings
    if settings.telegram_bot_token is not None and settings.telegram_bot_token.get_secret_value():
        from handlers.telegram import TelegramService

        services.append(TelegramService(container))
    if settings.discord_bot_token is not None and settings.discord_bot_token.get_secret_value():
        from handlers.discord import DiscordService

        services.append(DiscordService(container))
    return services


async def run(container: Container, stop: asyncio.Event | None = None) -> int:
    services = platform_services(container)
    if not services:
        print(NO_PLATFORM_MESSAGE, file=sys.stderr)
        return EXIT_NO_PLATFORM
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    started: list[Service] = []
    try:
        for service in services:
            await service.start()
            started.append(service)
            log.info("%s started", service.name)
        await stop.wait()
        log.info("stopping")
    finally:
        for service in reversed(started):
            await service.stop()
            log.info("%s stopped", service.name)
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    return 0
