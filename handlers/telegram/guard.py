"""Commands longer than any we accept get one short line, before any handler runs.

Registered in group -1 (``routes.register``) for our own commands only (a long ``/x@other_bot``
in a group is not ours to answer); ``ApplicationHandlerStop`` then keeps the command's own
handler from running, so nothing downstream ever repeats or parses 4,000 characters.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.ext import ApplicationHandlerStop, filters

from handlers.telegram import views
from handlers.telegram.common import reply
from handlers.telegram.deps import Context
from handlers.telegram.errors import chat_translator
from services.errors import DeliveryError
from services.i18n.errors import render
from services.input_limits import MAX_COMMAND_CHARS, command_problem

log = logging.getLogger(__name__)


class _TooLong(filters.MessageFilter):
    def filter(self, message: Message) -> bool:
        return len(message.text or "") > MAX_COMMAND_CHARS


TOO_LONG = _TooLong(name="TooLong")


async def too_long(update: Update, context: Context) -> None:
    """Any of our commands over ``MAX_COMMAND_CHARS``: say so in one line, and stop there."""
    message = update.effective_message
    problem = command_problem(message.text or "") if message is not None else None
    tr = await chat_translator(update, context)  # the default language if it cannot be read
    line = tr.gettext("{problem} /help lists them.",
                      problem=render(problem, tr) if problem is not None else "")
    try:
        await reply(context, update, views.sentence(line))
    except DeliveryError as err:
        log.warning("could not refuse an overlong command: %s", err)
    raise ApplicationHandlerStop
