"""Divergences: the gaps in pp between two moves, as the analysis ranked them."""

from __future__ import annotations

from collections.abc import Sequence

from services.i18n import N_
from services.models.analysis import Analysis, Divergence
from services.renderers.charts import style, words
from services.renderers.charts.canvas import (
    Chart,
    Frame,
    Page,
    Panel,
    fit,
    missing_panel,
    render,
    text,
    wrap,
    wrapped_height,
)
from services.renderers.charts.labels import data_dates, dated_title, footer
from services.renderers.charts.rows import WIDE_LABELS, Row, rows_panel, signed

# What kind of pair a divergence is, at the head of its explanation.
KIND_LABEL = {
    "cross_equity": N_("Across markets"),
    "crypto_equity": N_("Crypto vs equities"),
    "intra": N_("Inside one market"),
    "crypto_internal": N_("Inside crypto"),
    "stablecoin_supply": N_("Stablecoin supply"),
}
DASHBOARD_TOP = 5
NO_DIVERGENCES = N_("no pair of moves to compare")


def _digits(d: Divergence) -> int:
    return 3 if d.kind == "stablecoin_supply" else 2


def legs(d: Divergence) -> str:
    F = words.fig()
    return words.tr().gettext("{a} vs {b}", a=F.pct(d.a_pct, _digits(d)),
                              b=F.pct(d.b_pct, _digits(d)))


def pair(d: Divergence) -> str:
    """``BTC vs S&P 500`` (``比特币 vs 标普500``)."""
    return words.tr().gettext("{a} vs {b}", a=words.local(d.a_label), b=words.local(d.b_label))


def spread_text(d: Divergence) -> str:
    """``▼ -1.60 pp``: the first move minus the second, its sign in words and in a shape."""
    return signed(words.fig().pp(d.spread_pp), d.spread_pp)


def gap_panel(analysis: Analysis, top: int = DASHBOARD_TOP, detail: bool = False) -> Panel:
    """The largest divergences as bars of the first move minus the second, sign kept."""
    count = len(analysis.divergences)
    title = "Largest divergences · first minus second" + (
        f" ({top} of {count})" if count > top else "")
    if not analysis.divergences:
        return missing_panel("divergences", title, words.tr().gettext(NO_DIVERGENCES))
    rows = [Row(pair(d), d.spread_pp, spread_text(d),
                sub=legs(d) if detail else "") for d in analysis.divergences[:top]]
    return rows_panel("divergences", title, rows, columns=WIDE_LABELS)


ROW_IN = 0.62  # label, legs and one line of explanation
COLS = WIDE_LABELS


def _explanation(d: Divergence, width: float) -> list[str]:
    """The divergence's kind and the analysis' explanation, in at most two lines."""
    t = words.tr()
    kind = t.gettext(KIND_LABEL[d.kind]) if d.kind in KIND_LABEL else d.kind
    lines = wrap(f"{kind} — {words.local(d.explanation)}", width - 0.1, style.SMALL_PT)
    if len(lines) > 2:
        lines = [lines[0], fit(" ".join(lines[1:]), width - 0.1, style.SMALL_PT)]
    return lines


def dumbbell_panel(divergences: Sequence[Divergence]) -> Panel:
    """Each divergence as two dots on one % axis: ● the first-named move, ○ the second."""
    title = "Divergences · both moves, and first minus second"
    if not divergences:
        return missing_panel("divergences", title, words.tr().gettext(NO_DIVERGENCES))
    shown = list(divergences[:style.MAX_ROWS])
    inner = style.WIDTH_IN - 2 * style.MARGIN_IN
    explained = [_explanation(d, inner) for d in shown]
    heights = [ROW_IN + wrapped_height(len(lines) - 1, style.SMALL_PT) for lines in explained]
    legend_h = 0.22
    height = style.HEADING_IN + legend_h + sum(heights)
    values = [0.0] + [v for d in shown for v in (d.a_pct, d.b_pct)]
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.06 or 1.0
    lo, hi = lo - pad, hi + pad

    def x_of(value: float) -> float:
        return COLS.bar_left + (value - lo) / (hi - lo) * (COLS.bar_right - COLS.bar_left)

    def draw(frame: Frame) -> None:
        y = height - style.HEADING_IN - 0.06
        text(frame, COLS.bar_left, y, words.tr().gettext("● first named   ○ second named"),
             style.SMALL_PT,
             colour=style.SOFT_INK, va="top")
        y -= legend_h
        for i, (d, lines, h) in enumerate(zip(shown, explained, heights, strict=True)):
            mid = y - 0.12
            text(frame, COLS.label_right, mid, fit(pair(d),
                 COLS.label_right - style.MARGIN_IN, style.BODY_PT), ha="right")
            frame.vlines(x_of(0), mid - 0.2, mid + 0.14, colors=style.SOFT_INK, linewidth=0.8)
            text(frame, COLS.label_right, mid - 0.16, fit(legs(d),
                 COLS.label_right - style.MARGIN_IN, style.SMALL_PT),
                 style.SMALL_PT, colour=style.SOFT_INK, ha="right")
            xa, xb = x_of(d.a_pct), x_of(d.b_pct)
            frame.plot([xa, xb], [mid, mid], color=style.RULE, linewidth=3.2,
                    solid_capstyle="round", zorder=1)
            frame.plot([xa], [mid], marker="o", markersize=6.5, linestyle="none", zorder=3,
                    color=style.sign_colour(d.a_pct, _digits(d)))
            frame.plot([xb], [mid], marker="o", markersize=6.5, linestyle="none", zorder=3,
                    markerfacecolor=style.PAPER, markeredgewidth=1.6,
                    markeredgecolor=style.sign_colour(d.b_pct, _digits(d)))
            text(frame, COLS.value_left, mid, spread_text(d), weight="bold",
                 colour=style.sign_colour(d.spread_pp))
            line_y = mid - 0.34
            for line in lines:
                text(frame, style.MARGIN_IN + 0.1, line_y, line, style.SMALL_PT,
                     colour=style.SOFT_INK, italic=True)
                line_y -= wrapped_height(1, style.SMALL_PT)
            y -= h
            if i < len(shown) - 1:
                frame.divider(y + 0.03, linewidth=0.5)

    return Panel("divergences", title, height, draw)


def build(analysis: Analysis) -> Chart:
    count = len(analysis.divergences)
    t = words.tr()
    subtitle = t.ngettext("{n} divergence, largest first", "{n} divergences, largest first",
                          count) if count else t.gettext("No divergences")
    return render(Page(dated_title("Divergences", analysis), subtitle,
                       [dumbbell_panel(analysis.divergences)], footer(analysis),
                       dates=data_dates(analysis)))
