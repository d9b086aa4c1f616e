"""The Claude narrator: one Messages API call per edition (plus one retry for rejected
figures), every field fact-checked, the template as the fallback.

Time is bounded: the SDK does not retry (``max_retries=0``: a 429, a 529, a 5xx, a timeout or a
connection error falls back to the template at once), and both calls share one budget of
``budget_s`` seconds (``ANTHROPIC_TIMEOUT_S``, 30 s by default). So the model adds at most
``budget_s`` to an edition build, whatever it does.

Structured output uses ``messages.parse`` with a JSON schema (``output_config.format``), not a
forced tool: current models (Claude Sonnet 5.5 and later) reject a forced ``tool_choice``.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Literal, cast

import anthropic
import httpx2
import pydantic
from anthropic.types import MessageParam, OutputConfigParam

from services.errors import NarrationError
from services.models.analysis import Analysis
from services.models.report import SECTION_KEYS, Narration
from services.narration import prompt
from services.narration.facts import FactSheet, build_facts
from services.narration.review import Round, Tokens, assemble, review_draft
from services.narration.template import TemplateNarrator
from services.ops.metrics import Metrics

log = logging.getLogger(__name__)

DEFAULT_MODEL = "claude-sonnet-5-5"
Effort = Literal["low", "medium", "high", "xhigh", "max"]
CONNECT_TIMEOUT_S = 5.0


def describe(exc: BaseException) -> str:
    """A log-safe one-liner for an SDK error: its class and status, never a header or key."""
    if isinstance(exc, anthropic.APIStatusError):
        return f"{type(exc).__name__} (HTTP {exc.status_code}, request {exc.request_id or '-'})"
    return type(exc).__name__


def _tokens(usage: anthropic.types.Usage) -> Tokens:
    read = usage.cache_read_input_tokens or 0
    write = usage.cache_creation_input_tokens or 0
    return Tokens(input=usage.input_tokens + read + write, output=usage.output_tokens,
                  cache_read=read, cache_write=write, calls=1)


class AnthropicNarrator:
    """Narration by Claude through the official SDK; the template wherever Claude fails."""

    name = "anthropic"

    def __init__(self, client: anthropic.AsyncAnthropic, model: str = DEFAULT_MODEL,
                 max_tokens: int = 4000, budget_s: float = 30.0, effort: str | None = "low",
                 template: TemplateNarrator | None = None, metrics: Metrics | None = None
                 ) -> None:
        self._client = client
        self._metrics = metrics or Metrics()
        self.model = model
        self._max_tokens = max_tokens
        self._budget_s = budget_s
        self._effort = effort or None
        self._template = template or TemplateNarrator()

    async def aclose(self) -> None:
        await self._client.close()

    @property
    def client(self) -> anthropic.AsyncAnthropic:
        return self._client

    async def narrate(self, analysis: Analysis, language: str = "en") -> Narration:
        """The narration in ``language``: Claude writes in it, the checker reads it."""
        fallback = self._template.compose(analysis, language)
        sheet = build_facts(analysis)
        data = prompt.data_block(analysis, sheet, language)
        deadline = asyncio.get_running_loop().time() + self._budget_s
        try:
            first, tokens = await self._ask(data, None, deadline, language)
        except NarrationError as exc:
            log.warning("narration: the template ships (%s)", exc)
            return fallback
        rounds: tuple[Round, ...] = (self._review(first, sheet, None, language),)
        failed = rounds[0].failed()
        if failed:
            note = prompt.retry_note({k: [str(r) for r in rounds[0].rejections[k]]
                                      for k in failed}, first.fields())
            try:
                second, more = await self._ask(data, note, deadline, language)
                tokens += more
                rounds += (self._review(second, sheet, failed, language),)
            except NarrationError as exc:
                log.warning("narration: retry failed (%s); rejected fields fall back", exc)
        narration = assemble(fallback, rounds, tokens)
        self._metrics.narration_tokens(tokens.input, tokens.output)
        self._metrics.narration_rejected(len(narration.rejected))
        self._log(narration, tokens)
        return narration

    @staticmethod
    def _review(draft: prompt.Draft, sheet: FactSheet, keys: tuple[str, ...] | None = None,
                language: str = "en") -> Round:
        fields = draft.fields()
        return Round(fields, review_draft(fields, sheet, keys or SECTION_KEYS, language))

    async def _ask(self, data: str, note: str | None, deadline: float, language: str = "en"
                   ) -> tuple[prompt.Draft, Tokens]:
        """One Messages API call within what is left of the budget; any failure is a
        ``NarrationError`` with a log-safe message."""
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            raise NarrationError("no time left in the narration budget")
        output_config: OutputConfigParam = {}
        if self._effort:
            output_config["effort"] = cast(Effort, self._effort)
        user: MessageParam = {"role": "user",
                              "content": prompt.user_content(data, note, language)}
        try:
            message = await self._call(remaining, user, output_config, language)
        except NarrationError:
            self._metrics.narration_call("failed")
            raise
        self._metrics.narration_call("ok")
        if message.parsed_output is None:
            raise NarrationError(f"no structured answer (stop reason {message.stop_reason})")
        return message.parsed_output, _tokens(message.usage)

    async def _call(self, remaining: float, user: MessageParam,
                    output_config: OutputConfigParam, language: str
                    ) -> anthropic.types.ParsedMessage[prompt.Draft]:
        try:
            async with asyncio.timeout(remaining):
                message = await self._client.messages.parse(
                    model=self.model,
                    max_tokens=self._max_tokens,
                    system=prompt.system_blocks(language),
                    messages=[user],
                    output_format=prompt.Draft,
                    output_config=output_config if output_config else anthropic.omit,
                    timeout=httpx2.Timeout(remaining, connect=min(CONNECT_TIMEOUT_S, remaining)),
                )
        except TimeoutError:
            raise NarrationError(f"no answer within {self._budget_s:g} s") from None
        except anthropic.AnthropicError as exc:
            raise NarrationError(describe(exc)) from None
        except pydantic.ValidationError:
            raise NarrationError("the answer did not match the output schema") from None
        return message

    def _log(self, n: Narration, tokens: Tokens) -> None:
        shipped = sorted(k for k, v in n.section_narrators.items() if v == self.name)
        log.info("narration: %s, %d call(s), input %d tokens (cache read %d, cache write %d), "
                 "output %d tokens; from the model: %s; rejected figures: %d",
                 self.model, tokens.calls, tokens.input, tokens.cache_read, tokens.cache_write,
                 tokens.output, ", ".join(shipped) or "none", len(n.rejected))
        for line in n.rejected:
            log.info("narration rejected %s", line)


def client(api_key: str | None, base_url: str | None, timeout_s: float,
           http_client: httpx2.AsyncClient | None = None) -> anthropic.AsyncAnthropic:
    """An SDK client that never retries on its own and never waits longer than ``timeout_s``.

    Without ``api_key`` the SDK resolves credentials itself (``ANTHROPIC_API_KEY``,
    ``ANTHROPIC_AUTH_TOKEN``, a profile); without ``base_url`` it reads ``ANTHROPIC_BASE_URL``.
    """
    return anthropic.AsyncAnthropic(
        api_key=api_key or None,
        base_url=base_url or None,
        max_retries=0,
        timeout=httpx2.Timeout(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s)),
        http_client=http_client,
    )


def has_credentials(sdk: anthropic.AsyncAnthropic) -> bool:
    """Whether the client can authenticate (a key, a token, or credentials from a profile);
    without any, every request raises ``TypeError`` before it is sent."""
    return bool(sdk.api_key or sdk.auth_token or getattr(sdk, "credentials", None))
