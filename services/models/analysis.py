"""The computed facts of one market day: frozen values, no behaviour.

Everything a report, a chart or a narrator states is one of these values or a value copied
from the snapshot. Percent values are in percent (``change_pct``), spreads in percentage points
(``*_pp``), money in its currency (``*_usd``, ``*_cny``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class LinkState(StrEnum):
    """How a follower market moved against its leader (see ``analysis.rules.classify_link``)."""

    FOLLOWED = "followed"
    AMPLIFIED = "amplified"
    BROKEN = "broken"
    MUTED = "muted"  # the leader moved, the follower stayed flat
    NO_LEAD = "no lead"  # the leader itself was flat
    NOT_COMPARABLE = "not comparable"  # missing data or an older session
    # Two markets trading in the same hours (Hong Kong and the A-shares): no lead either way.
    TOGETHER = "moved together"
    APART = "moved apart"


class CryptoState(StrEnum):
    """How BTC moved against an equity market (see ``analysis.rules.classify_crypto``)."""

    AMPLIFYING = "amplifying"
    TRACKING = "tracking"
    DECOUPLED = "decoupled"
    REVERSED = "reversed"
    NOT_COMPARABLE = "not comparable"


class Verdict(StrEnum):
    RISK_ON = "risk-on"
    RISK_OFF = "risk-off"
    FRAGMENTED = "fragmented"
    NEUTRAL = "neutral"
    UNKNOWN = "unknown"


class Timing(StrEnum):
    """When the follower's session happened relative to the leader's."""

    NEXT_SESSION = "next session"  # the follower traded after the leader's session: a reaction
    SAME_DATE = "same date"  # same trading date; for US→HK, HK closed before the US opened
    OLDER = "older"  # the follower's last session is older: not comparable
    SAME_HOURS = "same hours"  # both traded at the same time (HK and the A-shares)


@dataclass(frozen=True)
class Move:
    """One quote as the analysis reads it."""

    id: str
    name: str
    market: str
    kind: str | None
    close: float | None
    change_pct: float | None
    session: date | None
    source: str | None
    closed: bool = False  # its market's last session is older than the edition's latest
    stale: bool = False  # older than its market's latest completed session (provider flag)
    window: str | None = None  # change_pct's window when not the usual one ("since 00:00 UTC")
    checked: Finding | None = None  # the history contradicted the feed; its figures are shown


class Finding(StrEnum):
    """What the cross-check against the history found about a quote."""

    STALE = "stale"  # the feed repeats an earlier session's close
    CONFLICT = "conflict"  # the feed and the history disagree on the same session


@dataclass(frozen=True)
class QuoteCheck:
    """One quote the history contradicts: both readings, both sources, and what was used."""

    id: str
    finding: Finding
    session: date
    quote_close: float | None
    quote_change_pct: float | None
    quote_source: str | None
    history_close: float
    history_change_pct: float | None
    history_source: str
    earlier_session: date | None = None  # stale: the session whose close the quote repeats
    replaced: bool = True  # the history's figures are what the report reads


@dataclass(frozen=True)
class MarketRow:
    """A row of the risk-sentiment table: one market's headline index."""

    market: str
    label: str
    move: Move | None
    signal: str


@dataclass(frozen=True)
class ChainLink:
    key: str
    leader: Move | None
    follower: Move | None
    state: LinkState
    timing: Timing | None
    ratio: float | None  # follower % / leader %: a one-day move ratio, not a beta
    spread_pp: float | None  # follower % − leader %
    note: str
    # The leader's and follower's moves in their own standard deviations (None without history).
    leader_z: float | None = None
    follower_z: float | None = None
    # The leader's move read from the history (the US session that led HK's session), not
    # from the snapshot.
    leader_from_history: bool = False


@dataclass(frozen=True)
class Split:
    """Dispersion inside one market: ``a`` minus ``b`` in pp."""

    key: str
    a: Move
    b: Move
    spread_pp: float
    opposite: bool  # the two moved in opposite directions
    notable: bool


