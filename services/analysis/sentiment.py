"""Global risk sentiment: the market table, the transmission chain in true time order, the
US setup for Asia, BTC against each market over matching windows, and the verdict.

Rules (``sessions`` for the order of sessions, ``rules`` for the thresholds):

- **US → HK**: Hong Kong's session D is read against the US session that led it: the latest
  US session that closed before D opened (``sessions.leading_session``). When the snapshot's
  US session is that one, its move is the lead; when the snapshot's US session closed after
  HK's D (the same date, or later), the lead is read from the history, and without history
  the link is not comparable and says which session is missing.
- **HK and A-shares** trade in the same hours: they "moved together" or "moved apart", with
  no lead and no ratio.
- **Setup**: the latest US session closed after Asia's sessions of the same date; it sets up
  Hong Kong's and the A-shares' next sessions.
- **Crypto** against an equity session is BTC's move over the UTC close-to-close days of
  that session (from the history), labelled; without history, the snapshot's own window,
  labelled as not matched.
- **Own units**: with history, directions are read in σ (``rules.scaled_direction``): a move
  under ``rules.QUIET_Z`` takes no side, ``rules.STRONG_Z`` is strong; without it the fixed
  percent thresholds stay (``Sentiment.scale``).
- **Verdict**: from the equity markets and BTC, each by its own units; BTC alone (no current
  equity market) makes no verdict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from services import format as fmt
from services.analysis import rules, sessions
from services.analysis.moves import (
    EQUITY_MARKETS,
    HEADLINE,
    SHORT_NAME,
    comparable,
    short_name,
)
from services.analysis.tape import EMPTY_TAPE, Tape
from services.i18n.text import MISSING, Name, fig, pct, said, sigma
from services.models.analysis import (
    ChainLink,
    CryptoLink,
    CryptoState,
    Evidence,
    LinkState,
    MarketRow,
    Move,
    Sentiment,
    Setup,
    Split,
    Timing,
    Verdict,
)

# The table's row labels ("US S&P 500"), each shown in the reader's language.
ROW_LABEL = {market: said("{market} {name}", market=Name(f"market:{market}", market),
                          name=Name(quote_id, SHORT_NAME[quote_id]))
             for market, quote_id in (("US", "SPX"), ("HK", "HSI"), ("CN", "SSE"))}
ROW_LABEL["CRYPTO"] = said("{name}", name=Name("BTC", "BTC"))

# The chain: (key, leader id, follower id). HK and the A-shares have no leader: same hours.
CHAIN: tuple[tuple[str, str, str], ...] = (("us_hk", "SPX", "HSI"), ("hk_cn", "HSI", "SSE"))


@dataclass(frozen=True)
class Readings:
    """What the history says about the day's moves: each move's evidence, and the tape to read
    past sessions from. Empty without history."""

    evidence: Mapping[str, Evidence] = field(default_factory=dict)
    tape: Tape = EMPTY_TAPE

    def z(self, move: Move | None) -> float | None:
        if move is None:
            return None
        found = self.evidence.get(move.id)
        if found is None or found.change_pct != move.change_pct:
            return None
        if move.market != "CRYPTO" and move.session is not None and found.session != move.session:
            return None  # the history's reading of another session
        return found.z

    def session(self, move: Move | None) -> date | None:
        """The move's session: its own, else the one its evidence read it as."""
        if move is None:
            return None
        found = self.evidence.get(move.id)
        if move.session is not None and (move.market != "CRYPTO" or found is None):
            return move.session
        return found.session if found is not None else None


NO_READINGS = Readings()


def timing(leader: Move, follower: Move) -> Timing | None:
    if leader.session is None or follower.session is None:
        return None
    if follower.session > leader.session:
        return Timing.NEXT_SESSION
    if follower.session == leader.session:
        return Timing.SAME_DATE
    return Timing.OLDER


def row_signal(move: Move | None, z: float | None = None) -> str:
    if move is None or move.change_pct is None:
        return fmt.MISSING
    if move.closed:
        return said("closed - last session {day}", day=fig("day", move.session))
    if move.stale:
        return said("stale - session {day}", day=fig("day", move.session))
    return rules.scaled_signal(move.change_pct, z)


