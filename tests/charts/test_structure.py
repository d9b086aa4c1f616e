"""What each chart shows, read back before encoding: panels, titles, labels, bars, gaps."""

from __future__ import annotations

import pytest
from matplotlib.colors import to_hex

from services import format as fmt
from services.errors import UnknownChartError
from services.models.analysis import Analysis
from services.renderers.charts import CHART_NAMES, build_chart, render_chart, style
from services.renderers.charts.canvas import NOT_AVAILABLE
from tests.charts.helpers import all_texts, bars, panel, panel_keys, texts
from tests.support.snapshots import analysis_of, sample_dict

MARKET_PANELS = ["market_us", "market_hk", "market_cn", "market_crypto"]
PANELS = {
    "dashboard": [*MARKET_PANELS, "divergences"],
    "details": ["moves", "stablecoins", "tvl", "divergences"],
    "sentiment": ["headlines", "chain", "btc_links"],
    "crypto": ["majors", "stablecoins", "protocols", "dex"],
    "breadth": ["breadth", "cn_indices", "money"],
    "divergences": ["divergences"],
    "flows": ["stablecoin_flow", "flow_map"],
}


def test_chart_names() -> None:
    assert CHART_NAMES == ("dashboard", "details", "sentiment", "crypto", "breadth", "divergences",
                           "flows")


def test_unknown_chart_names_the_valid_ones(sample: Analysis) -> None:
    with pytest.raises(UnknownChartError) as err:
        render_chart("pie", sample)
    assert err.value.valid == CHART_NAMES
    assert "dashboard" in str(err.value)


@pytest.mark.parametrize("name", CHART_NAMES)
def test_panels_title_and_footer(name: str, sample: Analysis) -> None:
    chart = build_chart(name, sample)
    assert panel_keys(chart) == PANELS[name]
    title = texts(panel(chart, "title"))[0]
    # the trading date of the data, not the edition's 2026-03-21: crypto alone runs to it
    assert title.endswith("· 2026-03-21" if name == "crypto" else "· 2026-03-20"), title
    for key, heading in chart.panels.items():
        assert heading and texts(panel(chart, key))[0] == heading  # each panel has its title
    assert chart.figure.get_size_inches()[0] == style.WIDTH_IN
    footer = " ".join(texts(panel(chart, "footer")))
    assert "data as of 2026-03-21 00:30 UTC" in footer
    assert "reference" in footer  # the source
    assert NOT_AVAILABLE not in all_texts(chart).lower()  # the sample day is complete


@pytest.mark.parametrize("name", ["dashboard", "details"])
def test_dashboard_footer_lists_every_source_with_its_time(name: str, sample: Analysis) -> None:
    footer = " ".join(texts(panel(build_chart(name, sample), "footer")))
    for label, as_of in sample.sources:
        scope = label.partition(" · ")[2]
        assert scope in footer
        assert as_of in footer
    assert "not investment advice" in footer


def test_details_move_every_index_and_coin_by_market_coloured_by_sign(
        sample: Analysis) -> None:
    ax = panel(build_chart("details", sample), "moves")
    shown = texts(ax)
    for group in ("US", "HONG KONG", "A-SHARES", "CRYPTO"):
        assert group in shown
    for label in ("S&P 500", "Nasdaq", "Dow", "HSI", "HSCEI", "HSTECH", "上证指数 SSE",
                  "深证成指 SZSE", "创业板指 ChiNext", "BTC", "ETH"):
        assert label in shown
    moves = [*sample.us.moves, *sample.hk.moves, *sample.cn.moves, sample.crypto.btc,
             sample.crypto.eth]
    for move in moves:
        assert move is not None and move.change_pct is not None
        arrow = style.UP_ARROW if move.change_pct > 0 else style.DOWN_ARROW
        assert f"{arrow} {fmt.pct(move.change_pct)}" in shown  # sign in words, not only colour
    colours = [to_hex(b.get_facecolor()) for b in bars(ax)]
    assert colours == [to_hex(style.UP if m.change_pct > 0 else style.DOWN)  # type: ignore
                       for m in moves]


