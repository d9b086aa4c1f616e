"""How the report words a move against its history: σ and rank, levels, co-movement and base
rates. One wording each, used by every section (and by the risk matrix and the plan).

    -2.0σ, 16th-worst of 251 sessions
    27.1% below the 52-week high 6,682.86 (2025-10-02); below the 50- and 200-session averages
    correlation 0.57, beta 2.77 (n=60)
    HSI rose in 49% of 109 next sessions, median -0.04%
    too few cases (7)

Each is a ``services.i18n.text.Text``: the English sentence, shown in the reader's language
where the report is written.
"""

from __future__ import annotations

from services.analysis.base_rates import MIN_CASES, SAME_INDEX
from services.analysis.moves import SHORT_NAME
from services.i18n.text import (
    Name,
    Text,
    day,
    joined,
    level,
    ordinal,
    pct,
    ratio,
    said,
    sigma,
)
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
        return said("{rank}-worst of {n} sessions", rank=ordinal(e.worst_rank), n=e.n_year)
    return said("{rank}-best of {n} sessions", rank=ordinal(e.best_rank), n=e.n_year)


def sigma_words(e: Evidence | None, with_rank: bool = True) -> str | None:
    """``-2.0σ, 16th-worst of 251 sessions`` (None without a z)."""
    if e is None or e.z is None:
        return None
    rank = rank_words(e) if with_rank else None
    return said("{sigma}, {rank}", sigma=sigma(e.z), rank=rank) if rank else \
        said("{sigma}", sigma=sigma(e.z))


def level_words(lv: Levels) -> str:
    """Distance from the 52-week high (or low), the averages and the streak."""
    span = said("52-week") if lv.full_year else said("since {day}", day=day(lv.since))
    parts: list[Text] = []
    if lv.from_high_pct >= 0:
        parts.append(said("at its {span} high", span=span))
    else:
        parts.append(said("{distance} below the {span} high {level} ({day})",
                          distance=pct(-lv.from_high_pct, 1, signed=False), span=span,
                          level=level(lv.high), day=day(lv.high_on)))
        if lv.from_low_pct < abs(lv.from_high_pct):
            parts.append(said("{distance} above the low {level} ({day})",
                              distance=pct(lv.from_low_pct, 1, signed=False),
                              level=level(lv.low), day=day(lv.low_on)))
    averages = [(n, ma) for n, ma in ((50, lv.ma50), (200, lv.ma200)) if ma is not None]
    above = [n for n, ma in averages if lv.close > ma]
    below = [n for n, ma in averages if lv.close < ma]
    if len(above) > 1:
        parts.append(said("above the 50- and 200-session averages"))
    elif above:
        parts.append(said("above the {n}-session average", n=above[0]))
    if len(below) > 1:
        parts.append(said("below the 50- and 200-session averages"))
    elif below:
        parts.append(said("below the {n}-session average", n=below[0]))
    if abs(lv.streak) >= 2:
        parts.append(said("{n} sessions up in a row", n=abs(lv.streak)) if lv.streak > 0
                     else said("{n} sessions down in a row", n=abs(lv.streak)))
    return joined(parts, "; ")


COMOVE_NAMES = {"btc_spx": said("{a} / {b}", a=Name("BTC", "BTC"), b=Name("SPX", "S&P 500")),
                "hsi_us": said("{a} / the US session that led it", a=Name("HSI", "HSI")),
                "chinext_sse": said("{a} / {b}", a=Name("CHINEXT", "ChiNext"),
                                    b=Name("SSE", "SSE"))}


def comovement_words(c: CoMovement) -> str:
    """``correlation 0.57, beta 2.77 (n=60)``; with too few pairs, says so."""
    if c.correlation is None or c.beta is None:
        return said("too few sessions ({n})", n=c.n)
    return said("correlation {correlation}, beta {beta} (n={n})",
                correlation=ratio(c.correlation), beta=ratio(c.beta), n=c.n)


def target_name(rate: BaseRate) -> Name | Text:
    """The instrument a base rate counts (``HSI``), or the phrase of a pooled rate."""
    if rate.target == SAME_INDEX:
        return said(SAME_INDEX)
    return Name(rate.target, SHORT_NAME.get(rate.target, rate.target))


def base_rate_words(rate: BaseRate) -> str:
    """``HSI rose in 49% of 109 next sessions, median -0.04%`` or ``too few cases (7)``."""
    if rate.n < MIN_CASES or rate.up_share_pct is None:
        return said("too few cases ({n})", n=rate.n)
    return said("{name} rose in {share} of {n} next sessions, median {median}",
                name=target_name(rate), share=pct(rate.up_share_pct, 0, signed=False),
                n=rate.n, median=pct(rate.median_next_pct))
