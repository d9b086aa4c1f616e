"""``/watch``, ``/watchlist`` and ``/alert``: this chat's watchlist and alerts. In a group,
only its administrators change them. Every answer is in the chat's language."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Update

from handlers.telegram import views
from handlers.telegram.common import chat_of, reply, tr_of
from handlers.telegram.deps import PLATFORM, Context, deps
from handlers.telegram.send import chat_action
from handlers.telegram.subscriptions import require_admin
from services.i18n import N_
from services.renderers import notes
from services.watch import replies
from services.watch.followup import block_note

UNAVAILABLE = N_("Watchlists and alerts are not available on this bot.")
ALERT_USAGE = N_("Use /alert add RULE, /alert list or /alert remove NUMBER. Example: /alert add "
                 "BTC move 5%")


async def _say(context: Context, update: Update, lines: Sequence[str]) -> None:
    await reply(context, update, views.sentence("\n".join(lines)))


async def watch(update: Update, context: Context) -> None:
    """/watch add|remove|list CODE…: this chat's watchlist."""
    d, chat = deps(context), chat_of(update)
    tr = await tr_of(context, chat)
    if d.watch is None:
        return await _say(context, update, [tr.gettext(UNAVAILABLE)])
    args = context.args or []
    action, codes = (args[0].lower(), args[1:]) if args else ("list", [])
    if action == "list":
        items = await d.watch.items(PLATFORM, str(chat))
        return await _say(context, update, replies.listed(items, d.watch.max_items,
                                                          "/watch add", tr))
    if action not in ("add", "remove") or not codes:
        return await _say(context, update, [replies.usage("/watch", tr)])
    await require_admin(update, context, N_("Only this group's administrators can change its "
                                            "watchlist."))
    if action == "add":
        async with chat_action(context.bot, chat):
            added = await d.watch.add(PLATFORM, str(chat), codes)
        return await _say(context, update, replies.added(added, "/watch add",
                                                         d.watch.max_items, tr))
    removed = await d.watch.remove(PLATFORM, str(chat), codes)
    await _say(context, update, replies.removed(removed, "/watch remove", tr))


async def watchlist(update: Update, context: Context) -> None:
    """/watchlist: this chat's instruments now."""
    d, chat = deps(context), chat_of(update)
    tr = await tr_of(context, chat)
    if d.watch is None:
        return await _say(context, update, [tr.gettext(UNAVAILABLE)])
    async with chat_action(context.bot, chat):
        block = await d.watch.block(PLATFORM, str(chat), tr.language)
    if block is None:
        return await _say(context, update, replies.listed([], d.watch.max_items, "/watch add",
                                                          tr))
    await reply(context, update, notes.telegram(block_note(block)))


async def alert(update: Update, context: Context) -> None:
    """/alert add RULE | list | remove N: this chat's alerts."""
    d, chat = deps(context), chat_of(update)
    tr = await tr_of(context, chat)
    if d.alerts is None:
        return await _say(context, update, [tr.gettext(UNAVAILABLE)])
    args = context.args or []
    action, rest = (args[0].lower(), args[1:]) if args else ("list", [])
    if action == "list":
        listed = await d.alerts.listed(PLATFORM, str(chat), tr=tr)
        return await _say(context, update, listed.lines)
    if action not in ("add", "remove"):
        return await _say(context, update, [tr.gettext(ALERT_USAGE)])
    await require_admin(update, context, N_("Only this group's administrators can change its "
                                            "alerts."))
    if action == "add":
        async with chat_action(context.bot, chat):
            answer = await d.alerts.add(PLATFORM, str(chat), rest, tr=tr)
    else:
        answer = await d.alerts.remove(PLATFORM, str(chat), rest, tr=tr)
    await _say(context, update, answer.lines)
