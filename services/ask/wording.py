"""What ``/ask`` says around an answer, in the question's language (English or Chinese), from
the gettext catalogs."""

from __future__ import annotations

from datetime import date

from services.ask.question import Language
from services.i18n import N_, translator

EN, ZH = Language.EN, Language.ZH

TEXT: dict[str, str] = {
    "not_configured": N_("Claude is not configured on this bot, so here is the part of the "
                         "edition that matches your question."),
    "budget_spent": N_("Today's budget for Claude's answers is spent (it resets at 00:00 UTC), "
                       "so here is the part of the edition that matches your question."),
    "unavailable": N_("Claude could not answer just now, so here are the edition's figures on "
                      "that."),
    "unchecked": N_("Claude's answer did not pass the fact-check, so here are the edition's "
                    "figures on that, quoted directly."),
    "no_section": N_("No section matched your question; here is the Key Insight. The edition "
                     "covers US, Hong Kong and A-share indices, crypto, stablecoins and DeFi; "
                     "/report full shows it all."),
    "facts_lead": N_("The edition's figures on that:"),
    "no_facts": N_("The edition holds no figures on that. It covers the latest session of US, "
                   "Hong Kong and A-share indices, crypto prices, stablecoin supply and DeFi: no "
                   "news, no forecasts, no other tickers."),
}


def say(key: str, language: Language) -> str:
    return translator(language.value).gettext(TEXT[key])


def checked_against(edition_date: date, language: Language) -> str:
    """The line every answer ends with: what its figures were checked against."""
    return translator(language.value).gettext("checked against the {date} edition",
                                              date=edition_date.isoformat())


def from_edition(edition_date: date, language: Language) -> str:
    """The closing line of a keyword-routed answer: which edition the sections are from."""
    return translator(language.value).gettext("from the {date} edition",
                                              date=edition_date.isoformat())