def test_details_figures_are_the_analysis_figures(sample: Analysis) -> None:
    chart = build_chart("details", sample)
    stable = texts(panel(chart, "stablecoins"))
    for flow in sample.crypto.stablecoins.flows:
        assert any(fmt.usd(flow.change_usd, signed=True) in t for t in stable)
    assert any(fmt.usd(sample.crypto.stablecoins.net_change_usd, signed=True) in t
               for t in stable)
    gaps = texts(panel(chart, "divergences"))
    for d in sample.divergences[:8]:
        assert f"{d.a_label} vs {d.b_label}" in gaps
    assert len(bars(panel(chart, "divergences"))) == 8
    tvl = texts(panel(chart, "tvl"))
    for category in sample.crypto.categories:
        assert any(fmt.pct(category.avg_change_pct, 1) in t for t in tvl)


@pytest.mark.parametrize("name", ["dashboard", "details"])
def test_divergence_bars_keep_their_sign(name: str, sample: Analysis) -> None:
    frame = panel(build_chart(name, sample), "divergences")
    shown = texts(frame)
    drawn = bars(frame)
    for d, bar in zip(sample.divergences, drawn, strict=False):
        arrow = style.UP_ARROW if d.spread_pp > 0 else style.DOWN_ARROW
        assert f"{arrow} {fmt.pp(d.spread_pp)}" in shown  # "▼ -1.60 pp", never "1.60 pp"
        assert to_hex(bar.get_facecolor()) == to_hex(style.UP if d.spread_pp > 0 else style.DOWN)
    negative = [d for d in sample.divergences[:8] if d.spread_pp < 0]
    if name == "details":
        assert negative  # HSTECH vs HSI -1.60 pp, ETH vs BTC -0.54 pp
        left = [b for d, b in zip(sample.divergences, drawn, strict=False) if d.spread_pp < 0]
        right = [b for d, b in zip(sample.divergences, drawn, strict=False) if d.spread_pp > 0]
        assert max(b.get_x() + b.get_width() for b in left) <= min(b.get_x() for b in right) + 1e-6


def test_the_divergence_chart_prints_signed_spreads(sample: Analysis) -> None:
    shown = texts(panel(build_chart("divergences", sample), "divergences"))
    for d in sample.divergences:
        assert any(t.endswith(fmt.pp(d.spread_pp)) for t in shown), d.key


def test_anomalies_are_marked_and_get_no_bar(sample: Analysis) -> None:
    details = build_chart("details", sample)
    tvl = " ".join(texts(panel(details, "tvl")))
    assert f"Bridge {style.WARN}" in tvl
    assert "Ink Bridge +163,000,000.0%" in tvl
    crypto = panel(build_chart("crypto", sample), "protocols")
    shown = texts(crypto)
    assert f"{style.WARN} Ink Bridge" in shown
    assert f"{style.WARN} flagged" in shown
    counted = [p for p in sample.crypto.protocols if not p.anomaly and p.change_pct is not None]
    assert len(bars(crypto)) == len(counted)


def test_cjk_names_are_drawn_as_characters(sample: Analysis) -> None:
    assert "上证指数 SSE" in texts(panel(build_chart("breadth", sample), "cn_indices"))
    assert any("上证指数 SSE" in t for t in texts(panel(build_chart("sentiment", sample),
                                                   "chain")))


def test_breadth_shows_advancers_against_decliners(sample: Analysis) -> None:
    chart = build_chart("breadth", sample)
    shown = " ".join(texts(panel(chart, "breadth")))
    assert "313 up" in shown and "2,011 down" in shown
    assert "13.5% advancing" in shown
    assert "the index and breadth disagree" in shown
    money = texts(panel(chart, "money"))
    assert "¥1.75T" in money
    assert "not published since 2024-08-19" in money


def test_sentiment_chain_states_and_spreads(sample: Analysis) -> None:
    chain = texts(panel(build_chart("sentiment", sample), "chain"))
    words = " ".join(chain)  # a long state wraps over two lines
    for link in sample.sentiment.links:
        assert link.state.value in words
        if link.spread_pp is not None:  # a link that is not comparable has no spread
            assert fmt.pp(link.spread_pp) in chain


# A day with missing blocks ----------------------------------------------------------------

