"""Charts as PNG bytes, rendered from an ``Analysis`` (never recomputed).

    CHART_NAMES                      the charts, dashboard first
    render_chart(name, analysis)     one PNG; ``UnknownChartError`` for a bad name
    render_all(analysis)             every PNG, by name
    render_chart_async / render_all_async
                                     the same off the event loop (see ``runner``)
    build_figure(name, analysis)     the matplotlib Figure before encoding (tests, alt text)

Same analysis, same bytes: no timestamps or versions in the files (see ``png``).
"""

from __future__ import annotations

from collections.abc import Callable

from matplotlib.figure import Figure

from services.errors import UnknownChartError
from services.models.analysis import Analysis
from services.renderers.charts import (
    breadth,
    crypto,
    dashboard,
    divergences,
    flows,
    sentiment,
)
from services.renderers.charts.png import to_png
from services.renderers.charts.runner import render_all_async, render_chart_async

BUILDERS: dict[str, Callable[[Analysis], Figure]] = {
    "dashboard": dashboard.build,
    "sentiment": sentiment.build,
    "crypto": crypto.build,
    "breadth": breadth.build,
    "divergences": divergences.build,
    "flows": flows.build,
}
CHART_NAMES: tuple[str, ...] = tuple(BUILDERS)


def check_name(name: str) -> str:
    if name not in BUILDERS:
        raise UnknownChartError(name, CHART_NAMES)
    return name


def build_figure(name: str, analysis: Analysis) -> Figure:
    return BUILDERS[check_name(name)](analysis)


def render_chart(name: str, analysis: Analysis) -> bytes:
    return to_png(build_figure(name, analysis))


def render_all(analysis: Analysis) -> dict[str, bytes]:
    return {name: render_chart(name, analysis) for name in CHART_NAMES}


__all__ = ["CHART_NAMES", "build_figure", "check_name", "render_all", "render_all_async",
           "render_chart", "render_chart_async"]
