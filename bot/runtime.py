"""``python -m bot run``: one asyncio loop for every platform service and the briefing
scheduler (``bot/scheduler.py``), stopped by SIGTERM (the scheduler stops first and lets the
sends in hand finish)."""

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
    from bot.delivery import delivery_for_services, scheduler_for
    from bot.ops import ops_services

    platforms = list(services)
    delivery = delivery_for_services(container, services)
    services.append(scheduler_for(container, delivery))
    ops = ops_services(container, platforms)
    services = [*ops[:-1], *services, *ops[-1:]]  # the endpoint first, systemd's READY last
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    started: list[Service] = []
    warming: asyncio.Task[None] | None = None
    try:
        for service in services:
            if service.name == "scheduler":  # the platforms took the bot: draw charts now
                await warm_charts(container)
                warming = asyncio.create_task(warm_edition(container), name="warm-edition")
            await start(service, container.settings)
            started.append(service)
            log.info("%s started", service.name)
        await stop.wait()
        log.info("stopping")
    finally:
        if warming is not None and not warming.done():
            warming.cancel()
        for service in reversed(started):
            await service.stop()
            log.info("%s stopped", service.name)
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await delivery.close()
    return 0


async def warm_charts(container: Container) -> None:
    """Start the chart workers (matplotlib imported, fonts resolved) before the first edition.
    ``run`` and ``push`` do it once the platforms have accepted the bot, so that a rejected
    token or an unreachable API is reported at once, without waiting for the workers."""
    warm = getattr(container.charts, "start", None)
    if warm is not None:
        await warm()


async def warm_edition(container: Container) -> None:
    """Build the edition commands answer from, in the background, so that the first
    ``/report`` and ``/readyz`` find one (a failure is logged; the next command tries again)."""
    try:
        await container.editions.current()
    except Exception:  # the isolation point of the warm-up: commands build on demand
        log.exception("could not build the first edition; commands will try again")


async def start(service: Service, settings: Settings) -> None:
    """Start ``service``; a platform that cannot be reached or refuses the token raises the
    one-line ``PlatformError`` (``bot/failures.py``), after what the start left open is closed."""
    from bot.failures import platform_failure

    try:
        await service.start()
    except Exception as exc:
        failure = platform_failure(service.name, exc, settings.telegram_base_url)
        if failure is None:
            raise
        try:
            await service.stop()
        except Exception:  # the failure is the news; closing what half started is best effort
            log.debug("stopping %s after its failed start", service.name, exc_info=True)
        raise failure from None
