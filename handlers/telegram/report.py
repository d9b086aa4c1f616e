"""``/report`` and ``/chart``: the Key Insight with the dashboard, the full report, one chart."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction

from handlers.telegram import keyboards, views
from handlers.telegram.common import asker, chat_of, deliver, edition, reply
from handlers.telegram.deps import PLATFORM, Context, TelegramDeps, deps
from handlers.telegram.sections import send_section
from handlers.telegram.send import chat_action, photo_file_id, send_photo
from services.delivery.media import chart_key
from services.errors import InputError, UnknownChartError
from services.i18n import N_, translator
from services.models.report import resolve_section
from services.renderers import telegram_messages
from services.renderers.telegram_messages import TelegramMessage
from services.report.editions import Edition

log = logging.getLogger(__name__)
DASHBOARD = "dashboard"


async def report(update: Update, context: Context) -> None:
    """/report [full|refresh|SECTION]: the Key Insight and dashboard, every section, or one."""
    arg = " ".join(context.args or []).strip().lower()
    if arg == "refresh":
        deps(context).refresh.hit(asker(update), N_("A refresh"))
    current = await edition(context, chat_of(update), refresh=arg == "refresh")
    if arg == "full":
        await reply(context, update, telegram_messages.render_full(current.report))
    elif arg in ("", "refresh"):
        await send_insight(update, context, current)
    else:
        await send_section(update, context, current, resolve_section(arg))


async def chart(update: Update, context: Context) -> None:
    """/chart NAME: one chart of the current edition."""
    name = chart_name(deps(context), context.args or [])
    current = await edition(context, chat_of(update))
    tr = translator(current.language)
    await send_chart(update, context, current, name, views.chart_caption(current, name, tr))


def chart_name(d: TelegramDeps, args: list[str]) -> str:
    if d.charts is None or not d.chart_names:
        raise InputError(N_("Charts are not available on this bot."))
    if not args:
        raise InputError.saying("Which chart? Send /chart NAME, one of: {names}",
                                names=d.chart_names)
    if args[0].lower() not in d.chart_names:
        raise UnknownChartError(args[0], d.chart_names)
    return args[0].lower()


async def send_insight(update: Update, context: Context, current: Edition) -> None:
    """The Key Insight as the dashboard's caption, under it the section buttons; as text when
    there is no dashboard."""
    markup = keyboards.sections(None, current.language)
    photo = await dashboard(update, context, current)
    if photo is None:
        messages = telegram_messages.render(current.report, ("key_insight",))
        await reply(context, update, messages, markup)
        return
    caption = telegram_messages.caption(current.report)
    await send_photo_of(update, context, current, DASHBOARD, photo, caption, markup)


async def dashboard(update: Update, context: Context, current: Edition) -> bytes | str | None:
    """The dashboard to send, or ``None`` without charts or when it failed to render."""
    d = deps(context)
    if d.charts is None or (d.chart_names and DASHBOARD not in d.chart_names):
        return None
    try:
        return await chart_photo(update, context, current, DASHBOARD)
    except Exception:  # the renderer is an isolation point: the text still goes out
        log.exception("the dashboard of edition %s failed to render; sending text", current.id)
        return None


async def send_chart(update: Update, context: Context, current: Edition, name: str,
                     caption: TelegramMessage, markup: InlineKeyboardMarkup | None = None
                     ) -> Message:
    """One chart of the edition, with its caption."""
    photo = await chart_photo(update, context, current, name)
    return await send_photo_of(update, context, current, name, photo, caption, markup)


async def chart_photo(update: Update, context: Context, current: Edition, name: str) -> bytes | str:
    """The chart's ``file_id`` if it was sent before in this edition, else its PNG."""
    d = deps(context)
    known = await d.media.lookup(media_key(current, name))
    if known is not None:
        return known
    assert d.charts is not None  # callers check
    async with chat_action(context.bot, chat_of(update), ChatAction.UPLOAD_PHOTO):
        return await current.chart(name, d.charts)


async def send_photo_of(update: Update, context: Context, current: Edition, name: str,
                        photo: bytes | str, caption: TelegramMessage,
                        markup: InlineKeyboardMarkup | None) -> Message:
    """Send the chart. Its first upload in an edition goes out alone: chats asking meanwhile
    (200 first ``/report`` at once) wait for that upload's ``file_id`` and send it instead."""
    d, chat = deps(context), chat_of(update)

    async def send(what: bytes | str) -> Message:
        return await deliver(context, chat, lambda to: send_photo(
            context.bot, to, what, caption, markup, f"{name}.png"))

    async def upload() -> tuple[Message, str | None]:
        sent = await send(photo)
        d.media.keep_only(current.id)  # only the current edition's photos are worth keeping
        return sent, photo_file_id(sent)

    if isinstance(photo, str):
        return await send(photo)
    return await d.media.reuse_or_upload(media_key(current, name), send, upload)


def media_key(current: Edition, name: str) -> tuple[str, str, str]:
    """The chart's key in the media cache: one upload per edition, platform and language."""
    return (current.id, PLATFORM, chart_key(name, current.language))
