"""Rendering off the event loop: a thread by default, worker processes through ChartPool."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from services.errors import UnknownChartError
from services.models.analysis import Analysis
from services.renderers.charts import (
    CHART_NAMES,
    ChartPool,
    render_all,
    render_all_async,
    render_chart,
    render_chart_async,
)


@pytest.fixture(scope="module")
def expected(sample: Analysis) -> dict[str, bytes]:
    return render_all(sample)


async def test_in_a_thread_by_default(sample: Analysis, expected: dict[str, bytes]) -> None:
    assert await render_chart_async("dashboard", sample) == expected["dashboard"]
    assert await render_all_async(sample) == expected


async def test_a_bad_name_fails_before_any_work_is_sent(sample: Analysis) -> None:
    with pytest.raises(UnknownChartError):
        await render_chart_async("pie", sample)


@dataclass(frozen=True)
class _Report:
    analysis: Analysis


async def test_process_pool_renders_the_same_bytes(sample: Analysis,
                                                   expected: dict[str, bytes]) -> None:
    pool = ChartPool(workers=2)
    assert pool.names == CHART_NAMES
    try:
        await pool.start()
        assert await pool.render_all(sample) == expected
        # The ChartRenderer that services.report.editions expects: (name, report) → PNG.
        assert await pool("flows", _Report(sample)) == expected["flows"]
        with pytest.raises(UnknownChartError):
            await pool.render("pie", sample)
    finally:
        await pool.close()
    assert set(expected) == set(CHART_NAMES)
    assert render_chart("sentiment", sample) == expected["sentiment"]
