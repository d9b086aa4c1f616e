"""The question (length, language, cache key), keyword routing, and the facts a template
answer quotes: pure functions, tested with tables."""

from __future__ import annotations

import pytest

from services.ask.question import Language, QuestionError, language_of, parse_question
from services.ask.relevant import relevant_facts, section_of
from services.ask.routing import route
from services.ask.template import facts_answer
from services.narration.facts import FactSheet


@pytest.mark.parametrize(("text", "language"), [
    ("How much did stablecoin supply change?", Language.EN),
    ("稳定币供应变化了多少？", Language.ZH),
    ("BTC 和 ETH 今天表现如何？", Language.ZH),
    ("What did 恒生 do today?", Language.EN),
    ("", Language.EN),
])
def test_the_language_of_a_question(text: str, language: Language) -> None:
    assert language_of(text) is language


def test_a_question_is_tidied_and_keyed() -> None:
    q = parse_question("  How much did\n stablecoin supply   change?? ", 500)
    assert q.text == "How much did stablecoin supply change??"
    assert q.key == parse_question("how much did STABLECOIN supply change", 500).key


@pytest.mark.parametrize(("raw", "message"), [
    ("", "Ask a question after the command, for example: /ask How much did stablecoin "
         "supply change?"),
    ("   ", "Ask a question after the command"),
    (None, "Ask a question after the command"),
    ("x" * 3000, "That question is 3,000 characters long; please keep it under 500."),
])
def test_a_bad_question_gets_one_line(raw: str | None, message: str) -> None:
    with pytest.raises(QuestionError) as refused:
        parse_question(raw, 500)
    assert str(refused.value).startswith(message)
    assert "\n" not in str(refused.value) and len(str(refused.value)) < 120


@pytest.mark.parametrize(("question", "sections"), [
    ("How much did stablecoin supply change?", ("crypto_defi",)),
    ("how big is today's USDC outflow?", ("crypto_defi", "capital_flows")),
    ("Why did Hong Kong fall while the US rose?", ("us", "hk")),
    ("What did the Hang Seng and HSTECH do?", ("hk",)),
    ("Tell us about ChiNext breadth", ("a_shares",)),
    ("Which risk should I watch first?", ("risk_matrix", "action_plan")),
    ("Is the mood risk-on?", ("risk_sentiment",)),
    ("Give me the summary", ("key_insight",)),
    ("What is the news on Nvidia?", ()),
    ("稳定币供应变化了多少？", ("crypto_defi",)),
    ("港股为什么下跌？", ("hk",)),
    ("创业板和上证的背离", ("a_shares", "divergences")),
])
def test_keyword_routing(question: str, sections: tuple[str, ...]) -> None:
    assert route(question) == sections


def test_every_fact_of_the_sample_day_has_a_section(sheet: FactSheet) -> None:
    assert [f.key for f in sheet.facts if section_of(f) is None] == []
    assert section_of(next(f for f in sheet.facts if f.key == "quote.HSI.change_pct")) == "hk"
    assert section_of(next(f for f in sheet.facts if f.key == "breadth.advancers")) == \
        "a_shares"


def test_the_facts_quoted_for_a_question(sheet: FactSheet) -> None:
    named = relevant_facts("How much did stablecoin supply change?", sheet, ("crypto_defi",))
    assert [f.display for f in named][:6] == ["+$563M", "$1.18B", "$267.80B", "+$858M",
                                              "-$310M", "+$14.8M"]
    cited = relevant_facts("anything", sheet, (), ["quote.BTC.change_pct", "no.such.fact"])
    assert [f.key for f in cited] == ["quote.BTC.change_pct"]
    by_section = relevant_facts("what about the flows?", sheet, ("a_shares",))
    assert by_section and all(section_of(f) == "a_shares" for f in by_section)
    assert relevant_facts("What is the news on Nvidia?", sheet, ()) == ()


def test_the_template_answer(sheet: FactSheet) -> None:
    facts = relevant_facts("USDC?", sheet, ())
    assert facts_answer(facts[:2], Language.EN).splitlines() == [
        "The edition's figures on that:", "• USDC supply change in USD: -$310M",
        "• USDC supply change: -0.390%"]
    assert facts_answer((), Language.EN).startswith("The edition holds no figures on that.")
    assert facts_answer((), Language.ZH).startswith("本期报告没有这方面的数字")
