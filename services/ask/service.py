"""``AskService``: a question in, an ``Answer`` out, from the current edition.

    prepare(text, user)      the question's length and the user's rate limit (InputError)
    answer(edition, q)       from the cache; else Claude within its time and token budgets,
                             every figure checked; else the edition's own figures or sections

Claude is asked only when it is configured and the day's token budget (stored per UTC day, so
shared by every instance and kept over restarts) is not spent; otherwise the keyword route
shows the sections the question is about, saying why.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Protocol

from services.ask import wording
from services.ask.answer import Answer, Drafted, Route
from services.ask.limits import AnswerCache, CacheKey, RateLimit
from services.ask.question import Question, parse_question
from services.ask.relevant import relevant_facts, section_of
from services.ask.routing import route
from services.ask.template import facts_answer
from services.i18n import Translator, translator
from services.models.analysis import Analysis
from services.narration.facts import FactSheet, build_facts
from services.report.editions import Edition
from services.storage.usage import DayUsage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AskLimits:
    max_chars: int = 500  # a longer question is refused with one line
    per_user: int = 5  # questions per user ...
    window_s: float = 600.0  # ... in any window of this many seconds
    daily_tokens: int = 500_000  # Claude's tokens per UTC day for /ask; 0 turns Claude off
    timeout_s: float = 30.0  # Claude's time per answer, retry included


class AskModel(Protocol):
    name: str

    async def answer(self, question: Question, analysis: Analysis, sheet: FactSheet,
                     edition_id: str, budget_s: float) -> Drafted: ...

    async def aclose(self) -> None: ...


class UsageLog(Protocol):
    async def add(self, day: date, input_tokens: int, output_tokens: int, calls: int,
                  answers: int = 1) -> None: ...

    async def day(self, day: date) -> DayUsage: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


class AskService:
    def __init__(self, model: AskModel | None, usage: UsageLog | None,
                 limits: AskLimits | None = None,
                 clock: Callable[[], datetime] = utc_now,
                 rate: RateLimit | None = None) -> None:
        self.model = model
        self.usage = usage
        self.limits = limits or AskLimits()
        self._clock = clock
        self.rate = rate or RateLimit(self.limits.per_user, self.limits.window_s)
        self.cache = AnswerCache()
        self._sheet: tuple[str, FactSheet] | None = None
        self._inflight: dict[CacheKey, asyncio.Future[Answer]] = {}

    async def aclose(self) -> None:
        if self.model is not None:
            await self.model.aclose()

    def prepare(self, text: str | None, user: str | None) -> Question:
        """The question, once its length is fine and ``user`` is within the rate limit
        (``None``: no limit, for the command line); raises an ``InputError`` otherwise."""
        question = parse_question(text, self.limits.max_chars)
        if user is not None:
            self.rate.hit(user)
        return question

    async def answer(self, edition: Edition, question: Question) -> Answer:
        """The answer to ``question`` on ``edition``; the same question asked again (or
        meanwhile) on the same edition is answered once."""
        key = AnswerCache.key(edition.id, question)
        cached = self.cache.get(key)
        if cached is not None:
            log.info("ask: answered from the cache (%s route)", cached.route.value)
            return replace(cached, cached=True)
        running = self._inflight.get(key)
        if running is not None:
            return replace(await asyncio.shield(running), cached=True)
        task = asyncio.ensure_future(self._answer(edition, question, key))
        self._inflight[key] = task
        task.add_done_callback(lambda _: self._inflight.pop(key, None))
        return await asyncio.shield(task)

    async def today(self) -> DayUsage:
        """The day's usage so far (UTC day); nothing recorded without a usage store."""
        day = self._clock().astimezone(UTC).date()
        return DayUsage(day) if self.usage is None else await self.usage.day(day)

    async def status_line(self, tr: Translator | None = None) -> str:
        """For /status: the day's Claude tokens for /ask against the budget, in ``tr``'s
        language (English by default)."""
        tr = tr or translator("en")
        if self.model is None:
            return tr.gettext("/ask: Claude is not configured; questions are answered by "
                              "keyword.")
        used = await self.today()
        return tr.ngettext("/ask today (UTC): {tokens} Claude tokens in {n} answer, of a "
                           "{budget} budget.",
                           "/ask today (UTC): {tokens} Claude tokens in {n} answers, of a "
                           "{budget} budget.", used.answers, tokens=tr.count(used.tokens),
                           budget=tr.count(self.limits.daily_tokens))

    # ------------------------------------------------------------------ the routes
    async def _answer(self, edition: Edition, question: Question, key: CacheKey) -> Answer:
        if self.model is None:
            return self._sections(edition, question, "not_configured")
        today = await self.today()
        if today.tokens >= self.limits.daily_tokens:
            log.info("ask: the day's budget is spent (%d of %d tokens); keyword route",
                     today.tokens, self.limits.daily_tokens)
            return self._sections(edition, question, "budget_spent")
        sheet = self.sheet(edition)
        drafted = await self.model.answer(question, edition.report.analysis, sheet, edition.id,
                                          self.limits.timeout_s)
        await self._record(drafted, today)
        if drafted.text is not None:
            answer = self._base(edition, question, Route.MODEL, drafted.text, drafted,
                                sections=self._sections_of(drafted.cited, sheet))
        else:
            answer = self._facts(edition, question, sheet, drafted)
        if drafted.failure is None:  # a timeout or an outage is not worth remembering
            self.cache.put(key, answer)
        return answer

    def _facts(self, edition: Edition, question: Question, sheet: FactSheet,
               drafted: Drafted) -> Answer:
        """Claude failed or was wrong twice: the figures the question is about, quoted."""
        facts = relevant_facts(question.text, sheet, route(question.text), drafted.cited)
        notice = "unavailable" if drafted.failure and not drafted.rejected else "unchecked"
        sections = tuple(dict.fromkeys(s for f in facts if (s := section_of(f))))
        return self._base(edition, question, Route.FACTS,
                          facts_answer(facts, question.language), drafted, sections,
                          wording.say(notice, question.language))

    def _sections(self, edition: Edition, question: Question, why: str) -> Answer:
        """No Claude: the sections the question's keywords point to (the Key Insight when
        none match)."""
        sections = route(question.text)
        notice = wording.say(why, question.language)
        if not sections:
            sections = ("key_insight",)
            notice += " " + wording.say("no_section", question.language)
        return Answer(question, Route.SECTIONS, "", edition.id, edition.report.edition_date,
                      sections, notice)

    @staticmethod
    def _base(edition: Edition, question: Question, route_: Route, text: str,
              drafted: Drafted, sections: tuple[str, ...], notice: str | None = None) -> Answer:
        return Answer(question, route_, text, edition.id, edition.report.edition_date,
                      sections, notice, drafted.coverage, drafted.rejected, drafted.usage)

    @staticmethod
    def _sections_of(cited: tuple[str, ...], sheet: FactSheet) -> tuple[str, ...]:
        facts = {f.key: f for f in sheet.facts}
        return tuple(dict.fromkeys(s for k in cited if k in facts
                                   if (s := section_of(facts[k]))))

    def sheet(self, edition: Edition) -> FactSheet:
        """The edition's facts, built once per edition (whatever ``build_facts`` lists,
        history facts included once it lists them)."""
        if self._sheet is None or self._sheet[0] != edition.id:
            self._sheet = (edition.id, build_facts(edition.report.analysis))
        return self._sheet[1]

    async def _record(self, drafted: Drafted, today: DayUsage) -> None:
        used = drafted.usage
        if used.calls and self.usage is not None:
            await self.usage.add(today.day, used.input, used.output, used.calls)
        log.info("ask: %s, %d call(s), input %d tokens, output %d tokens; today %d of %d; "
                 "rejected figures: %d%s", getattr(self.model, "model", "model"), used.calls,
                 used.input, used.output, today.tokens + used.total, self.limits.daily_tokens,
                 len(drafted.rejected),
                 f"; Claude failed: {drafted.failure}" if drafted.failure else "")
        for line in drafted.rejected:
            log.info("ask rejected %s", line)
