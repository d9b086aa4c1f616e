"""Sane bounds for a quote's move in one session, applied to every snapshot as it is validated.

A quote outside its bound is left out of the snapshot and named in a warning (the figure then
shows as missing, with the reason), rather than failing the whole document: one bad figure
must not take the other forty with it, and the live path meets the same rule as ``--input``.

Bounds by ``kind`` (percent, one session; a quote without a kind is read by the analysis as an
index in a stock market and as a coin in CRYPTO, so it gets that bound):

- ``index``: ±25 % (the worst day of a major index in a century is the S&P 500's −20.5 % of
  19 October 1987; the live Eastmoney and Yahoo parsers use the same bound);
- ``etf``: ±30 % (an unleveraged sector fund holds a basket; its worst days, such as XLE's
  −20 % of 9 March 2020, stay inside; leveraged funds are not tracked);
- ``coin``: ±50 % (Bitcoin's worst day, 12 March 2020, was about −37 %; the live CoinGecko
  parser uses the same bound);
- any other kind (a stock, a future …): above −100 % and at most +1000 % (the analysis's
  ``ANOMALY_CHANGE_PCT``);
- a rate's move in basis points (``change_bp``, any kind): ±200 bp in one session (far beyond a
  day of a major government yield; a wrong scale, such as a yield quoted ten times over, lands
  outside it).

A close of exactly 0 is no price and is left out too (a negative close is a malformed document:
the schema says non-negative, and validation names its path).

Two changes that are not quotes get a bound too, and only the change is left out (the level
stays): the total crypto market cap's 24 h change (±50 %), and a stablecoin's 1-day supply
change (±50 %, as the live DefiLlama parser). DeFi protocols and DEXes keep theirs: the analysis
shows a move from a tiny or unknown base as an anomaly, not a signal.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bound:
    """A move is plausible within ±``limit`` percent, and never at or below −100 %."""

    limit: float
    label: str

    def holds(self, change_pct: float) -> bool:
        return change_pct > -100.0 and abs(change_pct) <= self.limit

    def describe(self) -> str:
        if self.limit < 100:
            return f"±{self.limit:g}% for {self.label}"
        return f"above -100% and at most +{self.limit:g}% for {self.label}"


INDEX = Bound(25.0, "an index")
ETF = Bound(30.0, "an ETF")
COIN = Bound(50.0, "a coin")
OTHER = Bound(1000.0, "a quote of another kind")
MARKET_CAP = Bound(50.0, "the total crypto market cap in 24 h")
SUPPLY = Bound(50.0, "a stablecoin's supply in a day")
BY_KIND = {"index": INDEX, "etf": ETF, "coin": COIN}


def bound_for(kind: str | None, market: str) -> Bound:
    if kind:
        return BY_KIND.get(kind.lower(), OTHER)
    return COIN if market == "CRYPTO" else INDEX


RATE_BP_LIMIT = 200.0


def quote_problem(close: float | None, change_pct: float | None, kind: str | None,
                  market: str, change_bp: float | None = None) -> str | None:
    """Why a quote is not plausible, or ``None``."""
    if close == 0:
        return "a close of 0 is not a price"
    if change_bp is not None and abs(change_bp) > RATE_BP_LIMIT:
        return (f"a {change_bp:+g} bp move in one session is outside the sane bound of "
                f"±{RATE_BP_LIMIT:g} bp for a rate")
    if change_pct is None:
        return None
    bound = bound_for(kind, market)
    if bound.holds(change_pct):
        return None
    return (f"a {change_pct:+g}% move in one session is outside the sane bound of "
            f"{bound.describe()}")


def change_problem(change_pct: float | None, bound: Bound) -> str | None:
    """Why a change (of a market cap, a supply) is not plausible, or ``None``."""
    if change_pct is None or bound.holds(change_pct):
        return None
    return f"a {change_pct:+g}% change is outside the sane bound of {bound.describe()}"


@dataclass(frozen=True)
class Rejected:
    """A figure left out of the snapshot: what it was, and why."""

    figure: str
    source: str
    reason: str

    def as_warning(self) -> dict[str, object]:
        return {"source": self.source, "reason": f"{self.figure}: {self.reason}; left out",
                "figures": (self.figure,)}
