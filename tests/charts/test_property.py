"""Any valid snapshot, with nulls and absent blocks, renders every chart within limits."""

from __future__ import annotations

import warnings

from hypothesis import HealthCheck, given, settings

import tests.unit.test_property as generated
from services.renderers.charts import CHART_NAMES, render_all
from tests.charts.test_fonts import glyph_warnings
from tests.charts.test_png import check_limits
from tests.support.snapshots import analysis_of


@settings(max_examples=15, deadline=None,  # speed is for bench/, never asserted
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(generated.snapshots())
def test_any_valid_snapshot_renders_every_chart(data: dict) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        images = render_all(analysis_of(data))
    assert glyph_warnings(caught) == []  # what no font can draw is left out, not boxed
    assert list(images) == list(CHART_NAMES)
    for name, png in images.items():
        check_limits(name, png)
