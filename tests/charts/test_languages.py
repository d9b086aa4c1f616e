"""Charts per language: the Chinese dashboard in red for up and green for down (the ▲/▼ marks
and signs stay), its titles, dates, key, market panels and footer in Chinese, indices under
their Chinese names; the colours a setting; a render's language never leaks into the next
render."""

from __future__ import annotations

import asyncio

from matplotlib.colors import to_hex

from services import format as fmt
from services.models.analysis import Analysis
from services.models.snapshot import BREADTH_SCOPE
from services.renderers.charts import build_chart, render_chart, style, words
from services.renderers.charts.style import Look, look_for
from tests.charts.helpers import all_texts, bars, panel, texts

ZH = look_for("zh")
MARKETS = {"market_us": "SPX", "market_hk": "HSI", "market_cn": "SSE", "market_crypto": "BTC"}


def test_the_chinese_charts_are_red_for_up_and_green_for_down(sample: Analysis) -> None:
    frame = panel(build_chart("details", sample, ZH), "moves")
    moves = [*sample.us.moves, *sample.hk.moves, *sample.cn.moves, sample.crypto.btc,
             sample.crypto.eth]
    colours = [to_hex(b.get_facecolor()) for b in bars(frame)]
    assert colours == [to_hex(style.RED if m.change_pct > 0 else style.GREEN)  # type: ignore
                       for m in moves]
    shown = texts(frame)
    for move in moves:
        assert move is not None and move.change_pct is not None
        arrow = style.UP_ARROW if move.change_pct > 0 else style.DOWN_ARROW
        assert f"{arrow} {fmt.pct(move.change_pct)}" in shown  # the marks and signs stay
    for name in ("标普500", "纳斯达克", "道琼斯", "恒生指数", "恒生科技指数", "上证指数",
                 "深证成指", "创业板指", "比特币", "以太坊"):
        assert name in shown


def test_the_chinese_dashboard_marks_each_market_red_up_green_down(history: Analysis) -> None:
    chart = build_chart("dashboard", history, ZH)
    for key, quote_id in MARKETS.items():
        evidence = history.evidence[quote_id]
        move = evidence.change_pct
        assert move is not None
        colour = to_hex(style.RED if move > 0 else style.GREEN)
        frame = panel(chart, key)
        [marker] = [ln for ln in frame.lines if ln.get_marker() == "o"]
        assert to_hex(marker.get_color()) == colour  # today's point on the 60-session line
        arrow = style.UP_ARROW if move > 0 else style.DOWN_ARROW
        [headline] = [t for t in frame.texts if t.get_text() == f"{arrow} {fmt.pct(move)}"]
        assert to_hex(headline.get_color()) == colour
    gaps = panel(chart, "divergences")
    assert {to_hex(b.get_facecolor()) for b in bars(gaps)} <= {to_hex(style.RED),
                                                               to_hex(style.GREEN)}


def test_the_chinese_dashboard_titles_dates_key_and_footer(history: Analysis) -> None:
    chart = build_chart("dashboard", history, ZH)
    title = texts(chart.frame("title"))
    assert title[0] == "每日市场简报 · 2026-03-20"  # dated by the data's session
    assert title[1] == "美股/港股/A股 2026-03-20 · 加密货币 24小时至 2026-03-21 00:00 UTC"
    assert title[2].startswith("风险情绪：分化 · ")  # the verdict's reason: phase 2
    assert {"▲ 上涨", "▼ 下跌", "灰色：休市或暂无", "⚠ 异常"} <= set(title)
    key = dict(zip(title, [to_hex(t.get_color()) for t in chart.frame("title").texts],
                   strict=True))
    assert key["▲ 上涨"] == to_hex(style.RED) and key["▼ 下跌"] == to_hex(style.GREEN)
    assert chart.panels["market_us"] == "美股 · 标普500"
    assert chart.panels["market_crypto"] == "加密 · 比特币"
    assert chart.panels["divergences"] == "最大背离 · 前者减后者（前3，共9）"
    footer = "".join(texts(chart.frame("footer")))
    assert "2026-03-21 版 · 数据截至 2026-03-21 00:30 UTC · 仅供参考，不构成投资建议" in footer
    assert "σ：当日涨跌幅除以此前60个日涨跌幅的标准差" in footer


def test_the_chinese_market_panels_say_rank_range_and_session(history: Analysis) -> None:
    chart = build_chart("dashboard", history, ZH)
    cn = texts(panel(chart, "market_cn"))
    assert "-1.6σ" in cn and "差于242天中的96%" in cn and "交易日 2026-03-20" in cn
    assert "60个交易日 · 3,870.28 至 4,182.59" in cn
    assert any("创业板指 ▲ +1.30%" in t for t in cn)
    crypto = texts(panel(chart, "market_crypto"))
    assert "24小时至 2026-03-21 00:00 UTC" in crypto
    assert "60天 · 62,702美元 至 89,504美元" in crypto  # prices in Chinese units too


def test_the_chinese_dashboard_says_what_is_missing(gaps: Analysis, sample: Analysis) -> None:
    chart = build_chart("dashboard", gaps, ZH)
    assert "本快照没有港股行情" in texts(panel(chart, "market_hk"))
    us = texts(panel(chart, "market_us"))
    assert "暂无" in us and "本快照无涨跌数据" in us  # S&P 500 without its move
    assert "没有历史数据：无60个交易日走势线，无z值" in us
    assert "没有历史数据：无60天走势线，无z值" in texts(panel(chart, "market_crypto"))
    details = build_chart("details", sample, ZH)
    assert details.frame("title").texts[0].get_text() == "市场详情 · 2026-03-20"


def test_the_chinese_breadth_chart_names_what_it_counts(sample: Analysis) -> None:
    assert BREADTH_SCOPE in words.SCOPES  # the data layer's wording is the one translated
    shown = all_texts(build_chart("breadth", sample, ZH))
    assert "沪深两市（不含北交所）" in shown and "上涨占比" in shown and "涨跌比" in shown
    assert "上涨 " in shown and " 家" in shown


def test_english_is_unchanged_and_the_colours_are_a_setting(sample: Analysis) -> None:
    english = build_chart("details", sample)
    assert english.panels["moves"] == "Cross-market moves · 1-day change"
    assert render_chart("dashboard", sample) == render_chart("dashboard", sample, Look())
    us_style = look_for("zh", {"zh": "green-up"})
    frame = panel(build_chart("details", sample, us_style), "moves")
    assert to_hex(bars(frame)[0].get_facecolor()) == to_hex(style.GREEN)  # S&P 500 rose
    assert look_for("en", {"en": "red-up"}).palette.up == style.RED
    assert look_for("zh").colours == "red-up" and look_for("en").colours == "blue-up"


async def test_two_languages_at_once_do_not_see_each_other(sample: Analysis) -> None:
    """Rendered side by side in threads, each chart keeps its own language and colours."""
    zh, en = await asyncio.gather(
        asyncio.to_thread(build_chart, "dashboard", sample, ZH),
        asyncio.to_thread(build_chart, "dashboard", sample, Look()))
    assert "每日市场简报" in all_texts(zh) and "每日市场简报" not in all_texts(en)
    assert style.current() == Look()  # nothing left behind
