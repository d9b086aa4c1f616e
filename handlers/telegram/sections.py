"""Section commands and the section buttons."""

from __future__ import annotations

from telegram import Message, Update

from handlers.telegram import keyboards
from handlers.telegram.common import chat_of, command_name, edition, reply
from handlers.telegram.deps import Context
from handlers.telegram.send import edit_message
from services.models.report import resolve_section
from services.renderers import telegram_messages
from services.report.editions import Edition


async def section(update: Update, context: Context) -> None:
    """/sentiment /crypto /us /hk /cn /divergences /flows /risks /plan: one section."""
    key = resolve_section(command_name(update))
    current = await edition(context, chat_of(update))
    await send_section(update, context, current, key)


async def send_section(update: Update, context: Context, current: Edition, key: str) -> None:
    messages = telegram_messages.render(current.report, (key,))
    await reply(context, update, messages, keyboards.sections(key, current.language))


async def button(update: Update, context: Context) -> None:
    """A section button: answer the press, then show the section (in place when it fits)."""
    query = update.callback_query
    assert query is not None  # the CallbackQueryHandler guarantees it
    key = keyboards.parse(query.data)
    await query.answer()
    current = await edition(context, chat_of(update))
    if key is None:
        messages = telegram_messages.render_full(current.report)
    else:
        messages = telegram_messages.render(current.report, (key,))
    shown = query.message
    if key is not None and len(messages) == 1 and isinstance(shown, Message) and shown.text:
        await edit_message(context.bot, shown.chat_id, shown.message_id, messages[0],
                           keyboards.sections(key, current.language))
        return
    await reply(context, update, messages, keyboards.sections(key, current.language))
