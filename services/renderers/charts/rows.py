"""The workhorse panel: one row per figure, as a table a trader can read at a glance.

    label (and a small second line)  |  bar from zero, coloured by sign  |  ▲ +0.59%

The value column is printed text from ``services.format``, so a chart and the text report show
the same figure. A row without a value has no bar and says "not available"; a flagged figure
(an anomaly) has no bar either, because its size would flatten every other bar, and is marked
with ⚠. A closed or stale market's bar is grey and the row says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.patches import Rectangle

from services.renderers.charts import style, words
from services.renderers.charts.canvas import (
    NOT_AVAILABLE,
    Frame,
    Panel,
    fit,
    text,
    wrap,
    wrapped_height,
)


@dataclass(frozen=True)
class Row:
    label: str
    value: float | None = None  # the bar's length, in the panel's unit; None: no bar
    text: str = ""  # the value column, already formatted
    sub: str = ""  # a small second line under the label
    digits: int = 2  # decimals of the printed value: its sign decides the colour
    start: float = 0.0  # where the bar starts (waterfalls); 0 for ordinary bars
    muted: bool = False  # closed or stale: grey bar
    anomaly: bool = False  # flagged figure: no bar, ⚠
    colour: str | None = None  # fixed bar colour (gaps have a size, not a direction)
    note: str = ""  # words in the bar area, e.g. "closed"
    group: bool = False  # a heading row for the rows under it
    strong: bool = False  # bold row (totals)
    joined: bool = False  # a dotted line from the previous bar's end (waterfalls)


@dataclass(frozen=True)
class Columns:
    """Where a row's label ends, its bar runs, and its value starts, in inches."""

    label_right: float = style.LABEL_RIGHT_IN
    bar_left: float = style.BAR_LEFT_IN
    bar_right: float = style.BAR_RIGHT_IN
    value_left: float = style.VALUE_LEFT_IN


DEFAULT_COLUMNS = Columns()
# For rows whose labels are pairs ("USDT supply vs USDC supply").
WIDE_LABELS = Columns(label_right=2.2, bar_left=2.3, bar_right=3.7, value_left=3.8)


def signed(text: str, value: float | None, digits: int = 2) -> str:
    """``+0.59%`` → ``▲ +0.59%``: the arrow repeats the sign in a shape."""
    mark = style.arrow(value, digits)
    return f"{mark} {text}" if mark else text


def _row_height(row: Row, with_sub: bool) -> float:
    if row.group:
        return style.GROUP_IN
    return style.ROW_WITH_SUB_IN if with_sub else style.ROW_IN


def rows_panel(key: str, title: str, rows: Sequence[Row], notes: Sequence[str] = (),
               max_rows: int = style.MAX_ROWS, columns: Columns = DEFAULT_COLUMNS) -> Panel:
    """A bar panel, ``rows`` beyond ``max_rows`` counted in a note rather than drawn."""
    shown = list(rows[:max_rows])
    hidden = sum(1 for r in rows[max_rows:] if not r.group)
    notes = list(notes) + ([f"{hidden} more not shown"] if hidden else [])
    with_sub = any(r.sub for r in shown)
    inner = style.WIDTH_IN - 2 * style.MARGIN_IN
    note_lines = [line for n in notes for line in wrap(n, inner, style.SMALL_PT)]
    body = sum(_row_height(r, with_sub) for r in shown)
    notes_h = wrapped_height(len(note_lines), style.SMALL_PT) + 0.06 if note_lines else 0.0
    height = style.HEADING_IN + body + notes_h

    def draw(frame: Frame) -> None:
        _draw_rows(frame, shown, with_sub, height - style.HEADING_IN, columns)
        y = notes_h - 0.06
        for line in note_lines:
            text(frame, style.MARGIN_IN, y, line, style.SMALL_PT, colour=style.SOFT_INK, va="top")
            y -= wrapped_height(1, style.SMALL_PT)

    return Panel(key, title, height, draw)


class Scale:
    """Maps values onto the bar column, zero included."""

    def __init__(self, rows: Sequence[Row], columns: Columns = DEFAULT_COLUMNS) -> None:
        self.left, self.right = columns.bar_left, columns.bar_right
        ends = [0.0]
        for r in rows:
            if _has_bar(r) and r.value is not None:
                ends += [r.start, r.start + r.value]
        self.lo, self.hi = min(ends), max(ends)
        if self.hi == self.lo:
            self.lo, self.hi = -1.0, 1.0

    def x(self, value: float) -> float:
        span = self.right - self.left
        return self.left + (value - self.lo) / (self.hi - self.lo) * span


