"""``/chart name:<choice>``: one chart of today's edition as an image.

The choices are the chart names the renderer offers, known only when the bot is built, so
the cog is made by ``chart_cog(deps)``.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from handlers.discord.deps import DiscordDeps
from handlers.discord.messages import chart_post
from handlers.discord.replies import say, send_posts
from services.errors import UnknownChartError
from services.i18n import N_
from services.renderers.chart_names import CHART_TITLES

NO_CHARTS = N_("Charts are not available on this bot.")


def chart_cog(deps: DiscordDeps) -> commands.Cog:
    # The English choice is the chart's name; other languages show its title.
    choices = [app_commands.Choice(name=locale_str(name, msgid=CHART_TITLES.get(name, name)),
                                   value=name) for name in deps.chart_names[:25]]

    class ChartCog(commands.Cog, name="ChartCog"):
        @app_commands.command(name="chart", description=locale_str(
            "One chart of today's edition"))
        @app_commands.describe(name=locale_str("The chart to show"))
        @app_commands.choices(name=choices)
        async def chart(self, interaction: discord.Interaction, name: str) -> None:
            """The chart's PNG in an embed, coloured by the day's verdict."""
            await interaction.response.defer(thinking=True)
            tr = await deps.tr_of(interaction.channel_id)
            if deps.charts is None:
                await say(interaction, tr.gettext(NO_CHARTS))
                return
            if name not in deps.chart_names:
                raise UnknownChartError(name, deps.chart_names)
            edition = await deps.edition_for(interaction.channel_id)
            png = await edition.chart(name, deps.charts)
            if len(png) > interaction.filesize_limit:
                await say(interaction, tr.gettext("The {name} chart is too large to upload "
                                                  "here.", name=name))
                return
            await send_posts(interaction, [chart_post(edition.report, name, png)])

    return ChartCog()
