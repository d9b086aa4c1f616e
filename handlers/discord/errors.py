"""The one error handler of the command tree: every failure becomes one helpful line.

Checks fail before a command defers, so the line is the (ephemeral) response; errors inside a
command come after its defer, so the line is its follow-up. Unexpected errors are logged with
their traceback (tokens are redacted by the log filter) and the user gets a generic line.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from sqlalchemy.exc import SQLAlchemyError

from handlers.discord.replies import say
from handlers.discord.tree import ValueTooLong, observe
from services.errors import BotError
from services.i18n import N_, Translator, translator
from services.i18n.errors import duration, user_message
from services.input_limits import shown

log = logging.getLogger(__name__)

GENERIC = N_("Something went wrong on our side; please try again in a minute.")
# Discord's permission names as its client shows them, for the lines below.
PERMISSIONS: dict[str, str] = {
    "manage_channels": N_("Manage Channels"), "send_messages": N_("Send Messages"),
    "embed_links": N_("Embed Links"), "attach_files": N_("Attach Files"),
}


def _permissions(names: list[str], tr: Translator) -> str:
    return tr.join([tr.gettext(PERMISSIONS[name]) if name in PERMISSIONS
                    else name.replace("_", " ").title() for name in names])


def describe(error: app_commands.AppCommandError, tr: Translator | None = None) -> str | None:
    """The line for an error we expected (in ``tr``'s language), or None for a bug."""
    tr = tr or translator("en")
    if isinstance(error, app_commands.CommandInvokeError) and \
            isinstance(error.original, BotError):
        return user_message(error.original, tr)
    if isinstance(error, app_commands.MissingPermissions):
        return tr.gettext("You need the {permissions} permission to do that.",
                          permissions=_permissions(error.missing_permissions, tr))
    if isinstance(error, app_commands.BotMissingPermissions):
        return tr.gettext("I need the {permissions} permission in this channel first.",
                          permissions=_permissions(error.missing_permissions, tr))
    if isinstance(error, app_commands.NoPrivateMessage):
        return tr.gettext("That works in a server channel, not in direct messages.")
    if isinstance(error, app_commands.TransformerError):
        return tr.gettext("'{value}' is not a valid value there.",
                          value=shown(str(error.value)))
    if isinstance(error, app_commands.CommandOnCooldown):
        return tr.gettext("Slow down: try again in {wait}.",
                          wait=duration(error.retry_after, tr))
    if isinstance(error, ValueTooLong):
        return user_message(error, tr)
    if isinstance(error, app_commands.CheckFailure):
        return tr.gettext("You cannot use this command here.")
    return None


async def on_app_command_error(interaction: discord.Interaction,
                               error: app_commands.AppCommandError) -> None:
    tr = await _tr(interaction)
    line = describe(error, tr)
    name = interaction.command.qualified_name if interaction.command else "?"
    if line is None:
        original = getattr(error, "original", error)
        log.error("/%s failed", name, exc_info=(type(original), original,
                                                 original.__traceback__))
        line = tr.gettext(GENERIC)
    else:
        log.info("/%s refused: %s", name, line)
    try:
        await say(interaction, line)  # clipped to one message: the line itself cannot fail
    except (discord.HTTPException, discord.InteractionResponded) as exc:
        log.warning("could not tell the user why /%s failed: %s", name, type(exc).__name__)
    finally:
        observe(interaction)


async def _tr(interaction: discord.Interaction) -> Translator:
    """The channel's translator; the default one if the channel's choice cannot be read."""
    deps = getattr(interaction.client, "deps", None)
    if deps is None:
        return translator()
    try:
        return translator(await deps.language_of(interaction.channel_id))
    except (BotError, OSError, SQLAlchemyError) as exc:  # the error line must still go out
        log.warning("could not read the language of channel %s: %s", interaction.channel_id,
                    type(exc).__name__)
        return translator(deps.language)
