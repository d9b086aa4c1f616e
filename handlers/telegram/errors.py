"""The one error handler: log with context, tell the user one short sentence.

The user never sees a traceback or a token: input problems get their own helpful line
(``str()`` of an ``InputError`` is user-safe by contract), anything else a fixed sentence.
Whatever an error quotes, the sentence is clipped to ``SENTENCE_CHARS`` (and the logged update
text to ``LOGGED_CHARS``), so reporting an error cannot itself fail on its length.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.error import TelegramError

from handlers.telegram import views
from handlers.telegram.deps import Context, deps
from handlers.telegram.send import send_messages
from services.errors import BotError, DeliveryError, InputError, NotAllowed
from services.i18n import N_, Translator, translator
from services.i18n.errors import user_message
from services.models.clean import clip

log = logging.getLogger(__name__)
SORRY = N_("Sorry, something went wrong on our side. Please try again in a minute.")
SENTENCE_CHARS = 1000  # one message (Telegram allows 4,096)
ALERT_CHARS = 200  # a button's alert (Telegram allows 200)
LOGGED_CHARS = 80


async def on_error(update: object, context: Context) -> None:
    """Log the failure with its context; answer the user in one short sentence, in the
    chat's language."""
    err = context.error
    if isinstance(err, (InputError, NotAllowed)):
        log.info("%s: %s", describe(update), err)
        tr = await chat_translator(update, context)
        await tell(update, context, user_message(err, tr))
    elif isinstance(err, DeliveryError):
        log.warning("%s: could not answer: %s", describe(update), err)
    else:
        log.error("%s: %s", describe(update), type(err).__name__, exc_info=err)
        await tell(update, context, (await chat_translator(update, context)).gettext(SORRY))


async def chat_translator(update: object, context: Context) -> Translator:
    """The chat's translator; the default one if the chat's choice cannot be read."""
    chat = update.effective_chat if isinstance(update, Update) else None
    try:
        d = deps(context)
    except KeyError:
        return translator()
    if chat is None:
        return translator(d.language)
    try:
        return translator(await d.language_of(chat.id))
    except (BotError, OSError, SQLAlchemyError) as exc:  # the error line must still go out
        log.warning("could not read the language of chat %s: %s", chat.id,
                    type(exc).__name__)
        return translator(d.language)


def describe(update: object) -> str:
    if not isinstance(update, Update):
        return f"{type(update).__name__} outside an update"
    chat, user = update.effective_chat, update.effective_user
    message = update.effective_message
    what = (update.callback_query.data if update.callback_query
            else message.text if message else None)
    shown = clip(what, LOGGED_CHARS) if what is not None else None
    return (f"update {update.update_id} in chat {chat.id if chat else '?'} from user "
            f"{user.id if user else '?'} ({shown!r})")


async def tell(update: object, context: Context, text: str) -> None:
    """One sentence to the user: as a button alert, or as a message in the chat."""
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(clip(text, ALERT_CHARS), show_alert=True)
                return
            except TelegramError:
                pass  # already answered: say it in the chat instead
        await send_messages(context.bot, update.effective_chat.id,
                            views.sentence(clip(text, SENTENCE_CHARS)))
    except (TelegramError, DeliveryError) as err:
        log.warning("%s: could not tell the user about an error: %s", describe(update), err)
