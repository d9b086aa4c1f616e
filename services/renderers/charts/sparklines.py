"""One panel per market: the headline's move, how unusual it is, and its last 60 sessions.

    US · S&P 500                                       session 2026-03-20
    ▼ -1.51%                 ╲_╱‾╲__╱‾‾╲___╱‾╲_____●  -2.1σ
    worse than 97% of 250 days              60 sessions · 6,506 to 6,944
    Nasdaq ▼ -2.01% · Dow ▼ -0.96%

The figures are ``Analysis.evidence`` (by quote id), read, never recomputed: the sparkline is
its ``recent`` closes, the marked last point is the session itself, labelled with its z (the
dotted line is the close before it). A
market without evidence shows its move and says "no history" in words where the line would
be; a move with too few sessions behind it for a z says so.
"""

from __future__ import annotations

from services import format as fmt
from services.analysis.moves import MARKET_LABEL
from services.models.analysis import Analysis, Evidence, Move
from services.renderers.charts import style
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
NO_HISTORY = "no history"


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
    day = market_session(analysis, market)
    if move is not None and (move.closed or move.stale):
        state = "stale" if move.stale else "closed"
        return f"{state} · last session {fmt.day(move.session)}"
    return f"session {fmt.day(day)}" if day is not None else ""


def rank_words(evidence: Evidence) -> str:
    """``worse than 97% of 250 days``: the percentile in words, with its n."""
    if evidence.percentile is None:
        return ""
    if evidence.percentile >= 50:
        return f"better than {evidence.percentile:.0f}% of {evidence.n_year} days"
    return f"worse than {100 - evidence.percentile:.0f}% of {evidence.n_year} days"


def rank_line(move: Move | None, evidence: Evidence | None) -> str:
    """Under the move: how it ranks in the year, or why there is no z."""
    if move is None:
        return ""  # the line's place says so
    if move.change_pct is None:
        return "no move in this snapshot"
    if evidence is None:
        return ""
    if evidence.z is None:
        return f"too few sessions for a z ({evidence.n})"
    return rank_words(evidence)


def _range_words(evidence: Evidence, market: str) -> str:
    closes = [c for _, c in evidence.recent]
    unit = "days" if market == "CRYPTO" else "sessions"
    price = fmt.price_usd if market == "CRYPTO" else fmt.level
    return f"{len(closes)} {unit} · {price(min(closes))} to {price(max(closes))}"


def market_panel(analysis: Analysis, market: str) -> Panel:
    move = headline(analysis, market)
    label = MARKET_LABEL.get(market, market)
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
        shown = signed(fmt.pct(change), change) if change is not None else fmt.MISSING
        text(frame, style.MARGIN_IN, BODY_IN - 0.2, shown, MOVE_PT, weight="bold", colour=colour)
        words = rank_line(move, evidence)
        for i, line in enumerate(_two_lines(words, LEFT_W)):
            text(frame, style.MARGIN_IN, BODY_IN - 0.46 - i * 0.15, line, style.SMALL_PT)
        rest = " · ".join(f"{move_label(m)} {signed(fmt.pct(m.change_pct), m.change_pct)}"
                          for m in others(analysis, market, move))
        if rest:
            text(frame, style.MARGIN_IN, 0.09, fit(rest, inner, style.SMALL_PT), style.SMALL_PT,
                 colour=style.SOFT_INK)
        if evidence is not None and len(evidence.recent) >= 2:
            _sparkline(frame, evidence, market, colour)
        else:
            unit = "day" if market == "CRYPTO" else "session"
            reason = (f"no {label} quote in this snapshot" if move is None else
                      f"{NO_HISTORY}: no 60-{unit} line, no z" if evidence is None
                      else f"{NO_HISTORY} before this {unit}")
            frame.add_patch(box(LINE_LEFT, LINE_BOTTOM, style.WIDTH_IN - style.MARGIN_IN
                                - LINE_LEFT, LINE_TOP - LINE_BOTTOM))
            text(frame, (LINE_LEFT + style.WIDTH_IN - style.MARGIN_IN) / 2,
                 (LINE_TOP + LINE_BOTTOM) / 2, fit(reason[0].upper() + reason[1:], style.WIDTH_IN
                 - style.MARGIN_IN - LINE_LEFT - 0.1, style.SMALL_PT), style.SMALL_PT,
                 colour=style.SOFT_INK, italic=True, ha="center")

    return Panel(f"market_{market.lower()}", title, style.HEADING_IN + BODY_IN, draw)


def _two_lines(words: str, width: float) -> list[str]:
    lines = wrap(words, width, style.SMALL_PT)
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
    z = fmt.sigma(evidence.z) if evidence.z is not None else "z n/a"
    text(frame, xs[-1] + 0.08, ys[-1], z, style.SMALL_PT, weight="bold", colour=colour)
    text(frame, LINE_LEFT, LINE_BOTTOM - 0.11, _range_words(evidence, market),
         style.SMALL_PT, colour=style.SOFT_INK)


def market_panels(analysis: Analysis) -> list[Panel]:
    return [market_panel(analysis, market) for market in MARKETS]
