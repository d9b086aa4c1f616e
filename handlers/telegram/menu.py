"""The command menu: what ``setMyCommands`` publishes and ``/help`` lists, per language.

Telegram shows a user the list published for their app's language (``language_code``), else
the list published without one; ``publish`` sets both: one list per language the bot speaks,
and the default language's list for everyone else.
"""

from __future__ import annotations

from telegram import Bot, BotCommand

from services.i18n import LANGUAGES, N_, translator

COMMANDS: tuple[tuple[str, str], ...] = (
    ("report", N_("Key Insight and dashboard; /report full for every section")),
    ("sentiment", N_("Global risk sentiment and the transmission chain")),
    ("crypto", N_("Crypto and DeFi")),
    ("us", N_("US stocks")),
    ("hk", N_("Hong Kong stocks")),
    ("cn", N_("China A-shares")),
    ("divergences", N_("Cross-market divergences")),
    ("flows", N_("Capital flow map")),
    ("risks", N_("Risk matrix")),
    ("plan", N_("Action plan")),
    ("chart", N_("One chart: /chart NAME")),
    ("ask", N_("Ask about today's edition: /ask QUESTION")),
    ("watch", N_("This chat's watchlist: /watch add|remove|list CODE…")),
    ("watchlist", N_("Your watchlist now: price, change, z, vs its index")),
    ("alert", N_("Alerts: /alert add BTC move 5% | list | remove N")),
    ("subscribe", N_("Daily edition here: /subscribe [HH:MM] [Area/City]")),
    ("unsubscribe", N_("Stop the daily edition here")),
    ("settings", N_("This chat's push time, zone and language")),
    ("lang", N_("Language of this chat: /lang en or /lang zh")),
    ("status", N_("Sources, as-of times and the next push")),
    ("start", N_("Welcome and the section browser")),
    ("help", N_("Every command")),
)


def bot_commands(language: str = "en") -> list[BotCommand]:
    tr = translator(language)
    return [BotCommand(name, tr.gettext(description)) for name, description in COMMANDS]


async def publish(bot: Bot, default: str) -> None:
    """The menu in every language (by ``language_code``), and in ``default`` for the rest."""
    await bot.set_my_commands(bot_commands(default))
    for language in LANGUAGES:
        await bot.set_my_commands(bot_commands(language), language_code=language)
