"""``/report`` and ``/chart``: the Key Insight with the dashboard, the full report, one chart."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Message, Update
from telegram.constants import ChatAction

from handlers.telegram import keyboards, views
from handlers.telegram.common import asker, chat_of, deliver, edition, reply
from handlers.telegram.deps import TelegramDeps, deps
from handlers.telegram.sections import send_section
from handlers.telegram.send import chat_action, photo_file_id, send_photo
from services.editions import Edition
from services.errors import InputError, UnknownChartError
from services.models.report import resolve_section
from services.renderers import telegram_messages
from services.renderers.telegram_messages import TelegramMessage

log = logging.getLogger(__name__)
DASHBOARD = "dashboard"


async def report(update: Update, context: Any) -> None:
    """/report [full|refresh|SECTION]: the Key Insight and dashboard, every section, or one."""
    arg = " ".join(context.args or []).strip().lower()
    if arg == "refresh":
        deps(context).refresh.hit(asker(update), "A refresh")
    current = await edition(context, chat_of(update), refresh=arg == "refresh")
    if arg == "full":
        await reply(context, update, telegram_messages.render_full(current.report))
    elif arg in ("", "refresh"):
        await send_insight(update, context, current)
    else:
        await send_section(update, context, current, resolve_section(arg))


async def chart(update: Update, context: Any) -> None:
    """/chart NAME: one chart of the current edition."""
    name = chart_name(deps(context), context.args or [])
    current = await edition(context, chat_of(update))
    await send_chart(update, context, current, name, views.chart_caption(current, name))


def chart_name(d: TelegramDeps, args: list[str]) -> str:
    if d.charts is None or not d.chart_names:
        raise InputError("Charts are not available on this bot.")
    if not args:
        raise InputError(f"Which chart? Send /chart NAME, one of: {', '.join(d.chart_names)}")
    if args[0].lower() not in d.chart_names:
        raise UnknownChartError(args[0], d.chart_names)
    return args[0].lower()


async def send_insight(update: Update, context: Any, current: Edition) -> None:
    """The Key Insight as the dashboard's caption, under it the section buttons; as text when
    there is no dashboard."""
    d = deps(context)
    if d.charts is None or (d.chart_names and DASHBOARD not in d.chart_names):
        messages = telegram_messages.render(current.report, ("key_insight",))
        await reply(context, update, messages, keyboards.sections())
        return
    caption = telegram_messages.caption(current.report)
    await send_chart(update, context, current, DASHBOARD, caption, keyboards.sections())


async def send_chart(update: Update, context: Any, current: Edition, name: str,
                     caption: TelegramMessage, markup: Any = None) -> Message:
    """Upload the chart once per edition, then send it by ``file_id``."""
    d = deps(context)
    chat = chat_of(update)
    photo: bytes | str | None = d.photo_ids.get((current.id, name))
    if photo is None:
        async with chat_action(context.bot, chat, ChatAction.UPLOAD_PHOTO):
            photo = await current.chart(name, d.charts)  # type: ignore[arg-type]
    sent = await deliver(context, chat, lambda c: send_photo(context.bot, c, photo, caption,
                                                             markup, f"{name}.png"))
    remember(d, current, name, sent)
    return sent


def remember(d: TelegramDeps, current: Edition, name: str, sent: Message) -> None:
    file_id = photo_file_id(sent)
    if file_id is None or (current.id, name) in d.photo_ids:
        return
    for stale in [key for key in d.photo_ids if key[0] != current.id]:
        del d.photo_ids[stale]  # only the current edition's photos are worth keeping
    d.photo_ids[(current.id, name)] = file_id
