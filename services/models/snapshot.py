"""The input format ``market-snapshot/1``: frozen, validated values.

These models are both the validator of the JSON document and the values the analysis reads.
Field names are the format's own and must not be renamed; new optional fields may be added.
Any value may be null and any optional block may be absent. Units are in the names:
``change_pct`` is in percent (0.59 means +0.59 %), ``change_bp`` in basis points, ``*_usd`` in US
dollars, ``*_cny`` in yuan.

Markets: ``US``, ``HK``, ``CN`` (equities), ``CRYPTO``, and ``MACRO``: the macro layer (the dollar
index, the US 10-year yield, gold and WTI futures, the VIX, USD/CNH), with kinds ``fx``, ``rate``,
``commodity`` and ``volatility``. A ``rate`` is a yield quoted in percent (the 10-year's 4.39):
its move is ``change_bp`` (close minus previous close, in basis points: 4.39 after 4.35 is +4 bp)
and its ``change_pct`` is null, since a percent change of a percent misleads.

Validation is also where upstream data is made safe, for ``--input``, stored and live snapshots
alike: every string is cleaned and clipped (``clean``), every date lies between ``FIRST_YEAR``
and ``LAST_YEAR``, every list has a ceiling (``MAX_ROWS``), and a quote whose move is outside
its sane bound is left out with a warning (``plausibility``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    field_validator,
    model_validator,
)

from services.models import plausibility
from services.models.clean import Id, Name, Reason

SCHEMA_ID = "market-snapshot/1"

# What the A-share breadth figures cover, wherever they are shown.
BREADTH_SCOPE = "SSE + SZSE (BSE not included)"
# DefiLlama /protocols categories that are not DeFi: exchange reserves and whole chains.
NOT_DEFI_CATEGORIES: tuple[str, ...] = ("CEX", "Chain")

Market = Literal["US", "HK", "CN", "CRYPTO", "MACRO"]
MARKETS: tuple[str, ...] = ("US", "HK", "CN", "CRYPTO", "MACRO")
# The kind of a quote whose move is in basis points (``change_bp``), not percent.
RATE_KIND = "rate"

# No price, amount or flow reaches a quadrillion (in USD or CNY: ten times every stock market
# together); beyond it a figure is no data, and sums of such figures overflow to infinity.
MAX_AMOUNT = 1e15

Pct = float | None
NonNegative = Annotated[float, Field(ge=0, le=MAX_AMOUNT)] | None
Amount = Annotated[float, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)] | None
Count = Annotated[int, Field(ge=0)] | None

FIRST_YEAR, LAST_YEAR = 1900, 2199
MAX_ROWS = {"quotes": 500, "stablecoins": 200, "protocols": 5000, "defi_categories": 500,
            "dexes": 1000, "warnings": 1000, "sources": 200, "figures": 100, "calendars": 10,
            "sessions": 100}


def _in_range(value: date | None) -> date | None:
    """A date or time a market could have had: far-off years are typos or attacks (and year
    9999 overflows the first time zone conversion)."""
    if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"year {value.year} is outside {FIRST_YEAR}-{LAST_YEAR}")
    return value


Day = Annotated[date, AfterValidator(_in_range)]
Moment = Annotated[datetime, AfterValidator(_in_range)]
Session = Annotated[date | datetime | None, AfterValidator(_in_range)]


def _parse_session(value: object) -> object:
    """A session is an ISO date (equities) or a timezone-aware ISO timestamp (24/7 markets)."""
    if not isinstance(value, str):
        return value
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError("not an ISO date or timestamp") from exc
    if parsed.tzinfo is None:
        raise ValueError("timestamp has no time zone")
    return parsed


def _parse_timestamp(value: object) -> object:
    if not isinstance(value, str):
        return value
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ValueError("not an ISO timestamp") from exc
    if parsed.tzinfo is None:
        raise ValueError("timestamp has no time zone")
    return parsed


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, strict=True, extra="ignore", allow_inf_nan=False)


class Quote(_Frozen):
    """One index, ETF, coin or macro quote: its last close and its change over the session."""

    id: Id
    name: Name | None = None
    market: Market
    kind: Name | None = None
    close: NonNegative = None
    change_pct: Pct = None
    change_bp: Pct = Field(
        default=None,
        description="Added field: the move of a rate (kind 'rate', a yield in percent such as "
                    "the US 10-year's 4.39) in basis points: close minus previous close, times "
                    "100 (4.39 after 4.35 is +4.0). A rate's change_pct is null.")
    session: Session = None
    source: Name | None = None
    stale: bool = Field(
        default=False,
        description="Added field: the quote is older than its market's latest completed session.",
    )
    change_window: Name | None = Field(
        default=None,
        description="Added field: the window of change_pct when it is not the usual one (a "
                    "rolling 24 h for coins, session over session for equities), e.g. "
                    "'since 00:00 UTC'.",
    )

    _session = field_validator("session", mode="before")(_parse_session)

    @property
    def session_date(self) -> date | None:
        if isinstance(self.session, datetime):
            return self.session.date()
        return self.session


class CryptoMarket(_Frozen):
    total_market_cap_usd: NonNegative = None
    market_cap_change_pct: Pct = None
    total_volume_usd: NonNegative = None
    as_of: Moment | None = None
    source: Name | None = None

    _as_of = field_validator("as_of", mode="before")(_parse_timestamp)


class Stablecoin(_Frozen):
    symbol: Name
    circulating_usd: NonNegative = None
    change_pct_1d: Pct = None
    source: Name | None = None


class Protocol(_Frozen):
    name: Name
    category: Name | None = None
    tvl_usd: NonNegative = None
    change_pct_1d: Pct = None
    source: Name | None = None


class DefiCategory(_Frozen):
    """Added block: one DeFi category over every protocol DefiLlama lists in it."""

    category: Name
    tvl_usd: NonNegative = None
    change_pct_1d: Pct = Field(
        default=None,
        description="TVL-weighted: the category's TVL now over its TVL a day earlier, from the "
                    "protocols with a usable 1-day change.")
    change_usd_1d: Amount = Field(
        default=None, description="TVL change in USD over the protocols in change_pct_1d")
    protocols: Count = None
    counted: Count = Field(default=None, description="protocols in change_pct_1d")
    source: Name | None = None


class Dex(_Frozen):
    name: Name
    volume_usd_1d: NonNegative = None
    change_pct_1d: Pct = None
    source: Name | None = None


class Breadth(_Frozen):
    advancers: Count = None
    decliners: Count = None
    flat: Count = None
    turnover_cny: NonNegative = None
    session: Day | None = None
    source: Name | None = None

    _session = field_validator("session", mode="before")(_parse_session)


class SourceWarning(_Frozen):
    """Added field: a source that failed or a figure that was rejected, and why."""

    source: Name
    reason: Reason
    figures: tuple[Name, ...] = Field(default=(), max_length=MAX_ROWS["figures"])

    @field_validator("figures", mode="before")
    @classmethod
    def _list_is_tuple(cls, value: object) -> object:
        return tuple(value) if isinstance(value, list) else value


class SessionCalendar(_Frozen):
    """Added block: one equity market's trading sessions around the snapshot's time, as its
    exchange calendar has them (XNYS, XHKG, XSHG). A weekday missing from ``sessions`` is a
    holiday of that market; the dates after the snapshot's time say when it trades next."""

    market: Literal["US", "HK", "CN"]
    sessions: tuple[Day, ...] = Field(default=(), max_length=MAX_ROWS["sessions"])
    source: Name | None = None

    @field_validator("sessions", mode="before")
    @classmethod
    def _dates(cls, value: object) -> object:
        if isinstance(value, list):
            return tuple(date.fromisoformat(v) if isinstance(v, str) else v for v in value)
        return value


