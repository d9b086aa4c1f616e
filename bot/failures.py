"""The ordinary faults of ``run`` and ``push``, each as one line that says what to do, and the
exit status of each (the README lists them).

The client libraries' exceptions are translated here, where the bot starts its platforms and
opens its database: python-telegram-bot's ``InvalidToken`` and ``NetworkError``, discord.py's
``LoginFailure`` and aiohttp's connection errors, SQLAlchemy's and the drivers' errors. The
lines never quote a library's message (it can hold the token or the URL with it); they name the
setting to check and the cause in a few words.
"""

from __future__ import annotations

import errno
import socket
from urllib.parse import urlsplit

from services.errors import (
    BotError,
    ConfigError,
    DatabaseUnavailable,
    InputError,
    NarrationError,
    PlatformError,
    PlatformUnreachable,
    TokenRejected,
    UpstreamError,
)

EXIT_OK = 0
EXIT_FAILED = 1  # push: a send failed, or a platform refused the bot in the middle
EXIT_INPUT = 2  # bad input or configuration (no token, a malformed setting)
EXIT_NO_DATA = 3  # every market data source was unreachable or failed
EXIT_UNREACHABLE = 4  # Telegram's or Discord's API cannot be reached
EXIT_TOKEN = 5  # Telegram or Discord rejected the bot's token
EXIT_DATABASE = 6  # the database cannot be opened
EXIT_INTERNAL = 70  # a bug: the line names the exception type

PLATFORM_NAMES = {"telegram": "Telegram", "discord": "Discord"}
TOKEN_HELP = {"telegram": "copy the token from @BotFather into TELEGRAM_BOT_TOKEN",
              "discord": "copy the bot token from the Discord developer portal (Bot, Reset "
                         "Token) into DISCORD_BOT_TOKEN"}
REACH_HELP = {"telegram": "check the network and TELEGRAM_BASE_URL, then try again",
              "discord": "check the network, then try again"}


def exit_status(err: BotError) -> int:
    if isinstance(err, TokenRejected):
        return EXIT_TOKEN
    if isinstance(err, PlatformUnreachable):
        return EXIT_UNREACHABLE
    if isinstance(err, DatabaseUnavailable):
        return EXIT_DATABASE
    if isinstance(err, UpstreamError):
        return EXIT_NO_DATA
    if isinstance(err, (InputError, ConfigError)):
        return EXIT_INPUT
    if isinstance(err, NarrationError):
        return EXIT_FAILED
    return EXIT_INPUT


def origin(url: str) -> str:
    """``https://api.telegram.org/bot`` → ``https://api.telegram.org`` (never a path: a
    Telegram URL's path can carry the token)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.hostname:
        return "(not a URL)"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


def network_cause(exc: BaseException) -> str:
    """A few words for why a connection failed, from the exception and its causes: "connection
    refused", "name not resolved", "timed out" …; else the exception's class name."""
    seen: set[int] = set()
    current: BaseException | None = exc
    names: list[str] = []
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        names.append(type(current).__name__)
        if isinstance(current, socket.gaierror):
            return "host name not resolved"
        if isinstance(current, (TimeoutError,)) or "Timeout" in type(current).__name__ \
                or "TimedOut" in type(current).__name__:
            return "no answer in time"
        number = getattr(current, "errno", None)
        if isinstance(current, ConnectionRefusedError) or number == errno.ECONNREFUSED:
            return "connection refused"
        if isinstance(current, ConnectionResetError) or number == errno.ECONNRESET:
            return "connection reset"
        if number in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return "network unreachable"
        nested = getattr(current, "os_error", None)  # aiohttp.ClientConnectorError
        current = nested if isinstance(nested, BaseException) else (
            current.__cause__ or current.__context__)
    if any("Connect" in name for name in names):
        return "cannot connect"
    return names[0]


def unreachable(platform: str, url: str, cause: str) -> PlatformUnreachable:
    name = PLATFORM_NAMES[platform]
    return PlatformUnreachable(platform, f"cannot reach {name} at {origin(url)} ({cause}): "
                                         f"{REACH_HELP[platform]}")


def rejected(platform: str, detail: str) -> TokenRejected:
    name = PLATFORM_NAMES[platform]
    return TokenRejected(platform, f"{name} rejected {platform.upper()}_BOT_TOKEN ({detail}): "
                                   f"{TOKEN_HELP[platform]}")


