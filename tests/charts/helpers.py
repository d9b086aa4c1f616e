"""Reading a chart Figure back: its panels, their texts and their bars."""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from services.renderers.charts.canvas import panel_titles


def panel(fig: Figure, key: str) -> Axes:
    return next(ax for ax in fig.axes if ax.get_label() == key)


def panel_keys(fig: Figure) -> list[str]:
    return list(panel_titles(fig))


def texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


def all_texts(fig: Figure) -> str:
    return "\n".join([ax.get_title(loc="left") for ax in fig.axes]
                     + [t for ax in fig.axes for t in texts(ax)])


def bars(ax: Axes) -> list[Rectangle]:
    return [p for p in ax.patches if type(p) is Rectangle]
