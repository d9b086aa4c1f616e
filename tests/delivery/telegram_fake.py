"""A minimal loopback fake of the Telegram Bot API for the delivery tests and the fan-out
bench: ``getMe``, ``sendPhoto`` and ``sendMessage`` as python-telegram-bot sends them (form or
multipart), enforcing what the daily push depends on:

- flood limits: a sliding one-second window overall, one message per second per chat, 20 per
  minute per group, each answered 429 with ``retry_after``;
- 403 for a blocked chat, 400 with ``migrate_to_chat_id`` for a migrated group, any forced
  error for a chat (``fail_chat``), captions ≤ 1024 characters after HTML parsing;
- ``file_id`` reuse: an uploaded photo gets an id that later sends may pass instead of bytes;
  an unknown id is a 400.

It records every accepted message (``sent``) and counts uploads and 429s. ``on_accept`` runs
after a message is accepted and before the answer goes back: the crash test kills the pusher
there, the exact moment the ledger cannot know about.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456789:AAFakeTokenForDeliveryTests_abcdefghijk"
CAPTION_LIMIT = 1024
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Sent:
    method: str
    chat_id: str
    message_id: int
    caption: str
    photo: str | None  # "upload" or the file_id reused
    reply_markup: str | None
    at: float


@dataclass
class Limits:
    per_second: int | None = None
    chat_per_second: int | None = None
    group_per_minute: int | None = None


@dataclass
class FakeTelegram:
    token: str = TOKEN
    limits: Limits = field(default_factory=Limits)
    retry_after: int = 1
    sent: list[Sent] = field(default_factory=list)
    uploads: int = 0
    too_many: int = 0
    requests: int = 0
    blocked: set[str] = field(default_factory=set)
    migrated: dict[str, str] = field(default_factory=dict)
    forced: dict[str, list[tuple[int, str, dict[str, Any] | None]]] = field(default_factory=dict)
    on_accept: Callable[[Sent], None] | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    _files: set[str] = field(default_factory=set)
    _recent: deque[float] = field(default_factory=deque)
    _per_chat: dict[str, deque[float]] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    port: int = 0

    # ------------------------------------------------------------ set-up
    def block(self, chat_id: int | str) -> None:
        self.blocked.add(str(chat_id))

    def migrate(self, chat_id: int | str, new_id: int | str) -> None:
        self.migrated[str(chat_id)] = str(new_id)

    def fail_chat(self, chat_id: int | str, status: int, description: str,
                  times: int = 1, parameters: dict[str, Any] | None = None) -> None:
        self.forced.setdefault(str(chat_id), []).extend(
            [(status, description, parameters)] * times)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # ------------------------------------------------------------ reading
    def received(self) -> Counter[str]:
        """Messages accepted per chat."""
        return Counter(s.chat_id for s in self.sent)

    def duplicates(self) -> dict[str, int]:
        return {chat: n for chat, n in self.received().items() if n > 1}

    # ------------------------------------------------------------ answering
    async def _handle(self, request: web.Request) -> web.Response:
        self.requests += 1
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        form = await request.post()
        if method == "getMe":
            return _ok({"id": 123456789, "is_bot": True, "first_name": "Fake",
                        "username": "fake_bot"})
        if method not in ("sendPhoto", "sendMessage"):
            return _error(404, "Not Found")
        chat = str(form.get("chat_id", ""))
        refused = self._refuse(chat)
        if refused is not None:
            return refused
        if method == "sendPhoto":
            return self._photo(chat, form)
        text = str(form.get("text", ""))
        return self._accept("sendMessage", chat, text, None, form)

    def _refuse(self, chat: str) -> web.Response | None:
        forced = self.forced.get(chat)
        if forced:
            status, description, parameters = forced.pop(0)
            return _error(status, description, parameters)
        if chat in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        if chat in self.migrated:
            return _error(400, "Bad Request: group chat was upgraded to a supergroup chat",
                          {"migrate_to_chat_id": int(self.migrated[chat])})
        now = time.monotonic()
        limits = self.limits
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        recent_chat = self._per_chat.setdefault(chat, deque())
        while recent_chat and recent_chat[0] <= now - 60.0:
            recent_chat.popleft()
        last_second = sum(1 for t in recent_chat if t > now - 1.0)
        if ((limits.per_second is not None and len(self._recent) >= limits.per_second)
                or (limits.chat_per_second is not None
                    and last_second >= limits.chat_per_second)
                or (limits.group_per_minute is not None and chat.startswith("-")
                    and len(recent_chat) >= limits.group_per_minute)):
            self.too_many += 1
            return _error(429, f"Too Many Requests: retry after {self.retry_after}",
                          {"retry_after": self.retry_after})
        return None

    def _photo(self, chat: str, form: Any) -> web.Response:
        photo = form.get("photo")
        if isinstance(photo, web.FileField):
            data = photo.file.read()
            if not data.startswith(b"\x89PNG\r\n\x1a\n"):
                return _error(400, "Bad Request: IMAGE_PROCESS_FAILED")
            self.uploads += 1
            kind = "upload"
        elif isinstance(photo, str) and photo in self._files:
            kind = photo
        else:
            return _error(400, "Bad Request: wrong file identifier/HTTP URL specified")
        caption = str(form.get("caption", ""))
        return self._accept("sendPhoto", chat, caption, kind, form)

    def _accept(self, method: str, chat: str, text: str, photo: str | None,
                form: Any) -> web.Response:
        visible = html.unescape(_TAG.sub("", text))
        limit = CAPTION_LIMIT if method == "sendPhoto" else 4096
        if len(visible) > limit:
            return _error(400, "Bad Request: message caption is too long")
        now = time.monotonic()
        self._recent.append(now)
        self._per_chat.setdefault(chat, deque()).append(now)
        sent = Sent(method, chat, next(self._ids), text, photo,
                    str(form.get("reply_markup")) if form.get("reply_markup") else None, now)
        self.sent.append(sent)
        if self.on_accept is not None:
            self.on_accept(sent)
        result: dict[str, Any] = {
            "message_id": sent.message_id, "date": int(time.time()),
            "chat": {"id": int(chat) if chat.lstrip("-").isdigit() else 1,
                     "type": "supergroup" if chat.startswith("-") else "private"}}
        if method == "sendPhoto":
            file_id = photo if photo != "upload" else f"AgACfake{sent.message_id}"
            self._files.add(file_id or "")
            result["photo"] = [{"file_id": file_id, "file_unique_id": f"u{sent.message_id}",
                                "width": 40, "height": 20}]
            result["caption"] = visible
        else:
            result["text"] = visible
        return _ok(result)


def _ok(result: Any) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _error(status: int, description: str, parameters: dict[str, Any] | None = None
           ) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.Response(status=status, text=json.dumps(body), content_type="application/json")


async def serve_forever(fake: FakeTelegram, ready: asyncio.Event) -> None:
    await fake.start()
    ready.set()
    await asyncio.Event().wait()
