"""What an alert says (pure): the condition, the figure, its time and its source, and when the
alert fires again. Messages are plain lines; the first one is the heading."""

from __future__ import annotations

from datetime import datetime

from services import format as fmt
from services.alerts.figures import Figure
from services.alerts.rules import Margins, rearm_at
from services.watch.block import price, when
from services.watch.instruments import Listing
from services.watch.quotes import WINDOW_24H, WatchQuote
from services.watch.zscore import LOOKBACK


def condition(kind: str, listing: Listing, limit: float, other: Listing | None = None) -> str:
    """``BTC move ≥ ±5%``, ``HSI below 24,000``, ``spread BTC − SPX ≥ 3 pp``."""
    if kind == "move":
        return f"{listing.label} move ≥ ±{limit:g}%"
    if kind in ("above", "below"):
        return f"{listing.label} {kind} {price(listing, limit)}"
    if kind == "spread":
        return f"spread {listing.label} − {other.label if other else '?'} ≥ {limit:g} pp"
    if kind == "depeg":
        return f"{listing.label} ≥ {limit:g}% off $1"
    return f"{listing.label} move ≥ {limit:g}σ"


def _over(quote: WatchQuote) -> str:
    return "over 24 h" if quote.window == WINDOW_24H else "session over session"


def describe(kind: str, listing: Listing, fig: Figure, other: Listing | None = None) -> str:
    """The figure that crossed, with its time and source."""
    q = fig.quote
    at = when(q)
    if kind in ("above", "below"):
        verb = "is at" if q.live or q.window == WINDOW_24H else "closed at"
        return (f"{listing.label} {listing.name} {verb} {price(listing, q.price)} "
                f"({at}, {q.source}).")
    if kind == "move":
        return (f"{listing.label} {listing.name} moved {fmt.pct(q.change_pct)} {_over(q)}, "
                f"to {price(listing, q.price)} ({at}, {q.source}).")
    if kind == "depeg":
        return (f"{listing.label} {listing.name} is at {fmt.price_usd(q.price)}, "
                f"{fmt.pct(fig.value)} off $1 ({at}, {q.source}).")
    if kind == "z" and fig.z is not None:
        return (f"{listing.label} {listing.name} moved {fmt.pct(q.change_pct)} ({at}, "
                f"{q.source}): z {fig.z.z:+.1f} against its {LOOKBACK}-session volatility of "
                f"{fmt.pct(fig.z.vol_pct, signed=False)} (n={fig.z.n}, the history).")
    o = fig.other
    if kind == "spread" and o is not None and other is not None:
        return (f"{listing.label} {fmt.pct(q.change_pct)} ({at}, {q.source}) vs "
                f"{other.label} {fmt.pct(o.change_pct)} ({when(o)}, {o.source}): a gap of "
                f"{fmt.pp(fig.value)}.")
    return f"{listing.label}: {fmt.MISSING}"


def again(kind: str, listing: Listing, limit: float, margins: Margins) -> str:
    level = rearm_at(kind, limit, margins)
    if kind == "above":
        return f"It fires again after {listing.label} is back under {price(listing, level)}."
    if kind == "below":
        return f"It fires again after {listing.label} is back over {price(listing, level)}."
    unit = {"move": "%", "spread": " pp", "depeg": "%", "z": "σ"}.get(kind, "")
    return f"It fires again after the figure is back under {level:.2f}{unit}."


def firing(kind: str, listing: Listing, limit: float, fig: Figure, margins: Margins,
           other: Listing | None = None) -> str:
    return "\n".join((f"Alert: {condition(kind, listing, limit, other)}",
                      describe(kind, listing, fig, other),
                      again(kind, listing, limit, margins)))


def unfetched(listing: Listing, problem: str, at: datetime) -> str:
    return "\n".join((
        f"Alerts on {listing.label} cannot be checked",
        f"{listing.label} {listing.name}: {problem} ({at:%Y-%m-%d %H:%M} UTC).",
        "Said once a day while it lasts; its alerts stay on."))
