"""The command menu: what ``setMyCommands`` publishes and ``/help`` lists."""

from __future__ import annotations

from telegram import BotCommand

COMMANDS: tuple[tuple[str, str], ...] = (
    ("report", "Key Insight and dashboard; /report full for every section"),
    ("sentiment", "Global risk sentiment and the transmission chain"),
    ("crypto", "Crypto and DeFi"),
    ("us", "US stocks"),
    ("hk", "Hong Kong stocks"),
    ("cn", "China A-shares"),
    ("divergences", "Cross-market divergences"),
    ("flows", "Capital flow map"),
    ("risks", "Risk matrix"),
    ("plan", "Action plan"),
    ("chart", "One chart: /chart NAME"),
    ("ask", "Ask about today's edition: /ask QUESTION"),
    ("watch", "This chat's watchlist: /watch add|remove|list CODE…"),
    ("watchlist", "Your watchlist now: price, change, z, vs its index"),
    ("alert", "Alerts: /alert add BTC move 5% | list | remove N"),
    ("subscribe", "Daily edition here: /subscribe [HH:MM] [Area/City]"),
    ("unsubscribe", "Stop the daily edition here"),
    ("settings", "This chat's push time and zone"),
    ("status", "Sources, as-of times and the next push"),
    ("start", "Welcome and the section browser"),
    ("help", "Every command"),
)


def bot_commands() -> list[BotCommand]:
    return [BotCommand(name, description) for name, description in COMMANDS]