class SourceStatus(_Frozen):
    """Added field: what a source delivered and as of when."""

    name: Name
    as_of: Moment | None = None
    ok: bool = True
    reason: Reason | None = None
    requests: Count = Field(default=None, description="requests sent in the build")
    latency_s: NonNegative = Field(default=None, description="median time to an answer")
    fallback: Reason | None = Field(
        default=None, description="for a failed source: which figures another source covered "
                                  "and which none did")
    note: Reason | None = Field(default=None, description="e.g. sessions inferred from the data")

    _as_of = field_validator("as_of", mode="before")(_parse_timestamp)


class MarketSnapshot(_Frozen):
    """One market day, as the analysis reads it."""

    schema_: Literal["market-snapshot/1"] = Field(alias="schema")
    generated_at: Moment
    quotes: tuple[Quote, ...] = Field(default=(), max_length=MAX_ROWS["quotes"])
    crypto_market: CryptoMarket | None = None
    stablecoins: tuple[Stablecoin, ...] = Field(default=(), max_length=MAX_ROWS["stablecoins"])
    protocols: tuple[Protocol, ...] = Field(default=(), max_length=MAX_ROWS["protocols"])
    defi_categories: tuple[DefiCategory, ...] = Field(
        default=(), max_length=MAX_ROWS["defi_categories"])
    dexes: tuple[Dex, ...] = Field(default=(), max_length=MAX_ROWS["dexes"])
    a_share_breadth: Breadth | None = None
    northbound_net_cny: Amount = None
    warnings: tuple[SourceWarning, ...] = Field(default=(), max_length=MAX_ROWS["warnings"])
    sources: tuple[SourceStatus, ...] = Field(default=(), max_length=MAX_ROWS["sources"])
    calendars: tuple[SessionCalendar, ...] = Field(default=(),
                                                   max_length=MAX_ROWS["calendars"])

    model_config = ConfigDict(
        frozen=True, strict=True, extra="ignore", allow_inf_nan=False, populate_by_name=True
    )

    _generated_at = field_validator("generated_at", mode="before")(_parse_timestamp)

    @model_validator(mode="wrap")
    @classmethod
    def _leave_out_implausible(cls, data: Any, handler: ModelWrapValidatorHandler[Any]
                               ) -> Any:
        """Quotes, and market-cap or stablecoin-supply changes, outside their sane bounds are
        left out, each named in a warning (``plausibility``). Screened after a first
        validation, so every problem's path still points into the document as given."""
        snapshot = handler(data)
        if not isinstance(data, dict):
            return snapshot
        rejected: list[plausibility.Rejected] = []
        quotes = []
        for q in snapshot.quotes:
            problem = plausibility.quote_problem(q.close, q.change_pct, q.kind, q.market,
                                                 q.change_bp)
            if problem is None:
                quotes.append(q)
            else:
                rejected.append(plausibility.Rejected(q.id, q.source or "input", problem))
        market = snapshot.crypto_market
        if market is not None and (problem := plausibility.change_problem(
                market.market_cap_change_pct, plausibility.MARKET_CAP)) is not None:
            rejected.append(plausibility.Rejected("crypto_market.market_cap_change_pct",
                                                  market.source or "input", problem))
            market = market.model_copy(update={"market_cap_change_pct": None})
        coins = []
        for coin in snapshot.stablecoins:
            problem = plausibility.change_problem(coin.change_pct_1d, plausibility.SUPPLY)
            if problem is not None:
                rejected.append(plausibility.Rejected(coin.symbol, coin.source or "input",
                                                      problem))
                coin = coin.model_copy(update={"change_pct_1d": None})
            coins.append(coin)
        if not rejected:
            return snapshot
        return handler({**data, "quotes": quotes, "crypto_market": market,
                        "stablecoins": coins,
                        "warnings": [*snapshot.warnings, *(r.as_warning() for r in rejected)]})

    @field_validator("quotes", "stablecoins", "protocols", "defi_categories", "dexes",
                     "warnings", "sources", "calendars", mode="before")
    @classmethod
    def _null_list_is_empty(cls, value: object) -> object:
        if value is None:
            return ()
        if isinstance(value, list):
            return tuple(value)
        return value

    @field_validator("quotes", mode="after")
    @classmethod
    def _unique_quote_ids(cls, quotes: tuple[Quote, ...]) -> tuple[Quote, ...]:
        seen: set[str] = set()
        for quote in quotes:
            if quote.id in seen:
                raise ValueError(f"duplicate quote id '{quote.id}'")
            seen.add(quote.id)
        return quotes

    def quote(self, quote_id: str) -> Quote | None:
        for quote in self.quotes:
            if quote.id == quote_id:
                return quote
        return None

