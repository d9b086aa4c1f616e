"""The fact-checker reading Chinese, against the sample day, one sentence at a time: true and
false sentences across every unit (%, 个百分点 and 基点, 美元 and 元 with 万/亿/万亿, the English
forms inside Chinese, index levels, counts, ratios, prices), Chinese direction words and
comparisons. Each row lists the figures (or phrases) the checker must reject.

The sample day: S&P 500 +0.59%, Nasdaq +0.44%, Dow +0.65%, HSI -0.88%, HSTECH -2.48%, SSE
-1.24%, SZSE -0.25%, ChiNext +1.30%, BTC +1.04% ($70,716), ETH +0.50%; net stablecoin supply
+$563M (USDT +$858M, USDC -$310M); A-share turnover ¥1.75T; 313 of 2,324 A-shares up.
"""

from __future__ import annotations

import pytest

from services.narration.factcheck import check
from services.narration.facts import FactSheet

TABLE: list[tuple[str, list[str]]] = [
    # --- percent changes, with Chinese direction words carrying the sign
    ("比特币上涨1.04%。", []),
    ("恒生指数下跌0.88%。", []),
    ("标普500收涨0.59%，纳斯达克上涨0.44%，道琼斯上涨0.65%。", []),
    ("上证指数收跌1.24%，深证成指下跌0.25%。", []),
    ("恒指走低，恒生科技指数跌幅达2.48%。", []),
    ("比特币24小时上涨约1%。", []),
    ("以太坊上涨0.50％。", []),
    ("比特币下跌1.04%。", ["1.04%", "比特币下跌"]),  # a rise told as a fall
    ("恒生指数上涨0.88%。", ["0.88%", "恒生指数上涨"]),
    ("比特币上涨0.59%。", ["0.59%"]),  # the S&P 500's move, not BTC's
    ("创业板指上涨1.31%。", ["1.31%"]),  # +1.30% written to the same precision, wrong
    ("标普500上涨1%。", ["1%"]),  # coarser than the report and 69% off
    # --- spreads in 个百分点 and 基点
    ("创业板指跑赢上证指数2.54个百分点。", []),
    ("比特币比恒生指数多涨1.92个百分点，较上证指数高出2.28个百分点。", []),
    ("恒生指数跑输标普500 1.47个百分点。", []),
    ("上证指数落后创业板指254个基点。", []),
    ("创业板指跑赢上证指数1.92个百分点。", ["1.92个百分点", "1.92个百分点"]),  # BTC-HSI's gap
    ("比特币跑赢标普500 2.28个百分点。", ["2.28个百分点", "2.28个百分点"]),  # BTC-SSE's gap
    ("创业板指跑赢上证指数2.54%。", ["2.54%"]),  # a spread written as a percent change
    ("上证指数下跌1.24个百分点。", ["1.24个百分点"]),  # a change written as a spread
    # --- US dollars in 万/亿/万亿, and the English forms inside Chinese
    ("稳定币净供应增加5.63亿美元。", []),
    ("稳定币净供应增加+$563M，其中USDT增加8.58亿美元，USDC减少3.10亿美元。", []),
    ("DAI供应增加1480万美元。", []),
    ("加密货币总市值2.50万亿美元，24小时成交量904亿美元。", []),
    ("USDT供应1841.3亿美元。", []),
    ("稳定币净供应增加3.70亿美元。", ["3.70亿美元"]),  # the reference report's error
    ("稳定币净供应减少5.63亿美元。", ["5.63亿美元", "稳定币净供应减少"]),
    ("USDC供应增加3.10亿美元。", ["3.10亿美元", "USDC供应增加"]),
    ("USDT供应增加5.63亿美元。", ["5.63亿美元"]),  # the net change, not USDT's
    ("加密货币总市值2.50万亿元。", ["2.50万亿元"]),  # dollars written as yuan
    # --- yuan
    ("A股成交额1.75万亿元。", []),
    ("两市成交额1.75万亿人民币。", []),
    ("A股成交额1.57万亿元。", ["1.57万亿元"]),
    ("A股成交额1.75万亿美元。", ["1.75万亿美元"]),  # yuan written as dollars
    # --- index levels, prices, counts, ratios
    ("标普500收于6,643.70点，恒生指数收报25,277.32点。", []),
    ("上证指数收于3,975.05点。", ["3,975.05点"]),  # 3,957.05 with two digits swapped
    ("比特币报70,716美元。", []),
    ("比特币报72,000美元。", ["72,000美元"]),
    ("A股仅313家上涨，2,011家下跌。", []),
    ("2,324只A股中仅有313只上涨。", []),
    ("上涨家数为331家。", ["331"]),
    ("比特币相对标普500的单日贝塔为1.76倍。", []),
    ("比特币相对标普500的单日贝塔为2.76倍。", ["2.76倍"]),
    # --- direction words without figures
    ("恒生指数走低，比特币走高。", []),
    ("恒生指数走高。", ["恒生指数走高"]),
    ("标普500收跌。", ["标普500收跌"]),
    ("稳定币供应增加，USDC供应减少。", []),
    ("USDC供应增加。", ["USDC供应增加"]),
    # --- comparisons
    ("创业板指跑赢上证指数，纳斯达克跑输道琼斯。", []),
    ("上证指数跑赢创业板指。", ["上证指数跑赢创业板指"]),
    ("纳斯达克跑赢道琼斯。", ["纳斯达克跑赢道琼斯"]),
    ("比特币比恒生指数多涨。", []),
    ("恒生指数比比特币多涨。", ["恒生指数比比特币"]),
    ("恒生科技指数弱于恒生指数。", []),
    ("恒生科技指数强于恒生指数。", ["恒生科技指数强于恒生指数"]),
    # --- not claims: conditions, possibilities, negations; dates and names with digits
    ("如果比特币下跌，风险将上升。", []),
    ("比特币可能下跌。", []),
    ("比特币并未下跌。", []),
    ("2026年3月20日，标普500上涨0.59%，沪深300不在本期数据中。", []),
    # --- numbers the checker cannot read
    ("标普500上涨百分之零点五九。", ["百分之零点五九"]),
    ("USDT供应增加约八亿美元。", ["八亿美元"]),
]


