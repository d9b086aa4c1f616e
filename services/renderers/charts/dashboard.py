"""The day on one phone screen, and its details on a second image.

``dashboard``: each market's headline move with its last 60 sessions and today's z (see
``sparklines``), and the largest divergences; at most 1080 × 1920 px, so a phone shows it whole.
``details``: what does not fit there: every index and coin, stablecoin supply, DeFi TVL by
category and more divergences.
"""

from __future__ import annotations

from services.i18n import N_
from services.models.analysis import Analysis
from services.renderers.charts import style, words
from services.renderers.charts.canvas import Chart, Page, render
from services.renderers.charts.crypto import category_panel, stablecoin_panel
from services.renderers.charts.divergences import gap_panel
from services.renderers.charts.labels import data_dates, dated_title, footer
from services.renderers.charts.markets import cross_market_panel
from services.renderers.charts.sparklines import market_panels
from services.renderers.words import VERDICTS

MAX_HEIGHT_PX = 1920  # a portrait phone screen at the page's 1080 px width
DASHBOARD_DIVERGENCES = 3
SIGMA_NOTE = N_("σ: the day's move over the standard deviation of the 60 daily moves before it "
                 "· % of days: its rank among the last year's daily moves")
DETAIL_DIVERGENCES = 8


def subtitle(analysis: Analysis) -> str:
    """The verdict (a word of the render's language) and its reason (the analysis' sentence)."""
    sentiment = analysis.sentiment
    t = words.tr()
    verdict = sentiment.verdict.value
    return t.gettext("Risk sentiment: {verdict} · {reason}",
                     verdict=t.gettext(VERDICTS[verdict]) if verdict in VERDICTS else verdict,
                     reason=words.local(sentiment.verdict_reason))


def build(analysis: Analysis) -> Chart:
    panels = [*market_panels(analysis), gap_panel(analysis, top=DASHBOARD_DIVERGENCES)]
    notes = (words.tr().gettext(SIGMA_NOTE),)
    return render(Page(dated_title("Daily market brief", analysis), subtitle(analysis), panels,
                       footer(analysis, full=True, notes=notes), dates=data_dates(analysis),
                       max_height_in=MAX_HEIGHT_PX / style.DPI))


def build_details(analysis: Analysis) -> Chart:
    panels = [cross_market_panel(analysis), stablecoin_panel(analysis, detail=False),
              category_panel(analysis, detail=False),
              gap_panel(analysis, top=DETAIL_DIVERGENCES)]
    return render(Page(dated_title("Market details", analysis), subtitle(analysis), panels,
                       footer(analysis, full=True), dates=data_dates(analysis)))
