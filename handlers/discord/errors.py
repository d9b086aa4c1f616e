"""The one error handler of the command tree: every failure becomes one helpful line.

Checks fail before a command defers, so the line is the (ephemeral) response; errors inside a
command come after its defer, so the line is its follow-up. Unexpected errors are logged with
their traceback (tokens are redacted by the log filter) and the user gets a generic line.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from handlers.discord.replies import say
from handlers.discord.tree import ValueTooLong
from services.errors import BotError
from services.input_limits import quoted

log = logging.getLogger(__name__)

GENERIC = "Something went wrong on our side; please try again in a minute."


def _permissions(names: list[str]) -> str:
    return ", ".join(name.replace("_", " ").title() for name in names)


def describe(error: app_commands.AppCommandError) -> str | None:
    """The line for an error we expected, or None for a bug."""
    if isinstance(error, app_commands.CommandInvokeError) and \
            isinstance(error.original, BotError):
        return str(error.original)
    if isinstance(error, app_commands.MissingPermissions):
        return f"You need the {_permissions(error.missing_permissions)} permission to do that."
    if isinstance(error, app_commands.BotMissingPermissions):
        return (f"I need the {_permissions(error.missing_permissions)} permission in this "
                "channel first.")
    if isinstance(error, app_commands.NoPrivateMessage):
        return "That works in a server channel, not in direct messages."
    if isinstance(error, app_commands.TransformerError):
        return f"{quoted(str(error.value))} is not a valid value there."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down: try again in {error.retry_after:.0f} s."
    if isinstance(error, ValueTooLong):
        return str(error)
    if isinstance(error, app_commands.CheckFailure):
        return "You cannot use this command here."
    return None


async def on_app_command_error(interaction: discord.Interaction,
                               error: app_commands.AppCommandError) -> None:
    line = describe(error)
    name = interaction.command.qualified_name if interaction.command else "?"
    if line is None:
        original = getattr(error, "original", error)
        log.error("/%s failed", name, exc_info=(type(original), original,
                                                 original.__traceback__))
        line = GENERIC
    else:
        log.info("/%s refused: %s", name, line)
    try:
        await say(interaction, line)  # clipped to one message: the line itself cannot fail
    except (discord.HTTPException, discord.InteractionResponded) as exc:
        log.warning("could not tell the user why /%s failed: %s", name, type(exc).__name__)
