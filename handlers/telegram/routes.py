"""``register(app, deps)``: every handler on one Application."""

from __future__ import annotations

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
from handlers.telegram.deps import DEPS_KEY, TelegramDeps
from handlers.telegram.errors import on_error
from services.models.report import COMMAND_ALIASES

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
    for name, callback in commands.items():
        app.add_handler(CommandHandler(name, callback, filters=POSTS))
    app.add_handler(CommandHandler(list(COMMAND_ALIASES), sections.section, filters=POSTS))
    app.add_handler(CallbackQueryHandler(sections.button, pattern=keyboards.PATTERN))
    app.add_handler(CallbackQueryHandler(sections.unknown_button))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, subscriptions.migrated))
    app.add_handler(ChatMemberHandler(subscriptions.membership,
                                      ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, status.unknown))
    app.add_error_handler(on_error)