@dataclass(frozen=True)
class CryptoLink:
    equity: Move
    btc: Move
    state: CryptoState
    move_ratio: float | None  # BTC % / equity % over the session (a one-day ratio, not a beta)
    spread_pp: float
    # What BTC's move measures against this session (``sessions.crypto_window``): the UTC day
    # of the session from the history, or the snapshot's own window when they differ.
    window: str = ""
    matched: bool = False  # BTC's window is the one matched to the equity session


@dataclass(frozen=True)
class Setup:
    """The latest US session sets up Asia's next sessions (``sessions.us_setup``).

    ``followers`` are the markets whose next session opens after this US close (Hong Kong and
    the A-shares, unless their own session of the same date is still to come)."""

    us: Move
    z: float | None
    followers: tuple[str, ...]
    base_rate_key: str | None  # the ``Analysis.base_rates`` entry for this US state


@dataclass(frozen=True)
class Sentiment:
    rows: tuple[MarketRow, ...]
    links: tuple[ChainLink, ...]  # us_hk, hk_cn
    cn_split: Split | None
    crypto_links: tuple[CryptoLink, ...]  # BTC against each current equity headline
    crypto_state: CryptoState  # against the S&P 500
    crypto_move_ratio_spx: float | None  # one day's BTC % / S&P 500 %, not a beta
    verdict: Verdict
    verdict_reason: str
    latest_session: date | None
    closed_markets: tuple[str, ...]
    setup: Setup | None = None  # today's US session and the Asian sessions it leads
    scale: str = "fixed"  # "z" when every current headline move has its z, else "fixed"


@dataclass(frozen=True)
class StablecoinFlow:
    symbol: str
    supply_usd: float | None
    change_pct: float | None
    prior_usd: float | None  # supply now / (1 + change)
    change_usd: float | None  # supply now − prior


@dataclass(frozen=True)
class StablecoinSummary:
    flows: tuple[StablecoinFlow, ...]
    net_change_usd: float | None  # None when any coin's change is unknown
    gross_change_usd: float | None
    total_supply_usd: float | None
    reading: str  # inflow | outflow | rotation | flat | unknown
    mixed: bool  # coins moved in opposite directions
    missing: tuple[str, ...]  # coins whose USD change cannot be computed


@dataclass(frozen=True)
class Mover:
    """A protocol's TVL or a DEX's volume and its one-day change."""

    name: str
    group: str | None  # category for protocols
    value_usd: float | None
    change_pct: float | None
    prior_usd: float | None
    change_usd: float | None
    anomaly: bool
    anomaly_reason: str | None


@dataclass(frozen=True)
class CategoryMove:
    category: str
    count: int  # protocols in the category (listed ones; all of DefiLlama's when weighted)
    counted: int  # of which counted in the move (no anomaly, change known)
    avg_change_pct: float | None  # the category's 1-day move (see ``weighted``)
    tvl_usd: float | None  # sum, when every counted protocol has a TVL
    change_usd: float | None
    leader: str | None
    laggard: str | None
    anomalies: tuple[str, ...]
    # True: TVL-weighted over every protocol of the category (the data path's full list);
    # False: the unweighted mean of the protocols listed in the snapshot.
    weighted: bool = False


@dataclass(frozen=True)
class CryptoAnalysis:
    btc: Move | None
    eth: Move | None
    others: tuple[Move, ...]
    total_market_cap_usd: float | None
    market_cap_change_pct: float | None
    total_volume_usd: float | None
    as_of: datetime | None
    eth_btc_spread_pp: float | None
    stablecoins: StablecoinSummary
    categories: tuple[CategoryMove, ...]
    protocols: tuple[Mover, ...]
    dexes: tuple[Mover, ...]
    anomalies: tuple[Mover, ...]


