"""Small statistics on daily returns, in plain Python (no numpy: a report starts cold).

Returns are in percent (``(close / previous close − 1) × 100``). Standard deviations,
covariances and betas use the sample definition (divide by n − 1). Every function returns
None rather than a number it cannot back: fewer than two points, or no variance.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from itertools import pairwise


def returns(closes: Sequence[tuple[date, float]]) -> tuple[tuple[date, float], ...]:
    """Each session's return in percent against the close before it (the first has none)."""
    return tuple((day, (after / before - 1.0) * 100.0)
                 for (_, before), (day, after) in pairwise(closes) if before > 0)


def mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def stdev(values: Sequence[float]) -> float | None:
    """Sample standard deviation; None with fewer than two values."""
    n = len(values)
    if n < 2:
        return None
    m = sum(values) / n
    return math.sqrt(sum((v - m) ** 2 for v in values) / (n - 1))


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def z_score(change_pct: float, window: Sequence[float]) -> float | None:
    """``change_pct`` in standard deviations of ``window`` (the returns before it)."""
    vol = stdev(window)
    if vol is None or vol <= 0:
        return None
    return change_pct / vol


def percentile(value: float, population: Sequence[float]) -> float | None:
    """Share of ``population`` below ``value`` (ties count half), 0-100: 0 = below all."""
    if not population:
        return None
    below = sum(1 for p in population if p < value)
    equal = sum(1 for p in population if p == value)
    return 100 * (below + equal / 2) / len(population)


def worst_rank(value: float, population: Sequence[float]) -> int:
    """1 + the values strictly worse (lower): 1 = worse than every one of them."""
    return 1 + sum(1 for p in population if p < value)


def best_rank(value: float, population: Sequence[float]) -> int:
    return 1 + sum(1 for p in population if p > value)


def correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's correlation of paired values; None under two pairs or without variance."""
    cov, var_x, var_y = _moments(xs, ys)
    if cov is None or not var_x or not var_y:
        return None
    return cov / math.sqrt(var_x * var_y)


def beta(asset: Sequence[float], base: Sequence[float]) -> float | None:
    """cov(asset, base) / var(base): how much ``asset`` moved per 1 % of ``base``."""
    cov, _, var_base = _moments(asset, base)
    if cov is None or not var_base:
        return None
    return cov / var_base


def _moments(xs: Sequence[float], ys: Sequence[float]
             ) -> tuple[float | None, float | None, float | None]:
    if len(xs) != len(ys):
        raise ValueError("paired series differ in length")
    n = len(xs)
    if n < 2:
        return None, None, None
    mx, my = sum(xs) / n, sum(ys) / n
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / (n - 1)
    var_x = sum((x - mx) ** 2 for x in xs) / (n - 1)
    var_y = sum((y - my) ** 2 for y in ys) / (n - 1)
    return cov, var_x, var_y
