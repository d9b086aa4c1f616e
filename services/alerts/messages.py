"""What an alert says (pure): the condition, the figure, its time and its source, and when the
alert fires again. Messages are plain lines; the first one is the heading. They are written in
the chat's language (``tr``; English by default) when the alert fires."""

from __future__ import annotations

from datetime import datetime

from services import format as fmt
from services.alerts.figures import Figure
from services.alerts.rules import Margins, rearm_at
from services.i18n import Translator, translator
from services.watch.block import price, when
from services.watch.instruments import Listing
from services.watch.quotes import WINDOW_24H, WatchQuote
from services.watch.zscore import LOOKBACK


def condition(kind: str, listing: Listing, limit: float, other: Listing | None = None,
              tr: Translator | None = None) -> str:
    """``BTC move ≥ ±5%``, ``HSI below 24,000``, ``spread BTC − SPX ≥ 3 pp``."""
    tr = tr or translator()
    label, threshold = listing.label, f"{limit:g}"
    if kind == "move":
        return tr.gettext("{code} move ≥ ±{limit}%", code=label, limit=threshold)
    if kind == "above":
        return tr.gettext("{code} above {level}", code=label,
                          level=price(listing, limit, tr.language))
    if kind == "below":
        return tr.gettext("{code} below {level}", code=label,
                          level=price(listing, limit, tr.language))
    if kind == "spread":
        return tr.gettext("spread {code} − {other} ≥ {limit} pp", code=label,
                          other=other.label if other else "?", limit=threshold)
    if kind == "depeg":
        return tr.gettext("{code} ≥ {limit}% off $1", code=label, limit=threshold)
    return tr.gettext("{code} move ≥ {limit}σ", code=label, limit=threshold)


def _over(quote: WatchQuote, tr: Translator) -> str:
    return tr.gettext("over 24 h") if quote.window == WINDOW_24H \
        else tr.gettext("session over session")


def describe(kind: str, listing: Listing, fig: Figure, other: Listing | None = None,
             tr: Translator | None = None) -> str:
    """The figure that crossed, with its time and source."""
    tr = tr or translator()
    f = fmt.figures(tr.language)
    q = fig.quote
    at = when(q, tr)
    name = f"{listing.label} {listing.name}"
    if kind in ("above", "below"):
        level = price(listing, q.price, tr.language)
        if q.live or q.window == WINDOW_24H:
            return tr.gettext("{name} is at {price} ({time}, {source}).", name=name,
                              price=level, time=at, source=q.source)
        return tr.gettext("{name} closed at {price} ({time}, {source}).", name=name,
                          price=level, time=at, source=q.source)
    if kind == "move":
        return tr.gettext("{name} moved {change} {over}, to {price} ({time}, {source}).",
                          name=name, change=f.pct(q.change_pct), over=_over(q, tr),
                          price=price(listing, q.price, tr.language), time=at, source=q.source)
    if kind == "depeg":
        return tr.gettext("{name} is at {price}, {off} off $1 ({time}, {source}).", name=name,
                          price=f.price_usd(q.price), off=f.pct(fig.value), time=at,
                          source=q.source)
    if kind == "z" and fig.z is not None:
        return tr.gettext("{name} moved {change} ({time}, {source}): z {z} against its "
                          "{lookback}-session volatility of {vol} (n={n}, the history).",
                          name=name, change=f.pct(q.change_pct), time=at, source=q.source,
                          z=f"{fig.z.z:+.1f}", lookback=LOOKBACK,
                          vol=f.pct(fig.z.vol_pct, signed=False), n=fig.z.n)
    o = fig.other
    if kind == "spread" and o is not None and other is not None:
        return tr.gettext("{code} {change} ({time}, {source}) vs {other} {other_change} "
                          "({other_time}, {other_source}): a gap of {gap}.",
                          code=listing.label, change=f.pct(q.change_pct), time=at,
                          source=q.source, other=other.label, other_change=f.pct(o.change_pct),
                          other_time=when(o, tr), other_source=o.source, gap=f.pp(fig.value))
    return f"{listing.label}: {f.missing}"


def again(kind: str, listing: Listing, limit: float, margins: Margins,
          tr: Translator | None = None) -> str:
    tr = tr or translator()
    level = rearm_at(kind, limit, margins)
    if kind == "above":
        return tr.gettext("It fires again after {code} is back under {level}.",
                          code=listing.label, level=price(listing, level, tr.language))
    if kind == "below":
        return tr.gettext("It fires again after {code} is back over {level}.",
                          code=listing.label, level=price(listing, level, tr.language))
    unit = {"move": "%", "spread": " pp", "depeg": "%", "z": "σ"}.get(kind, "")
    return tr.gettext("It fires again after the figure is back under {level}.",
                      level=f"{level:.2f}{unit}")


def firing(kind: str, listing: Listing, limit: float, fig: Figure, margins: Margins,
           other: Listing | None = None, tr: Translator | None = None) -> str:
    tr = tr or translator()
    return "\n".join((tr.gettext("Alert: {condition}",
                                 condition=condition(kind, listing, limit, other, tr)),
                      describe(kind, listing, fig, other, tr),
                      again(kind, listing, limit, margins, tr)))


def unfetched(listing: Listing, problem: str, at: datetime, tr: Translator | None = None
              ) -> str:
    tr = tr or translator()
    time = f"{at:%Y-%m-%d %H:%M}"
    return "\n".join((
        tr.gettext("Alerts on {code} cannot be checked", code=listing.label),
        tr.gettext("{code} {name}: {problem} ({time} UTC).", code=listing.label,
                   name=listing.name, problem=problem, time=time),
        tr.gettext("Said once a day while it lasts; its alerts stay on.")))
