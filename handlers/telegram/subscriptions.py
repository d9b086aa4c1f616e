"""``/subscribe``, ``/unsubscribe``, ``/settings``, and keeping subscriptions true to the chat
(groups that migrate, chats that block the bot, channels listed in ``TELEGRAM_CHANNELS``)."""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import Bot, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from handlers.telegram import views
from handlers.telegram.common import chat_of, reply, tr_of
from handlers.telegram.deps import PLATFORM, Context, TelegramDeps, deps
from services.delivery.schedule import Schedule, next_push, parse_schedule
from services.errors import NotAllowed
from services.i18n import N_, parse_language, translator
from services.storage.subscriptions import Subscription

log = logging.getLogger(__name__)
ADMINS = frozenset({ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER})
GONE = frozenset({ChatMemberStatus.BANNED, ChatMemberStatus.LEFT})


async def subscribe(update: Update, context: Context) -> None:
    """/subscribe [HH:MM] [TZ]: the daily edition in this chat, at that time."""
    d, chat = deps(context), update.effective_chat
    assert chat is not None
    await require_admin(update, context)
    schedule = parse_schedule(context.args or [], d.default_time, d.default_tz)
    sub = await d.subscriptions.upsert(PLATFORM, str(chat.id), schedule.time_hhmm, schedule.tz,
                                       kind=chat.type, title=chat.effective_name)
    tr = await tr_of(context, chat.id)
    await reply(context, update, views.subscribed(sub, next_push(schedule, d.clock(),
                                                                 d.weekend_editions), tr))


async def unsubscribe(update: Update, context: Context) -> None:
    """/unsubscribe: no more daily editions in this chat."""
    await require_admin(update, context)
    removed = await deps(context).subscriptions.remove(PLATFORM, str(chat_of(update)))
    await reply(context, update, views.unsubscribed(removed, await tr_of(context,
                                                                         chat_of(update))))


async def settings(update: Update, context: Context) -> None:
    """/settings: this chat's push time, zone and language, and how to change them."""
    d = deps(context)
    sub = await d.subscriptions.get(PLATFORM, str(chat_of(update)))
    await reply(context, update, views.settings(sub, next_for(d, sub), d.default_time,
                                                d.default_tz,
                                                await tr_of(context, chat_of(update))))


async def lang(update: Update, context: Context) -> None:
    """/lang [en|zh]: the language this chat reads (replies, buttons, reports, the daily
    edition); without an argument, the current one and the choices."""
    d, chat = deps(context), chat_of(update)
    if not context.args:
        await reply(context, update, views.language_choices(await tr_of(context, chat)))
        return
    language = parse_language(" ".join(context.args))
    await require_admin(update, context, N_("Only this group's administrators can change its "
                                            "language."))
    if d.languages is None:
        raise NotAllowed(N_("This bot cannot store a language per chat."))
    await d.languages.set(PLATFORM, str(chat), language)
    await reply(context, update, views.language_set(translator(language)))


async def require_admin(update: Update, context: Context, refusal: str = N_(
        "Only this group's administrators can change its subscription.")) -> None:
    """In a group, only its administrators may change its subscription or language (asked of
    Telegram); ``refusal`` is the line a member gets."""
    chat, message, user = update.effective_chat, update.effective_message, update.effective_user
    if chat is None or chat.type in (ChatType.PRIVATE, ChatType.CHANNEL):
        return  # a private chat belongs to its user; only administrators post in a channel
    sender = message.sender_chat if message is not None else None
    if sender is not None and sender.id == chat.id:
        return  # an anonymous administrator speaks as the group itself
    member = await context.bot.get_chat_member(chat.id, user.id) if user else None
    if member is None or member.status not in ADMINS:
        raise NotAllowed(refusal)


def next_for(d: TelegramDeps, sub: Subscription | None) -> datetime | None:
    if sub is None or not sub.active:
        return None
    return next_push(Schedule(sub.time_hhmm, sub.tz), d.clock(), d.weekend_editions)


async def migrated(update: Update, context: Context) -> None:
    """A group became a supergroup: its subscription follows it to the new id."""
    message = update.effective_message
    if message is not None and message.migrate_to_chat_id:
        d, old, new = deps(context), str(message.chat_id), str(message.migrate_to_chat_id)
        await d.subscriptions.move(PLATFORM, old, new)
        if d.languages is not None:
            await d.languages.move(PLATFORM, old, new)
        if d.watch is not None:
            await d.watch.store.move(PLATFORM, old, new)
        if d.alerts is not None:
            await d.alerts.store.move(PLATFORM, old, new)


async def membership(update: Update, context: Context) -> None:
    """The bot was blocked, kicked or removed: stop pushing there."""
    change = update.my_chat_member
    if change is not None and change.new_chat_member.status in GONE:
        reason = f"bot {change.new_chat_member.status} by the chat"
        await deps(context).subscriptions.deactivate(PLATFORM, str(change.chat.id), reason)


async def sync_channels(d: TelegramDeps, bot: Bot) -> None:
    """Every channel in ``TELEGRAM_CHANNELS`` is subscribed, by numeric id where Telegram
    resolves the @name, at the default time unless it already has one."""
    for listed in d.channels:
        channel = await resolve_channel(bot, listed)
        existing = await d.subscriptions.get(PLATFORM, channel)
        if existing is not None and existing.active:
            continue
        clock, tz = (existing.time_hhmm, existing.tz) if existing else (d.default_time,
                                                                         d.default_tz)
        await d.subscriptions.upsert(PLATFORM, channel, clock, tz, kind=ChatType.CHANNEL,
                                     title=listed)
        log.info("channel %s subscribed from TELEGRAM_CHANNELS", listed)


async def resolve_channel(bot: Bot, listed: str) -> str:
    if not listed.startswith("@"):
        return listed
    try:
        return str((await bot.get_chat(listed)).id)
    except TelegramError as err:
        log.warning("channel %s could not be resolved (%s); kept by name", listed, err)
        return listed
