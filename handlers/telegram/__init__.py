"""Telegram: the door. ``TelegramService`` for the runtime; ``register`` and
``build_application`` for anyone running the handlers on their own Application (tests, the
daily briefing); ``send`` holds the reusable sending helpers."""

from handlers.telegram.app import TelegramService, build_application
from handlers.telegram.routes import ALLOWED_UPDATES, register

__all__ = ["ALLOWED_UPDATES", "TelegramService", "build_application", "register"]
