"""CJK names render as characters; without a CJK font, charts still render, in Latin."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator

import pytest
from matplotlib import font_manager

from services.models.analysis import Analysis
from services.renderers.charts import CHART_NAMES, build_chart, render_all
from services.renderers.charts import fonts as fonts_module
from services.renderers.charts.fonts import LATIN_FAMILY, PROBE, drawable, fonts
from tests.charts.helpers import panel, texts


def glyph_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    return [str(w.message) for w in caught if "missing from font" in str(w.message)
            or "Glyph" in str(w.message)]


def test_a_cjk_font_resolves_and_draws_the_index_names() -> None:
    chain = fonts()
    assert chain.cjk is not None, "no CJK font: run scripts/install-system-deps.sh"
    path = font_manager.findfont(font_manager.FontProperties(family=chain.cjk),
                                 fallback_to_default=False)
    font = font_manager.get_font(path)
    for name in (PROBE, "深证成指", "创业板指"):
        assert all(font.get_char_index(ord(c)) for c in name), name


def test_rendering_the_sample_emits_no_missing_glyph_warning(sample: Analysis) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        render_all(sample)
    assert glyph_warnings(caught) == []


@pytest.fixture
def no_cjk_font(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process as it is on a machine without any CJK font."""
    monkeypatch.setattr(fonts_module, "find_cjk_family", lambda: None)
    fonts.cache_clear()
    yield
    fonts.cache_clear()


def test_without_a_cjk_font_names_fall_back_to_latin_and_warn_once(
        no_cjk_font: None, sample: Analysis, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger=fonts_module.__name__):
        assert fonts().families == (LATIN_FAMILY,)
        fonts()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            images = render_all(sample)
    assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1
    assert "no CJK font" in caplog.records[0].message
    assert glyph_warnings(caught) == []
    assert set(images) == set(CHART_NAMES)
    shown = texts(panel(build_chart("details", sample), "moves"))
    assert "SSE" in shown and "ChiNext" in shown
    assert not any("上证" in t for t in shown)


def test_drawable_drops_only_what_no_font_can_draw() -> None:
    assert drawable("上证指数 SSE") == "上证指数 SSE"
    assert drawable("Rocket 🚀 DEX") == "Rocket DEX"
    assert drawable("🚀") == "?"
    assert drawable("-1.24% ▲ ▼ ⚠ ¥ $") == "-1.24% ▲ ▼ ⚠ ¥ $"
    assert drawable("two\nlines\x1e and\ttab") == "two lines and tab"


def test_a_character_only_the_cjk_font_draws_is_drawn_with_it() -> None:
    """Hangul choseong kiyeok (U+1100) is outside the CJK ranges but in Noto Sans CJK: the
    text goes through the fallback chain, so no font warns of a missing glyph."""
    from services.renderers.charts.fonts import drawable, fonts, has_cjk

    if fonts().cjk is None:
        pytest.skip("no CJK font installed")
    assert drawable("ᄀ") == "ᄀ" and has_cjk("ᄀ")
    assert not has_cjk("S&P 500 +0.59%")
