"""The risk matrix's and the action plan's conditions read on a day of the history.

Each condition is the same rule the day's figures go through (``rules.sharp_fall``,
``rules.opposite_strong`` …), given one past session's returns and their z; it answers True,
False, or None when that day cannot be read. They serve twice:

- the base rates (``base_rates``): how often a condition held and what followed;
- the firing rates in the rules' docstrings (``firing_rates``): a condition that held on more
  than half of the history's days (``rules.BACKGROUND_SHARE_PCT``) is background, not a risk.
  ``tests/unit/test_firing_rates.py`` computes them over the bundled history, with each move in
  its own σ and again with the fixed thresholds (``FixedTape``: a day without history), and
  checks the docstrings against them.

The net stablecoin flow is read from the three tracked coins' supply series added up
(``STABLECOIN_SUPPLY``), the same coins as the snapshot's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from services.analysis import rules
from services.analysis.levels import levels
from services.analysis.tape import Tape, Track
from services.models.analysis import BaseRate, CryptoAnalysis, CryptoState, Levels, Risk, Verdict
from services.models.history import History, Series

Condition = Callable[[Tape, date], bool | None]

INDEX_IDS = ("SPX", "IXIC", "DJI", "HSI", "HSCEI", "HSTECH", "SSE", "SZSE", "CHINEXT")
EQUITY_HEADLINES = ("SPX", "HSI", "SSE")
STABLECOIN_SUPPLY = ("USDT_SUPPLY", "USDC_SUPPLY", "DAI_SUPPLY")


class FixedTrack(Track):
    """A track read as a day without history reads it: no volatility, no z."""

    def vol_before(self, day: date) -> float | None:
        return None


class FixedTape(Tape):
    """The history's returns with every z withheld: the fixed thresholds' firing rates."""

    def track(self, series_id: str) -> Track | None:
        if series_id not in self._tracks:
            found = super().track(series_id)
            self._tracks[series_id] = FixedTrack(found.series) if found is not None else None
        return self._tracks[series_id]


def _read(tape: Tape, series_id: str, day: date) -> tuple[float, float | None] | None:
    track = tape.track(series_id)
    change = track.ret(day) if track is not None else None
    if track is None or change is None:
        return None
    return change, track.z(day)


# --- the net stablecoin flow of the tracked coins ------------------------------------------

NET_SERIES = "TRACKED_STABLECOINS"


def net_supply(history: History) -> Series | None:
    """The tracked coins' supplies added up, on the dates every one of them has."""
    series = [history.get(i) for i in STABLECOIN_SUPPLY]
    found = [s for s in series if s is not None]
    if len(found) < len(STABLECOIN_SUPPLY):
        return None
    common = sorted(set.intersection(*(set(s.dates) for s in found)))
    totals = tuple((day, sum(s.close_on(day) or 0.0 for s in found)) for day in common)
    return Series(NET_SERIES, "USDT + USDC + DAI supply", "usd", totals)


def net_track(tape: Tape) -> Track | None:
    """The net supply as a track: its daily change in percent, and that change's trailing
    volatility (a z like any move's)."""
    def read() -> Track | None:
        series = net_supply(tape.history)
        if series is None or len(series) < 2:
            return None
        return FixedTrack(series) if isinstance(tape, FixedTape) else Track(series)
    return tape.memo("net_track", date.min, read)


# --- risk conditions -----------------------------------------------------------------------

def index_fell(series_id: str) -> Condition:
    """``rules.sharp_fall`` on one index's session."""
    def condition(tape: Tape, day: date) -> bool | None:
        read = _read(tape, series_id, day)
        return None if read is None else rules.sharp_fall(*read)
    return condition


def any_index_fell(tape: Tape, day: date) -> bool | None:
    found = [index_fell(i)(tape, day) for i in INDEX_IDS]
    known = [f for f in found if f is not None]
    return any(known) if known else None


