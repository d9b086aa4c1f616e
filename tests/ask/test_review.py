"""What an answer may not say, beyond the fact-check: advice, forecasts, markup, length; and
the strict rule for Chinese until the checker reads Chinese. Each row lists what is rejected."""

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
    # figures as displayed, each right after its subject's name, signs for directions
    ("稳定币净供应 stablecoin supply +$563M：USDT +$858M，USDC -$310M。", []),
    ("HSI -0.88%，S&P 500 +0.59%。", []),
    ("上证指数 -1.24%，创业板指 +1.30%。", []),
    # a figure whose subject the checker cannot see
    ("比特币 +1.04%。", ["+1.04%"]),
    ("净供应 +$563M。", ["+$563M"]),
    # the wrong subject's figure, across Chinese punctuation
    ("HSI 收盘，S&P 500 -0.88%。", ["-0.88%"]),
    # numbers the reader cannot read, Chinese numerals, Chinese direction words
    ("稳定币供应变化为5.63亿美元。", ["稳定币供应变化为5.63亿美元"]),
    ("USDT 供应八亿美元。", ["八亿"]),
    ("HSI 下跌 -0.88%。", ["跌"]),
]


@pytest.mark.parametrize(("text", "rejected"), ZH)
def test_chinese_answers_are_held_to_the_strict_rule(sheet: FactSheet, text: str,
                                                     rejected: list[str]) -> None:
    found = review_answer(text, sheet, Language.ZH)
    assert [r.figure for r in found] == rejected, [str(r) for r in found]


def test_the_strict_rule_says_why(sheet: FactSheet) -> None:
    [unattributed] = check("比特币 +1.04%。", sheet, "zh")
    assert unattributed.reason.startswith("cannot be checked in Chinese yet")
    [direction] = check("HSI 下跌 -0.88%。", sheet, "zh")
    assert direction.reason.startswith("a Chinese direction word cannot be checked yet")


def test_english_checks_are_unchanged_by_the_chinese_rule(sheet: FactSheet) -> None:
    assert check("Only 313 of 2,324 A-shares rose.", sheet) == []
    assert check("比特币 +1.04%。", sheet) == []  # English mode does not attribute
