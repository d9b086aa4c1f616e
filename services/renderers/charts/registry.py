"""Chart names → the function that draws each one, and the synchronous render calls."""

from __future__ import annotations

from collections.abc import Callable

from services.errors import UnknownChartError
from services.models.analysis import Analysis
from services.renderers.charts import (
    breadth,
    crypto,
    dashboard,
    divergences,
    flows,
    sentiment,
    style,
)
from services.renderers.charts.canvas import Chart
from services.renderers.charts.png import to_png

BUILDERS: dict[str, Callable[[Analysis], Chart]] = {
    "dashboard": dashboard.build,
    "details": dashboard.build_details,
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


def build_chart(name: str, analysis: Analysis, look: style.Look | None = None) -> Chart:
    """The chart before encoding: its matplotlib Figure and its panels (tests read these),
    in ``look`` (its language and colours; English by default)."""
    with style.rendering(look or style.Look()):
        return BUILDERS[check_name(name)](analysis)


def render_chart(name: str, analysis: Analysis, look: style.Look | None = None) -> bytes:
    return to_png(build_chart(name, analysis, look).figure)


def render_all(analysis: Analysis, look: style.Look | None = None) -> dict[str, bytes]:
    return {name: render_chart(name, analysis, look) for name in CHART_NAMES}