def test_details_on_a_day_with_gaps(gaps: Analysis) -> None:
    chart = build_chart("details", gaps)
    assert panel_keys(chart) == PANELS["details"]
    for key in ("stablecoins", "tvl"):
        ax = panel(chart, key)
        assert any(t.startswith("Not available") for t in texts(ax)), key
        assert bars(ax) == []  # words, never an empty or zero bar
    moves = panel(chart, "moves")
    shown = texts(moves)
    assert "no quotes in this snapshot" in shown  # Hong Kong
    assert NOT_AVAILABLE in shown and fmt.MISSING in shown  # S&P 500 without a move
    with_move = [m for market in (gaps.us, gaps.cn) for m in market.moves
                 if m.change_pct is not None] + [gaps.crypto.btc, gaps.crypto.eth]
    assert len(bars(moves)) == len(with_move)
    assert "Gaps" in " ".join(texts(panel(chart, "footer")))


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_panel_without_figures_says_so_in_words(name: str, gaps: Analysis,
                                                       empty: Analysis) -> None:
    for analysis in (gaps, empty):
        chart = build_chart(name, analysis)
        assert panel_keys(chart) == PANELS[name]  # a missing block keeps its panel
        for key in panel_keys(chart):
            ax = panel(chart, key)
            if bars(ax) or ax.lines:
                continue
            words = " ".join(texts(ax)).lower()
            assert any(w in words for w in (NOT_AVAILABLE, "n/a", "missing", "no history")), \
                (name, key)


def test_an_empty_day_is_not_available_panel_by_panel(empty: Analysis) -> None:
    for name in CHART_NAMES:
        chart = build_chart(name, empty)
        missing = [k for k in panel_keys(chart)
                   if any(t.startswith("Not available") for t in texts(panel(chart, k)))]
        assert missing == [k for k in PANELS[name]
                           if k not in ("money", "flow_map", *MARKET_PANELS)], name


@pytest.mark.parametrize("name", ["dashboard", "details"])
def test_empty_day_says_not_available_everywhere_it_has_nothing(name: str, empty: Analysis
                                                                ) -> None:
    chart = build_chart(name, empty)
    for key in PANELS[name]:
        ax = panel(chart, key)
        words = texts(ax)
        assert bars(ax) == [] and ax.lines == [], key
        if key in MARKET_PANELS:  # the move is n/a, and the line's place says why
            assert fmt.MISSING in words, key
            assert any(t.startswith("No ") and t.endswith("quote in this snapshot")
                       for t in words), key
        else:
            assert any(t.startswith("Not available") for t in words), key


def test_breadth_and_money_missing(gaps: Analysis) -> None:
    chart = build_chart("breadth", gaps)
    assert any(t.startswith("Not available") for t in texts(panel(chart, "breadth")))
    assert "not available" in texts(panel(chart, "money"))  # turnover


def test_the_stablecoin_net_is_never_cut_off_a_crowded_day() -> None:
    from tests.charts.test_png import crowded_dict
    from tests.support.snapshots import analysis_of

    crowded = analysis_of(crowded_dict())
    net = fmt.usd(crowded.crypto.stablecoins.net_change_usd, signed=True)
    for name, key in (("details", "stablecoins"), ("crypto", "stablecoins"),
                      ("flows", "stablecoin_flow")):
        shown = texts(panel(build_chart(name, crowded), key))
        assert any(t.startswith("Net") for t in shown), name
        assert any(net in t for t in shown), name


@pytest.mark.parametrize("name", ["dashboard", "crypto"])
def test_a_footer_stays_short_whatever_the_sources_and_warnings(name: str) -> None:
    """A snapshot naming a thousand warnings and two hundred sources once made each chart
    take ten seconds and the dashboard 3 MB: footers name a few and count the rest."""
    data = sample_dict()
    data["warnings"] = [{"source": f"feed {i}", "reason": "r" * 300} for i in range(1000)]
    data["sources"] = [{"name": f"source {i}", "ok": i % 2 == 0, "reason": "timeout"}
                       for i in range(200)]
    footer = " ".join(texts(panel(build_chart(name, analysis_of(data)), "footer")))
    assert "source 0" in footer and "and 195 more sources" in footer
    assert "source 6" not in footer
    if name == "dashboard":
        assert "Gaps · feed 0: " in footer and "feed 5" not in footer
    assert len(footer) < 3000