def market_rows(moves: dict[str, Move], readings: Readings = NO_READINGS
                ) -> tuple[MarketRow, ...]:
    rows = []
    for market in ("US", "HK", "CN", "CRYPTO"):
        move = moves.get(HEADLINE[market])
        rows.append(MarketRow(market=market, label=ROW_LABEL[market], move=move,
                              signal=row_signal(move, readings.z(move))))
    return tuple(rows)


def _name(move: Move) -> Name:
    return Name(move.id, short_name(move))


def _not_comparable(key: str, leader: Move | None, follower: Move | None, when: Timing | None,
                    note: str) -> ChainLink:
    return ChainLink(key, leader, follower, LinkState.NOT_COMPARABLE, when, None, None, note)


def _missing_side(key: str, leader: Move | None, follower: Move | None) -> ChainLink | None:
    missing = [i for i, m in (("leader", leader), ("follower", follower))
               if m is None or m.change_pct is None]
    if missing:
        whose = (said("{missing} for both moves", missing=MISSING) if len(missing) == 2 else
                 said("{missing} for the leader's move", missing=MISSING)
                 if missing[0] == "leader" else
                 said("{missing} for the follower's move", missing=MISSING))
        return _not_comparable(key, leader, follower, None, whose)
    return None


def history_move(template: Move, day: date, readings: Readings) -> Move | None:
    """``template``'s instrument at the past session ``day``, from the history."""
    track = readings.tape.track(template.id)
    change = track.ret(day) if track is not None else None
    if track is None or change is None:
        return None
    return Move(id=template.id, name=template.name, market=template.market, kind=template.kind,
                close=track.series.close_on(day), change_pct=change, session=day,
                source=track.source)


def us_lead(us: Move, hk_day: date | None, readings: Readings) -> tuple[Move | None, str]:
    """The US move that led HK's session ``hk_day``, and why it is missing when it is."""
    us_day = readings.session(us)
    if hk_day is None or us_day is None:
        return None, said("session dates not given, so the order of the two sessions is "
                          "unknown")
    if sessions.session_close("US", us_day) <= sessions.session_open("HK", hk_day):
        return us, ""  # the snapshot's US session closed before HK's opened: it is the lead
    track = readings.tape.track(us.id)
    lead = (sessions.leading_session("US", track.session_dates(), "HK", hk_day)
            if track is not None else None)
    found = history_move(us, lead, readings) if lead is not None else None
    if found is None:
        return None, said("the US session that led HK's {hk_day} (the one before US "
                          "{us_day}) is not in the data; US {us_day} leads HK's next session",
                          hk_day=fig("day", hk_day), us_day=fig("day", us_day))
    return found, ""


def us_hk_link(us: Move | None, hk: Move | None, readings: Readings) -> ChainLink:
    key = "us_hk"
    missing = _missing_side(key, us, hk)
    if missing is not None:
        return missing
    assert us is not None and hk is not None and hk.change_pct is not None
    if hk.closed or hk.stale:
        return _not_comparable(key, us, hk, timing(us, hk),
                               said("{name} closed - last session {day}; its move predates "
                                    "this lead", name=_name(hk), day=fig("day", hk.session)))
    lead, why = us_lead(us, readings.session(hk), readings)
    if lead is None:
        return _not_comparable(key, None, hk, None, why)
    from_history = lead is not us
    if not from_history and us.stale:
        return _not_comparable(key, us, hk, timing(us, hk),
                               said("{name} stale - session {day}", name=_name(us),
                                    day=fig("day", us.session)))
    assert lead.change_pct is not None
    lead_z = _past_z(lead, readings) if from_history else readings.z(lead)
    hk_z = readings.z(hk)
    state = rules.classify_lead(lead.change_pct, hk.change_pct, lead_z, hk_z)
    return ChainLink(key, lead, hk, state, Timing.NEXT_SESSION,
                     rules.move_ratio(hk.change_pct, lead.change_pct),
                     hk.change_pct - lead.change_pct, "", lead_z, hk_z, from_history)


