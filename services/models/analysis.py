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
    ratio: float | None  # follower % / leader %
    spread_pp: float | None  # follower % − leader %
    note: str


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
    beta: float | None  # BTC % / equity % over the session (one-day move ratio)
    spread_pp: float


@dataclass(frozen=True)
class Sentiment:
    rows: tuple[MarketRow, ...]
    links: tuple[ChainLink, ...]  # us_hk, hk_cn
    cn_split: Split | None
    crypto_links: tuple[CryptoLink, ...]  # BTC against each current equity headline
    crypto_state: CryptoState  # against the S&P 500
    crypto_beta_spx: float | None
    verdict: Verdict
    verdict_reason: str
    latest_session: date | None
    closed_markets: tuple[str, ...]


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


@dataclass(frozen=True)
class FlowNode:
    label: str
    detail: str = ""
    children: tuple[FlowNode, ...] = ()


@dataclass(frozen=True)
class Risk:
    key: str
    title: str
    evidence: str
    trigger: str
    impact: str  # high | medium | low
    likelihood: str  # high | medium | low, qualitative (see rules.likelihood)
    intensity: float  # how far past its threshold the condition is (1.0 = at threshold)
    score: float


@dataclass(frozen=True)
class Idea:
    tier: str  # conservative | moderate | aggressive
    text: str
    evidence: str  # the figures behind it
    refs: tuple[str, ...]  # keys of the risks/divergences it rests on


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
    checks: tuple[QuoteCheck, ...] = ()  # quotes the history contradicted (cross-check)
    history_notes: tuple[str, ...] = ()  # the cross-check's lines (also in ``warnings``)
    macro: tuple[MacroReading, ...] = ()  # in MACRO order: every one, missing or not
