"""``/watch``, ``/watchlist`` and ``/alert``: a channel's (or a DM's) watchlist and alerts.

In a server, changing them needs Manage Channels, checked at run time like ``/subscribe``;
in a direct message the user owns them. Answers are public in the channel (a watchlist is
the channel's), refusals private; all in the channel's language.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from handlers.discord.deps import PLATFORM, DiscordDeps
from services.errors import NotAllowed
from services.i18n import N_
from services.renderers import limits, notes
from services.renderers.discord_embeds import escape
from services.renderers.splitter import pack, split_text
from services.watch import replies
from services.watch.followup import block_note

WATCH_ACTIONS = [app_commands.Choice(name=n, value=n) for n in ("add", "remove", "list")]
ALERT_ACTIONS = [app_commands.Choice(name=n, value=n) for n in ("add", "list", "remove")]
UNAVAILABLE = N_("Watchlists and alerts are not available on this bot.")
REFUSALS = {
    "watchlist": N_("You need the Manage Channels permission to change this channel's "
                    "watchlist."),
    "alerts": N_("You need the Manage Channels permission to change this channel's alerts."),
}


def may_change(interaction: discord.Interaction, what: str) -> None:
    """In a server, only members with Manage Channels change the channel's ``what``
    (``watchlist`` or ``alerts``)."""
    if interaction.guild_id is not None and not interaction.permissions.manage_channels:
        raise NotAllowed(REFUSALS[what])


async def say_lines(interaction: discord.Interaction, lines: Sequence[str]) -> None:
    """Plain lines as follow-ups of at most 2000 characters, markdown escaped."""
    pieces = [p for line in lines for p in split_text(escape(line), limits.DISCORD_CONTENT)]
    for message in pack(pieces, limits.DISCORD_CONTENT, sep="\n"):
        await interaction.followup.send(message)


def words(text: str | None) -> list[str]:
    return (text or "").replace(",", " ").split()


class WatchCog(commands.Cog):
    def __init__(self, deps: DiscordDeps) -> None:
        self.deps = deps

    @app_commands.command(name="watch", description=locale_str(
        "This channel's watchlist: add, remove or list instruments"))
    @app_commands.describe(action=locale_str("add, remove or list"),
                           instruments=locale_str("codes, e.g. AAPL 0700 600519 BTC"))
    @app_commands.choices(action=WATCH_ACTIONS)
    async def watch(self, interaction: discord.Interaction,
                    action: app_commands.Choice[str], instruments: str | None = None) -> None:
        """Add, remove or list the instruments of this channel's watchlist."""
        service, where = self.deps.watch, str(interaction.channel_id)
        if service is None:
            raise NotAllowed(UNAVAILABLE)
        codes = words(instruments)
        if action.value != "list":
            may_change(interaction, "watchlist")
        await interaction.response.defer(thinking=True)
        tr = await self.deps.tr_of(interaction.channel_id)
        if action.value == "list":
            lines = replies.listed(await service.items(PLATFORM, where), service.max_items,
                                   "/watch add", tr)
        elif not codes:
            lines = [replies.usage("/watch", tr)]
        elif action.value == "add":
            lines = replies.added(await service.add(PLATFORM, where, codes), "/watch add",
                                  service.max_items, tr)
        else:
            lines = replies.removed(await service.remove(PLATFORM, where, codes),
                                    "/watch remove", tr)
        await say_lines(interaction, lines)

    @app_commands.command(name="watchlist", description=locale_str(
        "This channel's watchlist now"))
    async def watchlist(self, interaction: discord.Interaction) -> None:
        """Price, change, z and the move against its index, per instrument."""
        service = self.deps.watch
        if service is None:
            raise NotAllowed(UNAVAILABLE)
        await interaction.response.defer(thinking=True)
        tr = await self.deps.tr_of(interaction.channel_id)
        block = await service.block(PLATFORM, str(interaction.channel_id), tr.language)
        if block is None:
            await say_lines(interaction, replies.listed([], service.max_items, "/watch add",
                                                        tr))
            return
        for embed in notes.discord(block_note(block)):
            await interaction.followup.send(embed=discord.Embed.from_dict(embed))

    @app_commands.command(name="alert", description=locale_str(
        "This channel's alerts: add, list or remove"))
    @app_commands.describe(action=locale_str("add, list or remove"),
                           rule=locale_str("e.g. BTC move 5% · HSI below 24000 · spread BTC SPX "
                                           "3pp · depeg USDC 0.5% · z HSTECH 2; for remove, "
                                           "its number"))
    @app_commands.choices(action=ALERT_ACTIONS)
    async def alert(self, interaction: discord.Interaction,
                    action: app_commands.Choice[str], rule: str | None = None) -> None:
        """Set, list or remove an alert."""
        service, where = self.deps.alerts, str(interaction.channel_id)
        if service is None:
            raise NotAllowed(UNAVAILABLE)
        if action.value != "list":
            may_change(interaction, "alerts")
        await interaction.response.defer(thinking=True)
        tr = await self.deps.tr_of(interaction.channel_id)
        if action.value == "list":
            answer = await service.listed(PLATFORM, where, tr=tr)
        elif action.value == "add":
            answer = await service.add(PLATFORM, where, words(rule), tr=tr)
        else:
            answer = await service.remove(PLATFORM, where, words(rule), tr=tr)
        await say_lines(interaction, answer.lines)
