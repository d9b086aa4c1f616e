"""What an answer may not say, beyond the fact-check: advice, forecasts, markup, length; and
Chinese answers read the Chinese way. Each row lists what is rejected."""

from __future__ import annotations

import pytest

from services.ask.question import Language
from services.ask.review import review_answer
from services.narration.factcheck import check
from services.narration.facts import FactSheet

EN: list[tuple[str, list[str]]] = [
    ("Net stablecoin supply grew +$563M.", []),
    ("Net stablecoin supply grew +$370M.", ["+$370M"]),
    ("Hong Kong rose: HSI -0.88%.", ["Hong Kong rose"]),
    ("The data has no forecasts, so it cannot say where BTC will close tomorrow.", []),
    ("BTC will rise 1.04% tomorrow.", ["1.04%"]),
    ("BTC is expected to reach $70,716 next week.", ["$70,716"]),
    ("I recommend buying BTC.", ["I recommend"]),
    ("Buy BTC now, it rose 1.04%.", ["Buy"]),
    ("You should sell Hong Kong exposure.", ["You should sell"]),
    ("The plan's first idea is to run smaller positions than usual.", []),
    ("BTC rose **1.04%** @everyone <b>x</b>", ["**", "**", "@everyone", "<b>", "</b>"]),
    ("BTC rose 1.04%. " * 50, ["(150 words)"]),
    ("", ["(empty)"]),
]


@pytest.mark.parametrize(("text", "rejected"), EN)
def test_english_answers(sheet: FactSheet, text: str, rejected: list[str]) -> None:
    found = review_answer(text, sheet, Language.EN)
    assert [r.figure for r in found] == rejected, [str(r) for r in found]


ZH: list[tuple[str, list[str]]] = [
    # figures as displayed, each after its subject's name, English or Chinese
    ("稳定币净供应 stablecoin supply +$563M：USDT +$858M，USDC -$310M。", []),
    ("HSI -0.88%，S&P 500 +0.59%。", []),
    ("上证指数 -1.24%，创业板指 +1.30%。", []),
    ("比特币 +1.04%。", []),
    ("净供应 +$563M。", []),
    # Chinese units and direction words are read
    ("稳定币供应变化为5.63亿美元。", []),
    ("HSI 下跌 -0.88%。", []),
    ("恒生指数下跌0.88%，比特币上涨1.04%。", []),
    ("HSI 上涨 0.88%。", ["0.88%", "HSI 上涨"]),
    ("稳定币净供应增加3.70亿美元。", ["3.70亿美元"]),
    # the wrong subject's figure, across Chinese punctuation
    ("HSI 收盘，S&P 500 -0.88%。", ["-0.88%"]),
    # numbers written in Chinese numerals cannot be checked
    ("USDT 供应八亿美元。", ["八亿美元"]),
    # advice and forecasts in Chinese
    ("建议买入比特币。", ["建议买入"]),
    ("比特币明天将上涨1.04%。", ["1.04%"]),
]


@pytest.mark.parametrize(("text", "rejected"), ZH)
def test_chinese_answers_are_read_as_chinese(sheet: FactSheet, text: str,
                                             rejected: list[str]) -> None:
    found = review_answer(text, sheet, Language.ZH)
    assert [r.figure for r in found] == rejected, [str(r) for r in found]


def test_a_chinese_rejection_says_why(sheet: FactSheet) -> None:
    [wrong] = check("稳定币净供应增加3.70亿美元。", sheet, "zh")
    assert wrong.reason == "no such figure in the data (closest: net stablecoin supply change " \
                           "+$563M)"
    [direction] = check("恒生指数收涨。", sheet, "zh")
    assert (direction.figure, direction.reason) == ("恒生指数收涨", "HSI moved -0.88%")
    [numeral] = check("USDT 供应八亿美元。", sheet, "zh")
    assert numeral.reason.startswith("written in Chinese numerals, which cannot be checked")


def test_english_checks_are_unchanged_by_the_chinese_rule(sheet: FactSheet) -> None:
    assert check("Only 313 of 2,324 A-shares rose.", sheet) == []
    assert check("比特币 +1.04%。", sheet) == []  # English mode does not attribute
