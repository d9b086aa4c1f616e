"""Claude answers a question: one Messages API call, one retry listing the rejected figures,
every draft checked (``review.review_answer``), all within one time budget.

Like the narrator, the SDK never retries on its own (a 429, a 529, a 5xx, a timeout falls
back at once) and both calls share the budget, so ``/ask`` waits at most ``budget_s``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Literal, cast

import anthropic
import httpx2
import pydantic
from anthropic.types import MessageParam, OutputConfigParam

from services.ask import prompt
from services.ask.answer import Drafted, Usage
from services.ask.question import Question
from services.ask.review import review_answer, tidy
from services.errors import NarrationError
from services.models.analysis import Analysis
from services.narration import prompt as narration_prompt
from services.narration.anthropic import CONNECT_TIMEOUT_S, describe
from services.narration.facts import FactSheet

log = logging.getLogger(__name__)
Effort = Literal["low", "medium", "high", "xhigh", "max"]
ATTEMPTS = 2  # the first draft and one retry


def usage_of(message: anthropic.types.ParsedMessage[prompt.AskDraft]) -> Usage:
    u = message.usage
    read = u.cache_read_input_tokens or 0
    write = u.cache_creation_input_tokens or 0
    return Usage(input=u.input_tokens + read + write, output=u.output_tokens, calls=1)


class ClaudeAnswerer:
    """``/ask`` answered by Claude through the official SDK."""

    name = "anthropic"

    def __init__(self, client: anthropic.AsyncAnthropic, model: str, max_tokens: int = 2000,
                 effort: str | None = "low") -> None:
        self._client = client
        self.model = model
        self._max_tokens = max_tokens
        self._effort = effort or None
        self._data: dict[tuple[str, str], str] = {}  # (edition id, language) → its data block

    async def aclose(self) -> None:
        await self._client.close()

    def data_block(self, edition_id: str, analysis: Analysis, sheet: FactSheet,
                   language: str = "en") -> str:
        """The edition's data block with figures as ``language`` writes them, built once per
        edition and language."""
        key = (edition_id, language)
        if key not in self._data:
            self._data = {k: v for k, v in self._data.items() if k[0] == edition_id}
            self._data[key] = narration_prompt.data_block(analysis, sheet, language)
        return self._data[key]

    async def answer(self, question: Question, analysis: Analysis, sheet: FactSheet,
                     edition_id: str, budget_s: float) -> Drafted:
        data = self.data_block(edition_id, analysis, sheet, question.language.value)
        deadline = asyncio.get_running_loop().time() + budget_s
        usage, rejected = Usage(), list[str]()
        note: str | None = None
        last: prompt.AskDraft | None = None
        for attempt in range(1, ATTEMPTS + 1):
            try:
                draft, spent = await self._ask(data, question, note, deadline, budget_s)
            except NarrationError as exc:
                return Drafted(None, usage, last.coverage if last else "",
                               tuple(last.fact_ids) if last else (), tuple(rejected), str(exc))
            usage, last = usage + spent, draft
            found = [str(r) for r in review_answer(draft.answer, sheet, question.language)]
            if not found:
                return Drafted(tidy(draft.answer), usage, draft.coverage, tuple(draft.fact_ids),
                               tuple(rejected))
            rejected += [f"draft {attempt}: {line}" for line in found]
            note = prompt.retry_note(found, draft.answer)
        assert last is not None
        return Drafted(None, usage, last.coverage, tuple(last.fact_ids), tuple(rejected))

    async def _ask(self, data: str, question: Question, note: str | None, deadline: float,
                   budget_s: float) -> tuple[prompt.AskDraft, Usage]:
        """One call within what is left of the budget; any failure is a ``NarrationError``
        with a log-safe message."""
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            raise NarrationError("no time left in the answer budget")
        output_config: OutputConfigParam = {}
        if self._effort:
            output_config["effort"] = cast(Effort, self._effort)
        user: MessageParam = {"role": "user",
                              "content": prompt.user_content(data, question, note)}
        try:
            async with asyncio.timeout(remaining):
                message = await self._client.messages.parse(
                    model=self.model,
                    max_tokens=self._max_tokens,
                    system=prompt.system_blocks(),
                    messages=[user],
                    output_format=prompt.AskDraft,
                    output_config=output_config if output_config else anthropic.omit,
                    timeout=httpx2.Timeout(remaining, connect=min(CONNECT_TIMEOUT_S, remaining)),
                )
        except TimeoutError:
            raise NarrationError(f"no answer within {budget_s:g} s") from None
        except anthropic.AnthropicError as exc:
            raise NarrationError(describe(exc)) from None
        except pydantic.ValidationError:
            raise NarrationError("the answer did not match the output schema") from None
        if message.parsed_output is None:
            raise NarrationError(f"no structured answer (stop reason {message.stop_reason})")
        return message.parsed_output, usage_of(message)
