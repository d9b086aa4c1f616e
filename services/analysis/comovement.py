"""Real co-movement: rolling correlation and beta over matched windows, each with its n.

The only three "betas" of the report (a one-day ratio of two moves is a "move ratio"):

- ``btc_spx``: BTC against the S&P 500 over the last ``WINDOW`` US sessions; BTC's return over
  the same dates is from the UTC close of the previous US session's date to the UTC close of
  the session's date (a Friday-to-Monday US return meets BTC's three UTC days).
- ``hsi_us``: the HSI's session D against the US session that led it (``sessions.
  leading_session``: the latest US session closed before HK's D opened).
- ``chinext_sse``: ChiNext against the SSE Composite on the same sessions (the same hours).

Each reads the history up to the session it is asked about (never after it). With fewer than
``MIN_PAIRS`` matched pairs neither figure is given.
"""

from __future__ import annotations

from datetime import date
from itertools import pairwise

from services.analysis import sessions, stats
from services.analysis.tape import Tape, Track
from services.i18n.text import said
from services.models.analysis import CoMovement

WINDOW = 60
MIN_PAIRS = 40

WINDOWS = {
    "btc_spx": said("US sessions; BTC over the same UTC close-to-close days"),
    "hsi_us": said("HK sessions against the US session that closed before each opened"),
    "chinext_sse": said("the same A-share sessions"),
}


def _result(key: str, asset: str, base: str, pairs: list[tuple[date, float, float]]
            ) -> CoMovement:
    pairs = pairs[-WINDOW:]
    xs = [a for _, a, _ in pairs]
    ys = [b for _, _, b in pairs]
    enough = len(pairs) >= MIN_PAIRS
    return CoMovement(
        key=key, asset=asset, base=base,
        correlation=stats.correlation(xs, ys) if enough else None,
        beta=stats.beta(xs, ys) if enough else None, n=len(pairs),
        first=pairs[0][0] if pairs else None, last=pairs[-1][0] if pairs else None,
        window=WINDOWS[key])


def _return_between(track: Track, start: date, end: date) -> float | None:
    a, b = track.series.close_on(start), track.series.close_on(end)
    if a is None or b is None or a <= 0:
        return None
    return (b / a - 1) * 100


def btc_spx(tape: Tape, until: date) -> CoMovement | None:
    spx, btc = tape.track("SPX"), tape.track("BTC")
    if spx is None or btc is None:
        return None
    days = [d for d in spx.session_dates() if d <= until]
    pairs = []
    for start, end in pairwise(days[-(WINDOW + 1):]):
        base = spx.ret(end)
        asset = _return_between(btc, start, end)
        if base is not None and asset is not None:
            pairs.append((end, asset, base))
    return _result("btc_spx", "BTC", "SPX", pairs)


def hsi_us(tape: Tape, until: date) -> CoMovement | None:
    hsi, spx = tape.track("HSI"), tape.track("SPX")
    if hsi is None or spx is None:
        return None
    us_days = spx.session_dates()
    pairs = []
    for day in [d for d in hsi.dates if d <= until][-(WINDOW + 5):]:
        lead = sessions.leading_session("US", us_days, "HK", day)
        base = spx.ret(lead) if lead is not None else None
        asset = hsi.ret(day)
        if base is not None and asset is not None:
            pairs.append((day, asset, base))
    return _result("hsi_us", "HSI", "SPX", pairs)


def chinext_sse(tape: Tape, until: date) -> CoMovement | None:
    chinext, sse = tape.track("CHINEXT"), tape.track("SSE")
    if chinext is None or sse is None:
        return None
    pairs = []
    for day in [d for d in chinext.dates if d <= until][-(WINDOW + 5):]:
        base, asset = sse.ret(day), chinext.ret(day)
        if base is not None and asset is not None:
            pairs.append((day, asset, base))
    return _result("chinext_sse", "CHINEXT", "SSE", pairs)


def comovements(tape: Tape, us_until: date | None, hk_until: date | None,
                cn_until: date | None) -> dict[str, CoMovement]:
    """The three co-movements, each up to its market's session (None: not computed)."""
    found = {}
    for until, rule in ((us_until, btc_spx), (hk_until, hsi_us), (cn_until, chinext_sse)):
        if until is None:
            continue
        result = rule(tape, until)
        if result is not None and result.n:
            found[result.key] = result
    return found
