"""The Claude narrator through the real anthropic SDK, over ``httpx2.MockTransport`` speaking
the Messages API: a good answer ships, a wrong figure is retried once and then replaced, a wrong
direction word is caught, and every failure (429, 529, 5xx, timeout, connection error, no answer
at all) falls back to the template after exactly one request."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import httpx2
import pytest

from bot.config import Settings
from bot.container import make_narrator
from services.analysis import analyze
from services.models.analysis import Analysis
from services.models.report import SECTION_KEYS, Narration
from services.narration.anthropic import AnthropicNarrator
from services.narration.prompt import SYSTEM_PROMPT
from services.narration.template import TemplateNarrator
from services.renderers import json_out
from services.report.builder import build_report
from services.report.editions import EditionCache, FixedSource
from services.snapshot_io import load_sample, validate_snapshot
from tests.narration import scripted
from tests.narration.conftest import ZONE
from tests.narration.messages_api import (
    MODEL,
    FakeMessagesAPI,
    Reply,
    answer,
    error,
    message_body,
    never,
    raises,
)

KEY = "sk-ant-api03-test-0123456789abcdef"


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"anthropic_api_key": KEY, **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def narrator_for(api: FakeMessagesAPI, **overrides: Any) -> AnthropicNarrator:
    narrator = make_narrator(settings(**overrides), http_client=api.http_client())
    assert isinstance(narrator, AnthropicNarrator)
    return narrator


async def narrate(analysis: Analysis, *replies: Reply, **overrides: Any
                  ) -> tuple[Narration, FakeMessagesAPI]:
    api = FakeMessagesAPI(*replies)
    narrator = narrator_for(api, **overrides)
    try:
        return await narrator.narrate(analysis), api
    finally:
        await narrator.aclose()


def with_field(key: str, text: str) -> dict[str, str]:
    return {**scripted.GOOD, key: text}


# --- a good answer ------------------------------------------------------------------------

async def test_a_good_answer_ships(analysis: Analysis) -> None:
    narration, api = await narrate(analysis, answer(scripted.GOOD))

    assert len(api.requests) == 1
    assert narration.narrator == "anthropic"
    assert narration.key_insight == scripted.GOOD["key_insight"]
    assert narration.commentary == {k: v for k, v in scripted.GOOD.items() if k != "key_insight"}
    assert narration.section_narrators == {k: "anthropic" for k in SECTION_KEYS}
    assert narration.rejected == ()
    assert (narration.input_tokens, narration.output_tokens) == (412 + 6113, 913)


async def test_the_report_shows_the_readings_and_the_metadata(analysis: Analysis) -> None:
    narration, _ = await narrate(analysis, answer(scripted.GOOD))
    report = build_report(analysis, narration)
    crypto = report.section("crypto")
    assert crypto.narrator == "anthropic"
    first = crypto.blocks[0]
    assert getattr(first, "lead", None) == "Reading:"
    assert getattr(first, "text", None) == scripted.GOOD["crypto_defi"]
    meta = json_out.to_dict(report)["narration"]
    assert meta["narrator"] == "anthropic"
    assert meta["rejected_figures"] == []
    assert (meta["input_tokens"], meta["output_tokens"]) == (6525, 913)


async def test_the_request(analysis: Analysis) -> None:
    _, api = await narrate(analysis, answer(scripted.GOOD))
    (request,) = api.requests
    body = api.bodies[0]
    assert request.url == "https://api.anthropic.com/v1/messages"
    assert request.headers["x-stainless-retry-count"] == "0"
    assert (body["model"], body["max_tokens"]) == (MODEL, 4000)
    assert body["system"] == [{"type": "text", "text": SYSTEM_PROMPT,
                               "cache_control": {"type": "ephemeral"}}]
    (user,) = body["messages"]
    data, task = user["content"]
    assert data["text"].startswith("<market_data>\n{")
    assert data["text"].endswith("}\n</market_data>")
    assert data["cache_control"] == {"type": "ephemeral"}
    assert "cache_control" not in task
    schema = body["output_config"]["format"]
    assert schema["type"] == "json_schema"
    assert schema["schema"]["required"] == list(SECTION_KEYS)
    assert schema["schema"]["additionalProperties"] is False
    assert body["output_config"]["effort"] == "low"
    # Current models reject a forced tool choice and non-default sampling.
    assert not {"tool_choice", "tools", "temperature", "top_p", "top_k"} & body.keys()
    assert KEY not in json.dumps(body)


async def test_the_data_block_carries_every_figure_as_displayed(analysis: Analysis) -> None:
    _, api = await narrate(analysis, answer(scripted.GOOD))
    text = api.bodies[0]["messages"][0]["content"][0]["text"]
    data = json.loads(text.removeprefix("<market_data>\n").removesuffix("\n</market_data>"))
    figures = {f["id"]: f["display"] for f in data["figures"]}
    assert figures["stablecoins.net_change_usd"] == "+$563M"
    assert figures["btc_vs.SPX.spread_pp"] == "+0.45 pp"
    assert data["context"]["verdict"]["verdict"] == "fragmented"


# --- wrong figures: one retry, then the fallback ----------------------------------------

async def test_one_wrong_figure_is_retried_and_the_fix_ships(analysis: Analysis) -> None:
    wrong = with_field("crypto_defi", "Net stablecoin supply rose +$370M.")
    narration, api = await narrate(analysis, answer(wrong),
                                   answer(scripted.GOOD, cache_read=6113, cache_write=0))

    assert len(api.requests) == 2
    assert narration.commentary["crypto_defi"] == scripted.GOOD["crypto_defi"]
    assert narration.section_narrators["crypto_defi"] == "anthropic"
    assert narration.rejected == (
        "crypto_defi (draft 1): +$370M - no such figure in the data "
        "(closest: net stablecoin supply change +$563M)",)
    assert (narration.input_tokens, narration.output_tokens) == (6525 + 6525, 913 * 2)

    first, second = (b["messages"][0]["content"] for b in api.bodies)
    assert second[:2] == first  # the same cached prefix: system, data block, task
    note = second[2]["text"]
    assert "- crypto_defi: +$370M - no such figure in the data" in note
    assert "Net stablecoin supply rose +$370M." in note


async def test_a_figure_wrong_twice_is_replaced(analysis: Analysis) -> None:
    wrong = with_field("key_insight", "BTC rose 0.59% as stablecoin supply grew +$370M.")
    narration, api = await narrate(analysis, answer(wrong), answer(wrong))

    assert len(api.requests) == 2
    assert narration.key_insight == TemplateNarrator().compose(analysis).key_insight
    assert narration.section_narrators["key_insight"] == "template"
    assert narration.section_narrators["crypto_defi"] == "anthropic"  # passed in draft 1
    assert [line.split(" - ")[0] for line in narration.rejected] == [
        "key_insight (draft 1): 0.59%", "key_insight (draft 1): +$370M",
        "key_insight (draft 2): 0.59%", "key_insight (draft 2): +$370M"]


async def test_a_section_wrong_twice_goes_without_commentary(analysis: Analysis) -> None:
    narration, _ = await narrate(analysis, answer(scripted.REFERENCE_ERRORS),
                                 answer(scripted.REFERENCE_RETRY))
    assert narration.key_insight == scripted.GOOD["key_insight"]
    for fixed in ("crypto_defi", "divergences", "capital_flows"):
        assert narration.commentary[fixed] == scripted.REFERENCE_RETRY[fixed]
    for dropped in ("risk_matrix", "action_plan"):
        assert dropped not in narration.commentary
        assert narration.section_narrators[dropped] == "template"
    report = build_report(analysis, narration)
    assert getattr(report.section("risks").blocks[0], "lead", "") != "Reading:"


async def test_a_wrong_direction_word_is_caught(analysis: Analysis) -> None:
    narration, api = await narrate(analysis, answer(scripted.WRONG_DIRECTION),
                                   answer(scripted.WRONG_DIRECTION))
    assert len(api.requests) == 2
    assert "hk" not in narration.commentary
    assert "hk (draft 1): Hong Kong rose - Hong Kong moved -0.88%" in narration.rejected


async def test_a_failed_retry_keeps_the_fields_that_passed(analysis: Analysis) -> None:
    wrong = with_field("crypto_defi", "Net stablecoin supply rose +$370M.")
    narration, api = await narrate(analysis, answer(wrong), error(529, "Overloaded"))
    assert len(api.requests) == 2
    assert "crypto_defi" not in narration.commentary
    assert narration.key_insight == scripted.GOOD["key_insight"]
    assert (narration.input_tokens, narration.output_tokens) == (6525, 913)


async def test_an_overlong_field_is_rejected(analysis: Analysis) -> None:
    long = with_field("us", "The S&P 500 rose 0.59%. " * 30)
    narration, _ = await narrate(analysis, answer(long), answer(long))
    assert "us" not in narration.commentary
    assert any("too long" in line for line in narration.rejected)


def escaped_answer(fields: dict[str, str]) -> httpx2.Response:
    """An answer whose text escapes every non-ASCII character (``\\u0007``), as JSON may."""
    body = message_body({})
    body["content"][-1]["text"] = json.dumps(fields)
    return httpx2.Response(200, content=json.dumps(body).encode(), headers={
        "content-type": "application/json", "request-id": "req_011TestEscaped"})


async def test_control_characters_from_the_model_never_ship(analysis: Analysis) -> None:
    """The model is an upstream too: control and bidi characters in its answer are removed
    before the text is checked and shipped (``services.models.clean``)."""
    dirty = {key: f"\x07{text}\x1b\u202e" if text else text
             for key, text in scripted.GOOD.items()}
    narration, api = await narrate(analysis, escaped_answer(dirty))
    assert len(api.requests) == 1 and narration.narrator == "anthropic"
    assert narration.key_insight == scripted.GOOD["key_insight"]
    assert narration.commentary["us"] == scripted.GOOD["us"]


async def test_a_lone_surrogate_from_the_model_falls_back_to_the_template(
        analysis: Analysis) -> None:
    """No platform can encode one; the SDK's JSON reader refuses the answer, so the template
    ships and every command still answers."""
    dirty = {**scripted.GOOD, "key_insight": "\ud800" + scripted.GOOD["key_insight"]}
    narration, _ = await narrate(analysis, escaped_answer(dirty))
    assert narration.narrator == "template"
    json_out.render(build_report(analysis, narration)).encode("utf-8")  # strict


async def test_an_empty_section_means_no_commentary(analysis: Analysis) -> None:
    narration, api = await narrate(analysis, answer(with_field("capital_flows", "")))
    assert len(api.requests) == 1
    assert "capital_flows" not in narration.commentary
    assert narration.section_narrators["capital_flows"] == "template"


# --- failures fall back to the template, quickly -----------------------------------------

FAILURES: dict[str, Reply] = {
    "429 rate limited": error(429, "Number of request tokens has exceeded your rate limit"),
    "529 overloaded": error(529, "Overloaded"),
    "500 api error": error(500, "Internal server error"),
    "401 bad key": error(401, "invalid x-api-key"),
    "read timeout": raises(httpx2.ReadTimeout),
    "connection refused": raises(httpx2.ConnectError),
    "truncated answer": httpx2.Response(200, json={
        **message_body({}), "stop_reason": "max_tokens",
        "content": [{"type": "text", "text": '{"key_insight": "Risk sentiment is'}]}),
    "refusal": httpx2.Response(200, json={**message_body({}), "stop_reason": "refusal",
                                          "content": []}),
}


@pytest.mark.parametrize("reply", FAILURES.values(), ids=FAILURES.keys())
async def test_a_failure_falls_back_to_the_template_after_one_request(
        analysis: Analysis, reply: Reply, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    narration, api = await narrate(analysis, reply)
    assert len(api.requests) == 1  # the SDK does not retry: no backoff, no waiting on retry-after
    assert narration == TemplateNarrator().compose(analysis)
    assert "narration: the template ships" in caplog.text
    assert KEY not in caplog.text


async def test_no_answer_within_the_budget_falls_back(analysis: Analysis) -> None:
    narration, api = await narrate(analysis, never(), anthropic_timeout_s=0.05)
    assert len(api.requests) == 1
    assert narration == TemplateNarrator().compose(analysis)


async def test_the_budget_covers_the_retry_too(analysis: Analysis) -> None:
    wrong = with_field("crypto_defi", "Net stablecoin supply rose +$370M.")
    narration, api = await narrate(analysis, answer(wrong), never(), anthropic_timeout_s=0.5)
    assert len(api.requests) == 2
    assert narration.key_insight == scripted.GOOD["key_insight"]
    assert "crypto_defi" not in narration.commentary


# --- one call per edition ----------------------------------------------------------------

async def test_an_edition_calls_the_model_once(analysis: Analysis) -> None:
    api = FakeMessagesAPI(answer(scripted.GOOD))
    narrator = narrator_for(api)
    cache = EditionCache(FixedSource(load_sample()), narrator, ZONE)
    try:
        editions = await asyncio.gather(*(cache.current() for _ in range(5)))
        again = await cache.current()
    finally:
        await narrator.aclose()
    assert len(api.requests) == 1
    assert {id(e) for e in (*editions, again)} == {id(again)}
    assert again.report.narration.input_tokens == 6525
    assert again.report.narration.output_tokens == 913


async def test_a_sparse_day_with_a_full_day_answer_falls_back(analysis: Analysis) -> None:
    """Only the S&P 500 in the snapshot: every other figure of the answer is rejected twice."""
    snapshot = validate_snapshot({
        "schema": "market-snapshot/1", "generated_at": "2026-03-21T00:30:00+00:00",
        "quotes": [{"id": "SPX", "name": "S&P 500", "market": "US", "kind": "index",
                    "close": None, "change_pct": 0.59, "session": "2026-03-20"}]})
    sparse = analyze(snapshot, snapshot.generated_at, ZONE)
    narration, api = await narrate(sparse, answer(scripted.GOOD), answer(scripted.GOOD))
    assert len(api.requests) == 2
    assert narration.key_insight == TemplateNarrator().compose(sparse).key_insight
    # Fields without a figure pass: the check covers figures, and the directions of subjects
    # that are in the data ("USDC supply contracting" names no subject of this day).
    assert set(narration.commentary) == {"risk_sentiment", "risk_matrix", "action_plan"}
    assert any("+$563M - no such figure" in line for line in narration.rejected)


# --- what /metrics counts -------------------------------------------------------------------

async def test_calls_tokens_and_rejected_figures_are_counted(analysis: Analysis) -> None:
    from services.ops.metrics import Metrics

    metrics = Metrics()
    wrong = with_field("crypto_defi", "Net stablecoin supply rose +$370M.")
    api = FakeMessagesAPI(answer(wrong), answer(scripted.GOOD, cache_read=6113, cache_write=0),
                          error(529, "overloaded_error"))
    narrator = make_narrator(settings(), http_client=api.http_client(), metrics=metrics)
    assert isinstance(narrator, AnthropicNarrator)
    try:
        narration = await narrator.narrate(analysis)
        await narrator.narrate(analysis)  # the model is overloaded: the template ships
    finally:
        await narrator.aclose()
    assert metrics.value("marketbot_narration_calls_total", outcome="ok") == 2
    assert metrics.value("marketbot_narration_calls_total", outcome="failed") == 1
    assert metrics.value("marketbot_narration_tokens_total", kind="input") == \
        narration.input_tokens
    assert metrics.value("marketbot_narration_tokens_total", kind="output") == \
        narration.output_tokens
    assert metrics.value("marketbot_narration_rejected_figures_total") == 1
