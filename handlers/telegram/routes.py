"""``register(app, deps)``: every handler on one Application; each command and button is
timed (``marketbot_command_seconds``) and its log lines carry the chat's id."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from handlers.telegram import (
    ask,
    guard,
    keyboards,
    report,
    sections,
    status,
    subscriptions,
    watch,
)
from handlers.telegram.deps import DEPS_KEY, Context, TelegramDeps
from handlers.telegram.errors import on_error
from services.models.report import COMMAND_ALIASES
from services.ops.context import log_context
from services.ops.metrics import Metrics

Callback = Callable[[Update, Context], Coroutine[Any, Any, None]]

# New messages and channel posts; an edited message does not run a command again.
POSTS = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
ALLOWED_UPDATES = ["message", "channel_post", "callback_query", "my_chat_member"]


def register(app: Application, deps: TelegramDeps) -> None:  # type: ignore[type-arg]
    """Put ``deps`` in ``bot_data`` and add every command, button and service handler."""
    app.bot_data[DEPS_KEY] = deps
    commands = {
        "start": status.start, "help": status.help_command, "status": status.status,
        "report": report.report, "chart": report.chart,
        "subscribe": subscriptions.subscribe, "unsubscribe": subscriptions.unsubscribe,
        "settings": subscriptions.settings, "ask": ask.ask, "lang": subscriptions.lang,
        "watch": watch.watch, "watchlist": watch.watchlist, "alert": watch.alert,
    }
    bounded_elsewhere = {"ask"}  # /ask takes a question of up to ASK_MAX_CHARS and says so itself
    app.add_handler(CommandHandler([*(c for c in commands if c not in bounded_elsewhere),
                                    *COMMAND_ALIASES], guard.too_long,
                                   filters=POSTS & guard.TOO_LONG), group=-1)
    metrics = deps.metrics
    for name, callback in commands.items():
        app.add_handler(CommandHandler(name, timed(metrics, name, callback), filters=POSTS))
    for alias in COMMAND_ALIASES:
        app.add_handler(CommandHandler(alias, timed(metrics, alias, sections.section),
                                       filters=POSTS))
    app.add_handler(CallbackQueryHandler(timed(metrics, "button", sections.button),
                                         pattern=keyboards.PATTERN))
    app.add_handler(CallbackQueryHandler(timed(metrics, "button", sections.unknown_button)))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, subscriptions.migrated))
    app.add_handler(ChatMemberHandler(subscriptions.membership,
                                      ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, status.unknown))
    app.add_error_handler(on_error)


def timed(metrics: Metrics, command: str, callback: Callback) -> Callback:
    """``callback`` observed as ``command``'s latency (errors included), its log lines
    carrying the chat's id."""
    async def run(update: Update, context: Context) -> None:
        chat = update.effective_chat
        with log_context(chat=chat.id if chat is not None else None), \
                metrics.timed("telegram", command):
            await callback(update, context)
    return run
