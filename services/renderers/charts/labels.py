"""Short, readable names for quotes and sources, and the dates of the data, for every chart."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from services import format as fmt
from services.analysis.coverage import grouped
from services.analysis.moves import short_name
from services.i18n import vocabulary
from services.i18n.names import quote_name_zh
from services.models.analysis import Analysis, EquityMarket, Move
from services.renderers.charts import style, words
from services.renderers.charts.fonts import fonts, has_cjk
from services.renderers.charts.words import tr

MAX_SOURCES = 6  # a footer names this many sources, then counts the rest
EQUITIES = ("US", "HK", "CN")
ALL_MARKETS = (*EQUITIES, "CRYPTO")


def move_label(move: Move) -> str:
    """``S&P 500``; for a Chinese name, its characters before the short name: ``上证指数 SSE``.
    A Chinese chart names every index as Chinese readers do (``标普500``).

    Without a CJK font the characters are left out (the short name alone is what the text
    report shows too)."""
    short = short_name(move)
    can_draw_cjk = fonts().cjk is not None
    chinese = quote_name_zh(move.id) if style.current().language == "zh" else None
    if chinese and can_draw_cjk:
        return chinese
    if has_cjk(short) and not can_draw_cjk:
        return move.id
    native = next((word for word in move.name.split() if has_cjk(word)), "")
    if native and can_draw_cjk and native not in short:
        return f"{native} {short}"
    return short


def source_lines(sources: Sequence[tuple[str, str]]) -> list[str]:
    """``("reference · US", "2026-03-20")``… → one entry per source, scopes grouped by as-of:
    ``reference: US, HK, CN (2026-03-20); CRYPTO (2026-03-21 00:00 UTC)``."""
    t = tr()
    by_source: dict[str, dict[str, list[str]]] = {}
    for label, as_of in sources:
        source, _, scope = label.partition(" · ")
        by_source.setdefault(vocabulary.source(source, t), {}).setdefault(
            vocabulary.as_of(as_of, t), []).append(vocabulary.scope(scope, t) if scope else "")
    lines = []
    everything = t.gettext("all")
    for source, times in by_source.items():
        parts = [f"{t.join([s for s in scopes if s]) or everything} ({as_of})"
                 for as_of, scopes in times.items()]
        lines.append(f"{source}: {'; '.join(parts)}")
    return lines


def _first(items: Sequence[str]) -> list[str]:
    """At most ``MAX_SOURCES`` sources, the last entry counting the rest."""
    if len(items) <= MAX_SOURCES:
        return list(items)
    rest = len(items) - MAX_SOURCES + 1
    return [*items[: MAX_SOURCES - 1],
            tr().ngettext("and {n} more source", "and {n} more sources", rest)]


def footer(analysis: Analysis, full: bool = False, notes: Sequence[str] = ()) -> list[str]:
    """Sources and as-of times. ``full`` (the dashboard and its details): the edition line,
    ``notes``, each source's scopes and times, and the data gaps grouped by source (as the Key
    Insight lists them), in that order (a page short of room gives up the last lines first);
    otherwise one line naming the sources, for a chart forwarded on its own. A snapshot with
    hundreds of sources or warnings still gets a footer of a few lines."""
    t = tr()
    edition = t.gettext("Edition {date} · data as of {time}", date=fmt.day(analysis.edition_date),
                        time=fmt.day(analysis.as_of))
    if not full:
        names = list(dict.fromkeys(vocabulary.source(label.partition(" · ")[0], t)
                               for label, _ in analysis.sources))
        return [t.gettext("{edition} · sources: {sources}", edition=edition,
                          sources=t.join(_first(names))
                          or t.gettext("none declared")), *notes]
    lines = [t.gettext("{edition} · for information only, not investment advice",
                       edition=edition), *notes]
    lines.append(t.gettext("Sources · {sources}",
                           sources=" | ".join(_first(source_lines(analysis.sources)))
                           or t.gettext("none declared in this snapshot")))
    if analysis.warnings:
        lines.append(t.gettext("Gaps · {gaps}", gaps=t.pgettext("list of problems", "; ").join(
            words.local(g) for g in grouped(analysis.warnings))))
    return lines


# The dates of the data --------------------------------------------------------------------
# A chart is dated by the trading sessions its figures come from, never by the edition: on a
# Saturday edition the equity figures are Friday's sessions and crypto's are the 24 hours to
# the snapshot's crypto time.

def equity_market(analysis: Analysis, market: str) -> EquityMarket:
    return {"US": analysis.us, "HK": analysis.hk, "CN": analysis.cn}[market]


def market_session(analysis: Analysis, market: str) -> date | None:
    """The session an equity market's figures come from: its headline's, else its latest."""
    found = equity_market(analysis, market)
    if found.headline is not None and found.headline.session is not None:
        return found.headline.session
    sessions = [m.session for m in found.moves if m.session is not None]
    return max(sessions) if sessions else None


def crypto_window(analysis: Analysis) -> str | None:
    """``24 h to 2026-03-21 00:00 UTC``: the rolling window of the crypto figures; a coin whose
    change comes from daily bars only is named with its own window (``BTC since 00:00 UTC``)."""
    t = tr()
    crypto = analysis.crypto
    coins = [c for c in (crypto.btc, crypto.eth) if c is not None]
    odd = [f"{c.id} {words.window(c.window)}" for c in coins if c.window]
    rolling = len(odd) < len(coins)
    end = crypto.as_of or next((c.session for c in coins if c.session is not None), None)
    if end is None:
        return None
    parts = [t.gettext("24 h to {time}", time=fmt.day(end))] if rolling else []
    parts += odd if rolling else [t.gettext("{coins} (to {time})", coins=t.join(odd),
                                            time=fmt.day(end))]
    return t.join(parts)


def data_dates(analysis: Analysis, markets: Sequence[str] = ALL_MARKETS) -> str:
    """``US/HK/CN 2026-03-20 · crypto 24 h to 2026-03-21 00:00 UTC``: markets that share a
    session are grouped; a market without figures is left out."""
    by_day: dict[date, list[str]] = {}
    for market in markets:
        if market in EQUITIES and (day := market_session(analysis, market)) is not None:
            by_day.setdefault(day, []).append(market)
    parts = [f"{'/'.join(words.market_code(n) for n in names)} {fmt.day(day)}"
             for day, names in by_day.items()]
    if "CRYPTO" in markets and (window := crypto_window(analysis)) is not None:
        t = tr()
        parts.append(t.gettext("crypto {window}", window=window) if parts
                     else t.gettext("Crypto {window}", window=window))
    return " · ".join(parts)


def data_day(analysis: Analysis, markets: Sequence[str] = ALL_MARKETS) -> date | None:
    """The trading date of a chart: its equity markets' latest session, else the day its
    crypto window ends."""
    days = [d for m in markets if m in EQUITIES and (d := market_session(analysis, m))]
    if days:
        return max(days)
    if "CRYPTO" in markets:
        crypto = analysis.crypto
        if crypto.as_of is not None:
            return crypto.as_of.date()
        btc = crypto.btc or crypto.eth
        return btc.session if btc is not None else None
    return None


def dated_title(name: str, analysis: Analysis, markets: Sequence[str] = ALL_MARKETS) -> str:
    """``Daily market brief · 2026-03-20``: the trading date of the data, or the name alone."""
    day = data_day(analysis, markets)
    shown = words.title(name)
    return f"{shown} · {fmt.day(day)}" if day is not None else shown
