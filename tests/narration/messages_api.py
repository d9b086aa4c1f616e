"""A fake Anthropic Messages API for the real SDK: ``httpx2.MockTransport`` handlers that answer
with the API's real response shapes (a ``message`` with a thinking block and a JSON text block,
``usage`` with cache fields; errors as ``{"type": "error", "error": {...}}``)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping
from itertools import count
from typing import Any

import httpx2

MODEL = "claude-sonnet-5-5"
_ids = count(1)

Reply = httpx2.Response | Callable[[httpx2.Request], Awaitable[httpx2.Response]]


def message_body(fields: Mapping[str, str], *, input_tokens: int = 412,
                 cache_write: int = 6113, cache_read: int = 0, output_tokens: int = 913,
                 stop_reason: str = "end_turn") -> dict[str, Any]:
    n = next(_ids)
    return {
        "id": f"msg_01Test{n:06d}",
        "type": "message",
        "role": "assistant",
        "model": MODEL,
        "content": [
            {"type": "thinking", "thinking": "", "signature": f"EqQBCkgIARAB{n}"},
            {"type": "text", "text": json.dumps(dict(fields), ensure_ascii=False)},
        ],
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {
            "input_tokens": input_tokens,
            "cache_creation_input_tokens": cache_write,
            "cache_read_input_tokens": cache_read,
            "cache_creation": {"ephemeral_5m_input_tokens": cache_write,
                               "ephemeral_1h_input_tokens": 0},
            "output_tokens": output_tokens,
            "service_tier": "standard",
        },
    }


def answer(fields: Mapping[str, str], **usage: Any) -> httpx2.Response:
    return httpx2.Response(200, json=message_body(fields, **usage),
                           headers={"request-id": f"req_011Test{next(_ids):06d}"})


ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error",
               429: "rate_limit_error", 500: "api_error", 529: "overloaded_error"}


def error(status: int, message: str = "") -> httpx2.Response:
    kind = ERROR_TYPES.get(status, "api_error")
    body = {"type": "error", "error": {"type": kind, "message": message or kind},
            "request_id": f"req_011Err{next(_ids):06d}"}
    headers = {"request-id": body["request_id"], "x-should-retry": "true"}
    if status == 429:
        headers["retry-after"] = "17"
    return httpx2.Response(status, json=body, headers=headers)


def raises(exc_type: type[httpx2.TransportError]) -> Reply:
    """A reply that fails at the transport: ``httpx2.ReadTimeout``, ``httpx2.ConnectError``."""
    async def reply(request: httpx2.Request) -> httpx2.Response:
        raise exc_type("scripted transport failure", request=request)
    return reply


def never() -> Reply:
    """A reply that never comes (the narrator's own time budget must end the wait)."""
    async def reply(request: httpx2.Request) -> httpx2.Response:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")
    return reply


class FakeMessagesAPI:
    """Answers ``POST /v1/messages`` with the scripted replies, in order, and records requests."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[httpx2.Request] = []

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]

    async def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if request.method != "POST" or request.url.path != "/v1/messages":
            return error(400, f"unexpected {request.method} {request.url.path}")
        if not self.replies:
            return error(500, "no scripted reply left")
        reply = self.replies.pop(0)
        if isinstance(reply, httpx2.Response):
            return reply
        return await reply(request)

    def http_client(self) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(transport=httpx2.MockTransport(self))
