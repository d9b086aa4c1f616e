"""The bot's own replies (welcome, help, status, settings, confirmations) as paired messages.

Pure functions of values: every dynamic string is escaped for the HTML side, and each reply has
a plain-text twin for the fallback.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from services import format as fmt
from services.renderers.sources import at_most, noted, status_lines
from services.renderers.telegram_html import escape
from services.renderers.telegram_messages import TelegramMessage, from_units
from services.report.editions import Edition
from services.storage.subscriptions import Subscription

Unit = tuple[str, str]


def bold(text: str) -> Unit:
    return f"<b>{escape(text)}</b>", text


def line(text: str) -> Unit:
    return escape(text), text


def lines(head: str, items: Sequence[str]) -> Unit:
    """A bold heading and one bullet per item, at most ``sources.MAX_LISTED`` of them (then a count
    of the rest), so a list of any length stays one message."""
    items = at_most(items)
    html = [f"<b>{escape(head)}</b>"] + [f"• {escape(i)}" for i in items]
    plain = [head] + [f"• {i}" for i in items]
    return "\n".join(html), "\n".join(plain)


def sentence(text: str) -> list[TelegramMessage]:
    return from_units([line(text)])


def welcome() -> list[TelegramMessage]:
    return from_units([
        bold("Market Intelligence"),
        line("A daily briefing on US, Hong Kong and China A-share stocks, crypto, stablecoins "
             "and DeFi."),
        line("Tap a section below, send /report for today's Key Insight and dashboard, or "
             "/subscribe to get it every morning. /help lists every command."),
    ])


def help_text(commands: Sequence[tuple[str, str]]) -> list[TelegramMessage]:
    return from_units([bold("Commands"), line("\n".join(f"/{c} — {d}" for c, d in commands)),
                       line("In a group, only administrators can subscribe or unsubscribe it.")])


def push_line(subscription: Subscription | None, next_at: datetime | None) -> str:
    if subscription is None or not subscription.active or next_at is None:
        return "This chat is not subscribed. /subscribe [HH:MM] [Area/City] starts it."
    return (f"Daily edition at {subscription.time_hhmm} {subscription.tz}; "
            f"next push {fmt.day(next_at)}.")


def status(edition: Edition, subscription: Subscription | None, next_at: datetime | None,
           ask_line: str | None = None) -> list[TelegramMessage]:
    """Each source of the last build in short (OK or failed, requests, latency, as-of, the
    fallback that covered it), what is missing and why, the next push, and what /ask has
    spent today."""
    analysis = edition.report.analysis
    statuses = edition.snapshot.sources
    ok = [f"{name}: {when}" for name, when in analysis.sources if not when.startswith("failed")]
    failed = [f"{name}: {when.removeprefix('failed: ')}" for name, when in analysis.sources
              if when.startswith("failed")]
    notes = noted(statuses)  # shown with the sources: not again under Missing
    missing = failed + [w for w in edition.report.warnings
                        if not any(w.startswith(f"{name}: ") for name in notes)]
    return from_units([
        bold(f"Edition {edition.id}"),
        line(f"As of {fmt.day(edition.report.as_of)}; built {fmt.day(edition.built_at)}."),
        lines("Sources (last build)", status_lines(statuses)) if statuses else
        lines("Sources (as of)", ok or ["none listed"]),
        lines("Missing", missing or ["nothing: every source answered"]),
        lines("Next push here", [push_line(subscription, next_at)]),
        *([lines("Questions", [ask_line])] if ask_line else []),
    ])


def settings(subscription: Subscription | None, next_at: datetime | None, default_time: str,
             default_tz: str) -> list[TelegramMessage]:
    return from_units([
        bold("Settings for this chat"),
        line(push_line(subscription, next_at)),
        line(f"Default time for new subscriptions: {default_time} {default_tz}. "
             "Change with /subscribe HH:MM Area/City (IANA zone), stop with /unsubscribe."),
    ])


def subscribed(subscription: Subscription, next_at: datetime) -> list[TelegramMessage]:
    return sentence(f"Subscribed: the daily edition arrives at {subscription.time_hhmm} "
                    f"{subscription.tz}, first on {fmt.day(next_at)}. /unsubscribe stops it.")


def unsubscribed(was_active: bool) -> list[TelegramMessage]:
    if was_active:
        return sentence("Unsubscribed: no more daily editions here. /subscribe starts again.")
    return sentence("This chat was not subscribed.")


def chart_caption(edition: Edition, name: str) -> TelegramMessage:
    title = f"{edition.report.title} · {name}"
    return TelegramMessage(f"<b>{escape(title)}</b>", (title,))
