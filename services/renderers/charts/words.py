"""The charts' own words (page and panel titles, the colour key, the footer), in the language
of the render under way (``style.current()``), from the gettext catalogs.

Titles are written in English where the charts are built; a title listed here is shown
translated, one that is not stays as written (add it here and to the catalogs). The sentences
of subtitles and notes come from the analysis and are translated with the report's sentences.
"""

from __future__ import annotations

from services.i18n import N_, Translator, translator
from services.renderers.charts import style

PAGE_TITLES: frozenset[str] = frozenset({
    N_("Daily market brief"), N_("Risk sentiment"), N_("Crypto & DeFi"),
    N_("A-share breadth"), N_("Divergences"), N_("Capital flows"),
})
PANEL_TITLES: frozenset[str] = frozenset({
    N_("Cross-market moves · 1-day change"), N_("Headline moves · 1-day change"),
    N_("Transmission chain · did the lead carry?"),
    N_("BTC against equities · gap in pp (BTC minus index)"),
    N_("Stablecoin supply · 1-day change in USD"),
    N_("DeFi TVL by category · average 1-day change"),
    N_("DeFi protocols · 1-day TVL change, by category"), N_("DEX volume · 1-day change"),
    N_("Crypto market"), N_("Other coins · 1-day change"),
    N_("Advancers against decliners"), N_("A-share indices · 1-day change"),
    N_("Turnover and northbound flow"), N_("Largest divergences · gap in pp"),
    N_("Divergences · both moves, and the gap between them"),
    N_("Stablecoin supply · how the net change adds up"), N_("Flow map · where money moved"),
})
# Market group headings (``services.analysis.moves.MARKET_LABEL``).
GROUPS: frozenset[str] = frozenset({N_("US"), N_("Hong Kong"), N_("A-shares"), N_("Crypto")})
KEY_UP = N_("▲ up")
KEY_DOWN = N_("▼ down")
KEY_MUTED = N_("grey: closed or n/a")
KEY_ANOMALY = N_("⚠ anomaly")


def tr() -> Translator:
    return translator(style.current().language)


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
    head, sep, rest = text.partition(" (")
    if sep and head in PANEL_TITLES:
        return f"{t.gettext(head)} ({rest}"
    return text
