"""Base rates: how often a condition held in the history, and what followed next session.

``base_rate(history, condition, clock=…, target=…)`` walks the sessions of ``clock`` (a series
id), asks ``condition(tape, day)`` (True, False, or None when the day cannot be read), and for
each day that held reads ``target``'s first session strictly after it: the share of those
next sessions that rose and their median change, with n. Below ``MIN_CASES`` the report shows
"too few cases (n)", never a rate. Only sessions whose next session is in the history and on
or before ``until`` are counted (nothing after the edition is read).

The named conditions (``CONDITIONS``), keyed as in ``Analysis.base_rates``:

- ``chain.us_hk.<state>``: the US session that led HK's session D against HK's D
  (``rules.classify_lead``, in σ); what HK did next session.
- ``chain.hk_cn.<moved together|moved apart>``: HK and the SSE on the same day; the SSE next.
- ``chain.btc_spx.<state>``: BTC's UTC day against the S&P 500's session of that date; BTC's
  next UTC day.
- ``setup.us.<band>`` (and ``setup.us.<band>.cn``): the S&P 500's session by its z
  (``rules.us_band``); Hong Kong's (the SSE's) next session, the one it led.
- ``risk.<key>``: the risk matrix's conditions as ``analysis.risk`` defines them on a day's
  closes (``hk_fails_us_lead`` here, the others in ``risk_history``: ``index_drawdown``,
  ``crypto_equity_snapback``, ``stablecoin_outflow``, ``stablecoin_contraction``,
  ``broad_risk_off``); what followed in the instrument each one is about. ``narrow_breadth``
  has no history of breadth and no base rate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from services.analysis import risk_history, rules, sessions, stats
from services.analysis.tape import Tape
from services.i18n import N_
from services.models.analysis import (
    BASE_RATE_MIN_CASES,
    BaseRate,
    CryptoState,
    LinkState,
)
from services.models.history import History

MIN_CASES = BASE_RATE_MIN_CASES

Condition = Callable[[Tape, date], bool | None]

INDEX_IDS = ("SPX", "IXIC", "DJI", "HSI", "HSCEI", "HSTECH", "SSE", "SZSE", "CHINEXT")
EQUITY_HEADLINES = ("SPX", "HSI", "SSE")
STABLECOIN_SUPPLY = ("USDT_SUPPLY", "USDC_SUPPLY", "DAI_SUPPLY")
US_BANDS = ("strong_down", "down", "quiet", "up", "strong_up")


@dataclass(frozen=True)
class Cases:
    days: int
    outcomes: tuple[float, ...]
    first: date | None
    last: date | None


Reader = Callable[[Tape, date], object]


def cases_by(tape: Tape, reader: Reader, clock: str, target: str, until: date | None = None
             ) -> tuple[int, dict[object, list[tuple[date, float]]]]:
    """One walk over ``clock``'s sessions: the days that could be read, and for each state
    ``reader`` gave (None: not readable) the days in it with ``target``'s next change."""
    clock_track, target_track = tape.track(clock), tape.track(target)
    if clock_track is None or target_track is None:
        return 0, {}
    days = 0
    found: dict[object, list[tuple[date, float]]] = {}
    targets, returns = target_track.dates, target_track.values
    at = 0  # the first target session after ``day`` (both lists are sorted)
    for day in clock_track.dates:
        if until is not None and day >= until:
            break
        while at < len(targets) and targets[at] <= day:
            at += 1
        if at == len(targets):
            break
        if until is not None and targets[at] > until:
            continue
        state = reader(tape, day)
        if state is None:
            continue
        days += 1
        found.setdefault(state, []).append((day, returns[at]))
    return days, found


def _cases(days: int, held: list[tuple[date, float]]) -> Cases:
    return Cases(days, tuple(o for _, o in held), held[0][0] if held else None,
                 held[-1][0] if held else None)


def cases(tape: Tape, condition: Condition, clock: str, target: str,
          until: date | None = None) -> Cases:
    days, found = cases_by(tape, condition, clock, target, until)
    return _cases(days, found.get(True, []))


