"""One panel per market: the headline's move, how unusual it is, and its last 60 sessions.

    US · S&P 500                                       session 2026-03-20
    ▼ -1.51%                 ╲_╱‾╲__╱‾‾╲___╱‾╲_____●  -2.1σ
    worse than 97% of 250 days              60 sessions · 6,506 to 6,944
    Nasdaq ▼ -2.01% · Dow ▼ -0.96%

The figures are ``Analysis.evidence`` (by quote id), read, never recomputed: the sparkline is
its ``recent`` closes, the marked last point is the session itself, labelled with its z (the
dotted line is the close before it). A
market without evidence shows its move and says "no history" in words where the line would
be; a move with too few sessions behind it for a z says so. Its words are in the render's
language (``words.tr()``); its figures are written as on every other chart.
"""

from __future__ import annotations

from services.analysis.moves import MARKET_LABEL
from services.models.analysis import Analysis, Evidence, Move
from services.renderers.charts import style, words
from services.renderers.charts.canvas import Frame, Panel, box, fit, text, text_width_in, wrap
from services.renderers.charts.labels import (
    crypto_window,
    equity_market,
    market_session,
    move_label,
)
from services.renderers.charts.rows import signed

MARKETS = ("US", "HK", "CN", "CRYPTO")
OTHERS = 2  # the market's other indices (or coins) named under the headline

BODY_IN = 0.82
LEFT_W = 1.72  # the figures column
LINE_LEFT = style.MARGIN_IN + LEFT_W + 0.1
LINE_RIGHT = style.WIDTH_IN - style.MARGIN_IN - 0.5  # room for the z label after the last point
LINE_TOP = BODY_IN - 0.04
LINE_BOTTOM = 0.34
MOVE_PT = 13.0


def headline(analysis: Analysis, market: str) -> Move | None:
    if market == "CRYPTO":
        return analysis.crypto.btc
    return equity_market(analysis, market).headline


def others(analysis: Analysis, market: str, main: Move | None) -> list[Move]:
    if market == "CRYPTO":
        crypto = analysis.crypto
        moves = [m for m in (crypto.eth, *crypto.others) if m is not None]
    else:
        moves = [m for m in equity_market(analysis, market).moves if m.kind in (None, "index")]
    return [m for m in moves if main is None or m.id != main.id][:OTHERS]


def session_words(analysis: Analysis, market: str, move: Move | None) -> str:
    if market == "CRYPTO":
        return crypto_window(analysis) or ""
    t = words.tr()
    day = market_session(analysis, market)
    if move is not None and (move.closed or move.stale):
        last = words.fig().day(move.session)
        return (t.gettext("stale · last session {day}", day=last) if move.stale
                else t.gettext("closed · last session {day}", day=last))
    return t.gettext("session {day}", day=words.fig().day(day)) if day is not None else ""


def rank_words(evidence: Evidence) -> str:
    """``worse than 97% of 250 days``: the percentile in words, with its n."""
    if evidence.percentile is None:
        return ""
    t = words.tr()
    better = evidence.percentile >= 50
    share = f"{evidence.percentile if better else 100 - evidence.percentile:.0f}"
    if better:
        return t.gettext("better than {share}% of {n} days", share=share, n=evidence.n_year)
    return t.gettext("worse than {share}% of {n} days", share=share, n=evidence.n_year)


def rank_line(move: Move | None, evidence: Evidence | None) -> str:
    """Under the move: how it ranks in the year, or why there is no z."""
    if move is None:
        return ""  # the line's place says so
    if move.change_pct is None:
        return words.tr().gettext("no move in this snapshot")
    if evidence is None:
        return ""
    if evidence.z is None:
        return words.tr().gettext("too few sessions for a z ({n})", n=evidence.n)
    return rank_words(evidence)


def _range_words(evidence: Evidence, market: str) -> str:
    closes = [c for _, c in evidence.recent]
    t, F = words.tr(), words.fig()
    if market == "CRYPTO":
        return t.gettext("{n} days · {low} to {high}", n=len(closes),
                         low=F.price_usd(min(closes)), high=F.price_usd(max(closes)))
    return t.gettext("{n} sessions · {low} to {high}", n=len(closes), low=F.level(min(closes)),
                     high=F.level(max(closes)))


