"""``/report`` and ``/section``: the day's Key Insight with its dashboard, or one section."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from handlers.discord.deps import DiscordDeps
from handlers.discord.messages import dashboard_png, insight_post, section_posts
from handlers.discord.replies import send_posts
from handlers.discord.section_menu import menu_view
from services.models.report import SECTION_KEYS, SECTION_TITLES, resolve_section

# "1. Key Insight": the number stays, the title is translated (``msgid`` for the translator).
SECTION_CHOICES = [app_commands.Choice(name=locale_str(f"{i}. {SECTION_TITLES[key]}"[:100],
                                                       msgid=SECTION_TITLES[key], number=i),
                                       value=key)
                   for i, key in enumerate(SECTION_KEYS, 1)]


class ReportCog(commands.Cog):
    def __init__(self, deps: DiscordDeps) -> None:
        self.deps = deps

    @app_commands.command(name="report", description=locale_str(
        "Today's Key Insight, dashboard and a menu of the sections"))
    async def report(self, interaction: discord.Interaction) -> None:
        """The Key Insight embed with the dashboard image and the section menu."""
        await interaction.response.defer(thinking=True)
        edition = await self.deps.edition_for(interaction.channel_id)
        png = await dashboard_png(edition, self.deps.charts)
        await send_posts(interaction, [insight_post(edition, png,
                                                    view=menu_view(edition.language))])

    @app_commands.command(name="section", description=locale_str(
        "One section of today's report"))
    @app_commands.describe(name=locale_str("The section to show"))
    @app_commands.choices(name=SECTION_CHOICES)
    async def section(self, interaction: discord.Interaction, name: str) -> None:
        """One section, split into as many embeds and messages as Discord's limits need."""
        await interaction.response.defer(thinking=True)
        key = resolve_section(name)
        edition = await self.deps.edition_for(interaction.channel_id)
        await send_posts(interaction, section_posts(edition.report, key))