@dataclass(frozen=True)
class BreadthReading:
    advancers: int | None
    decliners: int | None
    flat: int | None
    total: int | None  # advancers + decliners (+ flat when known)
    advance_share_pct: float | None  # advancers / (advancers + decliners)
    ad_ratio: float | None  # advancers / decliners
    divergence: bool
    divergence_with: str | None  # the index id that moved against breadth
    reading: str
    session: date | None


@dataclass(frozen=True)
class SectorRotation:
    defensive_avg_pct: float
    growth_avg_pct: float
    spread_pp: float  # defensive − growth
    leader: str  # defensive | growth | neither
    defensive: tuple[Move, ...]
    growth: tuple[Move, ...]


@dataclass(frozen=True)
class EquityMarket:
    market: str
    moves: tuple[Move, ...]
    splits: tuple[Split, ...]
    headline: Move | None
    closed: bool
    breadth: BreadthReading | None = None
    turnover_cny: float | None = None
    northbound_net_cny: float | None = None
    northbound_note: str | None = None
    sectors: SectorRotation | None = None
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class Divergence:
    key: str
    kind: str
    a_label: str
    b_label: str
    a_pct: float
    b_pct: float
    spread_pp: float
    spread_usd: float | None
    explanation: str
    implication: str
    # a's z minus b's z: the gap in each move's own units (None when either has no z); the
    # divergences are ranked by it when every pair has one, pp still shown.
    spread_z: float | None = None


@dataclass(frozen=True)
class FlowNode:
    label: str
    detail: str = ""
    children: tuple[FlowNode, ...] = ()


@dataclass(frozen=True)
class WatchLevel:
    """A level to watch on one instrument: a close ``side`` of ``value`` (below or above) has
    not happened yet, since ``close`` is on the other side. ``name`` says where the level comes
    from ("200-session average", "52-week low", "today's close" without history)."""

    instrument: str  # quote id
    label: str  # its short name
    name: str
    value: float
    side: str  # below | above
    close: float
    from_history: bool


@dataclass(frozen=True)
class Risk:
    """A condition the day's figures trigger, with its evidence and what to watch next.

    ``sigmas`` is the reading in its own standard deviations when the history gives one
    (``scale`` "z"); without history it is ``rules.FIXED_AS_Z`` per multiple of the fixed
    threshold (``scale`` "fixed", ``intensity`` the multiple). ``severity`` grows with it
    (``rules.severity``). The base rate, when the history has one, is
    ``Analysis.base_rates["risk.<key>"]``."""

    key: str
    title: str
    evidence: str
    trigger: str  # what to watch: something that has not happened yet
    impact: str  # high | medium | low
    severity: str  # high | medium | low
    sigmas: float
    scale: str  # z | fixed
    intensity: float  # how far past its fixed threshold (1.0 = at threshold)
    score: float  # impact weight × capped sigmas: the ranking
    level: WatchLevel | None = None  # the level in the trigger, when it has one
    subject: str = ""  # what the risk is about, by name (an index, a coin's symbol, markets)
    subject_id: str = ""  # its quote id (or a stablecoin's symbol), when it is one instrument


@dataclass(frozen=True)
class Idea:
    """One idea of the action plan: what to do with which ``instrument``, at which level (from
    the history when there is one), over which ``horizon``, and on which evidence. ``stance``
    is how it changes risk (reduce | add | relative | hold): an idea that adds risk on a
    risk-off day, or cuts it on a risk-on day, contradicts the verdict and is left out."""

    tier: str  # conservative | moderate | aggressive
    text: str
    evidence: str  # the figures behind it
    refs: tuple[str, ...]  # keys of the risks/divergences it rests on
    instrument: str = ""
    horizon: str = ""
    level: WatchLevel | None = None
    stance: str = "reduce"


