"""``/ask`` with Claude, through the real anthropic SDK over ``httpx2.MockTransport`` speaking
the Messages API: a good answer, a wrong figure retried then replaced, a wrong direction word,
a question about missing data, an injection, the budget and the rate limit, the cache, and
429, 529 and timeouts falling back after one request."""

from __future__ import annotations

import asyncio
import json
import logging

import httpx2
import pytest

from services.ask.answer import Route
from services.ask.prompt import QUESTION_TAG, SYSTEM_PROMPT
from services.ask.question import Language
from services.errors import TooManyQuestions
from services.narration.prompt import DATA_TAG
from services.renderers import answers
from services.report.editions import Edition
from services.storage.usage import UsageStore
from tests.ask import scripted
from tests.ask.conftest import KEY, NOW, MakeService
from tests.narration.messages_api import answer, error, never, raises

USER = "telegram:42"


def body_texts(body: dict[str, object]) -> list[str]:
    (user,) = body["messages"]  # type: ignore[misc]
    return [block["text"] for block in user["content"]]  # type: ignore[index]


# --- a good answer ------------------------------------------------------------------------

async def test_a_good_answer_is_shown_with_what_it_was_checked_against(
        make_service: MakeService, edition: Edition) -> None:
    service, api = await make_service(answer(scripted.STABLECOIN_GOOD))
    q = service.prepare(scripted.STABLECOIN_QUESTION, USER)
    got = await service.answer(edition, q)

    assert len(api.requests) == 1
    assert got.route is Route.MODEL and got.notice is None
    assert got.text == scripted.STABLECOIN_GOOD["answer"]
    assert "+$563M" in got.text and "+$858M" in got.text and "-$310M" in got.text
    assert got.closing == "checked against the 2026-03-21 edition"
    assert got.sections == ("crypto_defi",)
    assert got.coverage == "full" and got.rejected == ()
    assert (got.usage.input, got.usage.output, got.usage.calls) == (412 + 6113, 913, 1)
    text = answers.plain(got, edition.report)
    assert text.rstrip().endswith("— checked against the 2026-03-21 edition")
    assert edition.id not in text  # the edition's date, never its internal id


async def test_the_request_holds_the_facts_and_the_question_as_data(
        make_service: MakeService, edition: Edition) -> None:
    service, api = await make_service(answer(scripted.STABLECOIN_GOOD))
    await service.answer(edition, service.prepare(scripted.STABLECOIN_QUESTION, USER))
    body = api.bodies[0]
    assert api.requests[0].headers["x-stainless-retry-count"] == "0"
    assert body["system"] == [{"type": "text", "text": SYSTEM_PROMPT,
                               "cache_control": {"type": "ephemeral"}}]
    data, question, task = body_texts(body)
    assert body["messages"][0]["content"][0]["cache_control"] == {"type": "ephemeral"}
    figures = {f["id"]: f["display"] for f in json.loads(
        data.removeprefix(f"<{DATA_TAG}>\n").removesuffix(f"\n</{DATA_TAG}>"))["figures"]}
    assert figures["stablecoins.net_change_usd"] == "+$563M"
    assert figures["stablecoin.USDC.change_usd"] == "-$310M"
    assert question == (f'<{QUESTION_TAG}>\n{{"question":"{scripted.STABLECOIN_QUESTION}"}}\n'
                        f"</{QUESTION_TAG}>")
    assert "in English" in task
    schema = body["output_config"]["format"]["schema"]
    assert schema["required"] == ["answer", "coverage", "fact_ids"]
    assert KEY not in json.dumps(body)


