"""Risk sentiment and the transmission chain US → Hong Kong → A-shares, with BTC against each."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from services.analysis.moves import MARKET_LABEL
from services.i18n import N_
from services.models.analysis import Analysis, ChainLink, LinkState, Move, Timing
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
    text_width_in,
    wrap,
    wrapped_height,
)
from services.renderers.charts.labels import data_dates, dated_title, footer, move_label
from services.renderers.charts.rows import WIDE_LABELS, Row, rows_panel, signed

BOX_W = 0.92
BOX_H = 0.66
# Solid arrows for a lead that was followed, dashed where it broke, grey where not comparable;
# markets trading in the same hours are joined by a line without a head (no lead).
ARROW_STYLE = {LinkState.FOLLOWED: "-", LinkState.AMPLIFIED: "-", LinkState.BROKEN: "--",
               LinkState.MUTED: ":", LinkState.NO_LEAD: ":", LinkState.NOT_COMPARABLE: ":",
               LinkState.TOGETHER: "-", LinkState.APART: "--"}
NO_LEAD_STATES = (LinkState.TOGETHER, LinkState.APART)


def headline_panel(analysis: Analysis) -> Panel:
    rows = []
    for r in analysis.sentiment.rows:
        move = r.move
        change = move.change_pct if move else None
        muted = bool(move and (move.closed or move.stale))
        rows.append(Row(row_label(r.market, r.label, move), change,
                        signed(words.fig().pct(change), change), sub=words.word(r.signal),
                        muted=muted))
    title = "Headline moves · 1-day change"
    if not any(r.value is not None for r in rows):
        return missing_panel("headlines", title,
                             words.tr().gettext("no headline index moves in this snapshot"))
    return rows_panel("headlines", title, rows, columns=WIDE_LABELS)


def row_label(market: str, label: str, move: Move | None) -> str:
    """A headline row: ``US S&P 500`` in English, ``美股 标普500`` in Chinese."""
    t = words.tr()
    if t.language == "en" or move is None:
        return label
    own = move_label(move)
    return own if market == "CRYPTO" else f"{words.group(MARKET_LABEL.get(market, market))} {own}"


def chain_nodes(links: Sequence[ChainLink]) -> list[Move | None]:
    """The markets along the chain, in order: each link's leader, then the last follower."""
    nodes: list[Move | None] = [link.leader for link in links]
    return [*nodes, links[-1].follower] if links else nodes


# The markets at each end of a link, for boxes whose move is missing.
LINK_MARKETS = {"us_hk": ("US", "HK"), "hk_cn": ("HK", "CN")}


def chain_markets(links: Sequence[ChainLink]) -> list[str]:
    def market(move: Move | None, key: str, end: int) -> str:
        return move.market if move else LINK_MARKETS.get(key, ("", ""))[end]

    found = [market(link.leader, link.key, 0) for link in links]
    return [*found, market(links[-1].follower, links[-1].key, 1)] if links else found


def _node_box(frame: Frame, x: float, y: float, move: Move | None, market: str) -> None:
    change = move.change_pct if move else None
    muted = bool(move and (move.closed or move.stale))
    edge = style.sign_colour(change, muted=muted)
    frame.add_patch(FancyBboxPatch((x, y), BOX_W, BOX_H, boxstyle="round,pad=0,rounding_size=0.06",
                                facecolor=style.PANEL, edgecolor=edge, linewidth=1.6))
    centre = x + BOX_W / 2
    t, F = words.tr(), words.fig()
    status = (" · " + t.gettext("stale") if move and move.stale else
              (" · " + t.gettext("closed") if muted else ""))
    heading = words.group(MARKET_LABEL.get(market, market)) + status
    if text_width_in(heading, style.SMALL_PT) > BOX_W - 0.06:
        heading = words.market_code(market) + status  # "HK · closed"
    text(frame, centre, y + BOX_H - 0.12, heading, style.SMALL_PT, colour=style.SOFT_INK,
         ha="center")
    name = move_label(move) if move else F.missing
    text(frame, centre, y + BOX_H / 2, fit(name, BOX_W - 0.06, style.BODY_PT), ha="center")
    shown = signed(F.pct(change), change) if change is not None else F.missing
    text(frame, centre, y + 0.12, fit(shown, BOX_W - 0.04, style.SMALL_PT, bold=True),
         style.SMALL_PT, weight="bold", colour=edge, ha="center")


