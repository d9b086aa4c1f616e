"""``DiscordService``: the bot as one of the runtime's services (``start``/``stop``).

``start`` logs in (which runs ``setup_hook``: cogs, the section menu, command sync) and then
keeps the gateway connection in a background task, so the runtime's loop stays free for the
other platforms and the scheduler. With ``DISCORD_API_BASE`` set, REST and gateway go to that
server (``handlers/discord/endpoints.py``).
"""

from __future__ import annotations

import asyncio
import logging

from bot.container import Container
from handlers.discord.bot import MarketBot
from handlers.discord.delivery import EditionPoster
from handlers.discord.deps import DiscordDeps
from handlers.discord.endpoints import use_api, use_gateway_of
from services.errors import ConfigError

log = logging.getLogger(__name__)


def deps_from(container: Container, chart_names: tuple[str, ...] = ()) -> DiscordDeps:
    """The handlers' dependencies. The ``/chart`` choices are ``chart_names``, else the
    ``names`` the chart renderer lists (a renderer without them leaves ``/chart`` without
    choices); with no renderer, ``/report`` posts without the dashboard and ``/chart`` says
    charts are not available."""
    settings = container.settings
    charts = container.charts
    names = chart_names or tuple(getattr(charts, "names", ()))
    return DiscordDeps(editions=container.editions, subscriptions=container.subscriptions,
                       charts=charts, chart_names=names if charts is not None else (),
                       default_time=settings.briefing_time, default_tz=settings.briefing_tz,
                       guild_id=settings.discord_guild_id, ask=container.ask,
                       languages=container.languages, language=settings.language,
                       watch=container.watch, alerts=container.alerts,
                       metrics=container.metrics)


class DiscordService:
    name = "discord"

    def __init__(self, container: Container, chart_names: tuple[str, ...] = (),
                 gateway: bool = True) -> None:
        token = container.settings.discord_bot_token
        if token is None or not token.get_secret_value():
            raise ConfigError("DISCORD_BOT_TOKEN is not set")
        self._token = token
        self._gateway = gateway
        self._api_base = container.settings.discord_api_base
        self.bot = MarketBot(deps_from(container, chart_names))
        self.poster = EditionPoster(self.bot, container.charts, container.subscriptions,
                                    container.languages)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._api_base:
            use_api(self._api_base)
        await self.bot.login(self._token.get_secret_value())
        if self._gateway:
            if self._api_base:
                try:
                    url = await use_gateway_of(self.bot)
                except Exception:
                    await self.bot.close()  # the runtime stops only what started
                    raise
                log.info("Discord at %s (gateway %s)", self._api_base, url)
            self._task = asyncio.create_task(self.bot.connect(reconnect=True),
                                             name="discord-gateway")
            self._task.add_done_callback(_report_end)

    def connected(self) -> tuple[bool, str]:
        """Connected to Discord's gateway (ready and the socket open), and a word on it."""
        if not self._gateway:
            return True, "REST only"
        if self.bot.is_closed():
            return False, "closed"
        ws = self.bot.ws
        if not self.bot.is_ready() or ws is None or not ws.open:
            return False, "not connected to the gateway (connecting or reconnecting)"
        return True, f"connected (heartbeat latency {self.bot.latency * 1000:.0f} ms)"

    async def stop(self) -> None:
        await self.bot.close()
        if self._task is not None:
            done, _ = await asyncio.wait([self._task], timeout=10)  # errors are logged
            if not done:
                self._task.cancel()


def _report_end(task: asyncio.Task[None]) -> None:
    if task.cancelled():
        return
    exc = task.exception()
    if exc is not None:
        log.error("the Discord gateway connection stopped: %s: %s", type(exc).__name__, exc)
