"""``/ask question:<text>``: an answer from today's edition, every figure checked."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from handlers.discord.deps import PLATFORM, DiscordDeps
from handlers.discord.messages import Post, embeds
from handlers.discord.replies import say, send_posts
from services.i18n import N_
from services.renderers import answers

NOT_AVAILABLE = N_("Questions are not available on this bot.")


class AskCog(commands.Cog):
    def __init__(self, deps: DiscordDeps) -> None:
        self.deps = deps

    @app_commands.command(name="ask", description=locale_str(
        "Ask about today's edition; every figure in the answer is checked"))
    @app_commands.describe(question=locale_str("Your question, in English or Chinese"))
    async def ask(self, interaction: discord.Interaction, question: str) -> None:
        """Claude's checked answer, the edition's figures, or the matching sections."""
        service = self.deps.ask
        if service is None:
            tr = await self.deps.tr_of(interaction.channel_id)
            await say(interaction, tr.gettext(NOT_AVAILABLE))
            return
        # Checked before deferring, so a refusal (too long, too often) is a short private line.
        asked = service.prepare(question, f"{PLATFORM}:{interaction.user.id}")
        await interaction.response.defer(thinking=True)
        edition = await self.deps.edition_for(interaction.channel_id)
        answer = await service.answer(edition, asked)
        posts = [Post(embeds(m.embeds)) for m in answers.discord(answer, edition.report)]
        await send_posts(interaction, posts)