def _past_z(move: Move, readings: Readings) -> float | None:
    """The z of a move read from the history (its change over the session's trailing σ)."""
    track = readings.tape.track(move.id)
    if track is None or move.session is None:
        return None
    return track.z(move.session, move.change_pct)


def hk_cn_link(hk: Move | None, cn: Move | None, readings: Readings) -> ChainLink:
    """Hong Kong and the A-shares on the same day: together or apart, no lead."""
    key = "hk_cn"
    missing = _missing_side(key, hk, cn)
    if missing is not None:
        return missing
    assert hk is not None and cn is not None and hk.change_pct is not None \
        and cn.change_pct is not None
    for side in (hk, cn):
        if side.closed or side.stale:
            return _not_comparable(key, hk, cn, None,
                                   said("{name} closed - last session {day}; the two sessions "
                                        "differ", name=_name(side), day=fig("day", side.session)))
    hk_day, cn_day = readings.session(hk), readings.session(cn)
    if hk_day is not None and cn_day is not None and hk_day != cn_day:
        return _not_comparable(key, hk, cn, None,
                               said("sessions differ: HK {hk_day}, A-shares {cn_day}",
                                    hk_day=fig("day", hk_day), cn_day=fig("day", cn_day)))
    hk_z, cn_z = readings.z(hk), readings.z(cn)
    both = hk_z is not None and cn_z is not None
    hk_dir = rules.scaled_direction(hk.change_pct, hk_z if both else None)
    cn_dir = rules.scaled_direction(cn.change_pct, cn_z if both else None)
    return ChainLink(key, hk, cn, rules.same_hours_state(hk_dir, cn_dir), Timing.SAME_HOURS,
                     None, cn.change_pct - hk.change_pct, "", hk_z, cn_z)


def us_setup(moves: dict[str, Move], readings: Readings) -> Setup | None:
    """The latest US session and the Asian sessions it leads next."""
    us = moves.get("SPX")
    if not comparable(us) or us is None:
        return None
    us_day = readings.session(us)
    followers = []
    for market, quote_id in (("HK", "HSI"), ("CN", "SSE")):
        asia = moves.get(quote_id)
        asia_day = readings.session(asia)
        if us_day is None or asia_day is None or asia_day <= us_day:
            followers.append(market)
    z = readings.z(us)
    key = f"setup.us.{rules.us_band(z)}" if z is not None else None
    return Setup(us, z, tuple(followers), key)


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


def matched_btc(btc: Move, equity: Move, readings: Readings) -> Move | None:
    """BTC over the UTC close-to-close days of ``equity``'s session (from its previous session
    date's UTC close to its own), from the history."""
    day = readings.session(equity)
    btc_track, eq_track = readings.tape.track("BTC"), readings.tape.track(equity.id)
    if day is None or btc_track is None or eq_track is None:
        return None
    earlier = eq_track.series.before(day).last
    start, end = (btc_track.series.close_on(earlier) if earlier else None,
                  btc_track.series.close_on(day))
    if earlier is None or start is None or end is None or start <= 0:
        return None
    window = (sessions.utc_day_label(day) if (day - earlier).days == 1 else
              said("UTC {start} to {end} closes", start=fig("day", earlier),
                   end=fig("day", day)))
    return replace(btc, close=end, change_pct=(end / start - 1) * 100, session=day,
                   source=btc_track.source, window=window)


