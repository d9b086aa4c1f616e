"""The statistics behind the evidence, against hand computation."""

import statistics
from datetime import date

import pytest

from services.analysis import stats


def test_returns_are_percent_changes_dated_by_the_later_close() -> None:
    closes = [(date(2026, 1, 1), 100.0), (date(2026, 1, 2), 102.0), (date(2026, 1, 5), 99.96)]
    assert stats.returns(closes) == (
        (date(2026, 1, 2), pytest.approx(2.0)), (date(2026, 1, 5), pytest.approx(-2.0)))


@pytest.mark.parametrize(("values", "expected"), [
    ([], None), ([1.0], None), ([1.0, 3.0], statistics.stdev([1.0, 3.0])),
    ([0.5, -1.0, 2.0, 0.1], statistics.stdev([0.5, -1.0, 2.0, 0.1])),
])
def test_stdev_is_the_sample_one(values: list[float], expected: float | None) -> None:
    assert stats.stdev(values) == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(("change", "window", "expected"), [
    (-1.51, [1.0, -1.0] * 30, -1.51 / statistics.stdev([1.0, -1.0] * 30)),
    (1.0, [0.5] * 60, None),  # no variance: no z
    (1.0, [0.5], None),
])
def test_z_score(change: float, window: list[float], expected: float | None) -> None:
    got = stats.z_score(change, window)
    assert got == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(("value", "population", "pct", "worst", "best"), [
    (-3.0, [-2.0, -1.0, 0.0, 1.0], 0.0, 1, 5),  # worse than every day
    (-1.0, [-2.0, -1.0, 0.0, 1.0], 37.5, 2, 3),  # a tie counts half
    (5.0, [-2.0, -1.0, 0.0, 1.0], 100.0, 5, 1),
])
def test_percentile_and_ranks(value: float, population: list[float], pct: float, worst: int,
                              best: int) -> None:
    assert stats.percentile(value, population) == pytest.approx(pct)
    assert stats.worst_rank(value, population) == worst
    assert stats.best_rank(value, population) == best


@pytest.mark.parametrize(("xs", "ys", "corr", "beta"), [
    ([1.0, 2.0, 3.0], [2.0, 4.0, 6.0], 1.0, 2.0),
    ([1.0, 2.0, 3.0], [3.0, 2.0, 1.0], -1.0, -1.0),
    ([1.0, 1.0, 1.0], [1.0, 2.0, 3.0], None, None),  # no variance in x: neither
    ([1.0], [2.0], None, None),
])
def test_correlation_and_beta(xs: list[float], ys: list[float], corr: float | None,
                              beta: float | None) -> None:
    got = stats.correlation(xs, ys)
    assert got == (pytest.approx(corr) if corr is not None else None)
    # beta of y on x: cov / var(x)
    got_beta = stats.beta(ys, xs)
    assert got_beta == (pytest.approx(beta) if beta is not None else None)


def test_median() -> None:
    assert stats.median([]) is None
    assert stats.median([3.0, 1.0, 2.0]) == 2.0
    assert stats.median([4.0, 1.0, 2.0, 3.0]) == 2.5