def test_the_table_has_forty_sentences_true_and_false() -> None:
    true = [t for t, rejected in TABLE if not rejected]
    false = [t for t, rejected in TABLE if rejected]
    assert len(TABLE) >= 40 and len(true) >= 20 and len(false) >= 20


@pytest.mark.parametrize(("text", "rejected"), TABLE, ids=[t for t, _ in TABLE])
def test_chinese_sentence(sheet: FactSheet, text: str, rejected: list[str]) -> None:
    found = check(text, sheet, "zh")
    assert [r.figure for r in found] == rejected, [str(r) for r in found]


def test_each_chinese_rejection_names_the_fact(sheet: FactSheet) -> None:
    [wrong] = check("稳定币净供应增加3.70亿美元。", sheet, "zh")
    assert wrong.reason == ("no such figure in the data (closest: net stablecoin supply change "
                            "+$563M)")
    [unit] = check("创业板指跑赢上证指数2.54%。", sheet, "zh")
    assert unit.reason == "wrong unit: the data has ChiNext minus SSE +2.54 pp"
    pair = check("比特币跑赢标普500 2.28个百分点。", sheet, "zh")
    assert "not the gap between BTC and S&P 500 (the data has BTC minus S&P 500 +0.45 pp)" in \
        [r.reason for r in pair]
    [comparison] = check("纳斯达克跑赢道琼斯。", sheet, "zh")
    assert comparison.reason == "Nasdaq +0.44% vs Dow +0.65%"


def test_the_report_figures_in_chinese_pass(sheet: FactSheet) -> None:
    """Every figure of the facts table, written as the Chinese report writes it after its
    subject's Chinese name, passes."""
    from services.format import in_language
    from services.narration.zh import with_chinese_names

    zh_sheet = with_chinese_names(sheet)
    for fact in sheet.facts:
        subject = zh_sheet.subject(fact.subjects[0])
        if subject is None or fact.key.startswith("threshold."):
            continue
        text = f"{subject.names[-1] if subject.key.startswith('quote:') else subject.label}" \
               f"为{in_language(fact.display, 'zh')}。"
        assert check(text, sheet, "zh") == [], (fact.key, text, check(text, sheet, "zh"))