def rate_of(key: str, label: str, target: str, found: Iterable[Cases]) -> BaseRate:
    """One base rate over one or several pooled sets of cases."""
    pooled = list(found)
    outcomes = [o for c in pooled for o in c.outcomes]
    firsts = [c.first for c in pooled if c.first is not None]
    lasts = [c.last for c in pooled if c.last is not None]
    return BaseRate(key=key, label=label, target=target, n=len(outcomes),
                    days=sum(c.days for c in pooled), up=sum(1 for o in outcomes if o > 0),
                    median_next_pct=stats.median(outcomes),
                    first=min(firsts) if firsts else None, last=max(lasts) if lasts else None)


def base_rate(history: History | Tape, condition: Condition, *, clock: str,
              target: str | None = None, key: str = "", label: str = "",
              until: date | None = None) -> BaseRate:
    """How often ``condition`` held on ``clock``'s sessions and what ``target`` (by default
    ``clock``) did in its next session."""
    tape = history if isinstance(history, Tape) else Tape(history)
    target = target or clock
    return rate_of(key, label, target, [cases(tape, condition, clock, target, until)])


# --- the day's states read from the history ------------------------------------------------

def us_lead(tape: Tape, hk_day: date) -> date | None:
    spx = tape.track("SPX")
    if spx is None:
        return None
    dates = spx.session_dates()
    return tape.memo("us_lead", hk_day,
                     lambda: sessions.leading_session("US", dates, "HK", hk_day))


def us_hk_state(tape: Tape, hk_day: date) -> LinkState | None:
    return tape.memo("us_hk", hk_day, lambda: _us_hk_state(tape, hk_day))


def _us_hk_state(tape: Tape, hk_day: date) -> LinkState | None:
    spx, hsi = tape.track("SPX"), tape.track("HSI")
    lead = us_lead(tape, hk_day)
    if spx is None or hsi is None or lead is None:
        return None
    us, hk = spx.ret(lead), hsi.ret(hk_day)
    if us is None or hk is None:
        return None
    return rules.classify_lead(us, hk, spx.z(lead), hsi.z(hk_day))


def _direction(tape: Tape, series_id: str, day: date) -> int | None:
    track = tape.track(series_id)
    change = track.ret(day) if track is not None else None
    if track is None or change is None:
        return None
    return rules.scaled_direction(change, track.z(day))


def hk_cn_state(tape: Tape, day: date) -> LinkState | None:
    return tape.memo("hk_cn", day, lambda: _hk_cn_state(tape, day))


def _hk_cn_state(tape: Tape, day: date) -> LinkState | None:
    hk, cn = _direction(tape, "HSI", day), _direction(tape, "SSE", day)
    if hk is None or cn is None:
        return None
    return rules.same_hours_state(hk, cn)


def btc_spx_state(tape: Tape, day: date) -> CryptoState | None:
    return tape.memo("btc_spx", day, lambda: _btc_spx_state(tape, day))


def _btc_spx_state(tape: Tape, day: date) -> CryptoState | None:
    spx, btc = tape.track("SPX"), tape.track("BTC")
    if spx is None or btc is None:
        return None
    equity, coin = spx.ret(day), btc.ret(day)
    if equity is None or coin is None:
        return None
    return rules.classify_crypto_scaled(equity, coin, spx.z(day), btc.z(day))


def us_band_on(tape: Tape, day: date) -> str | None:
    def read() -> str | None:
        spx = tape.track("SPX")
        z = spx.z(day) if spx is not None else None
        return rules.us_band(z) if z is not None else None
    return tape.memo("us_band", day, read)


# --- the risk conditions on a day's closes -------------------------------------------------

