"""Sending answers to an interaction: the posts of a command, or one line of text."""

from __future__ import annotations

from typing import Any

import discord

from handlers.discord.messages import Post
from services.models.clean import clip

LINE_CHARS = 1000  # a line to the user; Discord's content limit is 2,000


async def send_posts(interaction: discord.Interaction, posts: list[Post],
                     ephemeral: bool = False) -> list[int]:
    """Follow up a deferred interaction with each post in order; returns the message ids."""
    ids: list[int] = []
    for post in posts:
        kwargs: dict[str, Any] = {"embeds": post.embeds, "ephemeral": ephemeral, "wait": True}
        if post.files:
            kwargs["files"] = post.files
        if post.view is not None:
            kwargs["view"] = post.view
        message = await interaction.followup.send(**kwargs)
        ids.append(message.id)
    return ids


async def say(interaction: discord.Interaction, text: str, ephemeral: bool = True) -> None:
    """One line of text: the first response, or a follow-up once the interaction is answered
    (after a public defer, the line takes the place of the "thinking" message). Clipped to
    ``LINE_CHARS`` whatever it quotes, so it always fits one message."""
    text = clip(text, LINE_CHARS)
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=ephemeral)
    else:
        await interaction.response.send_message(text, ephemeral=ephemeral)
