"""Claude narrating in Chinese, through the real anthropic SDK over ``httpx2.MockTransport``:
the request asks for Chinese and gives every figure as the Chinese report writes it; a good
Chinese answer ships; a Key Insight with a wrong 亿 figure is caught, sent back once, and
replaced by the template's when the retry is still wrong (or by the fixed retry)."""

from __future__ import annotations

import json

from services.models.analysis import Analysis
from services.models.report import SECTION_KEYS, Narration, Paragraph
from services.narration.prompt import CHINESE, SYSTEM_PROMPT
from services.narration.template import TemplateNarrator
from services.report.builder import build_report
from tests.narration import scripted
from tests.narration.messages_api import FakeMessagesAPI, answer
from tests.narration.test_anthropic import narrator_for


async def narrate_zh(analysis: Analysis, *drafts: dict[str, str]
                     ) -> tuple[Narration, FakeMessagesAPI]:
    api = FakeMessagesAPI(*(answer(d) for d in drafts))
    narrator = narrator_for(api)
    try:
        return await narrator.narrate(analysis, "zh"), api
    finally:
        await narrator.aclose()


async def test_the_request_asks_for_chinese_with_chinese_figures(analysis: Analysis) -> None:
    _, api = await narrate_zh(analysis, scripted.GOOD_ZH)
    body = api.bodies[0]
    assert body["system"][0]["text"] == SYSTEM_PROMPT + "\n" + CHINESE
    data, task = body["messages"][0]["content"]
    assert task["text"].endswith("in Simplified Chinese.")
    figures = {f["id"]: f["display"] for f in json.loads(
        data["text"].removeprefix("<market_data>\n").removesuffix("\n</market_data>"))["figures"]}
    assert figures["stablecoins.net_change_usd"] == "+5.63亿美元"
    assert figures["cn.turnover_cny"] == "1.75万亿元"
    assert figures["split.chinext_sse.spread_pp"] == "+2.54个百分点"
    assert figures["quote.SPX.change_pct"] == "+0.59%"
    assert figures["quote.BTC.price"] == "70,716美元"


async def test_a_good_chinese_answer_ships(analysis: Analysis) -> None:
    narration, api = await narrate_zh(analysis, scripted.GOOD_ZH)
    assert len(api.requests) == 1
    assert narration.key_insight == scripted.GOOD_ZH["key_insight"]
    assert narration.section_narrators == {k: "anthropic" for k in SECTION_KEYS}
    report = build_report(analysis, narration, "zh")
    assert report.language == "zh" and report.key_insight.startswith("风险偏好按地域分化")
    reading = report.section("a_shares").blocks[0]
    assert isinstance(reading, Paragraph) and reading.lead == "解读："


async def test_a_wrong_yi_figure_is_caught_and_replaced(analysis: Analysis) -> None:
    narration, api = await narrate_zh(analysis, scripted.WRONG_YI_ZH, scripted.WRONG_YI_ZH)
    assert len(api.requests) == 2  # the first draft and the one retry
    retry_note = api.bodies[1]["messages"][0]["content"][-1]["text"]
    assert "key_insight: 3.70亿美元 - no such figure in the data (closest: net stablecoin " \
           "supply change +$563M)" in retry_note
    template = TemplateNarrator().compose(analysis, "zh")
    assert narration.key_insight == template.key_insight
    assert narration.section_narrators["key_insight"] == "template"
    assert "3.70亿美元" not in narration.key_insight
    assert narration.commentary["a_shares"] == scripted.GOOD_ZH["a_shares"]
    assert narration.rejected == (
        "key_insight (draft 1): 3.70亿美元 - no such figure in the data (closest: net "
        "stablecoin supply change +$563M)",
        "key_insight (draft 2): 3.70亿美元 - no such figure in the data (closest: net "
        "stablecoin supply change +$563M)")


async def test_a_fixed_retry_ships(analysis: Analysis) -> None:
    narration, api = await narrate_zh(analysis, scripted.WRONG_YI_ZH, scripted.GOOD_ZH)
    assert len(api.requests) == 2
    assert narration.key_insight == scripted.GOOD_ZH["key_insight"]
    assert narration.section_narrators["key_insight"] == "anthropic"
