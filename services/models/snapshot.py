"""The input format ``market-snapshot/1``: frozen, validated values.

These models are both the validator of the JSON document and the values the analysis reads.
Field names are the format's own and must not be renamed; new optional fields may be added.
Any value may be null and any optional block may be absent. Units are in the names:
``change_pct`` is in percent (0.59 means +0.59 %), ``*_usd`` in US dollars, ``*_cny`` in yuan.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA_ID = "market-snapshot/1"

# What the A-share breadth figures cover, wherever they are shown.
BREADTH_SCOPE = "SSE + SZSE (BSE not included)"
# DefiLlama /protocols categories that are not DeFi: exchange reserves and whole chains.
NOT_DEFI_CATEGORIES: tuple[str, ...] = ("CEX", "Chain")

Market = Literal["US", "HK", "CN", "CRYPTO"]
MARKETS: tuple[str, ...] = ("US", "HK", "CN", "CRYPTO")

Pct = float | None
NonNegative = Annotated[float, Field(ge=0)] | None
Count = Annotated[int, Field(ge=0)] | None


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
    """One index, ETF or coin: its last close and its change over the session."""

    id: str
    name: str | None = None
    market: Market
    kind: str | None = None
    close: NonNegative = None
    change_pct: Pct = None
    session: date | datetime | None = None
    source: str | None = None
    stale: bool = Field(
        default=False,
        description="Added field: the quote is older than its market's latest completed session.",
    )
    change_window: str | None = Field(
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
    as_of: datetime | None = None
    source: str | None = None

    _as_of = field_validator("as_of", mode="before")(_parse_timestamp)


class Stablecoin(_Frozen):
    symbol: str
    circulating_usd: NonNegative = None
    change_pct_1d: Pct = None
    source: str | None = None


class Protocol(_Frozen):
    name: str
    category: str | None = None
    tvl_usd: NonNegative = None
    change_pct_1d: Pct = None
    source: str | None = None


class DefiCategory(_Frozen):
    """Added block: one DeFi category over every protocol DefiLlama lists in it."""

    category: str
    tvl_usd: NonNegative = None
    change_pct_1d: Pct = Field(
        default=None,
        description="TVL-weighted: the category's TVL now over its TVL a day earlier, from the "
                    "protocols with a usable 1-day change.")
    change_usd_1d: float | None = Field(
        default=None, description="TVL change in USD over the protocols in change_pct_1d")
    protocols: Count = None
    counted: Count = Field(default=None, description="protocols in change_pct_1d")
    source: str | None = None


class Dex(_Frozen):
    name: str
    volume_usd_1d: NonNegative = None
    change_pct_1d: Pct = None
    source: str | None = None


class Breadth(_Frozen):
    advancers: Count = None
    decliners: Count = None
    flat: Count = None
    turnover_cny: NonNegative = None
    session: date | None = None
    source: str | None = None

    _session = field_validator("session", mode="before")(_parse_session)


class SourceWarning(_Frozen):
    """Added field: a source that failed or a figure that was rejected, and why."""

    source: str
    reason: str
    figures: tuple[str, ...] = ()

    @field_validator("figures", mode="before")
    @classmethod
    def _list_is_tuple(cls, value: object) -> object:
        return tuple(value) if isinstance(value, list) else value


class SourceStatus(_Frozen):
    """Added field: what a source delivered and as of when."""

    name: str
    as_of: datetime | None = None
    ok: bool = True
    reason: str | None = None
    requests: Count = Field(default=None, description="requests sent in the build")
    latency_s: NonNegative = Field(default=None, description="median time to an answer")
    fallback: str | None = Field(
        default=None, description="for a failed source: which figures another source covered "
                                  "and which none did")
    note: str | None = Field(default=None, description="e.g. sessions inferred from the data")

    _as_of = field_validator("as_of", mode="before")(_parse_timestamp)


class MarketSnapshot(_Frozen):
    """One market day, as the analysis reads it."""

    schema_: Literal["market-snapshot/1"] = Field(alias="schema")
    generated_at: datetime
    quotes: tuple[Quote, ...] = ()
    crypto_market: CryptoMarket | None = None
    stablecoins: tuple[Stablecoin, ...] = ()
    protocols: tuple[Protocol, ...] = ()
    defi_categories: tuple[DefiCategory, ...] = ()
    dexes: tuple[Dex, ...] = ()
    a_share_breadth: Breadth | None = None
    northbound_net_cny: float | None = None
    warnings: tuple[SourceWarning, ...] = ()
    sources: tuple[SourceStatus, ...] = ()

    model_config = ConfigDict(
        frozen=True, strict=True, extra="ignore", allow_inf_nan=False, populate_by_name=True
    )

    _generated_at = field_validator("generated_at", mode="before")(_parse_timestamp)

    @field_validator("quotes", "stablecoins", "protocols", "defi_categories", "dexes",
                     "warnings", "sources", mode="before")
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