def telegram_failure(exc: BaseException, base_url: str) -> PlatformError | None:
    """python-telegram-bot's error while starting or checking the bot, as a ``PlatformError``;
    None for anything else."""
    from telegram.error import InvalidToken, NetworkError, TimedOut

    if isinstance(exc, InvalidToken):
        cause = exc.__cause__
        detail = getattr(cause, "message", "") if isinstance(cause, InvalidToken) else ""
        if "not found" in (detail or str(exc)).lower():
            return rejected("telegram", "404 Not Found: the token is malformed, or "
                                        "TELEGRAM_BASE_URL is not a Bot API URL")
        return rejected("telegram", "401 Unauthorized")
    if isinstance(exc, TimedOut):
        return unreachable("telegram", base_url, "no answer in time")
    if isinstance(exc, NetworkError):
        cause = exc.__cause__
        if cause is None:  # an HTTP error status Telegram answered (502 …): no socket error
            return unreachable("telegram", base_url, "the Bot API answered with an error")
        return unreachable("telegram", base_url, network_cause(cause))
    return None


def discord_failure(exc: BaseException, base_url: str) -> PlatformError | None:
    """discord.py's (or aiohttp's) error while logging in, as a ``PlatformError``."""
    import aiohttp
    import discord

    if isinstance(exc, discord.LoginFailure):
        return rejected("discord", "401 Unauthorized")
    if isinstance(exc, discord.DiscordServerError):
        return unreachable("discord", base_url, f"Discord answered HTTP {exc.status}")
    if isinstance(exc, discord.HTTPException):
        return unreachable("discord", base_url, f"Discord answered HTTP {exc.status}")
    if isinstance(exc, (aiohttp.ClientError, OSError, TimeoutError)):
        return unreachable("discord", base_url, network_cause(exc))
    return None


def platform_failure(platform: str, exc: BaseException, telegram_base_url: str
                     ) -> PlatformError | None:
    if isinstance(exc, PlatformError):
        return exc
    if platform == "telegram":
        return telegram_failure(exc, telegram_base_url)
    if platform == "discord":
        from discord.http import Route

        return discord_failure(exc, Route.BASE)
    return None


def safe_database_url(url: str) -> str:
    """The URL without its password, for a message."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # a URL SQLAlchemy cannot parse: show only its scheme
        return url.split(":", 1)[0] + "://…"


def database_failure(exc: BaseException, url: str) -> BotError:
    """Opening DATABASE_URL failed: a ``ConfigError`` for a URL that cannot work as written,
    else ``DatabaseUnavailable`` with the cause in a few words."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    shown = safe_database_url(url)
    if isinstance(exc, ImportError):
        return ConfigError(f"DATABASE_URL names a database driver that is not installed "
                           f"({shown}); use sqlite+aiosqlite:// or postgresql://")
    if isinstance(exc, (ArgumentError, NoSuchModuleError)):
        return ConfigError(f"DATABASE_URL is not a database URL this bot can open ({shown}); "
                           "e.g. sqlite+aiosqlite:///./marketbot.db or "
                           "postgresql://user@host/db")
    cause = _database_cause(exc)
    if shown.startswith("sqlite"):
        return DatabaseUnavailable(f"cannot open the database at {shown} ({cause}): check "
                                   "DATABASE_URL")
    return DatabaseUnavailable(f"cannot open the database at {shown} ({cause}): check that "
                               "the database server is running and DATABASE_URL is right, then "
                               "try again")


DATABASE_ERRORS: tuple[type[BaseException], ...] = (OSError, TimeoutError, ImportError)


def database_errors() -> tuple[type[BaseException], ...]:
    """What opening a database raises when it cannot be opened (not a bug)."""
    from sqlalchemy.exc import SQLAlchemyError

    return (SQLAlchemyError, *DATABASE_ERRORS)


def _database_cause(exc: BaseException) -> str:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        name = type(current).__name__
        text = str(current).lower()
        if "unable to open database file" in text:
            return "cannot open or create the file: its folder is missing or not writable"
        if "readonly" in text or "read-only" in text:
            return "the file is read-only"
        if name == "InvalidPasswordError" or "password authentication failed" in text or (
                "role" in text and "does not exist" in text):
            return "the server refused the user or password"
        if name == "InvalidCatalogNameError" or ("database" in text and "does not exist" in text):
            return "no such database on the server"
        if isinstance(current, (OSError, TimeoutError)) and not name.startswith("Operational"):
            return network_cause(current)
        current = current.__cause__ or current.__context__
    return type(exc).__name__
