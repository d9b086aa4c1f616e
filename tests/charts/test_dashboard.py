"""The dashboard: one portrait phone screen, a 60-session line per market with today's z, and
the dates of the data in every chart's title."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from typing import Any

import pytest
from matplotlib.colors import to_hex
from PIL import Image

from services import format as fmt
from services.models.analysis import Analysis, Evidence
from services.models.history import History, Series
from services.renderers.charts import CHART_NAMES, build_chart, render_chart, style
from services.renderers.charts.labels import data_dates
from services.renderers.charts.sparklines import rank_words
from tests.charts.conftest import gaps_dict
from tests.charts.helpers import panel, texts
from tests.charts.test_png import crowded_dict
from tests.fakes.charts import FakeCharts
from tests.support.evidence import with_evidence
from tests.support.snapshots import analysis_of, quote, sample_dict

MARKETS = {"market_us": "SPX", "market_hk": "HSI", "market_cn": "SSE", "market_crypto": "BTC"}


def size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


def warned_day() -> dict[str, Any]:
    """Every list long and every block missing: the most the footer can have to say."""
    data = crowded_dict()
    for block in ("stablecoins", "protocols", "dexes", "a_share_breadth", "crypto_market"):
        data.pop(block)
    data["quotes"] = [{**q, "change_pct": None} if q["market"] == "HK" else q
                      for q in data["quotes"]]
    return data


DAYS = {"sample": sample_dict, "crowded": crowded_dict, "gaps": gaps_dict, "warned": warned_day,
        "empty": lambda: {"schema": "market-snapshot/1", "generated_at": "2026-03-21T00:30:00Z"}}


@pytest.mark.parametrize("evidence", [True, False], ids=["history", "no_history"])
@pytest.mark.parametrize("day", list(DAYS))
def test_the_dashboard_is_one_portrait_phone_screen(day: str, evidence: bool) -> None:
    analysis = analysis_of(DAYS[day]())
    if evidence:
        analysis = with_evidence(analysis)
    width, height = size(render_chart("dashboard", analysis))
    assert width == 1080 and height <= 1920, (day, height)


def test_a_day_whose_sessions_differ_still_fits_one_screen() -> None:
    for day in (hk_holiday(), with_evidence(analysis_of(warned_day()))):
        assert size(render_chart("dashboard", day))[1] <= 1920


def test_each_market_has_its_60_sessions_and_todays_z(history: Analysis) -> None:
    chart = build_chart("dashboard", history)
    for key, quote_id in MARKETS.items():
        evidence = history.evidence[quote_id]
        assert evidence.z is not None and len(evidence.recent) == 60
        frame = panel(chart, key)
        shown = texts(frame)
        [line] = [ln for ln in frame.lines if len(ln.get_xdata()) == 60]
        ys = list(line.get_ydata())
        closes = [c for _, c in evidence.recent]
        assert ys.index(max(ys)) == closes.index(max(closes))  # the line is the closes
        assert ys.index(min(ys)) == closes.index(min(closes))
        [marker] = [ln for ln in frame.lines if ln.get_marker() == "o"]
        assert (marker.get_xdata()[0], marker.get_ydata()[0]) == (line.get_xdata()[-1], ys[-1])
        move = evidence.change_pct
        assert move is not None
        colour = style.UP if move > 0 else style.DOWN
        assert to_hex(marker.get_color()) == to_hex(colour)
        assert fmt.sigma(evidence.z) in shown  # today's z, at the marked point
        assert rank_words(evidence) in shown  # "worse than 96% of 242 days"
        arrow = style.UP_ARROW if move > 0 else style.DOWN_ARROW
        assert f"{arrow} {fmt.pct(move)}" in shown
        assert any(t.startswith("60 ") for t in shown)  # the line's span and range, labelled


def test_the_sample_day_reads_as_expected(history: Analysis) -> None:
    chart = build_chart("dashboard", history)
    cn = texts(panel(chart, "market_cn"))
    assert chart.panels["market_cn"] == "A-shares · 上证指数 SSE"  # CJK drawn, not dropped
    assert "-1.6σ" in cn and "worse than 96% of 242 days" in cn
    assert "session 2026-03-20" in cn
    assert any("创业板指 ChiNext ▲ +1.30%" in t for t in cn)  # the market's other indices
    crypto = texts(panel(chart, "market_crypto"))
    assert "24 h to 2026-03-21 00:00 UTC" in crypto
    assert any(t.startswith("60 days · $") for t in crypto)


def test_without_history_a_market_shows_its_move_and_says_so(sample: Analysis) -> None:
    chart = build_chart("dashboard", sample)
    for key in MARKETS:
        frame = panel(chart, key)
        assert frame.lines == []  # no line drawn from nothing
        shown = texts(frame)
        assert any(t.startswith("No history") for t in shown), key
        assert any(t.startswith((style.UP_ARROW, style.DOWN_ARROW)) for t in shown), key


def test_a_short_history_draws_the_line_but_gives_no_z(sample: Analysis) -> None:
    closes = tuple((date(2026, 2, d), 3900.0 + d) for d in range(1, 21))
    short = History({"SSE": Series("SSE", "test closes", "index", closes)})
    analysis = with_evidence(sample, short)
    evidence = analysis.evidence["SSE"]
    assert evidence.z is None
    shown = texts(panel(build_chart("dashboard", analysis), "market_cn"))
    assert f"too few sessions for a z ({evidence.n})" in shown
    assert "z n/a" in shown


def test_a_missing_market_is_said_in_words(history: Analysis) -> None:
    analysis = dataclasses.replace(history, hk=dataclasses.replace(history.hk, headline=None,
                                                                  moves=()))
    shown = texts(panel(build_chart("dashboard", analysis), "market_hk"))
    assert fmt.MISSING in shown and "No Hong Kong quote in this snapshot" in shown


def test_evidence_for_a_move_without_a_change_says_so(history: Analysis) -> None:
    spx = history.evidence["SPX"]
    us = history.us
    moves = tuple(dataclasses.replace(m, change_pct=None) if m.id == "SPX" else m
                  for m in us.moves)
    headline = next(m for m in moves if m.id == "SPX")
    analysis = dataclasses.replace(
        history, us=dataclasses.replace(us, moves=moves, headline=headline),
        evidence={**history.evidence, "SPX": Evidence(**{
            **dataclasses.asdict(spx), "change_pct": None, "z": None})})
    shown = texts(panel(build_chart("dashboard", analysis), "market_us"))
    assert fmt.MISSING in shown and "no move in this snapshot" in shown


# The dates of the data -------------------------------------------------------------------

def hk_holiday() -> Analysis:
    """Hong Kong's last session a day older than the others'."""
    data = sample_dict()
    for q in data["quotes"]:
        if q["market"] == "HK":
            q["session"] = "2026-03-19"
    return with_evidence(analysis_of(data))


def test_titles_carry_the_trading_date_and_say_when_sessions_differ() -> None:
    analysis = hk_holiday()
    assert analysis.hk.closed
    line = "US/CN 2026-03-20 · HK 2026-03-19 · crypto 24 h to 2026-03-21 00:00 UTC"
    assert data_dates(analysis) == line
    for name in ("dashboard", "details", "sentiment", "divergences", "flows"):
        title = texts(panel(build_chart(name, analysis), "title"))
        assert title[0].endswith("· 2026-03-20"), name
        assert " ".join(title[1:3]).startswith(line), name  # wrapped, never cut
    assert texts(panel(build_chart("breadth", analysis), "title"))[0] == \
        "A-share breadth · 2026-03-20"
    crypto = texts(panel(build_chart("crypto", analysis), "title"))
    assert crypto[:2] == ["Crypto & DeFi · 2026-03-21", "Crypto 24 h to 2026-03-21 00:00 UTC"]
    hk = texts(panel(build_chart("dashboard", analysis), "market_hk"))
    assert "closed · last session 2026-03-19" in hk


def test_the_edition_date_is_not_a_title(sample: Analysis) -> None:
    assert sample.edition_date == date(2026, 3, 21)
    for name in CHART_NAMES:
        if name != "crypto":
            assert "2026-03-21" not in texts(panel(build_chart(name, sample), "title"))[0]


def test_a_stale_quote_is_labelled_on_its_panel() -> None:
    data = sample_dict()
    quote(data, "SPX")["stale"] = True
    shown = texts(panel(build_chart("dashboard", analysis_of(data)), "market_us"))
    assert "stale · last session 2026-03-20" in shown


def test_the_fake_renderer_knows_the_real_names() -> None:
    assert FakeCharts().names == CHART_NAMES
