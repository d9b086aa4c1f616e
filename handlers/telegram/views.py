"""The bot's own replies (welcome, help, status, settings, confirmations) as paired messages,
in the chat's language (``tr``).

Pure functions of values: every dynamic string is escaped for the HTML side, and each reply has
a plain-text twin for the fallback.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from services import format as fmt
from services.i18n import LANGUAGES, NATIVE_NAMES, Translator
from services.renderers.chart_names import CHART_TITLES
from services.renderers.sources import HEADING as SOURCES_HEADING
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


def lines(head: str, items: Sequence[str], tr: Translator) -> Unit:
    """A bold heading and one bullet per item, at most ``sources.MAX_LISTED`` of them (then a count
    of the rest, in ``tr``'s language), so a list of any length stays one message."""
    items = at_most(items, tr=tr)
    html = [f"<b>{escape(head)}</b>"] + [f"• {escape(i)}" for i in items]
    plain = [head] + [f"• {i}" for i in items]
    return "\n".join(html), "\n".join(plain)


def sentence(text: str) -> list[TelegramMessage]:
    return from_units([line(text)])


def welcome(tr: Translator) -> list[TelegramMessage]:
    return from_units([
        bold(tr.gettext("Market Intelligence")),
        line(tr.gettext("A daily briefing on US, Hong Kong and China A-share stocks, crypto, "
                        "stablecoins and DeFi.")),
        line(tr.gettext("Tap a section below, send /report for today's Key Insight and "
                        "dashboard, or /subscribe to get it every morning. /help lists every "
                        "command. /lang switches between English and Chinese.")),
    ])


def help_text(commands: Sequence[tuple[str, str]], tr: Translator) -> list[TelegramMessage]:
    listed = "\n".join(f"/{c} — {tr.gettext(d)}" for c, d in commands)
    return from_units([bold(tr.gettext("Commands")), line(listed),
                       line(tr.gettext("In a group, only administrators can subscribe or "
                                       "unsubscribe it, or change its language."))])


def push_line(subscription: Subscription | None, next_at: datetime | None, tr: Translator
              ) -> str:
    if subscription is None or not subscription.active or next_at is None:
        return tr.gettext("This chat is not subscribed. /subscribe [HH:MM] [Area/City] starts "
                          "it.")
    return tr.gettext("Daily edition at {time} {zone}; next push {next}.",
                      time=subscription.time_hhmm, zone=subscription.tz, next=fmt.day(next_at))


def language_line(tr: Translator) -> str:
    return tr.gettext("Language: {name}. /lang {choices} changes it.",
                      name=NATIVE_NAMES[tr.language], choices="|".join(LANGUAGES))


def status(edition: Edition, subscription: Subscription | None, next_at: datetime | None,
           tr: Translator, ask_line: str | None = None) -> list[TelegramMessage]:
    """Each source of the last build in short (OK or failed, requests, latency, as-of, the
    fallback that covered it), what is missing and why, the next push, what /ask has spent
    today, and the chat's language."""
    analysis = edition.report.analysis
    statuses = edition.snapshot.sources
    ok = [f"{name}: {when}" for name, when in analysis.sources if not when.startswith("failed")]
    failed = [f"{name}: {when.removeprefix('failed: ')}" for name, when in analysis.sources
              if when.startswith("failed")]
    notes = noted(statuses)  # shown with the sources: not again under Missing
    missing = failed + [w for w in edition.report.warnings
                        if not any(w.startswith(f"{name}: ") for name in notes)]
    return from_units([
        bold(tr.gettext("Current edition")),
        line(tr.gettext("As of {time}; built {built}.", time=fmt.day(edition.report.as_of),
                        built=fmt.day(edition.built_at))),
        lines(tr.gettext(SOURCES_HEADING), status_lines(statuses, tr), tr) if statuses else
        lines(tr.gettext("Sources (as of)"), ok or [tr.gettext("none listed")], tr),
        lines(tr.gettext("Missing"), missing or [tr.gettext("nothing: every source answered")],
              tr),
        lines(tr.gettext("Next push here"), [push_line(subscription, next_at, tr)], tr),
        *([lines(tr.gettext("Questions"), [ask_line], tr)] if ask_line else []),
        lines(tr.gettext("Language"), [language_line(tr)], tr),
    ])


def settings(subscription: Subscription | None, next_at: datetime | None, default_time: str,
             default_tz: str, tr: Translator) -> list[TelegramMessage]:
    return from_units([
        bold(tr.gettext("Settings for this chat")),
        line(push_line(subscription, next_at, tr)),
        line(language_line(tr)),
        line(tr.gettext("Default time for new subscriptions: {time} {zone}. Change with "
                        "/subscribe HH:MM Area/City (IANA zone), stop with /unsubscribe.",
                        time=default_time, zone=default_tz)),
    ])


def subscribed(subscription: Subscription, next_at: datetime, tr: Translator
               ) -> list[TelegramMessage]:
    return sentence(tr.gettext("Subscribed: the daily edition arrives at {time} {zone}, first "
                               "on {first}. /unsubscribe stops it.",
                               time=subscription.time_hhmm, zone=subscription.tz,
                               first=fmt.day(next_at)))


def unsubscribed(was_active: bool, tr: Translator) -> list[TelegramMessage]:
    if was_active:
        return sentence(tr.gettext("Unsubscribed: no more daily editions here. /subscribe "
                                   "starts again."))
    return sentence(tr.gettext("This chat was not subscribed."))


def language_set(tr: Translator) -> list[TelegramMessage]:
    """The confirmation of /lang, in the language just chosen."""
    return sentence(tr.gettext("This chat now reads the bot in English: replies, buttons, "
                               "reports and the daily edition."))


def language_choices(tr: Translator) -> list[TelegramMessage]:
    """/lang without a language: the current one and the choices."""
    choices = [f"/lang {code} — {NATIVE_NAMES[code]}" for code in LANGUAGES]
    return from_units([lines(language_line(tr), choices, tr)])


def chart_caption(edition: Edition, name: str, tr: Translator) -> TelegramMessage:
    title = f"{edition.report.title} · {chart_title(name, tr)}"
    return TelegramMessage(f"<b>{escape(title)}</b>", (title,))


def chart_title(name: str, tr: Translator) -> str:
    """The chart's name as typed (``divergences``) in English; its title in another
    language (``背离``)."""
    if tr.language == "en" or name not in CHART_TITLES:
        return name
    return tr.gettext(CHART_TITLES[name])
