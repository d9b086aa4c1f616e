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
        """Answer with the chosen section, visible only to the one who chose it."""
        await interaction.response.defer(thinking=True, ephemeral=True)
        deps = cast(HasDeps, interaction.client).deps
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