@dataclass(frozen=True)
class Evidence:
    """One instrument's move read against its own history (``analysis.evidence``).

    ``z`` is the session's return over the trailing 60-session volatility of daily returns
    (both in percent), ``n`` the returns behind that volatility; ``percentile`` ranks the return
    among the last year's (``n_year`` of them; 0 = the worst day, 100 = the best). ``recent``
    is the last 60 closes up to and including ``session``, for sparklines. Figures are None
    when the history is too short; the report then keeps the fixed thresholds and says so.
    """

    id: str
    session: date | None
    change_pct: float | None
    z: float | None
    vol_pct: float | None
    n: int
    percentile: float | None
    n_year: int
    recent: tuple[tuple[date, float], ...]
    source: str
    # Rank of the return among the last year's (1 = the worst / the best of ``n_year``), the
    # session's own return not counted among them.
    worst_rank: int | None = None
    best_rank: int | None = None

    @property
    def strong(self) -> bool:
        """|z| ≥ 2: a strong move for this asset (``rules.STRONG_Z``)."""
        return self.z is not None and abs(self.z) >= STRONG_Z


@dataclass(frozen=True)
class CoMovement:
    """Rolling correlation and beta of ``asset``'s returns on ``base``'s over matched windows
    (``analysis.comovement``). ``beta`` is cov(asset, base) / var(base) over the same ``n``
    pairs; both None with fewer than ``comovement.MIN_PAIRS`` pairs. ``window`` names what is
    matched (``"US sessions; BTC over the same close-to-close UTC days"``)."""

    key: str  # btc_spx | hsi_us | chinext_sse
    asset: str
    base: str
    correlation: float | None
    beta: float | None
    n: int
    first: date | None  # the first and last session of the window
    last: date | None
    window: str


@dataclass(frozen=True)
class Levels:
    """Where an instrument closed against its last 52 weeks (``analysis.levels``).

    ``from_high_pct`` ≤ 0 is the drawdown from the 52-week high; ``from_low_pct`` ≥ 0 the
    distance above the low. ``ma50``/``ma200`` are simple moving averages of closes (None with
    fewer closes). ``streak`` counts sessions in a row in the same direction up to ``session``
    (−5: five down in a row; 0: the last session was unchanged). ``full_year`` is False when
    the history starts inside the 52 weeks: the high and low are then the history's
    (``since``)."""

    id: str
    session: date
    close: float
    high: float
    high_on: date
    low: float
    low_on: date
    from_high_pct: float
    from_low_pct: float
    ma50: float | None
    ma200: float | None
    streak: int
    n: int  # closes in the window
    since: date
    full_year: bool
    source: str


BASE_RATE_MIN_CASES = 20  # fewer cases: "too few cases (n)", never a rate
STRONG_Z = 2.0  # |z| at least this is a strong move for its asset (``rules.STRONG_Z``)


@dataclass(frozen=True)
class BaseRate:
    """How often a condition held in the history and what followed in the next session.

    ``n`` days held the condition with a next session of ``target`` to read; ``days`` could be
    tested at all. ``up`` of the ``n`` next sessions rose (a change above zero).
    ``median_next_pct`` is their median change. Below ``base_rates.MIN_CASES`` the report says
    "too few cases (n)" instead of a rate (``shown``). ``today`` is whether it holds on the
    edition's session (None: cannot be read today)."""

    key: str
    label: str
    target: str
    n: int
    days: int
    up: int
    median_next_pct: float | None
    first: date | None
    last: date | None
    today: bool | None = None

    @property
    def shown(self) -> bool:
        return self.n >= BASE_RATE_MIN_CASES

    @property
    def up_share_pct(self) -> float | None:
        return 100 * self.up / self.n if self.n else None

    @property
    def held_share_pct(self) -> float | None:
        """Share of the tested days on which the condition held (its firing rate)."""
        return 100 * self.n / self.days if self.days else None


