"""A-share breadth: advancers against decliners, with the index moves they should agree with."""

from __future__ import annotations

from matplotlib.patches import Rectangle

from services.models.analysis import Analysis, BreadthReading, EquityMarket
from services.models.snapshot import BREADTH_SCOPE
from services.renderers.charts import style, words
from services.renderers.charts.canvas import (
    NOT_AVAILABLE,
    Chart,
    Frame,
    Page,
    Panel,
    box,
    fit,
    missing_panel,
    render,
    text,
    wrap,
    wrapped_height,
)
from services.renderers.charts.labels import dated_title, footer, move_label
from services.renderers.charts.markets import market_rows
from services.renderers.charts.rows import rows_panel, signed

BAR_H = 0.3


def divergence_words(cn: EquityMarket, reading: BreadthReading) -> str:
    if not reading.divergence or reading.divergence_with is None:
        return ""
    move = next((m for m in cn.moves if m.id == reading.divergence_with), None)
    if move is None or move.change_pct is None:
        return ""
    F = words.fig()
    return words.tr().gettext(
        "{index} {change} with {share} of stocks advancing: the index and breadth disagree",
        index=move_label(move), change=signed(F.pct(move.change_pct), move.change_pct),
        share=F.pct(reading.advance_share_pct, 1, signed=False))


def breadth_panel(analysis: Analysis) -> Panel:
    cn = analysis.cn
    reading = cn.breadth
    title = "Advancers against decliners"
    F = words.fig()
    if reading is None or reading.advancers is None or reading.decliners is None:
        return missing_panel("breadth", title,
                             words.tr().gettext("no A-share breadth in this snapshot"))
    adv, dec, flat = reading.advancers, reading.decliners, reading.flat or 0
    inner = style.WIDTH_IN - 2 * style.MARGIN_IN
    summary = words.tr().gettext(
        "{scope} · {reading} · {share} advancing · A/D ratio {ratio} · session {day}",
        scope=words.scope(BREADTH_SCOPE), reading=words.word(reading.reading),
        share=F.pct(reading.advance_share_pct, 1, signed=False),
        ratio=F.ratio(reading.ad_ratio), day=F.day(reading.session))
    notes = [summary] + ([w] if (w := divergence_words(cn, reading)) else [])
    note_lines = [line for n in notes for line in wrap(n, inner, style.SMALL_PT)]
    height = style.HEADING_IN + 0.22 + BAR_H + 0.12 + wrapped_height(len(note_lines),
                                                                     style.SMALL_PT)

    def draw(frame: Frame) -> None:
        top = height - style.HEADING_IN
        bar_y = top - 0.2 - BAR_H
        total = adv + dec + flat
        x = style.MARGIN_IN
        for count, colour in ((adv, style.up()), (flat, style.MUTED), (dec, style.down())):
            width = inner * count / total if total else 0.0
            if width:
                frame.add_patch(Rectangle((x, bar_y), width, BAR_H, facecolor=colour,
                                       edgecolor=style.PAPER, linewidth=1.0))
            x += width
        t = words.tr()
        text(frame, style.MARGIN_IN, top - 0.08,
             f"{style.UP_ARROW} " + t.gettext("{n} up", n=F.count(adv)),
             weight="bold", colour=style.up())
        text(frame, style.WIDTH_IN - style.MARGIN_IN, top - 0.08,
             t.gettext("{n} down", n=F.count(dec)) + f" {style.DOWN_ARROW}", weight="bold",
             colour=style.down(), ha="right")
        if reading.flat is not None:
            text(frame, style.WIDTH_IN / 2, top - 0.08,
                 t.gettext("{n} flat", n=F.count(reading.flat)), colour=style.SOFT_INK,
                 ha="center")
        if total == 0:
            text(frame, style.WIDTH_IN / 2, bar_y + BAR_H / 2, t.gettext("no stocks counted"),
                 style.SMALL_PT, colour=style.SOFT_INK, italic=True, ha="center")
        y = bar_y - 0.1
        for line in note_lines:
            text(frame, style.MARGIN_IN, y, line, style.SMALL_PT, colour=style.SOFT_INK, va="top")
            y -= wrapped_height(1, style.SMALL_PT)

    return Panel("breadth", title, height, draw)


def index_panel(analysis: Analysis) -> Panel:
    title = "A-share indices · 1-day change"
    rows = market_rows(analysis.cn, indices_only=False)[1:]  # no group heading: one market
    if not any(r.value is not None for r in rows):
        return missing_panel("cn_indices", title,
                             words.tr().gettext("no A-share index moves in this snapshot"))
    return rows_panel("cn_indices", title, rows)


TILE_H = 0.62


def money_panel(analysis: Analysis) -> Panel:
    """Turnover and northbound flow as two figures, each saying why when it is missing."""
    cn = analysis.cn
    t, F = words.tr(), words.fig()
    north = F.cny(cn.northbound_net_cny, signed=True)
    north_note = words.local(cn.northbound_note) if cn.northbound_net_cny is None \
        else t.gettext("net, one day")
    tiles = ((t.gettext("Turnover"), F.cny(cn.turnover_cny),
              t.gettext("one day") if cn.turnover_cny is not None
              else t.gettext(NOT_AVAILABLE)),
             (t.gettext("Northbound"), north, north_note or t.gettext(NOT_AVAILABLE)))

    def draw(frame: Frame) -> None:
        gap = 0.1
        width = (style.WIDTH_IN - 2 * style.MARGIN_IN - gap) / 2
        for i, (name, figure, note) in enumerate(tiles):
            x = style.MARGIN_IN + i * (width + gap)
            frame.add_patch(box(x, 0.02, width, TILE_H))
            centre = x + width / 2
            text(frame, centre, TILE_H - 0.1, name, style.SMALL_PT, colour=style.SOFT_INK,
                 ha="center")
            text(frame, centre, TILE_H / 2 + 0.01, figure, style.HEADING_PT, weight="bold",
                 ha="center")
            text(frame, centre, 0.13, fit(note, width - 0.08, style.SMALL_PT), style.SMALL_PT,
                 colour=style.SOFT_INK, italic=True, ha="center")

    return Panel("money", "Turnover and northbound flow", style.HEADING_IN + TILE_H + 0.04, draw)


def build(analysis: Analysis) -> Chart:
    reading = analysis.cn.breadth
    t = words.tr()
    subtitle = t.gettext("Breadth {reading}", reading=words.word(reading.reading)) if reading \
        else t.gettext("Breadth not available")
    if analysis.cn.closed:
        subtitle += t.gettext(" · A-shares closed on the latest session")
    panels = [breadth_panel(analysis), index_panel(analysis), money_panel(analysis)]
    return render(Page(dated_title("A-share breadth", analysis, ("CN",)), subtitle,
                       panels, footer(analysis)))
