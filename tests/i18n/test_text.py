"""``services.i18n.text``: a sentence the analysis writes once (English, as before) and a
report shows in Chinese, its figures re-expressed and its names in Chinese."""

from __future__ import annotations

import pickle

from services.errors import Say
from services.i18n import translator
from services.i18n.text import Name, Text, localise, pct, said, said_counted, usd

EN, ZH = translator("en"), translator("zh")


def test_a_text_is_its_english_sentence_and_translates() -> None:
    text = said("The widest gap is {a} {a_change} against {b} {b_change} ({spread})",
                a=Name("BTC", "BTC"), a_change=pct(1.04), b=Name("SPX", "S&P 500"),
                b_change=pct(-1.51), spread=usd(5.6287e8, signed=True))
    assert text == "The widest gap is BTC +1.04% against S&P 500 -1.51% (+$563M)"
    assert isinstance(text, str) and localise(text, EN) == text
    assert localise(text, ZH) == "最大的背离：比特币 +1.04%，标普500 -1.51%（+5.63亿美元）"


def test_values_are_written_per_language() -> None:
    assert localise(usd(1.75e12), ZH) == "1.75万亿美元" and localise(usd(1.75e12), EN) == "$1.75T"
    assert localise(Name("market:HK", "Hong Kong"), ZH) == "港股"
    assert localise(Name("Curvance", "Curvance"), ZH) == "Curvance"  # no Chinese name
    assert localise("the data's own words", ZH) == "the data's own words"
    nested = said("{crypto} while {stablecoins}", crypto=said(
        "net stablecoin supply rose {amount}", amount=usd(5.6287e8)), stablecoins="x")
    assert localise(nested, ZH) == "稳定币净供应增加5.63亿美元，同时x"


def test_a_count_takes_the_plural_form_of_the_language() -> None:
    text = said_counted("{n} request", "{n} requests", 1200)
    assert text == "1,200 requests" and localise(text, ZH).startswith("1,200")


def test_a_text_survives_pickling_for_the_chart_workers() -> None:
    text = said("net stablecoin supply rose {amount}", amount=usd(5.6287e8))
    back = pickle.loads(pickle.dumps(text))
    assert isinstance(back, Text) and back == text and isinstance(back.say, Say)
    assert localise(back, ZH) == "稳定币净供应增加5.63亿美元"
