"""Chart names → the function that draws each one, and the synchronous render calls."""

from __future__ import annotations

from collections.abc import Callable

from matplotlib.figure import Figure

from services.errors import UnknownChartError
from services.models.analysis import Analysis
from services.renderers.charts import breadth, crypto, dashboard, divergences, flows, sentiment
from services.renderers.charts.png import to_png

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
    """The chart as a matplotlib Figure, before encoding (tests read its structure)."""
    return BUILDERS[check_name(name)](analysis)


def render_chart(name: str, analysis: Analysis) -> bytes:
    return to_png(build_figure(name, analysis))


def render_all(analysis: Analysis) -> dict[str, bytes]:
    return {name: render_chart(name, analysis) for name in CHART_NAMES}
