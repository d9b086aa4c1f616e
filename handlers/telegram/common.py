"""Small steps every handler shares: who asked, the current edition, and replying to a chat
that may have moved or blocked the bot."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from telegram import InlineKeyboardMarkup, Update

from handlers.telegram.deps import PLATFORM, Context, deps
from handlers.telegram.send import ChatId, chat_action, send_messages
from services.errors import DestinationGone, DestinationMoved
from services.i18n import Translator, translator
from services.renderers.telegram_messages import TelegramMessage
from services.report.editions import Edition

log = logging.getLogger(__name__)
T = TypeVar("T")


def chat_of(update: Update) -> ChatId:
    chat = update.effective_chat
    if chat is None:
        raise ValueError("update without a chat")
    return chat.id


def asker(update: Update) -> int:
    """The user who asked (the chat itself for a channel post or an anonymous admin)."""
    user = update.effective_user
    return user.id if user is not None else int(chat_of(update))


def command_name(update: Update) -> str:
    """``/crypto@market_bot args`` → ``crypto``."""
    text = update.effective_message.text if update.effective_message else None
    return (text or "").split(maxsplit=1)[0].lstrip("/").split("@")[0].lower()


async def tr_of(context: Context, chat_id: ChatId) -> Translator:
    """The translator for the chat's language (its /lang choice, else LANGUAGE)."""
    return translator(await deps(context).language_of(chat_id))


async def edition(context: Context, chat_id: ChatId, refresh: bool = False) -> Edition:
    """The cached edition in the chat's language; while one has to be built (or narrated in
    that language), the chat sees "typing…"."""
    d = deps(context)
    cached = d.editions.cached
    if cached is not None and not refresh:
        language = await d.language_of(chat_id)
        if language in cached.narrations():
            return await cached.localised(language)
    async with chat_action(context.bot, chat_id):
        language = await d.language_of(chat_id)
        current = await (d.editions.refresh() if refresh else d.editions.current())
        return await current.localised(language)


async def deliver(context: Context, chat_id: ChatId, send: Callable[[ChatId], Awaitable[T]]) -> T:
    """``send`` to the chat. A migrated group is followed (its subscription moves and the
    answer goes to the new id); a chat that blocked the bot loses its subscription."""
    store = deps(context).subscriptions
    try:
        return await send(chat_id)
    except DestinationMoved as moved:
        await store.move(PLATFORM, str(chat_id), moved.new_id)
        languages = deps(context).languages
        if languages is not None:
            await languages.move(PLATFORM, str(chat_id), moved.new_id)
        log.info("chat %s migrated to %s; subscription moved, answer resent", chat_id,
                 moved.new_id)
        return await send(int(moved.new_id))
    except DestinationGone as gone:
        if await store.deactivate(PLATFORM, str(chat_id), gone.reason):
            log.info("chat %s is gone (%s); subscription deactivated", chat_id, gone.reason)
        raise


async def reply(context: Context, update: Update, messages: Sequence[TelegramMessage],
                markup: InlineKeyboardMarkup | None = None) -> None:
    """Send ``messages`` to the chat the update came from."""
    await deliver(context, chat_of(update),
                  lambda chat: send_messages(context.bot, chat, messages, markup))