def chain_panel(analysis: Analysis) -> Panel:
    links = analysis.sentiment.links
    title = "Transmission chain · did the lead carry?"
    t = words.tr()
    if not links:
        return missing_panel("chain", title,
                             t.gettext("no chain without US, Hong Kong and A-share moves"))
    nodes = chain_nodes(links)
    if all(m is None or m.change_pct is None for m in nodes):
        return missing_panel("chain", title, t.gettext("no US, Hong Kong or A-share moves"))
    markets = chain_markets(links)
    inner = style.WIDTH_IN - 2 * style.MARGIN_IN
    gap = (inner - len(nodes) * BOX_W) / max(len(nodes) - 1, 1)
    notes = [f"{_pair(link)}: {_timing_words(link)}"
             + (f" · {words.local(link.note)}" if link.note else "") for link in links]
    note_lines = [line for n in notes for line in wrap(n, inner, style.SMALL_PT)]
    height = style.HEADING_IN + BOX_H + 0.16 + wrapped_height(len(note_lines), style.SMALL_PT)

    def draw(frame: Frame) -> None:
        y = height - style.HEADING_IN - BOX_H - 0.04
        for i, (move, market) in enumerate(zip(nodes, markets, strict=True)):
            _node_box(frame, style.MARGIN_IN + i * (BOX_W + gap), y, move, market)
        for i, link in enumerate(links):
            x0 = style.MARGIN_IN + i * (BOX_W + gap) + BOX_W + 0.03
            x1 = x0 + gap - 0.06
            mid_y = y + BOX_H / 2
            head = "-" if link.state in NO_LEAD_STATES else "-|>"
            frame.add_patch(FancyArrowPatch((x0, mid_y), (x1, mid_y), arrowstyle=head,
                                         mutation_scale=9, linewidth=1.4,
                                         linestyle=ARROW_STYLE[link.state],
                                         color=style.INK if link.spread_pp is not None
                                         else style.MUTED))
            centre = (x0 + x1) / 2
            state = wrap(words.word(link.state.value), gap, style.SMALL_PT)
            for j, line in enumerate(state):
                text(frame, centre, mid_y + 0.11 + 0.13 * (len(state) - 1 - j), line,
                     style.SMALL_PT, weight="bold", ha="center")
            if link.spread_pp is not None:
                text(frame, centre, mid_y - 0.12, words.fig().pp(link.spread_pp), style.SMALL_PT,
                     colour=style.sign_colour(link.spread_pp), ha="center")
        line_y = y - 0.1
        for line in note_lines:
            text(frame, style.MARGIN_IN, line_y, line, style.SMALL_PT, colour=style.SOFT_INK,
                 va="top")
            line_y -= wrapped_height(1, style.SMALL_PT)

    return Panel("chain", title, height, draw)


def _pair(link: ChainLink) -> str:
    leader, follower = chain_markets([link])
    a = words.group(MARKET_LABEL.get(leader, leader))
    b = words.group(MARKET_LABEL.get(follower, follower))
    if link.state in NO_LEAD_STATES:
        return words.tr().gettext("{a} and {b}", a=a, b=b)
    return f"{a} → {b}"


def _timing_words(link: ChainLink) -> str:
    """Which sessions a link reads: the US session that closed before HK's opened, or two
    markets trading in the same hours."""
    t, F = words.tr(), words.fig()
    if link.timing is Timing.NEXT_SESSION and link.leader and link.follower:
        return t.gettext("{us} {us_day} closed before {hk} {hk_day} opened",
                         us=words.market_code("US"), us_day=F.day(link.leader.session),
                         hk=words.market_code("HK"), hk_day=F.day(link.follower.session))
    if link.timing is Timing.SAME_HOURS:
        return t.gettext("same hours, neither leads")
    return t.gettext(TIMINGS[link.timing]) if link.timing in TIMINGS else (
        link.timing.value if link.timing else t.gettext("timing unknown"))


# Which sessions a link reads, where no dates say it (``Timing``).
TIMINGS = {Timing.NEXT_SESSION: N_("next session"), Timing.SAME_DATE: N_("same date"),
           Timing.OLDER: N_("older")}


def crypto_links_panel(analysis: Analysis) -> Panel:
    sentiment = analysis.sentiment
    title = "BTC against equities · gap in pp (BTC minus index)"
    t = words.tr()
    if not sentiment.crypto_links:
        return missing_panel("btc_links", title,
                             t.gettext("no BTC move or no current equity move"))
    windows = {link.window for link in sentiment.crypto_links}
    if len(windows) == 1 and all(link.matched for link in sentiment.crypto_links):
        title = f"BTC minus index, pp ({words.local(windows.pop())})"  # "(UTC day 2026-03-20)"
    rows = [Row(t.gettext("{a} vs {b}", a="BTC", b=move_label(link.equity)), link.spread_pp,
                words.fig().pp(link.spread_pp),
                sub=words.word(link.state.value) if link.matched
                else t.gettext("{state} · 24 h", state=words.word(link.state.value)))
            for link in sentiment.crypto_links]
    return rows_panel("btc_links", title, rows, columns=WIDE_LABELS)


def build(analysis: Analysis) -> Chart:
    sentiment = analysis.sentiment
    subtitle = words.tr().gettext("Verdict: {verdict} · {reason}",
                                  verdict=words.word(sentiment.verdict.value),
                                  reason=words.local(sentiment.verdict_reason))
    panels = [headline_panel(analysis), chain_panel(analysis), crypto_links_panel(analysis)]
    return render(Page(dated_title("Risk sentiment", analysis), subtitle, panels,
                       footer(analysis), dates=data_dates(analysis)))