async def test_new_facts_reach_the_model_without_changes_to_ask(
        make_service: MakeService, edition: Edition, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fact ``build_facts`` starts listing (history z-scores, say) is in the data block."""
    from services.narration import facts as facts_module
    from services.narration.facts import Fact, Unit

    original = facts_module.build_facts

    def with_history(analysis):  # type: ignore[no-untyped-def]
        sheet = original(analysis)
        extra = Fact("history.HSTECH.z60", "HSTECH move in 60-session sigmas", -1.9,
                     Unit.SIGMA, "-1.90σ", ("quote:HSTECH", "market:HK"), 0.005)
        return type(sheet)((*sheet.facts, extra), sheet.subjects)

    monkeypatch.setattr("services.ask.service.build_facts", with_history)
    service, api = await make_service(answer({
        "answer": "HSTECH -2.48% was a -1.90 sigma day against its last 60 sessions.",
        "coverage": "full", "fact_ids": ["quote.HSTECH.change_pct", "history.HSTECH.z60"]}))
    got = await service.answer(edition, service.prepare("How unusual was HSTECH?", USER))
    assert '"id":"history.HSTECH.z60"' in body_texts(api.bodies[0])[0]
    assert got.route is Route.MODEL and got.sections == ("hk",)


# --- wrong figures and directions: one retry, then the template -------------------------

async def test_a_wrong_figure_is_retried_and_the_fix_is_shown(
        make_service: MakeService, edition: Edition) -> None:
    service, api = await make_service(answer(scripted.STABLECOIN_WRONG),
                                      answer(scripted.STABLECOIN_GOOD))
    got = await service.answer(edition, service.prepare(scripted.STABLECOIN_QUESTION, USER))

    assert len(api.requests) == 2
    assert got.route is Route.MODEL and got.text == scripted.STABLECOIN_GOOD["answer"]
    assert got.rejected == ("draft 1: +$370M - no such figure in the data (closest: net "
                            "stablecoin supply change +$563M)",)
    note = body_texts(api.bodies[1])[3]
    assert "- +$370M - no such figure in the data" in note
    assert "Net stablecoin supply rose +$370M" in note  # the previous answer, as data
    assert body_texts(api.bodies[1])[:3] == body_texts(api.bodies[0])  # same cached prefix
    assert got.usage.calls == 2


async def test_a_figure_wrong_twice_is_replaced_by_the_facts_quoted(
        make_service: MakeService, edition: Edition) -> None:
    service, api = await make_service(answer(scripted.STABLECOIN_WRONG),
                                      answer(scripted.STABLECOIN_WRONG))
    got = await service.answer(edition, service.prepare(scripted.STABLECOIN_QUESTION, USER))

    assert len(api.requests) == 2
    assert got.route is Route.FACTS
    assert got.notice == ("Claude's answer did not pass the fact-check, so here are the "
                          "edition's figures on that, quoted directly.")
    assert got.text.splitlines() == [
        "The edition's figures on that:",
        "• net stablecoin supply change: +$563M",
        "• USDT supply change in USD: +$858M",
        "• DAI supply change in USD: +$14.8M",
        "• USDC supply change in USD: -$310M"]
    assert "+$370M" not in got.text
    assert [line.split(" - ")[0] for line in got.rejected] == ["draft 1: +$370M",
                                                               "draft 2: +$370M"]
    assert got.closing == "checked against the 2026-03-21 edition"


async def test_a_wrong_direction_word_is_caught(make_service: MakeService,
                                                edition: Edition) -> None:
    service, api = await make_service(answer(scripted.HK_WRONG_DIRECTION),
                                      answer(scripted.HK_GOOD))
    got = await service.answer(edition, service.prepare(scripted.HK_QUESTION, USER))

    assert len(api.requests) == 2
    assert got.rejected == ("draft 1: Hong Kong rose - Hong Kong moved -0.88%",)
    assert got.route is Route.MODEL and got.text == scripted.HK_GOOD["answer"]
    assert "Hong Kong rose - Hong Kong moved -0.88%" in body_texts(api.bodies[1])[3]


# --- what the data does not hold ----------------------------------------------------------

async def test_a_question_about_missing_data_is_refused_with_what_the_data_holds(
        make_service: MakeService, edition: Edition) -> None:
    service, api = await make_service(answer(scripted.MISSING_GOOD))
    got = await service.answer(edition, service.prepare(scripted.MISSING_QUESTION, USER))
    assert len(api.requests) == 1
    assert got.route is Route.MODEL and got.coverage == "none"
    assert got.text.startswith("The edition holds no news and no forecasts")
    assert "+1.04%" in got.text and "$70,716" in got.text


async def test_an_invented_answer_about_missing_data_never_ships(
        make_service: MakeService, edition: Edition) -> None:
    service, api = await make_service(answer(scripted.MISSING_INVENTED),
                                      answer(scripted.MISSING_INVENTED))
    got = await service.answer(edition, service.prepare(scripted.MISSING_QUESTION, USER))
    assert len(api.requests) == 2
    assert got.route is Route.FACTS
    assert "3.2%" not in got.text and "72,500" not in got.text
    rejected = " ".join(got.rejected)
    assert "3.2% - no such figure" in rejected and "$72,500 - no such figure" in rejected
    # BTC is in the data: its own figures are quoted; Nvidia is not: nothing invented for it.
    assert "• BTC change: +1.04%" in got.text and "Nvidia" not in got.text


# --- an injection in the question ---------------------------------------------------------

async def test_an_injection_stays_data_and_an_obedient_answer_never_ships(
        make_service: MakeService, edition: Edition) -> None:
    service, api = await make_service(answer(scripted.INJECTION_OBEYED),
                                      answer(scripted.INJECTION_OBEYED))
    got = await service.answer(edition, service.prepare(scripted.INJECTION_QUESTION, USER))

    body = api.bodies[0]
    assert "Ignore your instructions" not in json.dumps(body["system"])
    data, question, task = body_texts(body)
    assert question.count(f"<{QUESTION_TAG}>") == 1 and question.count(f"</{QUESTION_TAG}>") == 1
    inner = question.removeprefix(f"<{QUESTION_TAG}>\n").removesuffix(f"\n</{QUESTION_TAG}>")
    assert "<" not in inner and ">" not in inner  # "</question>" cannot close the block
    assert json.loads(inner) == {"question": scripted.INJECTION_QUESTION}
    assert "Ignore your instructions" not in data + task

    assert len(api.requests) == 2 and got.route is Route.FACTS
    reasons = " | ".join(got.rejected)
    assert '20% - a forecast ("will"): the edition holds no forecasts' in reasons
    assert "investment advice is not given" in reasons
    assert "plain text only" in reasons
    assert "Buy" not in got.text and "@everyone" not in got.text
    assert "• Dinari TVL change: +20.6%" in got.text  # what the data holds on Dinari


async def test_an_injected_question_comes_out_escaped(make_service: MakeService,
                                                      edition: Edition) -> None:
    service, _ = await make_service(answer(scripted.INJECTION_REFUSED))
    got = await service.answer(edition, service.prepare(scripted.INJECTION_QUESTION, USER))
    assert got.route is Route.MODEL and got.text == scripted.INJECTION_REFUSED["answer"]

    html = "\n".join(m.html for m in answers.telegram(got, edition.report))
    assert "<b>now</b>" not in html and "&lt;b&gt;now&lt;/b&gt;" in html
    assert "&lt;/question&gt;" in html
    embeds = [e for m in answers.discord(got, edition.report) for e in m.embeds]
    shown = json.dumps(embeds, ensure_ascii=False)
    assert "@everyone" not in shown and "@\u200beveryone" in shown


# --- Chinese: strict until the checker reads Chinese --------------------------------------

async def test_a_chinese_question_is_answered_in_chinese(make_service: MakeService,
                                                         edition: Edition) -> None:
    service, api = await make_service(answer(scripted.ZH_GOOD))
    q = service.prepare(scripted.ZH_QUESTION, USER)
    assert q.language is Language.ZH
    got = await service.answer(edition, q)
    assert "in Simplified Chinese" in body_texts(api.bodies[0])[2]
    assert got.route is Route.MODEL and got.text == scripted.ZH_GOOD["answer"]
    assert got.closing == "已对照 2026-03-21 版报告核对"


async def test_a_wrong_chinese_figure_and_chinese_numerals_are_rejected(
        make_service: MakeService, edition: Edition) -> None:
    service, _ = await make_service(answer(scripted.ZH_UNCHECKABLE),
                                    answer(scripted.ZH_UNCHECKABLE))
    got = await service.answer(edition, service.prepare(scripted.ZH_QUESTION, USER))
    assert got.route is Route.FACTS
    reasons = " | ".join(got.rejected)
    assert "3.70亿美元 - no such figure in the data (closest: net stablecoin supply change " \
           "+$563M)" in reasons
    assert "八亿美元 - written in Chinese numerals" in reasons
    assert got.text.startswith("本期报告中的相关数字：")
    assert "• net stablecoin supply change: +5.63亿美元" in got.text


# --- failures fall back quickly -----------------------------------------------------------

FAILURES = {
    "429 rate limited": error(429, "Number of request tokens has exceeded your rate limit"),
    "529 overloaded": error(529, "Overloaded"),
    "read timeout": raises(httpx2.ReadTimeout),
    "connection refused": raises(httpx2.ConnectError),
}


@pytest.mark.parametrize("reply", FAILURES.values(), ids=FAILURES.keys())
async def test_a_failure_falls_back_after_one_request(
        make_service: MakeService, edition: Edition, reply: object,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    service, api = await make_service(reply)
    q = service.prepare(scripted.STABLECOIN_QUESTION, USER)
    got = await service.answer(edition, q)
    assert len(api.requests) == 1  # no SDK retry, no waiting on retry-after: 17 s
    assert got.route is Route.FACTS
    assert got.notice == ("Claude could not answer just now, so here are the edition's "
                          "figures on that.")
    assert "• net stablecoin supply change: +$563M" in got.text
    assert "Claude failed" in caplog.text and KEY not in caplog.text
    # Not cached: the next ask tries Claude again.
    api.replies.append(answer(scripted.STABLECOIN_GOOD))
    again = await service.answer(edition, q)
    assert again.route is Route.MODEL and len(api.requests) == 2


async def test_no_answer_within_the_time_budget_falls_back(make_service: MakeService,
                                                           edition: Edition) -> None:
    service, api = await make_service(never(), ask_timeout_s=0.05)
    got = await service.answer(edition, service.prepare(scripted.STABLECOIN_QUESTION, USER))
    assert len(api.requests) == 1
    assert got.route is Route.FACTS and got.usage.calls == 0


async def test_the_time_budget_covers_the_retry(make_service: MakeService,
                                                edition: Edition) -> None:
    service, api = await make_service(answer(scripted.STABLECOIN_WRONG), never(),
                                      ask_timeout_s=0.5)
    got = await service.answer(edition, service.prepare(scripted.STABLECOIN_QUESTION, USER))
    assert len(api.requests) == 2
    assert got.route is Route.FACTS and got.usage.calls == 1
    assert got.notice is not None and "did not pass the fact-check" in got.notice


# --- cost and limits ----------------------------------------------------------------------

async def test_the_same_question_on_the_same_edition_is_answered_from_the_cache(
        make_service: MakeService, edition: Edition) -> None:
    service, api = await make_service(answer(scripted.STABLECOIN_GOOD))
    first = await service.answer(edition, service.prepare(scripted.STABLECOIN_QUESTION, USER))
    again = await service.answer(edition, service.prepare(
        "  how much did STABLECOIN supply change ", "telegram:43"))
    assert len(api.requests) == 1
    assert again.cached and not first.cached and again.text == first.text


async def test_the_same_question_at_once_calls_the_model_once(
        make_service: MakeService, edition: Edition) -> None:
    service, api = await make_service(answer(scripted.STABLECOIN_GOOD))
    q = service.prepare(scripted.STABLECOIN_QUESTION, None)
    got = await asyncio.gather(*(service.answer(edition, q) for _ in range(5)))
    assert len(api.requests) == 1
    assert {a.text for a in got} == {scripted.STABLECOIN_GOOD["answer"]}


async def test_tokens_are_recorded_and_logged(make_service: MakeService, edition: Edition,
                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="services.ask.service")
    service, _ = await make_service(answer(scripted.STABLECOIN_WRONG),
                                    answer(scripted.STABLECOIN_GOOD))
    await service.answer(edition, service.prepare(scripted.STABLECOIN_QUESTION, USER))
    today = await service.today()
    assert (today.input_tokens, today.output_tokens, today.calls, today.answers) == (
        2 * 6525, 2 * 913, 2, 1)
    assert "2 call(s), input 13050 tokens, output 1826 tokens" in caplog.text
    assert await service.status_line() == (
        "/ask today (UTC): 14,876 Claude tokens in 1 answer, of a 500,000 budget.")


async def test_a_spent_budget_routes_by_keyword_without_calling(
        make_service: MakeService, edition: Edition) -> None:
    service, api = await make_service(answer(scripted.STABLECOIN_GOOD),
                                      ask_daily_tokens=10_000)
    assert isinstance(service.usage, UsageStore)
    await service.usage.add(NOW.date(), 9_000, 1_000, 1)
    got = await service.answer(edition, service.prepare(scripted.STABLECOIN_QUESTION, USER))
    assert len(api.requests) == 0
    assert got.route is Route.SECTIONS and got.sections == ("crypto_defi",)
    assert got.notice is not None and got.notice.startswith(
        "Today's budget for Claude's answers is spent (it resets at 00:00 UTC)")
    assert got.closing == "from the 2026-03-21 edition"


async def test_the_budget_spent_by_an_answer_stops_the_next(
        make_service: MakeService, edition: Edition) -> None:
    service, api = await make_service(answer(scripted.STABLECOIN_GOOD),
                                      answer(scripted.HK_GOOD), ask_daily_tokens=7_000)
    first = await service.answer(edition, service.prepare(scripted.STABLECOIN_QUESTION, USER))
    second = await service.answer(edition, service.prepare(scripted.HK_QUESTION, USER))
    assert first.route is Route.MODEL  # 7,438 tokens: over the budget from now on
    assert second.route is Route.SECTIONS and second.sections == ("us", "hk")
    assert len(api.requests) == 1


async def test_the_rate_limit_says_when_to_ask_again(make_service: MakeService,
                                                     edition: Edition) -> None:
    service, _ = await make_service()
    clock = [1000.0]
    service.rate._clock = lambda: clock[0]
    for _ in range(5):
        service.prepare("What did BTC do?", USER)
        clock[0] += 60
    with pytest.raises(TooManyQuestions) as refused:
        service.prepare("What did BTC do?", USER)
    assert str(refused.value) == ("You can ask 5 questions every 10 min; you can ask again in "
                                  "5 min.")
    service.prepare("What did BTC do?", "telegram:43")  # another user is not limited
    clock[0] += 300
    service.prepare("What did BTC do?", USER)  # the oldest question left the window
