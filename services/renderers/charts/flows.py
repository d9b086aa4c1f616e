"""Capital flows: how the stablecoin net was built, and the day's flow map as a diagram."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services.models.analysis import Analysis, FlowNode
from services.renderers.charts import style, words
from services.renderers.charts.canvas import (
    Chart,
    Frame,
    Page,
    Panel,
    box,
    missing_panel,
    render,
    text,
    wrap,
    wrapped_height,
)
from services.renderers.charts.crypto import stablecoin_rows
from services.renderers.charts.labels import data_dates, dated_title, footer
from services.renderers.charts.rows import Row, rows_panel, signed


def waterfall_rows(analysis: Analysis) -> list[Row]:
    """Each coin's bar starts where the previous one ended, so the last bar ends at the net.
    Without a complete net (a coin's change unknown), or with more coins than fit, the coins
    are plain bars instead."""
    summary = analysis.crypto.stablecoins
    coins = style.MAX_ROWS - 1
    if summary.net_change_usd is None or len(summary.flows) > coins:
        return stablecoin_rows(summary, limit=coins)  # the net row is always among them
    rows: list[Row] = []
    level = 0.0
    t, F = words.tr(), words.fig()
    for f in summary.flows:
        change = f.change_usd if f.change_usd is not None else 0.0
        rows.append(Row(f.symbol, change, signed(F.usd(change, signed=True), change, 0),
                        digits=0, start=level, joined=bool(rows),
                        sub=t.gettext("{change} to {supply}", change=F.pct(f.change_pct, 3),
                                      supply=F.usd(f.supply_usd))))
        level += change
    net = summary.net_change_usd
    rows.append(Row(t.gettext("Net"), net, signed(F.usd(net, signed=True), net, 0), digits=0,
                    sub=words.word(summary.reading), strong=True, joined=True))
    return rows


def waterfall_panel(analysis: Analysis) -> Panel:
    title = "Stablecoin supply · how the net change adds up"
    if not analysis.crypto.stablecoins.flows:
        return missing_panel("stablecoin_flow", title,
                             words.tr().gettext("no stablecoin supply in this snapshot"))
    rows = waterfall_rows(analysis)
    return rows_panel("stablecoin_flow", title, rows, max_rows=len(rows))


ROOT_W = 1.12
CHILD_X = style.MARGIN_IN + ROOT_W + 0.28
CHILD_W = style.WIDTH_IN - style.MARGIN_IN - CHILD_X
INDENT = 0.16
LINE = wrapped_height(1, style.SMALL_PT)


@dataclass(frozen=True)
class _Line:
    depth: int
    label: str
    detail: list[str]

    @property
    def height(self) -> float:
        return LINE * (1 + len(self.detail)) + 0.06


def _flatten(nodes: Sequence[FlowNode], depth: int = 0) -> list[_Line]:
    found = []
    for node in nodes:
        width = CHILD_W - depth * INDENT
        detail = wrap(words.local(node.detail), width, style.SMALL_PT)[:3] if node.detail \
            else []
        found.append(_Line(depth, words.local(node.label), detail))
        found += _flatten(node.children, depth + 1)
    return found


def _root_width(root: FlowNode) -> float:
    """A root with children is a box on the left; one without spans the page."""
    return ROOT_W if root.children else style.WIDTH_IN - 2 * style.MARGIN_IN


def _root_height(root: FlowNode) -> tuple[list[str], list[_Line], float]:
    width = _root_width(root)
    detail = wrap(words.local(root.detail), width - 0.12, style.SMALL_PT)[:4] if root.detail \
        else []
    children = _flatten(root.children)
    own = 0.1 + LINE * (1 + len(detail))
    return detail, children, max(own, sum(c.height for c in children)) + 0.08


def flow_map_panel(analysis: Analysis) -> Panel:
    title = "Flow map · where money moved"
    if not analysis.flows:
        return missing_panel("flow_map", title, words.tr().gettext("no flows in this snapshot"))
    laid = [(root, *_root_height(root)) for root in analysis.flows]
    height = style.HEADING_IN + sum(h for *_, h in laid)

    def draw(frame: Frame) -> None:
        y = height - style.HEADING_IN
        for i, (root, detail, children, h) in enumerate(laid):
            own = 0.1 + LINE * (1 + len(detail))
            root_top = y - 0.02
            frame.add_patch(box(style.MARGIN_IN, root_top - own, _root_width(root), own))
            text(frame, style.MARGIN_IN + 0.06, root_top - 0.05, words.local(root.label),
                 style.BODY_PT,
                 weight="bold", va="top")
            line_y = root_top - 0.05 - LINE - 0.02
            for line in detail:
                text(frame, style.MARGIN_IN + 0.06, line_y, line, style.SMALL_PT,
                     colour=style.SOFT_INK, va="top")
                line_y -= LINE
            child_y = y - 0.02
            joint = style.MARGIN_IN + ROOT_W + 0.12
            if children:
                frame.plot([style.MARGIN_IN + ROOT_W, joint], [root_top - 0.12] * 2,
                        color=style.RULE, linewidth=1.2)
            for child in children:
                x = CHILD_X + child.depth * INDENT
                anchor = child_y - 0.1
                if child.depth == 0:
                    frame.plot([joint, joint, x - 0.04], [root_top - 0.12, anchor, anchor],
                            color=style.RULE, linewidth=1.2)
                else:
                    text(frame, x - 0.12, anchor, "└", style.SMALL_PT, colour=style.SOFT_INK)
                text(frame, x, child_y - 0.04, child.label, style.SMALL_PT, weight="bold",
                     va="top")
                line_y = child_y - 0.04 - LINE
                for line in child.detail:
                    text(frame, x, line_y, line, style.SMALL_PT, colour=style.SOFT_INK, va="top")
                    line_y -= LINE
                child_y -= child.height
            y -= h
            if i < len(laid) - 1:
                frame.divider(y + 0.03, linewidth=0.5)

    return Panel("flow_map", title, height, draw)


def build(analysis: Analysis) -> Chart:
    summary = analysis.crypto.stablecoins
    t = words.tr()
    subtitle = t.gettext("Stablecoins net {amount} ({reading})",
                         amount=words.fig().usd(summary.net_change_usd, signed=True),
                         reading=words.word(summary.reading)) \
        if summary.net_change_usd is not None else t.gettext("Stablecoin net change not available")
    return render(Page(dated_title("Capital flows", analysis), subtitle,
                       [waterfall_panel(analysis), flow_map_panel(analysis)],
                       footer(analysis), dates=data_dates(analysis)))
