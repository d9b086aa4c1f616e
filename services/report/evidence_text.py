"""How the report words a move against its history: σ and rank, levels, co-movement and base
rates. One wording each, used by every section (and by the risk matrix and the plan).

    -2.0σ, 16th-worst of 251 sessions
    27.1% below the 52-week high 6,682.86 (2025-10-02); below the 50- and 200-session averages
    correlation 0.57, beta 2.77 (n=60)
    HSI rose in 49% of 109 next sessions, median -0.04%
    too few cases (7)
"""

from __future__ import annotations

from services import format as fmt
from services.analysis.base_rates import MIN_CASES
from services.analysis.moves import SHORT_NAME
from services.models.analysis import Analysis, BaseRate, CoMovement, Evidence, Levels, Move

HALF = 50.0


def evidence_of(a: Analysis, move: Move | None) -> Evidence | None:
    """The move's evidence when it reads this very move (not another session's)."""
    if move is None:
        return None
    found = a.evidence.get(move.id)
    if found is None or found.change_pct != move.change_pct:
        return None
    if move.market != "CRYPTO" and move.session is not None and found.session != move.session:
        return None
    return found


def rank_words(e: Evidence) -> str | None:
    """``16th-worst of 251 sessions`` for a down move, ``3rd-best`` for an up one."""
    if e.change_pct is None or e.worst_rank is None or e.best_rank is None:
        return None
    if e.change_pct < 0:
        return f"{fmt.ordinal(e.worst_rank)}-worst of {e.n_year} sessions"
    return f"{fmt.ordinal(e.best_rank)}-best of {e.n_year} sessions"


def sigma_words(e: Evidence | None, with_rank: bool = True) -> str | None:
    """``-2.0σ, 16th-worst of 251 sessions`` (None without a z)."""
    if e is None or e.z is None:
        return None
    rank = rank_words(e) if with_rank else None
    return fmt.sigma(e.z) + (f", {rank}" if rank else "")


def level_words(lv: Levels) -> str:
    """Distance from the 52-week high (or low), the averages and the streak."""
    span = "52-week" if lv.full_year else f"since {fmt.day(lv.since)}"
    if lv.from_high_pct >= 0:
        parts = [f"at its {span} high"]
    else:
        parts = [f"{fmt.pct(-lv.from_high_pct, 1, signed=False)} below the {span} high "
                 f"{fmt.level(lv.high)} ({fmt.day(lv.high_on)})"]
        if lv.from_low_pct < abs(lv.from_high_pct):
            parts.append(f"{fmt.pct(lv.from_low_pct, 1, signed=False)} above the low "
                         f"{fmt.level(lv.low)} ({fmt.day(lv.low_on)})")
    averages = [(n, ma) for n, ma in ((50, lv.ma50), (200, lv.ma200)) if ma is not None]
    above = [n for n, ma in averages if lv.close > ma]
    below = [n for n, ma in averages if lv.close < ma]
    for side, ns in (("above", above), ("below", below)):
        if ns:
            names = "- and ".join(str(n) for n in ns)
            plural = "averages" if len(ns) > 1 else "average"
            parts.append(f"{side} the {names}-session {plural}")
    if abs(lv.streak) >= 2:
        parts.append(f"{abs(lv.streak)} sessions {'up' if lv.streak > 0 else 'down'} in a row")
    return "; ".join(parts)


COMOVE_NAMES = {"btc_spx": "BTC / S&P 500", "hsi_us": "HSI / the US session that led it",
                "chinext_sse": "ChiNext / SSE"}


def comovement_words(c: CoMovement) -> str:
    """``correlation 0.57, beta 2.77 (n=60)``; with too few pairs, says so."""
    if c.correlation is None or c.beta is None:
        return f"too few sessions ({c.n})"
    return f"correlation {fmt.ratio(c.correlation)}, beta {fmt.ratio(c.beta)} (n={c.n})"


def target_name(rate: BaseRate) -> str:
    return SHORT_NAME.get(rate.target, rate.target)


def base_rate_words(rate: BaseRate) -> str:
    """``HSI rose in 49% of 109 next sessions, median -0.04%`` or ``too few cases (7)``."""
    if rate.n < MIN_CASES or rate.up_share_pct is None:
        return f"too few cases ({rate.n})"
    return (f"{target_name(rate)} rose in {fmt.pct(rate.up_share_pct, 0, signed=False)} of "
            f"{rate.n} next sessions, median {fmt.pct(rate.median_next_pct)}")
