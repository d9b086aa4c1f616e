"""Global risk sentiment: the market table, the transmission chain and the verdict."""

from __future__ import annotations

from datetime import date

from services import format as fmt
from services.analysis import rules
from services.analysis.moves import EQUITY_MARKETS, HEADLINE, comparable, short_name
from services.models.analysis import (
    ChainLink,
    CryptoLink,
    CryptoState,
    LinkState,
    MarketRow,
    Move,
    Sentiment,
    Split,
    Timing,
    Verdict,
)

ROW_LABEL = {"US": "US S&P 500", "HK": "HK HSI", "CN": "CN SSE", "CRYPTO": "BTC"}

# The chain: (key, leader id, follower id).
CHAIN: tuple[tuple[str, str, str], ...] = (("us_hk", "SPX", "HSI"), ("hk_cn", "HSI", "SSE"))


def timing(leader: Move, follower: Move) -> Timing | None:
    if leader.session is None or follower.session is None:
        return None
    if follower.session > leader.session:
        return Timing.NEXT_SESSION
    if follower.session == leader.session:
        return Timing.SAME_DATE
    return Timing.OLDER


def row_signal(move: Move | None) -> str:
    if move is None or move.change_pct is None:
        return "missing"
    if move.closed:
        return f"closed - last session {fmt.day(move.session)}"
    if move.stale:
        return f"stale - session {fmt.day(move.session)}"
    return rules.signal(move.change_pct)


def market_rows(moves: dict[str, Move]) -> tuple[MarketRow, ...]:
    return tuple(MarketRow(market=m, label=ROW_LABEL[m], move=moves.get(HEADLINE[m]),
                           signal=row_signal(moves.get(HEADLINE[m])))
                 for m in ("US", "HK", "CN", "CRYPTO"))


def chain_link(key: str, leader: Move | None, follower: Move | None) -> ChainLink:
    if leader is None or follower is None or leader.change_pct is None \
            or follower.change_pct is None:
        missing = [i for i, m in (("leader", leader), ("follower", follower))
                   if m is None or m.change_pct is None]
        return ChainLink(key, leader, follower, LinkState.NOT_COMPARABLE, None, None, None,
                         f"{' and '.join(missing)} move missing")
    when = timing(leader, follower)
    spread = follower.change_pct - leader.change_pct
    if follower.closed or follower.stale or when is Timing.OLDER:
        return ChainLink(key, leader, follower, LinkState.NOT_COMPARABLE, when, None, None,
                         f"{short_name(follower)} closed - last session "
                         f"{fmt.day(follower.session)}; its move predates this lead")
    if leader.closed or leader.stale:
        return ChainLink(key, leader, follower, LinkState.NOT_COMPARABLE, when, None, None,
                         f"{short_name(leader)} closed - last session {fmt.day(leader.session)}")
    state = rules.classify_link(leader.change_pct, follower.change_pct)
    ratio = rules.move_ratio(follower.change_pct, leader.change_pct)
    return ChainLink(key, leader, follower, state, when, ratio, spread, "")


def cn_split(moves: dict[str, Move]) -> Split | None:
    return split("chinext_sse", moves.get("CHINEXT"), moves.get("SSE"))


def split(key: str, a: Move | None, b: Move | None) -> Split | None:
    """``a`` minus ``b`` when both are comparable."""
    if not (comparable(a) and comparable(b)):
        return None
    assert a is not None and b is not None and a.change_pct is not None \
        and b.change_pct is not None
    spread = a.change_pct - b.change_pct
    opposite = rules.direction(a.change_pct) * rules.direction(b.change_pct) < 0
    return Split(key, a, b, spread, opposite, abs(spread) >= rules.SPLIT_PP)


def crypto_links(moves: dict[str, Move]) -> tuple[CryptoLink, ...]:
    btc = moves.get("BTC")
    if btc is None or btc.change_pct is None:
        return ()
    links = []
    for market in EQUITY_MARKETS:
        equity = moves.get(HEADLINE[market])
        if not comparable(equity):
            continue
        assert equity is not None and equity.change_pct is not None
        links.append(CryptoLink(
            equity=equity, btc=btc,
            state=rules.classify_crypto(equity.change_pct, btc.change_pct),
            move_ratio=rules.move_ratio(btc.change_pct, equity.change_pct),
            spread_pp=btc.change_pct - equity.change_pct))
    return tuple(links)


def verdict_of(rows: tuple[MarketRow, ...]) -> tuple[Verdict, str]:
    current = [(r, r.move.change_pct) for r in rows
               if comparable(r.move) and r.move is not None and r.move.change_pct is not None]
    directions = [rules.direction(change) for _, change in current]
    result = rules.verdict(directions)
    ups = [r.label for (r, _), d in zip(current, directions, strict=True) if d > 0]
    downs = [r.label for (r, _), d in zip(current, directions, strict=True) if d < 0]
    if result is Verdict.UNKNOWN:
        reason = "no current market move is available"
    elif result is Verdict.FRAGMENTED:
        reason = f"up: {', '.join(ups)}; down: {', '.join(downs)}"
    elif result is Verdict.NEUTRAL:
        reason = f"no market moved more than {fmt.pct(rules.FLAT_PCT, signed=False)}"
    else:
        movers = ups or downs
        reason = f"{'all' if len(movers) == len(current) else 'every moving'} market " \
                 f"{'up' if ups else 'down'}: {', '.join(movers)}"
    return result, reason


def analyze_sentiment(moves: dict[str, Move], latest: date | None) -> Sentiment:
    rows = market_rows(moves)
    links = tuple(chain_link(key, moves.get(a), moves.get(b)) for key, a, b in CHAIN)
    c_links = crypto_links(moves)
    vs_spx = next((link for link in c_links if link.equity.id == "SPX"), None)
    result, reason = verdict_of(rows)
    closed = tuple(r.market for r in rows if r.move is not None and r.move.closed)
    return Sentiment(
        rows=rows, links=links, cn_split=cn_split(moves), crypto_links=c_links,
        crypto_state=vs_spx.state if vs_spx else CryptoState.NOT_COMPARABLE,
        crypto_move_ratio_spx=vs_spx.move_ratio if vs_spx else None,
        verdict=result, verdict_reason=reason, latest_session=latest, closed_markets=closed)