def _has_bar(row: Row) -> bool:
    return not row.group and not row.anomaly and row.value is not None


def _draw_rows(frame: Frame, rows: Sequence[Row], with_sub: bool, top: float, cols: Columns
               ) -> None:
    scale = Scale(rows, cols)
    label_w = cols.label_right - style.MARGIN_IN
    value_w = style.WIDTH_IN - style.MARGIN_IN - cols.value_left
    bar_w = cols.bar_right - cols.bar_left
    y_top = top
    spans: list[tuple[float, float]] = []
    previous: tuple[float, float] | None = None  # (x of the last bar's end, its y)
    for row in rows:
        h = _row_height(row, with_sub)
        if row.group:
            _group(frame, row, y_top, h)
            y_top -= h
            continue
        mid = y_top - (0.12 if with_sub else h / 2)
        spans.append((y_top - h, y_top))
        weight = "bold" if row.strong else "normal"
        label = f"{style.WARN} {row.label}" if row.anomaly else row.label
        text(frame, cols.label_right, mid, fit(label, label_w, style.BODY_PT, row.strong),
             ha="right", weight=weight, colour=style.ANOMALY if row.anomaly else style.INK)
        if row.sub:
            text(frame, cols.label_right, mid - 0.15, fit(row.sub, label_w, style.SMALL_PT),
                 style.SMALL_PT, ha="right", colour=style.SOFT_INK)
        value_colour = style.ANOMALY if row.anomaly else (
            row.colour or style.sign_colour(row.value, row.digits, row.muted))
        text(frame, cols.value_left, mid, fit(_value_text(row), value_w, style.BODY_PT, bold=True),
             weight="bold", colour=value_colour)
        words = row.note or _bar_words(row)
        if _has_bar(row) and row.value is not None:
            x0, x1 = scale.x(row.start), scale.x(row.start + row.value)
            frame.add_patch(Rectangle((min(x0, x1), mid - 0.065), max(abs(x1 - x0), 0.012), 0.13,
                                   facecolor=value_colour, edgecolor="none"))
            if row.joined and previous is not None:
                frame.vlines(previous[0], mid + 0.065, previous[1] - 0.065, colors=style.SOFT_INK,
                          linewidth=0.8, linestyles=":")
            previous = (x1, mid)
            if words:
                # Words go on the side of zero that the bar leaves free.
                right = row.value < 0
                text(frame, scale.x(0) + (0.05 if right else -0.05), mid, words, style.SMALL_PT,
                     colour=style.SOFT_INK, italic=True, ha="left" if right else "right")
        elif words:
            text(frame, cols.bar_left + bar_w / 2, mid, fit(words, bar_w, style.SMALL_PT),
                 style.SMALL_PT, colour=style.ANOMALY if row.anomaly else style.SOFT_INK,
                 italic=True, ha="center", zorder=3, bbox=_BLANK)
        y_top -= h
    if spans and any(_has_bar(r) for r in rows):
        zero = scale.x(0)
        frame.vlines(zero, min(s[0] for s in spans) + 0.03, max(s[1] for s in spans) - 0.03,
                  colors=style.SOFT_INK, linewidth=0.8)


# Words in the bar column sit on paper, so the zero line does not run through them.
_BLANK = {"facecolor": style.PAPER, "edgecolor": "none", "pad": 1.5}


def _value_text(row: Row) -> str:
    if row.anomaly:
        return f"{style.WARN} " + words.tr().gettext("flagged")
    return row.text or words.fig().missing


def _bar_words(row: Row) -> str:
    if row.anomaly:
        return row.text
    if row.value is None:
        return words.tr().gettext(NOT_AVAILABLE)
    return ""


def _group(frame: Frame, row: Row, y_top: float, h: float) -> None:
    mid = y_top - h / 2 - 0.01
    text(frame, style.MARGIN_IN, mid, words.group(row.label).upper(), style.SMALL_PT,
         weight="bold", colour=style.SOFT_INK)
    if row.note:
        width = style.WIDTH_IN - 2 * style.MARGIN_IN
        text(frame, style.WIDTH_IN - style.MARGIN_IN, mid, fit(row.note, width * 0.7,
             style.SMALL_PT), style.SMALL_PT, colour=style.SOFT_INK, italic=True, ha="right")
    frame.divider(y_top - h + 0.02)