def crypto_equity_snapback(tape: Tape, day: date) -> bool | None:
    """BTC's UTC day against an equity headline's session of the same date, on opposite
    sides (``rules.opposite_strong``)."""
    coin = _read(tape, "BTC", day)
    if coin is None:
        return None
    equities = [read for i in EQUITY_HEADLINES if (read := _read(tape, i, day)) is not None]
    if not equities:
        return None
    return any(rules.opposite_strong(coin[0], coin[1], pct, z) for pct, z in equities)


def _net(tape: Tape, day: date) -> tuple[float, float | None] | None:
    """The day's net change in USD, and in its own σ."""
    return tape.memo("net", day, lambda: _read_net(tape, day))


def _read_net(tape: Tape, day: date) -> tuple[float, float | None] | None:
    track = net_track(tape)
    if track is None or track.ret(day) is None:
        return None
    at = track.series.index_of(day)
    if at is None or at == 0:
        return None
    usd = track.series.closes[at][1] - track.series.closes[at - 1][1]
    return usd, track.z(day)


def stablecoin_outflow(tape: Tape, day: date) -> bool | None:
    net = _net(tape, day)
    return None if net is None else rules.stablecoin_outflow(*net)


def stablecoin_contraction(tape: Tape, day: date) -> bool | None:
    """One coin shrinking (``rules.issuer_contraction``) on a day that was not a net outflow:
    dollars moving between issuers, away from one of them."""
    net = _net(tape, day)
    coins = [read for i in STABLECOIN_SUPPLY if (read := _read(tape, i, day)) is not None]
    if net is None or not coins:
        return None
    if rules.stablecoin_outflow(*net):
        return False
    return any(rules.issuer_contraction(pct, z) for pct, z in coins)


def _direction(tape: Tape, series_id: str, day: date) -> int | None:
    read = _read(tape, series_id, day)
    return None if read is None else rules.scaled_direction(*read)


def day_verdict(tape: Tape, day: date) -> Verdict | None:
    """The verdict of one date's sessions (each market in its own σ), at least two equity
    headlines among them."""
    directions = {i: _direction(tape, i, day) for i in (*EQUITY_HEADLINES, "BTC")}
    if sum(1 for i, d in directions.items() if i != "BTC" and d is not None) < 2:
        return None
    return rules.verdict([d for d in directions.values() if d is not None])


def broad_risk_off(tape: Tape, day: date) -> bool | None:
    found = day_verdict(tape, day)
    return None if found is None else found is Verdict.RISK_OFF


# --- action-plan conditions (firing rates only) --------------------------------------------

def size_down(tape: Tape, day: date) -> bool | None:
    """Risk-off, or fragmented with an index falling sharply."""
    found = day_verdict(tape, day)
    if found is None:
        return None
    return found is Verdict.RISK_OFF or (found is Verdict.FRAGMENTED
                                         and bool(any_index_fell(tape, day)))


def hedge_crypto(tape: Tape, day: date) -> bool | None:
    """BTC amplifying a strong S&P 500 session (``rules.strong_move``)."""
    spx, btc = _read(tape, "SPX", day), _read(tape, "BTC", day)
    if spx is None or btc is None:
        return None
    return (rules.classify_crypto(spx[0], btc[0]) is CryptoState.AMPLIFYING
            and rules.strong_move(*spx))


def chinext_sse_split(tape: Tape, day: date) -> bool | None:
    a, b = _read(tape, "CHINEXT", day), _read(tape, "SSE", day)
    if a is None or b is None:
        return None
    spread_z = a[1] - b[1] if a[1] is not None and b[1] is not None else None
    return rules.wide_split(a[0] - b[0], spread_z)


# (key, label, clock, target, condition): the risks with a history to read them on.
RISK_CONDITIONS: tuple[tuple[str, str, str, str, Condition], ...] = (
    ("risk.crypto_equity_snapback", "BTC and an equity market on opposite sides", "BTC", "BTC",
     crypto_equity_snapback),
    ("risk.stablecoin_outflow", "a net outflow from the tracked stablecoins", "USDT_SUPPLY", "BTC",
     stablecoin_outflow),
    ("risk.stablecoin_contraction", "one issuer's coin contracting without a net outflow",
     "USDT_SUPPLY", "BTC", stablecoin_contraction),
    ("risk.broad_risk_off", "every market down (risk-off)", "SPX", "SPX", broad_risk_off),
)
PLAN_CONDITIONS: tuple[tuple[str, str, str, Condition], ...] = (
    ("plan.size_down_when_fragmented", "risk-off, or fragmented with a sharp fall", "HSI",
     size_down),
    ("plan.hedge_crypto_beta", "BTC amplifying a strong S&P 500 session", "SPX", hedge_crypto),
    ("plan.pair_intra_market_split", "ChiNext and the SSE far apart", "SSE", chinext_sse_split),
)


