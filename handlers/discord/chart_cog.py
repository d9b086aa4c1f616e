"""``/chart name:<choice>``: one chart of today's edition as an image.

The choices are the chart names the renderer offers, known only when the bot is built, so
the cog is made by ``chart_cog(deps)``.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from handlers.discord.deps import DiscordDeps
from handlers.discord.messages import chart_post
from handlers.discord.replies import say, send_posts
from services.errors import UnknownChartError

NO_CHARTS = "Charts are not available on this bot."


def chart_cog(deps: DiscordDeps) -> commands.Cog:
    choices = [app_commands.Choice(name=name, value=name) for name in deps.chart_names[:25]]

    class ChartCog(commands.Cog, name="ChartCog"):
        @app_commands.command(name="chart", description="One chart of today's edition")
        @app_commands.describe(name="The chart to show")
        @app_commands.choices(name=choices)
        async def chart(self, interaction: discord.Interaction, name: str) -> None:
            """The chart's PNG in an embed, coloured by the day's verdict."""
            await interaction.response.defer(thinking=True)
            if deps.charts is None:
                await say(interaction, NO_CHARTS)
                return
            if name not in deps.chart_names:
                raise UnknownChartError(name, deps.chart_names)
            edition = await deps.editions.current()
            png = await edition.chart(name, deps.charts)
            if len(png) > interaction.filesize_limit:
                await say(interaction, f"The {name} chart is too large to upload here.")
                return
            await send_posts(interaction, [chart_post(edition.report, name, png)])

    return ChartCog()
