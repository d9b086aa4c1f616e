"""The section menu under ``/report`` and the daily post: pick a section, read it privately.

A ``DynamicItem`` matched by its ``custom_id``, so it keeps working on old messages after a
restart, and sending it stores nothing per message (no view store growing with every post).
It answers from the current edition, in the language of the menu it was picked from (the
``custom_id`` carries it: ``marketbot:section:zh``; a menu without one is English, as every
menu posted before languages existed).
"""

from __future__ import annotations

import re
from typing import Protocol, cast

import discord

from handlers.discord.deps import DiscordDeps
from handlers.discord.messages import section_posts
from handlers.discord.replies import say, send_posts
from services.errors import BotError
from services.i18n import LANGUAGES, N_, normalise, translator
from services.i18n.errors import user_message
from services.models.report import SECTION_KEYS, SECTION_TITLES, resolve_section

CUSTOM_ID = "marketbot:section"
PLACEHOLDER = N_("Read a section…")


class HasDeps(Protocol):
    deps: DiscordDeps


def section_options(language: str = "en") -> list[discord.SelectOption]:
    tr = translator(language)
    return [discord.SelectOption(label=f"{i}. {tr.gettext(SECTION_TITLES[key])}"[:100],
                                 value=key)
            for i, key in enumerate(SECTION_KEYS, 1)]


def custom_id(language: str) -> str:
    return CUSTOM_ID if language == "en" else f"{CUSTOM_ID}:{language}"


class SectionMenu(discord.ui.DynamicItem[discord.ui.Select[discord.ui.View]],
                  template=re.escape(CUSTOM_ID) + r"(?::(?P<language>[a-z]{2}))?"):
    def __init__(self, language: str = "en") -> None:
        self.language = language
        tr = translator(language)
        super().__init__(discord.ui.Select(custom_id=custom_id(language),
                                           placeholder=tr.gettext(PLACEHOLDER),
                                           options=section_options(tr.language)))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[
            discord.ui.View], match: re.Match[str], /) -> SectionMenu:
        language = normalise(match.group("language"))
        return cls(language if language in LANGUAGES else "en")

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
        language = self.language
        try:
            key = resolve_section(self.item.values[0] if self.item.values else "")
            edition = await (await deps.editions.current()).localised(language)
        except BotError as exc:
            await say(interaction, user_message(exc, translator(language)))
            return
        await send_posts(interaction, section_posts(edition.report, key), ephemeral=True)


def menu_view(language: str = "en") -> discord.ui.View:
    """The section menu, in ``language``."""
    view = discord.ui.View(timeout=None)
    view.add_item(SectionMenu(language))
    return view
