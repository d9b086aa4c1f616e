"""The one image that carries the day: moves, stablecoins, DeFi categories, divergences."""

from __future__ import annotations

from services.models.analysis import Analysis
from services.renderers.charts.canvas import Chart, Page, edition_title, render
from services.renderers.charts.crypto import category_panel, stablecoin_panel
from services.renderers.charts.divergences import gap_panel
from services.renderers.charts.labels import footer
from services.renderers.charts.markets import cross_market_panel


def subtitle(analysis: Analysis) -> str:
    sentiment = analysis.sentiment
    return f"Risk sentiment: {sentiment.verdict.value} · {sentiment.verdict_reason}"


def build(analysis: Analysis) -> Chart:
    panels = [cross_market_panel(analysis), stablecoin_panel(analysis, detail=False),
              category_panel(analysis, detail=False), gap_panel(analysis)]
    return render(Page(edition_title("Daily market brief", analysis.edition_date),
                       subtitle(analysis), panels, footer(analysis, full=True)))
