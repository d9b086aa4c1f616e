"""The section menu under ``/report`` and the daily post: pick a section, read it privately.

A ``DynamicItem`` matched by its ``custom_id``, so it keeps working on old messages after a
restart, and sending it stores nothing per message (no view store growing with every post).
It answers from the current edition.
"""

from __future__ import annotations

import re
from typing import Protocol, cast

import discord

from handlers.discord.deps import DiscordDeps
from handlers.discord.messages import section_posts
from handlers.discord.replies import say, send_posts
from services.errors import BotError
from services.models.report import SECTION_KEYS, SECTION_TITLES, resolve_section

CUSTOM_ID = "marketbot:section"


class HasDeps(Protocol):
    deps: DiscordDeps


def section_options() -> list[discord.SelectOption]:
    return [discord.SelectOption(label=f"{i}. {SECTION_TITLES[key]}"[:100], value=key)
            for i, key in enumerate(SECTION_KEYS, 1)]


class SectionMenu(discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]],
                  template=re.escape(CUSTOM_ID)):
    def __init__(self) -> None:
        super().__init__(discord.ui.Select(custom_id=CUSTOM_ID, placeholder="Read a section…",
                                           options=section_options()))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[
            discord.ui.View], match: re.Match[str], /) -> SectionMenu:
        return cls()

    async def callback(self, interaction: discord.Interaction) -> None:
        """Answer with the chosen section, visible only to the one who chose it. The same
        choice by the same user on the same message again within a few seconds (a double
        click) is acknowledged without an answer."""
        deps = cast(HasDeps, interaction.client).deps
        message = interaction.message.id if interaction.message is not None else None
        press = (interaction.channel_id, message, interaction.user.id, tuple(self.item.values))
        if not deps.presses.first(press):
            await interaction.response.defer()  # acknowledged; the first answer is coming
            return
        try:
            await self.answer(interaction, deps)
        finally:
            deps.presses.done(press)

    async def answer(self, interaction: discord.Interaction, deps: DiscordDeps) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        try:
            key = resolve_section(self.item.values[0] if self.item.values else "")
            edition = await deps.editions.current()
        except BotError as exc:
            await say(interaction, str(exc))
            return
        await send_posts(interaction, section_posts(edition.report, key), ephemeral=True)


def menu_view() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(SectionMenu())
    return view
