"""The daily post to one Telegram chat, with python-telegram-bot's ``Bot``.

One message: the dashboard photo, the Key Insight as its HTML caption (≤ 1024) and a "Full
report" button (``handlers.telegram.keyboards.full_report(language)``, passed in by the
wiring, which the section-button handler answers), all in the language of the edition it is
given (the fan-out gives each chat the edition in that chat's language). The photo's bytes
go up once per edition and language; every later chat gets the ``file_id`` Telegram returned
(``MediaCache``). Without a chart renderer (or if it fails) the caption goes as a text message.

Sends are paced within Telegram's flood limits (``pacing.telegram_pacer``: 29/s overall, 1/s
per chat, 20/min per group); PTB's ``AIORateLimiter`` is not used here because it allows a
burst of 30 on top of its rate and knows nothing of the per-chat limit.

**Paid broadcasts** (``paid=True``, ``TELEGRAM_PAID_BROADCAST``): every send carries
``allow_paid_broadcast`` (Telegram then accepts up to 1,000 messages a second and charges 0.1
Star each), and the pacer is built for that pace; 429s are still honoured the same way.

PTB's errors become the product's (``channels`` lists what the fan-out does with each):

    RetryAfter            → RateLimited (and the pacer pauses every send)
    Forbidden             → DestinationGone
    ChatMigrated          → DestinationMoved
    InvalidToken / 404    → DeliveryAborted
    BadRequest            → DeliveryError with Telegram's description
    connect failures      → DeliveryUnavailable (the request never left)
    timeouts, 5xx, resets → DeliveryInDoubt (it may have arrived)
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

import httpx
from telegram import Bot, InlineKeyboardMarkup, InputFile, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.warnings import PTBDeprecationWarning, PTBUserWarning

from services.delivery.channels import Note, SendResult
from services.delivery.media import MediaCache, chart_key
from services.delivery.pacing import Pacer, telegram_pacer
from services.delivery.telegram_http import NOT_SENT as AIOHTTP_NOT_SENT
from services.errors import (
    BotError,
    DeliveryAborted,
    DeliveryError,
    DeliveryInDoubt,
    DeliveryUnavailable,
    DestinationGone,
    DestinationMoved,
    RateLimited,
)
from services.renderers import notes
from services.renderers.telegram_html import caption
from services.report.editions import ChartRenderer, Edition

log = logging.getLogger(__name__)

PLATFORM = "telegram"
DASHBOARD = "dashboard"
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, *AIOHTTP_NOT_SENT)
STALE_FILE = ("wrong file identifier", "file reference", "wrong remote file")
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

Call = Callable[[], Awaitable[Any]]
# The fan-out asks for raw results on purpose (``TelegramSender._api``): PTB's advice to use
# ``send_photo`` instead is not for it.
warnings.filterwarnings("ignore", message=r"Please use 'Bot\.send_(photo|message)'",
                        category=PTBUserWarning)
_TURN: ContextVar[float | None] = ContextVar("telegram_turn", default=None)  # per worker task


def chat_id(destination_id: str) -> int | str:
    """Numeric ids as ints; ``@channelname`` as is."""
    try:
        return int(destination_id)
    except ValueError:
        return destination_id


def retry_after_seconds(err: RetryAfter) -> float:
    with warnings.catch_warnings():  # an int until PTB_TIMEDELTA, a timedelta after
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = err.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def translate(err: TelegramError, destination: str) -> DeliveryError:
    """The product's error for what PTB raised."""
    if isinstance(err, RetryAfter):
        return RateLimited(destination, retry_after_seconds(err))
    if isinstance(err, Forbidden):
        return DestinationGone(destination, err.message)
    if isinstance(err, ChatMigrated):
        return DestinationMoved(destination, str(err.new_chat_id))
    if isinstance(err, InvalidToken):  # its message can quote the token: never keep it
        return DeliveryAborted(destination, "InvalidToken: Telegram rejected the bot token")
    if isinstance(err, EndPointNotFound):
        return DeliveryAborted(destination, f"EndPointNotFound: {err.message}")
    if isinstance(err, BadRequest):
        return DeliveryError(destination, err.message)
    if isinstance(err, NetworkError):
        cause = err.__cause__
        if isinstance(cause, NOT_SENT):
            return DeliveryUnavailable(destination, f"network: {type(cause).__name__}")
        return DeliveryInDoubt(destination, f"{type(err).__name__}: {err.message}")
    return DeliveryError(destination, f"{type(err).__name__}: {err.message}")


