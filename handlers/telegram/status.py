"""``/start``, ``/help``, ``/status`` and unknown commands."""

from __future__ import annotations

from telegram import Update

from handlers.telegram import keyboards, views
from handlers.telegram.common import chat_of, edition, reply, tr_of
from handlers.telegram.deps import PLATFORM, Context, deps
from handlers.telegram.menu import COMMANDS
from handlers.telegram.subscriptions import next_for


async def start(update: Update, context: Context) -> None:
    """/start: what the bot does, with the section buttons."""
    tr = await tr_of(context, chat_of(update))
    await reply(context, update, views.welcome(tr), keyboards.sections(None, tr.language))


async def help_command(update: Update, context: Context) -> None:
    """/help: every command."""
    await reply(context, update, views.help_text(COMMANDS, await tr_of(context,
                                                                       chat_of(update))))


async def status(update: Update, context: Context) -> None:
    """/status: the edition's as-of time per source, what is missing, the next push here,
    and the day's /ask tokens."""
    d, chat = deps(context), chat_of(update)
    tr = await tr_of(context, chat)
    current = await edition(context, chat)
    sub = await d.subscriptions.get(PLATFORM, str(chat))
    ask_line = await d.ask.status_line(tr) if d.ask is not None else None
    await reply(context, update, views.status(current, sub, next_for(d, sub), tr, ask_line))


async def unknown(update: Update, context: Context) -> None:
    """Any other command in a private chat: point at /help."""
    tr = await tr_of(context, chat_of(update))
    await reply(context, update, views.sentence(tr.gettext("Unknown command. /help lists "
                                                           "them all.")))