def hk_fails_us_lead(tape: Tape, hk_day: date) -> bool | None:
    state = us_hk_state(tape, hk_day)
    spx, hsi, lead = tape.track("SPX"), tape.track("HSI"), us_lead(tape, hk_day)
    if state is None or spx is None or hsi is None or lead is None:
        return None
    gap = (hsi.ret(hk_day) or 0.0) - (spx.ret(lead) or 0.0)
    return state in (LinkState.BROKEN, LinkState.MUTED) and abs(gap) >= rules.SPLIT_PP


def _is(reader: Reader, value: object) -> Condition:
    def condition(tape: Tape, day: date) -> bool | None:
        state = reader(tape, day)
        return None if state is None else state == value
    return condition


US_HK_WORDS = {
    LinkState.FOLLOWED: "HK followed the US session before it",
    LinkState.AMPLIFIED: "HK amplified the US session before it",
    LinkState.BROKEN: "HK moved against the US session before it",
    LinkState.MUTED: "HK stayed quiet after a US move",
    LinkState.NO_LEAD: "a quiet US session before HK's",
}
SAME_INDEX = N_("the same index")  # the target of a rate pooled over the indices
US_BAND_WORDS = {band: f"S&P 500 session {band.replace('_', ' ')}" for band in US_BANDS}


@dataclass(frozen=True)
class Group:
    """States of one reader on one clock, each a base rate of ``target``'s next session."""

    prefix: str
    reader: Reader
    clock: str
    target: str
    states: tuple[tuple[object, str, str], ...]  # (state, key suffix, label)


GROUPS: tuple[Group, ...] = (
    Group("chain.us_hk", us_hk_state, "HSI", "HSI",
          tuple((s, s.value, w) for s, w in US_HK_WORDS.items())),
    Group("chain.hk_cn", hk_cn_state, "SSE", "SSE",
          tuple((s, s.value, f"HK and A-shares {s.value}")
                for s in (LinkState.TOGETHER, LinkState.APART))),
    Group("chain.btc_spx", btc_spx_state, "BTC", "BTC",
          tuple((s, s.value, f"BTC {s.value} the S&P 500")
                for s in (CryptoState.AMPLIFYING, CryptoState.TRACKING, CryptoState.DECOUPLED,
                          CryptoState.REVERSED))),
    Group("setup.us", us_band_on, "SPX", "HSI",
          tuple((b, b, w) for b, w in US_BAND_WORDS.items())),
    Group("setup.us", us_band_on, "SPX", "SSE",
          tuple((b, f"{b}.cn", w) for b, w in US_BAND_WORDS.items())),
    Group("risk", hk_fails_us_lead, "HSI", "HSI",
          ((True, "hk_fails_us_lead", "Hong Kong split from the US lead"),)),
    *(Group("risk", condition, clock, target, ((True, key.removeprefix("risk."), label),))
      for key, label, clock, target, condition in risk_history.RISK_CONDITIONS),
)

# Every named condition as (key, label, clock, target, condition), for one-off use with
# ``base_rate``; ``risk.index_drawdown`` is pooled over the indices (``INDEX_IDS``).
CONDITIONS: tuple[tuple[str, str, str, str, Condition], ...] = tuple(
    (f"{g.prefix}.{suffix}", label, g.clock, g.target, _is(g.reader, state))
    for g in GROUPS for state, suffix, label in g.states)


def base_rates(history: History | Tape, until: date | None = None) -> dict[str, BaseRate]:
    """Every named condition's base rate over the history up to ``until`` (one walk per
    group of states)."""
    tape = history if isinstance(history, Tape) else Tape(history)
    if not tape:
        return {}
    found = {}
    for g in GROUPS:
        days, by_state = cases_by(tape, g.reader, g.clock, g.target, until)
        for state, suffix, label in g.states:
            key = f"{g.prefix}.{suffix}"
            found[key] = rate_of(key, label, g.target, [_cases(days, by_state.get(state, []))])
    found["risk.index_drawdown"] = rate_of(
        "risk.index_drawdown", "an index falling sharply in a session", SAME_INDEX,
        [cases(tape, risk_history.index_fell(i), i, i, until) for i in INDEX_IDS])
    return {key: rate for key, rate in found.items() if rate.days}