class TelegramSender:
    platform = PLATFORM

    def __init__(self, bot: Bot, charts: ChartRenderer | None, media: MediaCache,
                 reply_markup: InlineKeyboardMarkup | Callable[[str], InlineKeyboardMarkup],
                 pacer: Pacer | None = None, concurrency: int = 8, paid: bool = False
                 ) -> None:
        self._bot = bot
        self._paid = paid
        self._charts = charts
        self._media = media
        self._pacer = pacer or telegram_pacer()
        self.concurrency = concurrency
        self._markup = reply_markup
        self._markups: dict[str, str] = {}

    async def prepare(self, edition: Edition) -> None:
        await self._dashboard(edition)  # rendered once, before the first claim

    async def pace(self) -> None:
        _TURN.set(await self._pacer.turn())

    async def send_edition(self, destination_id: str, edition: Edition) -> SendResult:
        text = caption(edition.report)
        markup = self._markup_json(edition.language)
        chat = chat_id(destination_id)
        png = await self._dashboard(edition)
        if png is None:
            message = await self._call(destination_id, self._api(
                "send_message", chat_id=chat, text=text, parse_mode=ParseMode.HTML,
                reply_markup=markup))
            return SendResult((str(message["message_id"]),))

        def photo(source: str | InputFile) -> Call:
            return self._api("send_photo", chat_id=chat, photo=source, caption=text,
                             parse_mode=ParseMode.HTML, reply_markup=markup)

        key = (edition.id, PLATFORM, chart_key(DASHBOARD, edition.language))

        async def upload() -> tuple[SendResult, str | None]:
            message = await self._call(destination_id, photo(
                InputFile(png, filename=f"{DASHBOARD}.png")))
            sizes = message.get("photo") or []
            file_id = sizes[-1].get("file_id") if sizes else None
            return SendResult((str(message["message_id"]),), (DASHBOARD,)), file_id

        async def reuse(file_id: str) -> SendResult:
            try:
                message = await self._call(destination_id, photo(file_id))
            except DeliveryError as exc:
                if type(exc) is not DeliveryError or not any(
                        s in exc.reason.lower() for s in STALE_FILE):
                    raise
                log.warning("Telegram refused the stored file_id (%s): uploading again",
                            exc.reason)
                self._media.forget(key)
                result, new_ref = await upload()  # a second request: it takes a new turn
                if new_ref is not None:
                    await self._media.store(key, new_ref, replace=True)
                return result
            return SendResult((str(message["message_id"]),))

        return await self._media.reuse_or_upload(key, reuse, upload)

    async def send_note(self, destination_id: str, note: Note) -> SendResult:
        """A short message of the bot's own (an alert, a watchlist block), as HTML."""
        chat = chat_id(destination_id)
        ids = []
        for message in notes.telegram(note):
            sent = await self._call(destination_id, self._api(
                "send_message", chat_id=chat, text=message.html, parse_mode=ParseMode.HTML,
                link_preview_options=NO_PREVIEW))
            ids.append(str(sent["message_id"]))
        return SendResult(tuple(ids))

    def _markup_json(self, language: str) -> str:
        """The "Full report" button in ``language``, serialised once: PTB sends a keyboard as
        this very JSON string, and building it from the object each time cost more than
        the request."""
        if language not in self._markups:
            markup = self._markup if isinstance(self._markup, InlineKeyboardMarkup) \
                else self._markup(language)
            self._markups[language] = json.dumps(markup.to_dict())
        return self._markups[language]

    def _api(self, method: str, **params: object) -> Call:
        """A Bot API call answered with its raw JSON result: the fan-out needs the message id
        and the photo's file_id, not python-telegram-bot's ``Message`` objects, which cost
        more CPU than the request itself at a paid broadcast's 1,000 a second. Parameters,
        error answers and retries are PTB's, as for ``send_photo``."""
        if self._paid:
            params["allow_paid_broadcast"] = True
        return lambda: self._bot.do_api_request(method, api_kwargs=params)

    async def _dashboard(self, edition: Edition) -> bytes | None:
        if self._charts is None:
            return None
        try:
            return await edition.chart(DASHBOARD, self._charts)
        except BotError as exc:
            log.warning("dashboard unavailable for edition %s (%s): sending text", edition.id,
                        exc)
            return None

    async def _call(self, destination: str, request: Call) -> dict[str, Any]:
        await self._pacer.acquire_key(destination, _TURN.get())
        _TURN.set(None)  # one request per turn
        try:
            answer = await request()
        except TelegramError as err:
            mapped = translate(err, destination)
            if isinstance(mapped, RateLimited):
                self._pacer.pause(mapped.retry_after)
            raise mapped from err
        if not isinstance(answer, dict) or "message_id" not in answer:
            raise DeliveryError(destination, "the Bot API answered without a message")
        return answer
