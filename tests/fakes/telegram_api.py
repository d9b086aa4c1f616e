"""A fake Telegram Bot API that enforces the rules the real one does, and records every send.

One ``FakeBotApi`` holds the state; two adapters put it on the wire:

- ``fake.transport()``: an ``httpx.MockTransport`` for python-telegram-bot's ``HTTPXRequest``
  (fast, in-process, no socket: the handler tests and the latency bench);
- ``tests.fakes.telegram_server.serve(fake)``: a loopback HTTP server, for a bot in another
  process (``python -m bot run`` with ``TELEGRAM_BASE_URL``) or a fan-out bench.

Both feed the same ``handle(http_method, path, content_type, body)``, which parses what PTB
really sends (form fields, multipart uploads, ``attach://`` albums, JSON-encoded values).

Enforced: the token (401); text 1–4096 and captions ≤ 1024 characters after entity parsing;
Telegram's HTML subset (400 "can't parse entities"); albums of 2–10; callback data ≤ 64 bytes;
photos that are PNG/JPEG ≤ 10 MB with width + height ≤ 10000 and ratio ≤ 20; ``file_id`` reuse;
403 for a blocked chat; 400 with ``migrate_to_chat_id`` for a migrated group; 429 with
``retry_after`` from configurable sliding-window limits (global per second, per chat per second,
per group per minute; sends with ``allow_paid_broadcast`` against a paid per-second window
instead of the global one) or forced per chat; "message is not modified" on identical edits.

Recording is cheap (one small ``Sent`` per message, counters, no copies of uploads unless
``keep_uploads``), so a 2,000-chat fan-out can run against it.

Beside it: ``telegram_wire`` (request parsing, error answers, image checks),
``telegram_flood`` (the rate limits, ``fake.flood.rejected`` counts 429s), ``telegram_html``
(the HTML parse mode), ``telegram_updates`` (updates as Telegram sends them),
``telegram_app`` (PTB over MockTransport) and ``telegram_server`` (the loopback server).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.fakes.telegram_flood import TELEGRAM_LIMITS, FloodControl, RateLimits
from tests.fakes.telegram_html import EntityError, parse
from tests.fakes.telegram_wire import (
    ApiError,
    Request,
    bad_request,
    chat_key,
    image_size,
    parse_request,
)

__all__ = ["TELEGRAM_LIMITS", "TOKEN", "ApiError", "Failure", "FakeBotApi", "RateLimits", "Sent"]

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijklmn"
BOT_USER = {"id": 123456789, "is_bot": True, "first_name": "Market Bot",
            "username": "market_test_bot", "can_join_groups": True,
            "can_read_all_group_messages": False, "supports_inline_queries": False}
TEXT_LIMIT, CAPTION_LIMIT, CALLBACK_DATA_BYTES = 4096, 1024, 64
PHOTO_BYTES_LIMIT = 10 * 1024 * 1024
SEND_METHODS = frozenset({"sendMessage", "sendPhoto", "sendMediaGroup", "sendDocument"})
CHAT_ACTIONS = frozenset({"typing", "upload_photo", "record_video", "upload_video",
                          "record_voice", "upload_voice", "upload_document", "choose_sticker",
                          "find_location", "record_video_note", "upload_video_note"})


@dataclass(slots=True)
class Sent:
    """One accepted message (or edit). ``text`` is what the user sees (after parsing)."""

    method: str
    chat_id: int
    message_id: int
    text: str = ""
    raw: str = ""
    parse_mode: str | None = None
    reply_markup: str | None = None
    photo: str | None = None
    media: tuple[str, ...] = ()
    at: float = 0.0
    paid: bool = False  # sent with allow_paid_broadcast

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard's buttons, row by row, flattened."""
        if not self.reply_markup:
            return []
        markup = json.loads(self.reply_markup)
        return [b for row in markup.get("inline_keyboard", []) for b in row]


