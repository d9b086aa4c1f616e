"""The discord.py bot: app commands in cogs, dependencies passed in, minimal intents.

No message content intent (slash commands need none), and ``AllowedMentions.none()`` on the
client so nothing the bot sends can ping, whatever upstream text says.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from handlers.discord.ask_cog import AskCog
from handlers.discord.chart_cog import chart_cog
from handlers.discord.deps import DiscordDeps
from handlers.discord.errors import on_app_command_error
from handlers.discord.report_cog import ReportCog
from handlers.discord.section_menu import SectionMenu
from handlers.discord.subscriptions_cog import SubscriptionsCog
from handlers.discord.translation import CatalogTranslator
from handlers.discord.tree import BoundedTree, observe
from handlers.discord.watch_cog import WatchCog

log = logging.getLogger(__name__)


def intents() -> discord.Intents:
    """Guilds only: enough for slash commands and channel posts; no message content."""
    return discord.Intents(guilds=True)


class MarketBot(commands.Bot):
    def __init__(self, deps: DiscordDeps, sync_commands: bool = True) -> None:
        super().__init__(command_prefix=commands.when_mentioned, intents=intents(),
                         allowed_mentions=discord.AllowedMentions.none(), help_command=None,
                         tree_cls=BoundedTree)
        self.deps = deps
        self.sync_commands = sync_commands
        self.tree.error(on_app_command_error)

    async def setup_hook(self) -> None:
        await self.tree.set_translator(CatalogTranslator())
        await self.add_cog(ReportCog(self.deps))
        await self.add_cog(chart_cog(self.deps))
        await self.add_cog(SubscriptionsCog(self.deps))
        await self.add_cog(AskCog(self.deps))
        if self.deps.watch is not None:
            await self.add_cog(WatchCog(self.deps))
        self.add_dynamic_items(SectionMenu)
        if self.sync_commands:
            await self.sync()

    async def on_app_command_completion(self, interaction: discord.Interaction,
                                        _command: object) -> None:
        observe(interaction)

    async def sync(self) -> list[str]:
        """Register the commands: to ``guild_id`` at once, or globally (Discord may take up
        to an hour to show global changes)."""
        guild_id = self.deps.guild_id
        if guild_id is not None:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("synced %d commands to guild %s", len(synced), guild_id)
        else:
            synced = await self.tree.sync()
            log.info("synced %d global commands", len(synced))
        return [c.name for c in synced]