@dataclass(frozen=True)
class Rate:
    held: int
    days: int

    @property
    def share_pct(self) -> float:
        return 100 * self.held / self.days if self.days else 0.0


def firing_rate(tape: Tape, condition: Condition, clock: str) -> Rate:
    """On how many of ``clock``'s sessions ``condition`` held, of those it could be read on."""
    track = tape.track(clock)
    held = days = 0
    for day in track.dates if track is not None else ():
        found = condition(tape, day)
        if found is None:
            continue
        days += 1
        held += bool(found)
    return Rate(held, days)


# --- the day's stablecoin changes in their own σ -------------------------------------------

MAX_GAP_DAYS = 10  # a supply history that stopped longer before the edition gives no z
COIN_SERIES = {"USDT": "USDT_SUPPLY", "USDC": "USDC_SUPPLY", "DAI": "DAI_SUPPLY"}


def stablecoin_z(tape: Tape, day: date, net_usd: float | None, total_usd: float | None,
                 changes: Mapping[str, float | None]) -> tuple[float | None, dict[str, float]]:
    """The edition's net stablecoin change and each coin's change (percent, by symbol) in
    their own σ: over the daily changes of the ``VOL_WINDOW`` days before ``day`` (the
    edition's UTC date). None and nothing when the history is missing or stale."""
    coins: dict[str, float] = {}
    for symbol, change in changes.items():
        track = tape.track(COIN_SERIES.get(symbol, ""))
        last = track.dates[-1] if track is not None and track.dates else None
        if track is None or change is None or last is None or (day - last).days > MAX_GAP_DAYS:
            continue
        found = track.z(day, change)
        if found is not None:
            coins[symbol] = found
    track = net_track(tape)
    net_z = None
    if track is not None and track.dates and net_usd is not None and total_usd:
        prior = total_usd - net_usd
        if prior > 0 and (day - track.dates[-1]).days <= MAX_GAP_DAYS:
            net_z = track.z(day, net_usd / prior * 100)
    return net_z, coins


# --- what the risk matrix and the plan read from the history ------------------------------

@dataclass(frozen=True)
class StableReadings:
    """The stablecoins as the risk matrix reads them against the history: the net change and
    each coin's change in their own σ, and each coin's supply levels (keyed ``USDC_SUPPLY``).
    Empty without history."""

    net_z: float | None = None
    coin_z: Mapping[str, float] = field(default_factory=dict)
    levels: Mapping[str, Levels] = field(default_factory=dict)


def stablecoin_readings(crypto: CryptoAnalysis, tape: Tape, as_of: datetime) -> StableReadings:
    if not tape:
        return StableReadings()
    day = as_of.astimezone(UTC).date()
    s = crypto.stablecoins
    found: dict[str, Levels] = {}
    for flow in s.flows:
        series = tape.history.get(COIN_SERIES.get(flow.symbol, ""))
        if series is None or flow.supply_usd is None:
            continue
        if (level := levels(series, day, flow.supply_usd)) is not None:
            found[series.id] = level
    net_z, coin_z = stablecoin_z(tape, day, s.net_change_usd, s.total_supply_usd,
                                 {f.symbol: f.change_pct for f in s.flows})
    return StableReadings(net_z, coin_z, found)


def mark_today(rates: Mapping[str, BaseRate], risks: Iterable[Risk]) -> dict[str, BaseRate]:
    """The base rates with each triggered risk's own marked as today's."""
    fired = {f"risk.{r.key}" for r in risks}
    return {key: replace(rate, today=True) if key in fired else rate
            for key, rate in rates.items()}
