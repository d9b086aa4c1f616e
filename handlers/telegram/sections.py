"""Section commands and the section buttons."""

from __future__ import annotations

from telegram import CallbackQuery, Message, Update

from handlers.telegram import keyboards
from handlers.telegram.common import chat_of, command_name, edition, reply
from handlers.telegram.deps import Context, deps
from handlers.telegram.errors import chat_translator
from handlers.telegram.send import edit_message
from services.i18n import N_
from services.models.report import resolve_section
from services.renderers import telegram_messages
from services.report.editions import Edition

ALREADY = N_("Already on its way.")
NO_LONGER = N_("This button is no longer in use. Send /report for a fresh menu.")


async def section(update: Update, context: Context) -> None:
    """/sentiment /crypto /us /hk /cn /divergences /flows /risks /plan: one section."""
    key = resolve_section(command_name(update))
    current = await edition(context, chat_of(update))
    await send_section(update, context, current, key)


async def send_section(update: Update, context: Context, current: Edition, key: str) -> None:
    messages = telegram_messages.render(current.report, (key,))
    await reply(context, update, messages, keyboards.sections(key, current.language))


async def button(update: Update, context: Context) -> None:
    """A section button: answer the press, then show the section (in place when it fits).
    The same button pressed again within a few seconds is acknowledged and dropped."""
    query = update.callback_query
    assert query is not None  # the CallbackQueryHandler guarantees it
    presses = deps(context).presses
    press = (chat_of(update), query.message.message_id if query.message else
             query.inline_message_id, query.data)
    if not presses.first(press):
        await query.answer((await chat_translator(update, context)).gettext(ALREADY))
        return
    try:
        await show(update, context, query)
    finally:
        presses.done(press)


async def show(update: Update, context: Context, query: CallbackQuery) -> None:
    """The section (or the full report) a button asks for."""
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


async def unknown_button(update: Update, context: Context) -> None:
    """A button we no longer know (an old keyboard, or crafted data): acknowledged, so the
    user's client stops waiting, and told what to do instead."""
    assert update.callback_query is not None  # the CallbackQueryHandler guarantees it
    tr = await chat_translator(update, context)
    await update.callback_query.answer(tr.gettext(NO_LONGER))