def market_panel(analysis: Analysis, market: str) -> Panel:
    move = headline(analysis, market)
    label = words.group(MARKET_LABEL.get(market, market))
    title = f"{label} · {move_label(move)}" if move is not None else label
    evidence = analysis.evidence.get(move.id) if move is not None else None
    muted = bool(move and (move.closed or move.stale))
    change = move.change_pct if move is not None else None
    colour = style.sign_colour(change, muted=muted)

    def draw(frame: Frame) -> None:
        inner = style.WIDTH_IN - 2 * style.MARGIN_IN
        heading_w = text_width_in(frame.title, style.HEADING_PT, bold=True)
        note = fit(session_words(analysis, market, move), inner - heading_w - 0.15,
                   style.SMALL_PT)
        text(frame, style.WIDTH_IN - style.MARGIN_IN, frame.height - 0.06, note,
             style.SMALL_PT, colour=style.SOFT_INK, italic=True, ha="right", va="top")
        shown = (signed(words.fig().pct(change), change) if change is not None
                 else words.fig().missing)
        text(frame, style.MARGIN_IN, BODY_IN - 0.2, shown, MOVE_PT, weight="bold", colour=colour)
        ranked = rank_line(move, evidence)
        for i, line in enumerate(_two_lines(ranked, LEFT_W)):
            text(frame, style.MARGIN_IN, BODY_IN - 0.46 - i * 0.15, line, style.SMALL_PT)
        F = words.fig()
        rest = " · ".join(f"{move_label(m)} {signed(F.pct(m.change_pct), m.change_pct)}"
                          for m in others(analysis, market, move))
        if rest:
            text(frame, style.MARGIN_IN, 0.09, fit(rest, inner, style.SMALL_PT), style.SMALL_PT,
                 colour=style.SOFT_INK)
        if evidence is not None and len(evidence.recent) >= 2:
            _sparkline(frame, evidence, market, colour)
        else:
            reason = no_line(market, label, move, evidence)
            frame.add_patch(box(LINE_LEFT, LINE_BOTTOM, style.WIDTH_IN - style.MARGIN_IN
                                - LINE_LEFT, LINE_TOP - LINE_BOTTOM))
            text(frame, (LINE_LEFT + style.WIDTH_IN - style.MARGIN_IN) / 2,
                 (LINE_TOP + LINE_BOTTOM) / 2, fit(reason, style.WIDTH_IN - style.MARGIN_IN
                 - LINE_LEFT - 0.1, style.SMALL_PT), style.SMALL_PT,
                 colour=style.SOFT_INK, italic=True, ha="center")

    return Panel(f"market_{market.lower()}", title, style.HEADING_IN + BODY_IN, draw)


def no_line(market: str, label: str, move: Move | None, evidence: Evidence | None) -> str:
    """Said where the line would be: no quote, no history, or no session before this one."""
    t = words.tr()
    crypto = market == "CRYPTO"
    if move is None:
        return t.gettext("No {market} quote in this snapshot", market=label)
    if evidence is None:
        return (t.gettext("No history: no 60-day line, no z") if crypto
                else t.gettext("No history: no 60-session line, no z"))
    return (t.gettext("No history before this day") if crypto
            else t.gettext("No history before this session"))


def _two_lines(said: str, width: float) -> list[str]:
    lines = wrap(said, width, style.SMALL_PT)
    return lines if len(lines) <= 2 else [lines[0], fit(" ".join(lines[1:]), width,
                                                          style.SMALL_PT)]


def _sparkline(frame: Frame, evidence: Evidence, market: str, colour: str) -> None:
    closes = [c for _, c in evidence.recent]
    lo, hi = min(closes), max(closes)
    span = (hi - lo) or abs(hi) or 1.0
    lo, hi = lo - span * 0.06, hi + span * 0.06
    step = (LINE_RIGHT - LINE_LEFT) / max(len(closes) - 1, 1)
    xs = [LINE_LEFT + i * step for i in range(len(closes))]
    ys = [LINE_BOTTOM + (c - lo) / (hi - lo) * (LINE_TOP - LINE_BOTTOM) for c in closes]
    frame.hlines(ys[-2] if len(ys) > 1 else ys[-1], LINE_LEFT, LINE_RIGHT, colors=style.RULE,
                 linewidth=0.8, linestyles=":")
    frame.plot(xs, ys, color=style.NEUTRAL, linewidth=1.3, solid_joinstyle="round")
    frame.plot([xs[-1]], [ys[-1]], marker="o", markersize=5.5, linestyle="none",
               color=colour, markeredgecolor=style.PAPER, markeredgewidth=0.8, zorder=3)
    z = words.fig().sigma(evidence.z) if evidence.z is not None else words.tr().gettext("z n/a")
    text(frame, xs[-1] + 0.08, ys[-1], z, style.SMALL_PT, weight="bold", colour=colour)
    text(frame, LINE_LEFT, LINE_BOTTOM - 0.11, _range_words(evidence, market),
         style.SMALL_PT, colour=style.SOFT_INK)


def market_panels(analysis: Analysis) -> list[Panel]:
    return [market_panel(analysis, market) for market in MARKETS]
