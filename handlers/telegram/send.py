"""Sending to one Telegram chat, for the commands and for the daily push alike.

- Text goes as HTML; a message whose entities Telegram rejects is logged as a renderer bug and
  resent as its plain-text twin (``TelegramMessage.plain``), never by stripping tags.
- Photos go as bytes the first time and by ``file_id`` after (``photo_file_id``).
- PTB's errors leave as the product's: ``Forbidden`` → ``DestinationGone``, ``ChatMigrated`` →
  ``DestinationMoved``, ``RetryAfter`` (after AIORateLimiter's own retries) → ``RateLimited``,
  a timeout, 5xx or transport failure (``NetworkError`` other than ``BadRequest``) →
  ``DeliveryUnavailable``. Any other ``TelegramError`` (``BadRequest``…) propagates unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator, Sequence

from telegram import Bot, InlineKeyboardMarkup, InputFile, LinkPreviewOptions, Message
from telegram.constants import ChatAction, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from services.delivery.telegram import translate as translate_delivery
from services.errors import DeliveryError
from services.renderers.telegram_messages import TelegramMessage

log = logging.getLogger(__name__)

ChatId = int | str
ENTITIES_REJECTED = "can't parse entities"
NOT_MODIFIED = "message is not modified"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
TYPING_EVERY_S = 4.0  # Telegram shows a chat action for about 5 s


DESTINATION_ERRORS = (Forbidden, ChatMigrated, RetryAfter, NetworkError)


def translate(err: TelegramError, chat_id: ChatId) -> DeliveryError | None:
    """The product's error for a PTB error that concerns the destination, else ``None``
    (a ``BadRequest`` is about our request and stays PTB's). One mapping serves the replies
    here and the daily push: ``services.delivery.telegram.translate``."""
    if isinstance(err, BadRequest) or not isinstance(err, DESTINATION_ERRORS):
        return None
    return translate_delivery(err, str(chat_id))


@contextlib.contextmanager
def delivery_errors(chat_id: ChatId) -> Iterator[None]:
    """Re-raise destination errors from PTB as ``DeliveryError`` subclasses."""
    try:
        yield
    except TelegramError as err:
        mapped = translate(err, chat_id)
        if mapped is None:
            raise
        raise mapped from err


def entities_rejected(err: BadRequest) -> bool:
    return ENTITIES_REJECTED in err.message.lower()


def _log_rejection(chat_id: ChatId, err: BadRequest, html: str) -> None:
    log.error("Telegram rejected our HTML for chat %s (%s); resending as plain text. "
              "This is a renderer bug; the HTML began: %.200r", chat_id, err.message, html)


async def send_messages(bot: Bot, chat_id: ChatId, messages: Sequence[TelegramMessage],
                        reply_markup: InlineKeyboardMarkup | None = None) -> list[Message]:
    """Every message in order, the keyboard under the last one."""
    sent: list[Message] = []
    for index, message in enumerate(messages):
        markup = reply_markup if index == len(messages) - 1 else None
        sent.extend(await send_message(bot, chat_id, message, markup))
    return sent


async def send_message(bot: Bot, chat_id: ChatId, message: TelegramMessage,
                       reply_markup: InlineKeyboardMarkup | None = None) -> list[Message]:
    """One HTML message, or its plain-text twin if Telegram rejects the entities."""
    with delivery_errors(chat_id):
        try:
            return [await bot.send_message(chat_id, message.html, parse_mode=ParseMode.HTML,
                                           reply_markup=reply_markup,
                                           link_preview_options=NO_PREVIEW)]
        except BadRequest as err:
            if not entities_rejected(err):
                raise
            _log_rejection(chat_id, err, message.html)
        last = len(message.plain) - 1
        return [await bot.send_message(chat_id, plain, link_preview_options=NO_PREVIEW,
                                       reply_markup=reply_markup if i == last else None)
                for i, plain in enumerate(message.plain)]


async def send_photo(bot: Bot, chat_id: ChatId, photo: bytes | str, caption: TelegramMessage,
                     reply_markup: InlineKeyboardMarkup | None = None, filename: str = "chart.png"
                     ) -> Message:
    """A photo (PNG bytes, or a ``file_id`` from an earlier send) with an HTML caption."""
    upload = InputFile(photo, filename=filename) if isinstance(photo, bytes) else photo
    with delivery_errors(chat_id):
        try:
            return await bot.send_photo(chat_id, upload, caption=caption.html,
                                        parse_mode=ParseMode.HTML, reply_markup=reply_markup)
        except BadRequest as err:
            if not entities_rejected(err):
                raise
            _log_rejection(chat_id, err, caption.html)
        upload = InputFile(photo, filename=filename) if isinstance(photo, bytes) else photo
        return await bot.send_photo(chat_id, upload, caption=caption.plain[0],
                                    reply_markup=reply_markup)


async def edit_message(bot: Bot, chat_id: ChatId, message_id: int, message: TelegramMessage,
                       reply_markup: InlineKeyboardMarkup | None = None) -> bool:
    """Replace a text message in place; ``False`` if it already showed exactly this."""
    with delivery_errors(chat_id):
        try:
            await bot.edit_message_text(message.html, chat_id, message_id,
                                        parse_mode=ParseMode.HTML, reply_markup=reply_markup,
                                        link_preview_options=NO_PREVIEW)
            return True
        except BadRequest as err:
            if NOT_MODIFIED in err.message.lower():
                return False
            if not entities_rejected(err) or len(message.plain) != 1:
                raise
            _log_rejection(chat_id, err, message.html)
        await bot.edit_message_text(message.plain[0], chat_id, message_id,
                                    reply_markup=reply_markup, link_preview_options=NO_PREVIEW)
        return True


def photo_file_id(message: Message) -> str | None:
    """The ``file_id`` to send this photo again without uploading it."""
    return message.photo[-1].file_id if message.photo else None


@contextlib.asynccontextmanager
async def chat_action(bot: Bot, chat_id: ChatId, action: str = ChatAction.TYPING,
                      enabled: bool = True) -> AsyncIterator[None]:
    """Show ``action`` (typing…) in the chat, renewed every 4 s, while the body runs."""
    if not enabled:
        yield
        return

    async def show() -> bool:
        try:
            await bot.send_chat_action(chat_id, action)
            return True
        except TelegramError as err:  # cosmetic: the real send reports real trouble
            log.debug("chat action for %s failed: %s", chat_id, err)
            return False

    async def keep_showing() -> None:
        while True:
            await asyncio.sleep(TYPING_EVERY_S)
            if not await show():
                return

    task = asyncio.create_task(keep_showing()) if await show() else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