def paid_broadcast(req: Request) -> bool:
    """The send asks for a paid broadcast (``allow_paid_broadcast``, a JSON boolean)."""
    return req.params.get("allow_paid_broadcast") in (True, "true", "True")


@dataclass(slots=True)
class Failure:
    method: str
    chat_id: int | None
    code: int
    description: str


@dataclass
class _Message:
    chat_id: int
    text: str | None
    caption: str | None
    reply_markup: str | None


class FakeBotApi:
    """The state of a fake Bot API server. Thread-safe; configure it, then read what it got."""

    def __init__(self, token: str = TOKEN, limits: RateLimits | None = None,
                 clock: Callable[[], float] = time.monotonic, keep_uploads: bool = False,
                 bot_user: dict[str, Any] | None = None) -> None:
        self.token = token
        self.limits = limits or RateLimits()
        self.clock = clock
        self.keep_uploads = keep_uploads
        self.bot_user = dict(bot_user or BOT_USER)
        self._lock = threading.Lock()
        # configuration
        self.blocked: set[int] = set()
        self.migrated: dict[int, int] = {}
        self.members: dict[tuple[int, int], str] = {}
        self.chat_types: dict[int, str] = {}
        self.usernames: dict[str, int] = {}
        self._injected: list[tuple[str, int | None, ApiError]] = []
        # recording
        self.sent: list[Sent] = []
        self.actions: list[tuple[int, str]] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.failures: list[Failure] = []
        self.calls: Counter[str] = Counter()
        self.commands: list[dict[str, Any]] = []  # published without a language_code
        self.commands_by_language: dict[str, list[dict[str, Any]]] = {}
        self.uploads = 0
        self.uploaded: dict[str, bytes] = {}
        self._photo_ids: set[str] = set()
        self._answered: set[str] = set()
        self._messages: dict[tuple[int, int], _Message] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._file_ids = itertools.count(1)
        self._updates: deque[dict[str, Any]] = deque()
        self._update_ids = itertools.count(1)
        self.flood = FloodControl(self.limits, clock)
        # called with each accepted message before its answer goes back (under the lock):
        # the delivery crash test kills the pusher there
        self.on_sent: Callable[[Sent], None] | None = None
        # answers to a chat wait (outside the lock, in the server's request thread) until its
        # event is set, at most 30 s: a test makes one chat slow, deterministically. Only over
        # the loopback server (``telegram_server.serve``): in process it would block the loop.
        self.holds: dict[int, threading.Event] = {}

    # ----------------------------------------------------------------- configuration
    def block(self, chat_id: int) -> None:
        """The user blocked the bot (or it was kicked): every send gets 403."""
        self.blocked.add(chat_id)

    def migrate(self, old_id: int, new_id: int) -> None:
        """The group became a supergroup: sends to ``old_id`` get ``migrate_to_chat_id``."""
        self.migrated[old_id] = new_id
        self.chat_types[new_id] = "supergroup"

    def set_member(self, chat_id: int, user_id: int, status: str) -> None:
        """``creator``, ``administrator``, ``member``, ``left`` or ``kicked``."""
        self.members[(chat_id, user_id)] = status

    def add_channel(self, username: str, chat_id: int) -> None:
        """A public channel: ``@username`` resolves to ``chat_id`` in every method."""
        self.usernames[username.lower()] = chat_id
        self.chat_types[chat_id] = "channel"

    def set_chat_type(self, chat_id: int, kind: str) -> None:
        self.chat_types[chat_id] = kind

    def throttle(self, chat_id: int, retry_after: int = 1, times: int = 1) -> None:
        """The next ``times`` sends to ``chat_id`` get 429 with this ``retry_after``."""
        self.flood.throttle(chat_id, retry_after, times)

    def inject(self, method: str, code: int, description: str, chat_id: int | None = None,
               parameters: dict[str, Any] | None = None) -> None:
        """The next call of ``method`` (to ``chat_id``, if given) fails with this answer."""
        self._injected.append((method, chat_id, ApiError(code, description, parameters)))

    # ----------------------------------------------------------------- updates
    def add_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for ``getUpdates``; gives it an ``update_id`` if it has none."""
        with self._lock:
            update.setdefault("update_id", next(self._update_ids))
            self._updates.append(update)
        return update

    def next_update_id(self) -> int:
        with self._lock:
            return next(self._update_ids)

    def pending_updates(self) -> int:
        return len(self._updates)

    # ----------------------------------------------------------------- reading
    def texts(self, chat_id: int | None = None) -> list[str]:
        """What users saw (text or caption), in order, optionally for one chat."""
        return [s.text for s in self.sent if chat_id is None or s.chat_id == chat_id]

    def to(self, chat_id: int) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]

    def reset_records(self) -> None:
        with self._lock:
            self.sent.clear()
            self.actions.clear()
            self.callback_answers.clear()
            self.failures.clear()
            self.calls.clear()

    # ----------------------------------------------------------------- the wire
    def transport(self) -> httpx.MockTransport:
        """An ``httpx.MockTransport`` serving this fake (long polls wait asynchronously)."""

        async def handler(request: httpx.Request) -> httpx.Response:
            body = await request.aread()
            ctype = request.headers.get("content-type", "")
            path = request.url.path + ("?" + request.url.query.decode()
                                       if request.url.query else "")
            method = path.rsplit("/", 1)[-1].split("?")[0]
            if method.lower() == "getupdates":
                timeout, offset = self.poll_params(ctype, body, path)
                deadline = time.monotonic() + timeout
                while not self.has_updates(offset) and time.monotonic() < deadline:
                    await asyncio.sleep(0.01)
            status, answer = self.handle(request.method, path, ctype, body)
            return httpx.Response(status, json=answer)

        return httpx.MockTransport(handler)

    def poll_params(self, ctype: str, body: bytes, path: str) -> tuple[float, int]:
        """How long a ``getUpdates`` long poll may wait (capped at 2 s) and its offset."""
        try:
            params = parse_request("getUpdates", ctype, body, path).params
            return min(float(params.get("timeout") or 0), 2.0), int(params.get("offset") or 0)
        except (ApiError, ValueError):
            return 0.0, 0

    def has_updates(self, offset: int = 0) -> bool:
        return bool(self._updates) and self._updates[-1]["update_id"] >= offset

    def handle(self, http_method: str, path: str, content_type: str, body: bytes
               ) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API call: ``(HTTP status, JSON body)``."""
        parts = urlsplit(path).path.strip("/").split("/")
        if len(parts) != 2 or not parts[0].startswith("bot"):
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        token, method = parts[0][3:], parts[1]
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        chat_id: int | None = None
        try:
            request = parse_request(method, content_type, body, path)
            if request.params.get("chat_id") is not None:
                chat_id = self._resolve(chat_key(request.params["chat_id"]))
            with self._lock:
                self.calls[method] += 1
                result = self._dispatch(request, chat_id)
            hold = self.holds.get(chat_id) if chat_id is not None else None
            if hold is not None:
                hold.wait(30)
            return 200, {"ok": True, "result": result}
        except ApiError as err:
            with self._lock:
                self.failures.append(Failure(method, chat_id, err.code, err.description))
            return err.code, err.body()

    # ----------------------------------------------------------------- dispatch
    def _dispatch(self, req: Request, chat_id: int | None) -> Any:
        handler = getattr(self, f"_m_{req.method.lower()}", None)
        if handler is None:
            raise ApiError(404, "Not Found")
        self._check_injected(req.method, chat_id)
        if chat_id is not None and req.method not in ("getChatMember", "getChat"):
            self._check_chat(chat_id)
        if req.method in SEND_METHODS and chat_id is not None:
            count = len(req.params.get("media") or [None])
            self.flood.check(chat_id, count, self._is_group(chat_id), paid_broadcast(req))
        return handler(req, chat_id)

    def _resolve(self, chat_id: int | str) -> int:
        if isinstance(chat_id, int):
            return chat_id
        if chat_id.lower() in self.usernames:
            return self.usernames[chat_id.lower()]
        raise bad_request("chat not found")

    def _check_injected(self, method: str, chat_id: int | None) -> None:
        for i, (m, target, error) in enumerate(self._injected):
            if m == method and (target is None or target == chat_id):
                del self._injected[i]
                raise error

    def _check_chat(self, chat_id: int) -> None:
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user" if chat_id > 0
                           else "Forbidden: bot was kicked from the group chat")
        if chat_id in self.migrated:
            raise ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                           {"migrate_to_chat_id": self.migrated[chat_id]})

    def _is_group(self, chat_id: int) -> bool:
        return self._chat_type(chat_id) in ("group", "supergroup")

    def _chat_type(self, chat_id: int) -> str:
        if chat_id in self.chat_types:
            return self.chat_types[chat_id]
        if chat_id > 0:
            return "private"
        return "supergroup" if str(chat_id).startswith("-100") else "group"

    def chat(self, chat_id: int) -> dict[str, Any]:
        kind = self._chat_type(chat_id)
        out: dict[str, Any] = {"id": chat_id, "type": kind}
        if kind == "private":
            out["first_name"] = f"User {chat_id}"
        else:
            out["title"] = f"Chat {chat_id}"
        for username, known in self.usernames.items():
            if known == chat_id:
                out["username"] = username.lstrip("@")
        return out

    # ----------------------------------------------------------------- rules
    def _text(self, raw: Any, parse_mode: Any, limit: int, allow_empty: bool, what: str) -> str:
        try:
            text = parse(str(raw or ""), parse_mode).text
        except EntityError as err:
            raise ApiError(400, str(err)) from None
        if not text.strip() and not allow_empty:
            raise bad_request(f"{what} is empty")
        if len(text) > limit:
            raise bad_request("message is too long" if what == "message text"
                              else "message caption is too long")
        return text

    def _markup(self, markup: Any) -> str | None:
        if markup is None:
            return None
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not str(button.get("text", "")).strip():
                    raise bad_request("text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_BYTES:
                    raise bad_request("BUTTON_DATA_INVALID")
        return json.dumps(markup, separators=(",", ":"))

    def _photo(self, value: Any, files: dict[str, bytes]) -> str:
        """A new upload (``attach://`` or a multipart field) or a known ``file_id``."""
        if isinstance(value, bytes):
            return self._upload(value)
        text = str(value or "")
        if text.startswith("attach://"):
            name = text[len("attach://"):]
            if name not in files:
                raise bad_request(f"file {name!r} not found in the request")
            return self._upload(files[name])
        if text in self._photo_ids:
            return text
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _upload(self, data: bytes) -> str:
        if len(data) > PHOTO_BYTES_LIMIT:
            raise bad_request("file is too big")
        width, height = image_size(data)
        if width + height > 10000 or max(width, height) > 20 * max(1, min(width, height)):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        file_id = f"fake-photo-{next(self._file_ids)}"
        self._photo_ids.add(file_id)
        self.uploads += 1
        if self.keep_uploads:
            self.uploaded[file_id] = data
        return file_id

    def _new_message(self, chat_id: int, extra: dict[str, Any]) -> dict[str, Any]:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        message = {"message_id": next(counter), "date": int(time.time()),
                   "chat": self.chat(chat_id), "from": self.bot_user, **extra}
        return message

    def _record(self, method: str, chat_id: int, message: dict[str, Any], text: str,
                raw: str, parse_mode: Any, markup: str | None, photo: str | None = None,
                media: tuple[str, ...] = (), paid: bool = False) -> None:
        self.sent.append(Sent(method, chat_id, message["message_id"], text, raw,
                              parse_mode or None, markup, photo, media, self.clock(), paid))
        if self.on_sent is not None:
            self.on_sent(self.sent[-1])
        self._messages[(chat_id, message["message_id"])] = _Message(
            chat_id, text if photo is None and not media else None,
            text if photo is not None else None, markup)

    def _entities(self, raw: str, parse_mode: Any) -> list[dict[str, Any]]:
        return list(parse(raw, parse_mode).entities)

    # ----------------------------------------------------------------- methods
    def _m_getme(self, req: Request, chat_id: Any) -> dict[str, Any]:
        return self.bot_user

    def _m_deletewebhook(self, req: Request, chat_id: Any) -> bool:
        if str(req.params.get("drop_pending_updates", "")).lower() == "true":
            self._updates.clear()
        return True

    def _m_getupdates(self, req: Request, chat_id: Any) -> list[dict[str, Any]]:
        offset = int(req.params.get("offset") or 0)
        while self._updates and self._updates[0]["update_id"] < offset:
            self._updates.popleft()
        limit = int(req.params.get("limit") or 100)
        return list(itertools.islice(self._updates, limit))

    def _m_setmycommands(self, req: Request, chat_id: Any) -> bool:
        commands = req.params.get("commands") or []
        if len(commands) > 100:
            raise bad_request("too many commands")
        for command in commands:
            name, description = command.get("command", ""), command.get("description", "")
            if not (1 <= len(name) <= 32 and all(c.islower() or c.isdigit() or c == "_"
                                                 for c in name)):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("command description is empty or too long")
        language = str(req.params.get("language_code") or "")
        if language and not (len(language) == 2 and language.isalpha() and language.islower()):
            raise bad_request("language_code must be a two-letter ISO 639-1 code or empty")
        if language:
            self.commands_by_language[language] = list(commands)
        else:
            self.commands = list(commands)
        return True

    def _m_getmycommands(self, req: Request, chat_id: Any) -> list[dict[str, Any]]:
        language = str(req.params.get("language_code") or "")
        return self.commands_by_language.get(language, []) if language else self.commands

    def _m_sendmessage(self, req: Request, chat_id: int) -> dict[str, Any]:
        p = req.params
        raw, mode = str(p.get("text", "")), p.get("parse_mode")
        text = self._text(raw, mode, TEXT_LIMIT, False, "message text")
        markup = self._markup(p.get("reply_markup"))
        message = self._new_message(chat_id, {"text": text,
                                              "entities": self._entities(raw, mode)})
        if markup:
            message["reply_markup"] = json.loads(markup)
        self._record("sendMessage", chat_id, message, text, raw, mode, markup,
                     paid=paid_broadcast(req))
        return message

    def _m_sendphoto(self, req: Request, chat_id: int) -> dict[str, Any]:
        p = req.params
        raw, mode = str(p.get("caption", "")), p.get("parse_mode")
        caption = self._text(raw, mode, CAPTION_LIMIT, True, "caption")
        markup = self._markup(p.get("reply_markup"))
        file_id = self._photo(req.files.get("photo", p.get("photo")), req.files)
        message = self._new_message(chat_id, {"photo": [self._photo_size(file_id)]})
        if caption:
            message["caption"] = caption
            message["caption_entities"] = self._entities(raw, mode)
        if markup:
            message["reply_markup"] = json.loads(markup)
        self._record("sendPhoto", chat_id, message, caption, raw, mode, markup, photo=file_id,
                     paid=paid_broadcast(req))
        return message

    def _photo_size(self, file_id: str) -> dict[str, Any]:
        return {"file_id": file_id, "file_unique_id": file_id.replace("fake-photo", "u"),
                "width": 1280, "height": 720}

    def _m_sendmediagroup(self, req: Request, chat_id: int) -> list[dict[str, Any]]:
        media = req.params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise bad_request("media must contain 2-10 items" if isinstance(media, list)
                              else "media not specified")
        checked = []
        for item in media:
            if item.get("type") not in ("photo", "video", "document", "audio"):
                raise bad_request("unsupported media type in the album")
            raw, mode = str(item.get("caption", "")), item.get("parse_mode")
            checked.append((self._text(raw, mode, CAPTION_LIMIT, True, "caption"), raw, mode,
                            self._photo(item.get("media"), req.files)))
        messages = []
        for caption, raw, mode, file_id in checked:
            message = self._new_message(chat_id, {"photo": [self._photo_size(file_id)],
                                                  "media_group_id": "album"})
            if caption:
                message["caption"] = caption
            self._record("sendMediaGroup", chat_id, message, caption, raw, mode, None,
                         photo=file_id)
            messages.append(message)
        return messages

    def _m_editmessagetext(self, req: Request, chat_id: int) -> dict[str, Any]:
        p = req.params
        key = (chat_id, int(p.get("message_id") or 0))
        stored = self._messages.get(key)
        if stored is None:
            raise bad_request("message to edit not found")
        if stored.text is None:
            raise bad_request("there is no text in the message to edit")
        raw, mode = str(p.get("text", "")), p.get("parse_mode")
        text = self._text(raw, mode, TEXT_LIMIT, False, "message text")
        markup = self._markup(p.get("reply_markup"))
        if text == stored.text and markup == stored.reply_markup:
            raise bad_request("message is not modified: specified new message content and "
                              "reply markup are exactly the same as a current content and "
                              "reply markup of the message")
        message = self._new_message(chat_id, {"text": text})
        message["message_id"] = key[1]
        if markup:
            message["reply_markup"] = json.loads(markup)
        self.sent.append(Sent("editMessageText", chat_id, key[1], text, raw, mode or None,
                              markup, None, (), self.clock()))
        stored.text, stored.reply_markup = text, markup
        return message

    def _m_answercallbackquery(self, req: Request, chat_id: Any) -> bool:
        text = str(req.params.get("text", ""))
        query_id = str(req.params.get("callback_query_id", ""))
        if query_id in self._answered:
            raise bad_request("query is too old and response timeout expired or query ID is "
                              "invalid")
        if len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self._answered.add(query_id)
        self.callback_answers.append(dict(req.params))
        return True

    def _m_sendchataction(self, req: Request, chat_id: int) -> bool:
        action = str(req.params.get("action", ""))
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.actions.append((chat_id, action))
        return True

    def _m_getchatmember(self, req: Request, chat_id: int) -> dict[str, Any]:
        user_id = int(req.params.get("user_id") or 0)
        user = {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        kind = self._chat_type(chat_id)
        default = "creator" if kind == "private" and chat_id == user_id else "member"
        status = self.members.get((chat_id, user_id), default)
        if status == "administrator":
            rights = ("can_be_edited", "is_anonymous", "can_manage_chat", "can_delete_messages",
                      "can_manage_video_chats", "can_restrict_members", "can_promote_members",
                      "can_change_info", "can_invite_users", "can_post_stories",
                      "can_edit_stories", "can_delete_stories")
            return {"status": status, "user": user, **dict.fromkeys(rights, False),
                    "can_manage_chat": True}
        if status == "creator":
            return {"status": status, "user": user, "is_anonymous": False}
        if status == "kicked":
            return {"status": status, "user": user, "until_date": 0}
        return {"status": status, "user": user}

    def _m_getchat(self, req: Request, chat_id: int) -> dict[str, Any]:
        return {**self.chat(chat_id), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                        "unique_gifts": False, "premium_subscription": False,
                                "gifts_from_channels": False}}

    def _m_deletemessage(self, req: Request, chat_id: int) -> bool:
        key = (chat_id, int(req.params.get("message_id") or 0))
        if self._messages.pop(key, None) is None:
            raise bad_request("message to delete not found")
        return True