@dataclass(frozen=True)
class MacroReading:
    """One macro figure (the dollar, the 10-year yield, gold, oil, VIX, the offshore yuan):
    its close and day change from the snapshot's quote, or, when the snapshot has no such
    quote, from the history's closes of the same session (``from_history``). A yield's change
    is in basis points (``change_bp``), everything else's in percent (``change_pct``).
    ``close`` None: the figure is missing."""

    id: str
    label: str
    kind: str  # fx | rate | commodity | volatility
    close: float | None
    change_pct: float | None
    change_bp: float | None
    session: date | None
    source: str | None
    from_history: bool = False


@dataclass(frozen=True)
class MarketDay:
    """One equity market on the edition's day, read from its exchange calendar (the snapshot's
    ``calendars``; ``analysis.trading_days``). ``today`` is the market's own date at the
    edition's time. ``closed_today``: a weekday that is not a session (a holiday);
    ``reopens_today``: it trades today after missing a weekday since ``last_session``;
    ``absorbs``: for a market shut today, the US sessions between its last close and its next
    open (what its next session has to take in)."""

    market: str
    today: date
    last_session: date | None
    next_session: date | None
    closed_today: bool
    reopens_today: bool
    absorbs: tuple[date, ...] = ()


@dataclass(frozen=True)
class StateChange:
    """One reading in the previous edition and in this one (``before`` None: not read then)."""

    key: str
    label: str
    before: str | None
    now: str | None

    @property
    def changed(self) -> bool:
        return self.before != self.now


@dataclass(frozen=True)
class SincePrevious:
    """What changed since the previous stored edition (``analysis.since``): the verdict, each
    link of the chain, and the risks. ``previous_as_of`` is None on the first edition (no
    previous one is stored), and every other field is then empty."""

    previous_as_of: datetime | None
    previous_date: date | None = None
    verdict: StateChange | None = None
    chain: tuple[StateChange, ...] = ()
    risks_new: tuple[str, ...] = ()  # titles of risks triggered now and not then
    risks_gone: tuple[str, ...] = ()  # triggered then, not now
    risks_kept: tuple[str, ...] = ()  # triggered in both
    same_sessions: bool = False  # both editions read the same equity sessions


@dataclass(frozen=True)
class Analysis:
    as_of: datetime
    edition_date: date
    generated_at: datetime
    sentiment: Sentiment
    crypto: CryptoAnalysis
    us: EquityMarket
    hk: EquityMarket
    cn: EquityMarket
    divergences: tuple[Divergence, ...]
    flows: tuple[FlowNode, ...]
    risks: tuple[Risk, ...]
    ideas: tuple[Idea, ...]
    warnings: tuple[str, ...]
    sources: tuple[tuple[str, str], ...]  # (source name, as-of text)
    thresholds: dict[str, float] = field(default_factory=dict)
    session_note: str | None = None  # a weekend edition: equities closed, last sessions named
    evidence: Mapping[str, Evidence] = field(default_factory=dict)  # by quote id
    levels: Mapping[str, Levels] = field(default_factory=dict)  # by quote id
    comovement: Mapping[str, CoMovement] = field(default_factory=dict)  # by key
    # By condition name: chain states (``chain.us_hk.followed``), the US setup
    # (``setup.us.strong_down``) and risk conditions (``risk.index_drawdown``).
    base_rates: Mapping[str, BaseRate] = field(default_factory=dict)
    # Said when some move has no z (fewer than 40 sessions of history): fixed thresholds.
    scale_note: str | None = None
    checks: tuple[QuoteCheck, ...] = ()  # quotes the history contradicted (cross-check)
    history_notes: tuple[str, ...] = ()  # the cross-check's lines (also in ``warnings``)
    macro: tuple[MacroReading, ...] = ()  # in MACRO order: every one, missing or not
    since_previous: SincePrevious = SincePrevious(None)  # against the previous stored edition
    # By market (US, HK, CN): when each trades, from the snapshot's calendars (empty without).
    trading_days: Mapping[str, MarketDay] = field(default_factory=dict)
