"""The charts' own words (page and panel titles, the colour key, the footer), in the language
of the render under way (``style.current()``), from the gettext catalogs.

Titles are written in English where the charts are built; a title listed here is shown
translated, one that is not stays as written (add it here and to the catalogs). The sentences
of subtitles and notes come from the analysis (``local``: ``services.i18n.text``); figures are
written for the render's language (``fig``).
"""

from __future__ import annotations

import re

from services import format as fmt
from services.i18n import N_, Translator, translator
from services.i18n.text import localise
from services.i18n.vocabulary import word as _word
from services.renderers.charts import style

PAGE_TITLES: frozenset[str] = frozenset({
    N_("Daily market brief"), N_("Risk sentiment"), N_("Crypto & DeFi"),
    N_("A-share breadth"), N_("Divergences"), N_("Capital flows"), N_("Market details"),
})
PANEL_TITLES: frozenset[str] = frozenset({
    N_("Cross-market moves · 1-day change"), N_("Headline moves · 1-day change"),
    N_("Transmission chain · did the lead carry?"),
    N_("BTC against equities · gap in pp (BTC minus index)"), N_("BTC minus index, pp"),
    N_("Stablecoin supply · 1-day change in USD"),
    N_("DeFi TVL by category · average 1-day change"),
    N_("DeFi TVL by category · 1-day change, TVL-weighted"),
    N_("DeFi protocols · 1-day TVL change, by category"), N_("DEX volume · 1-day change"),
    N_("Crypto market"), N_("Other coins · 1-day change"),
    N_("Advancers against decliners"), N_("A-share indices · 1-day change"),
    N_("Turnover and northbound flow"), N_("Largest divergences · first minus second"),
    N_("Divergences · both moves, and first minus second"),
    N_("Stablecoin supply · how the net change adds up"), N_("Flow map · where money moved"),
})
# Market group headings (``services.analysis.moves.MARKET_LABEL``).
GROUPS: frozenset[str] = frozenset({N_("US"), N_("Hong Kong"), N_("A-shares"), N_("Crypto")})
KEY_UP = N_("▲ up")
KEY_DOWN = N_("▼ down")
KEY_MUTED = N_("grey: closed or n/a")
KEY_ANOMALY = N_("⚠ anomaly")
# The markets of the dates line (``labels.data_dates``): ``US/HK/CN 2026-03-20``.
MARKET_CODES: dict[str, str] = {"US": N_("US"), "HK": N_("HK"), "CN": N_("CN")}
# A coin's change window other than the rolling 24 hours, as the data layer names it
# (``Quote.change_window``); a window not listed is shown as written.
WINDOWS: frozenset[str] = frozenset({N_("since 00:00 UTC")})
# What the A-share breadth counts (``services.models.snapshot.BREADTH_SCOPE``).
SCOPES: frozenset[str] = frozenset({N_("SSE + SZSE (BSE not included)")})
_COUNTED = re.compile(r"^(?P<head>.+) \((?P<shown>\d+) of (?P<count>\d+)\)$")


def tr() -> Translator:
    return translator(style.current().language)


def fig() -> fmt.Figures:
    """``services.format``'s figures in the render's language (``+5.63亿美元``)."""
    return fmt.figures(style.current().language)


def word(value: str) -> str:
    """One of the analysis' fixed words (a signal, a state, a reading) in the render's
    language (``services.i18n.vocabulary``)."""
    return _word(value, tr())


def local(text: object) -> str:
    """A sentence or a name the analysis wrote (``services.i18n.text``) in the render's
    language; the data's own words as they are."""
    return localise(text, tr())


def group(label: str) -> str:
    """A market group heading in the render's language."""
    return tr().gettext(label) if label in GROUPS else label


def title(text: str) -> str:
    """A page or panel title in the render's language; "Title (top 5 of 9)" keeps its
    parenthesis."""
    t = tr()
    if t.language == "en":
        return text
    if text in PAGE_TITLES or text in PANEL_TITLES:
        return t.gettext(text)
    counted = _COUNTED.match(text)
    if counted and counted["head"] in PANEL_TITLES:  # "Largest divergences · … (3 of 9)"
        return t.gettext(counted["head"]) + t.gettext(" ({shown} of {count})",
                                                      shown=counted["shown"],
                                                      count=counted["count"])
    head, sep, rest = text.partition(" (")
    if sep and head in PANEL_TITLES:
        return f"{t.gettext(head)} ({rest}"
    return text


def market_code(code: str) -> str:
    """``US``, ``HK``, ``CN`` in the render's language (``美股``, ``港股``, ``A股``)."""
    return tr().gettext(MARKET_CODES[code]) if code in MARKET_CODES else code


def window(text: str) -> str:
    """A coin's change window (``since 00:00 UTC``) in the render's language."""
    return tr().gettext(text) if text in WINDOWS else text


def scope(text: str) -> str:
    """What a figure counts (``SSE + SZSE (BSE not included)``) in the render's language."""
    return tr().gettext(text) if text in SCOPES else text
