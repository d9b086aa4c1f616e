"""Reading a chart back: its panels, their texts and their bars."""

from __future__ import annotations

from matplotlib.patches import Rectangle

from services.renderers.charts.canvas import Chart, Frame


def panel(chart: Chart, key: str) -> Frame:
    return chart.frame(key)


def panel_keys(chart: Chart) -> list[str]:
    return list(chart.panels)


def texts(frame: Frame) -> list[str]:
    return [t.get_text() for t in frame.texts]


def all_texts(chart: Chart) -> str:
    return "\n".join(t for frame in chart.frames for t in texts(frame))


def bars(frame: Frame) -> list[Rectangle]:
    return [p for p in frame.patches if type(p) is Rectangle]