def crypto_links(moves: dict[str, Move], readings: Readings = NO_READINGS
                 ) -> tuple[CryptoLink, ...]:
    btc = moves.get("BTC")
    if btc is None or btc.change_pct is None:
        return ()
    links = []
    for market in EQUITY_MARKETS:
        equity = moves.get(HEADLINE[market])
        if not comparable(equity):
            continue
        assert equity is not None and equity.change_pct is not None
        matched = matched_btc(btc, equity, readings)
        coin = matched or btc
        assert coin.change_pct is not None
        window = coin.window or said("24 h")
        btc_z = _past_z(coin, readings) if matched else readings.z(btc)
        links.append(CryptoLink(
            equity=equity, btc=coin,
            state=rules.classify_crypto_scaled(equity.change_pct, coin.change_pct,
                                               readings.z(equity), btc_z),
            move_ratio=rules.move_ratio(coin.change_pct, equity.change_pct),
            spread_pp=coin.change_pct - equity.change_pct,
            window=window if matched else said("{window}, not matched to the session",
                                               window=window),
            matched=matched is not None))
    return tuple(links)


def _with_z(row: MarketRow, z: float | None) -> str:
    move = row.move
    assert move is not None
    return said("{name} {sigma}", name=row.label, sigma=sigma(z)) if z is not None \
        else row.label


def verdict_of(rows: tuple[MarketRow, ...], readings: Readings = NO_READINGS
               ) -> tuple[Verdict, str]:
    current = [(r, r.move.change_pct, readings.z(r.move)) for r in rows
               if comparable(r.move) and r.move is not None and r.move.change_pct is not None]
    if not any(r.market in EQUITY_MARKETS for r, _, _ in current):
        if current:
            return Verdict.UNKNOWN, said("no equity market has a current move; crypto alone "
                                         "makes no cross-market verdict")
        return Verdict.UNKNOWN, said("no current market move is available")
    scaled = all(z is not None for _, _, z in current)
    directions = [rules.scaled_direction(change, z if scaled else None)
                  for _, change, z in current]
    result = rules.verdict(directions)
    by_size = sorted(zip(current, directions, strict=True),
                     key=lambda item: -abs(item[0][2] or 0.0))
    ups = [_with_z(r, z) for (r, _, z), d in by_size if d > 0]
    downs = [_with_z(r, z) for (r, _, z), d in by_size if d < 0]
    quiet = [_with_z(r, z) for (r, _, z), d in by_size if d == 0]
    if result is Verdict.FRAGMENTED:
        reason = said("up: {ups}; down: {downs}", ups=ups, downs=downs)
    elif result is Verdict.NEUTRAL:
        reason = (said("no market moved {size} or more of its own volatility",
                       size=sigma(rules.QUIET_Z, 1)) if scaled else
                  said("no market moved more than {size}", size=pct(rules.FLAT_PCT,
                                                                      signed=False)))
    else:
        movers = ups or downs
        every = len(movers) == len(current)
        reason = (said("all markets up: {markets}", markets=movers) if every and ups else
                  said("all markets down: {markets}", markets=movers) if every else
                  said("every moving market up: {markets}", markets=movers) if ups else
                  said("every moving market down: {markets}", markets=movers))
    if quiet and result is not Verdict.NEUTRAL:
        reason = said("{reason}; quiet: {markets}", reason=reason, markets=quiet)
    return result, reason


def analyze_sentiment(moves: dict[str, Move], latest: date | None,
                      readings: Readings = NO_READINGS) -> Sentiment:
    rows = market_rows(moves, readings)
    links = (us_hk_link(moves.get("SPX"), moves.get("HSI"), readings),
             hk_cn_link(moves.get("HSI"), moves.get("SSE"), readings))
    c_links = crypto_links(moves, readings)
    vs_spx = next((link for link in c_links if link.equity.id == "SPX"), None)
    result, reason = verdict_of(rows, readings)
    closed = tuple(r.market for r in rows if r.move is not None and r.move.closed)
    current = [r.move for r in rows if comparable(r.move)]
    scale = "z" if current and all(readings.z(m) is not None for m in current) else "fixed"
    return Sentiment(
        rows=rows, links=links, cn_split=cn_split(moves), crypto_links=c_links,
        crypto_state=vs_spx.state if vs_spx else CryptoState.NOT_COMPARABLE,
        crypto_move_ratio_spx=vs_spx.move_ratio if vs_spx else None,
        verdict=result, verdict_reason=reason, latest_session=latest, closed_markets=closed,
        setup=us_setup(moves, readings), scale=scale)

