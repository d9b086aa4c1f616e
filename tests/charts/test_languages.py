"""Charts per language: the Chinese dashboard in red for up and green for down (the ▲/▼ marks
and signs stay), its titles, key and footer in Chinese, indices under their Chinese names; the
colours a setting; a render's language never leaks into the next render."""

from __future__ import annotations

import asyncio

from matplotlib.colors import to_hex

from services import format as fmt
from services.models.analysis import Analysis
from services.renderers.charts import build_chart, render_chart, style
from services.renderers.charts.style import Look, look_for
from tests.charts.helpers import all_texts, bars, panel, texts

ZH = look_for("zh")


def test_the_chinese_dashboard_is_red_for_up_and_green_for_down(sample: Analysis) -> None:
    frame = panel(build_chart("dashboard", sample, ZH), "moves")
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


def test_the_chinese_dashboard_titles_key_and_footer(sample: Analysis) -> None:
    chart = build_chart("dashboard", sample, ZH)
    assert chart.panels["moves"] == "跨市场表现 · 日涨跌幅"
    title = texts(chart.frame("title"))
    assert title[0] == "每日市场简报 · 2026-03-21"
    assert {"▲ 上涨", "▼ 下跌", "灰色：休市或暂无", "⚠ 异常"} <= set(title)
    footer = "".join(texts(chart.frame("footer")))
    assert "2026-03-21 版 · 数据截至 2026-03-21 00:30 UTC · 仅供参考，不构成投资建议" in footer
    key = dict(zip(title, [to_hex(t.get_color()) for t in chart.frame("title").texts],
                   strict=True))
    assert key["▲ 上涨"] == to_hex(style.RED) and key["▼ 下跌"] == to_hex(style.GREEN)


def test_english_is_unchanged_and_the_colours_are_a_setting(sample: Analysis) -> None:
    english = build_chart("dashboard", sample)
    assert english.panels["moves"] == "Cross-market moves · 1-day change"
    assert render_chart("dashboard", sample) == render_chart("dashboard", sample, Look())
    us_style = look_for("zh", {"zh": "green-up"})
    frame = panel(build_chart("dashboard", sample, us_style), "moves")
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
