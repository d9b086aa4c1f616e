"""Index and coin moves as bar rows, grouped by market."""

from __future__ import annotations

from services.analysis.moves import MARKET_LABEL
from services.i18n import N_
from services.models.analysis import Analysis, EquityMarket, Move
from services.renderers.charts import words
from services.renderers.charts.canvas import Panel, missing_panel
from services.renderers.charts.labels import move_label
from services.renderers.charts.rows import Row, rows_panel, signed

PER_MARKET = 4  # rows per market on the cross-market panel
NO_QUOTES = N_("no quotes in this snapshot")


def move_row(move: Move, sub: str = "") -> Row:
    t = words.tr()
    note = t.gettext("stale") if move.stale else (t.gettext("closed") if move.closed else "")
    sub = sub or words.window(move.window or "")  # a change over another window says so
    return Row(move_label(move), move.change_pct, signed(words.fig().pct(move.change_pct),
               move.change_pct), sub=sub, muted=move.closed or move.stale, note=note)


def is_index(move: Move) -> bool:
    return move.kind in (None, "index")


def market_rows(market: EquityMarket, indices_only: bool = True) -> list[Row]:
    t = words.tr()
    label = MARKET_LABEL.get(market.market, market.market)
    note = ""
    if market.closed and market.headline is not None:
        note = t.gettext("closed · last session {day}",
                         day=words.fig().day(market.headline.session))
    moves = [m for m in market.moves if is_index(m) or not indices_only][:PER_MARKET]
    rows = [Row(label, group=True, note=note)]
    if not moves:
        return [*rows, Row("", None, note=t.gettext(NO_QUOTES))]
    return rows + [move_row(m) for m in moves]


def crypto_rows(analysis: Analysis) -> list[Row]:
    coins = [m for m in (analysis.crypto.btc, analysis.crypto.eth) if m is not None]
    coins += list(analysis.crypto.others)
    rows = [Row(MARKET_LABEL["CRYPTO"], group=True)]
    if not coins:
        return [*rows, Row("", None, note=words.tr().gettext(NO_QUOTES))]
    return rows + [move_row(m) for m in coins[:PER_MARKET]]


def cross_market_panel(analysis: Analysis) -> Panel:
    rows = [r for market in (analysis.us, analysis.hk, analysis.cn) for r in market_rows(market)]
    rows += crypto_rows(analysis)
    title = "Cross-market moves · 1-day change"
    if not any(r.value is not None for r in rows):
        return missing_panel("moves", title,
                             words.tr().gettext("no index or coin moves in this snapshot"))
    return rows_panel("moves", title, rows, max_rows=len(rows))
