"""Charts as PNG bytes, rendered from an ``Analysis`` (never recomputed).

    CHART_NAMES                       the charts, dashboard first
    render_chart(name, analysis)      one PNG; ``UnknownChartError`` for a bad name
    render_all(analysis)              every PNG, by name
    render_chart_async / render_all_async
                                      the same off the event loop
    ChartPool                         the worker processes for those (see ``runner``)
    build_chart(name, analysis)       the Figure and its panels before encoding (tests)

Same analysis, same bytes: no timestamps or versions in the files (see ``png``).
"""

from services.renderers.charts.registry import (
    CHART_NAMES,
    build_chart,
    check_name,
    render_all,
    render_chart,
)
from services.renderers.charts.runner import ChartPool, render_all_async, render_chart_async

__all__ = ["CHART_NAMES", "ChartPool", "build_chart", "check_name", "render_all",
           "render_all_async", "render_chart", "render_chart_async"]
