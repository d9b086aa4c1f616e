"""A loopback fake of the parts of Discord's REST API the bot uses, for discord.py to talk to.

Point discord.py at it with ``discord.http.Route.BASE = fake.base_url`` before ``login()``.
It answers like Discord where it matters to discord.py (exact ``Content-Type:
application/json``, ``Via`` on 429s, ``?with_response=1`` callbacks, rate-limit headers) and:

- **enforces the limits** of every message it receives (``discord_limits.message_problems``):
  a violation is answered 400 (code 50035) and recorded in ``rejected``;
- **answers 429** with ``retry_after`` when told to (``rate_limit_next``) or when a per-channel
  message bucket (``message_bucket``) or the global limit (``global_limit``) is exhausted;
- **answers 404/403** for channels marked gone (``channel_gone``), and any status when told
  to (``fail_next``);
- **enforces the interaction flow**: one response per interaction, follow-ups only after it,
  and the response within ``interaction_timeout_s`` (Discord's 3 s) of the interaction's
  arrival, or it answers 404 Unknown interaction (code 10062);
- **records** every request (``calls``) and every message it accepted (``posted``), payloads
  included (``allowed_mentions`` too), for assertions.

Routes: ``GET /gateway/bot`` (the URL of ``tests.fakes.discord_gateway``, when served with it),
``GET /users/@me``, ``GET /oauth2/applications/@me``, ``PUT`` global and guild command
sync, ``POST /channels/{id}/messages``, ``POST /interactions/{id}/{token}/callback``,
``POST /webhooks/{app}/{token}``, ``PATCH``/``GET /webhooks/{app}/{token}/messages/{id}``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from tests.fakes import discord_limits

API = "/api/v10"
APP_ID = 1100000000000000001
BOT_ID = 1100000000000000001
EPHEMERAL = 1 << 6


@dataclass
class Upload:
    field: str
    filename: str
    data: bytes


@dataclass
class Call:
    """One request as received, and the status the fake answered."""

    method: str
    path: str
    query: dict[str, str]
    payload: Any
    uploads: list[Upload]
    status: int = 0


@dataclass
class Posted:
    """One message the fake accepted."""

    message_id: int
    channel_id: int
    payload: dict[str, Any]
    uploads: list[Upload]
    via: str  # channel | callback | followup | edit
    ephemeral: bool = False
    interaction_id: int | None = None

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.payload.get("embeds") or [])

    @property
    def content(self) -> str:
        return str(self.payload.get("content") or "")

    @property
    def filenames(self) -> list[str]:
        return [u.filename for u in self.uploads]


@dataclass
class _Interaction:
    id: int
    channel_id: int
    guild_id: int | None
    arrived: float = 0.0  # time.monotonic() when it was dispatched or registered
    ack: int | None = None  # the callback type that answered it
    forgotten: bool = False  # not answered in time (10062 from then on)
    ephemeral: bool = False
    original_id: int | None = None
    original_done: bool = False


@dataclass
class _Forced:
    method: str
    path: re.Pattern[str]
    times: int
    status: int  # 429, or any error status
    retry_after: float = 0.0
    is_global: bool = False


@dataclass
class _Window:
    started: float = 0.0
    used: int = 0


@dataclass
class Gone:
    status: int
    code: int
    message: str


GONE_DELETED = Gone(404, 10003, "Unknown Channel")
GONE_NO_ACCESS = Gone(403, 50001, "Missing Access")


@dataclass
class FakeDiscordAPI:
    token: str = "fake-bot-token"
    upload_limit: int = 10 * 1024 * 1024
    calls: list[Call] = field(default_factory=list)
    posted: list[Posted] = field(default_factory=list)
    rejected: list[tuple[Call, list[str]]] = field(default_factory=list)
    synced: dict[int | None, list[dict[str, Any]]] = field(default_factory=dict)
    autocompletes: list[list[dict[str, Any]]] = field(default_factory=list)
    throttled: int = 0  # 429s answered
    # Discord forgets an interaction not answered within 3 s (10062 Unknown interaction)
    interaction_timeout_s: float = 3.0
    expired: int = 0  # callbacks refused because they came too late

    def __post_init__(self) -> None:
        self._ids = itertools.count(1300000000000000000)
        self._interactions: dict[str, _Interaction] = {}
        self._gone: dict[int, Gone] = {}
        self._forced: list[_Forced] = []
        self._bucket: tuple[int, float] | None = None
        self._windows: dict[int, _Window] = {}
        self._global: tuple[int, float] | None = None
        self._global_window = _Window()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- configuration ------------------------------------------------------------------

    def channel_gone(self, channel_id: int, gone: Gone = GONE_DELETED) -> None:
        """Posts to this channel answer 404 Unknown Channel (or 403 Missing Access)."""
        self._gone[int(channel_id)] = gone

    def rate_limit_next(self, method: str, path_pattern: str, times: int = 1,
                        retry_after: float = 0.05, is_global: bool = False) -> None:
        """The next ``times`` requests matching answer 429 with this ``retry_after``."""
        self._forced.append(_Forced(method.upper(), re.compile(path_pattern), times, 429,
                                    retry_after, is_global))

    def fail_next(self, method: str, path_pattern: str, status: int, times: int = 1) -> None:
        """The next ``times`` requests matching answer ``status`` (e.g. 503)."""
        self._forced.append(_Forced(method.upper(), re.compile(path_pattern), times, status))

    def message_bucket(self, limit: int, per_s: float) -> None:
        """Each channel accepts ``limit`` messages per ``per_s`` seconds, with Discord's
        X-RateLimit headers, then 429s until the window resets."""
        self._bucket = (limit, per_s)

    def global_limit(self, limit: int, per_s: float = 1.0) -> None:
        """At most ``limit`` bot requests per ``per_s`` seconds overall, then a global 429."""
        self._global = (limit, per_s)

    def register_interaction(self, payload: dict[str, Any]) -> None:
        """Tell the fake about an interaction before discord.py answers it."""
        guild = payload.get("guild_id")
        self._interactions[payload["token"]] = _Interaction(
            int(payload["id"]), int(payload["channel_id"]), int(guild) if guild else None,
            time.monotonic())

    # --- queries ------------------------------------------------------------------------

    @property
    def root_url(self) -> str:
        """What ``DISCORD_API_BASE`` takes: the server, without ``/api/v10``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}{API}"

    @property
    def gateway_url(self) -> str:
        """What ``GET /gateway/bot`` answers (``tests.fakes.discord_gateway`` serves it)."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    def messages_in(self, channel_id: int) -> list[Posted]:
        return [p for p in self.posted if p.channel_id == int(channel_id)]

    def for_interaction(self, payload: dict[str, Any]) -> list[Posted]:
        return [p for p in self.posted if p.interaction_id == int(payload["id"])]

    def acknowledgement(self, payload: dict[str, Any]) -> tuple[int | None, bool]:
        """(callback type, ephemeral) with which the interaction was answered."""
        state = self._interactions[payload["token"]]
        return state.ack, state.ephemeral

    def message_payloads(self) -> list[dict[str, Any]]:
        """Every payload that created or edited a message (accepted or not)."""
        out = []
        for call in self.calls:
            body = call.payload
            if not isinstance(body, dict):
                continue
            if call.path.endswith("/callback"):
                if body.get("type") in (4, 7):
                    out.append(body.get("data") or {})
            elif call.method in ("POST", "PATCH") and ("/messages" in call.path
                                                      or call.path.startswith("/webhooks/")):
                out.append(body)
        return out

    # --- lifecycle ----------------------------------------------------------------------

    async def start(self, port: int = 0,
                    more_routes: Callable[[web.Application], None] | None = None
                    ) -> FakeDiscordAPI:
        """Serve on loopback (``port`` 0: any free one); ``more_routes`` adds to the app
        (the gateway's websocket and the control endpoints)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", API + "/{tail:.*}", self._dispatch)
        if more_routes is not None:
            more_routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeDiscordAPI:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # --- HTTP ---------------------------------------------------------------------------

    async def _dispatch(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        payload, uploads = await _read_body(request)
        call = Call(request.method, path, dict(request.query), payload, uploads)
        self.calls.append(call)
        response = await self._answer(request, call)
        call.status = response.status
        return response

    async def _answer(self, request: web.Request, call: Call) -> web.Response:
        bot_route = not re.match(r"^/(webhooks|interactions)/", call.path)
        if bot_route and request.headers.get("Authorization") != f"Bot {self.token}":
            return _json(401, {"message": "401: Unauthorized", "code": 0})
        forced = self._take_forced(call)
        if forced is not None and forced.status == 429:
            return self._too_many(forced.retry_after, forced.is_global, "user")
        if forced is not None:
            return _json(forced.status, {"message": f"{forced.status}: forced by the test",
                                         "code": 0})
        if bot_route and self._global is not None:
            wait = _spend(self._global_window, *self._global)
            if wait:
                return self._too_many(wait, True, "global")
        for pattern, handler in self._routes():
            match = re.fullmatch(pattern, f"{call.method} {call.path}")
            if match:
                return await handler(call, *match.groups())
        return _json(404, {"message": "404: Not Found", "code": 0})

    def _routes(self) -> list[tuple[str, Callable[..., Awaitable[web.Response]]]]:
        return [
            (r"GET /gateway/bot", self._gateway),
            (r"GET /users/@me", self._me),
            (r"GET /oauth2/applications/@me", self._application),
            (r"PUT /applications/(\d+)/commands", self._sync_global),
            (r"PUT /applications/(\d+)/guilds/(\d+)/commands", self._sync_guild),
            (r"POST /channels/(\d+)/messages", self._channel_message),
            (r"POST /interactions/(\d+)/([^/]+)/callback", self._callback),
            (r"POST /webhooks/(\d+)/([^/]+)", self._followup),
            (r"PATCH /webhooks/(\d+)/([^/]+)/messages/([^/]+)", self._edit),
            (r"GET /webhooks/(\d+)/([^/]+)/messages/([^/]+)", self._get_original),
        ]

    def _take_forced(self, call: Call) -> _Forced | None:
        for forced in self._forced:
            if forced.times > 0 and forced.method == call.method and \
                    forced.path.search(call.path):
                forced.times -= 1
                return forced
        return None

    def _too_many(self, retry_after: float, is_global: bool, scope: str) -> web.Response:
        self.throttled += 1
        headers = {"Via": "1.1 google", "Retry-After": f"{max(retry_after, 0.001):.3f}",
                   "X-RateLimit-Scope": scope}
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        return _json(429, {"message": "You are being rate limited.",
                           "retry_after": retry_after, "global": is_global}, headers)

    def _reject(self, call: Call, problems: list[str]) -> web.Response:
        self.rejected.append((call, problems))
        return _json(400, {"message": "Invalid Form Body", "code": 50035,
                           "errors": {"problems": problems}})

    async def _gateway(self, call: Call) -> web.Response:
        return _json(200, {"url": self.gateway_url, "shards": 1,
                           "session_start_limit": {"total": 1000, "remaining": 999,
                                                   "reset_after": 0, "max_concurrency": 1}})

    async def _me(self, call: Call) -> web.Response:
        return _json(200, _bot_user())

    async def _application(self, call: Call) -> web.Response:
        return _json(200, {"id": str(APP_ID), "name": "Market Bot", "icon": None,
                           "description": "", "rpc_origins": [], "bot_public": True,
                           "bot_require_code_grant": False, "owner": _user(42, "owner"),
                           "summary": "", "verify_key": "00", "flags": 0, "team": None})

    async def _sync_global(self, call: Call, app: str) -> web.Response:
        return self._sync(call, None)

    async def _sync_guild(self, call: Call, app: str, guild: str) -> web.Response:
        return self._sync(call, int(guild))

    def _sync(self, call: Call, guild: int | None) -> web.Response:
        commands = list(call.payload or [])
        self.synced[guild] = commands
        out = [{**c, "id": str(next(self._ids)), "application_id": str(APP_ID),
                "version": "1", **({"guild_id": str(guild)} if guild else {})} for c in commands]
        return _json(200, out)

    async def _channel_message(self, call: Call, channel: str) -> web.Response:
        channel_id = int(channel)
        gone = self._gone.get(channel_id)
        if gone is not None:
            return _json(gone.status, {"message": gone.message, "code": gone.code})
        headers: dict[str, str] = {}
        if self._bucket is not None:
            limit, per_s = self._bucket
            window = self._windows.setdefault(channel_id, _Window())
            wait = _spend(window, limit, per_s)
            if wait:
                return self._too_many(wait, False, "user")
            headers = _bucket_headers(window, limit, per_s)
        problems = self._message_problems(call.payload, call.uploads)
        if problems:
            return self._reject(call, problems)
        posted = self._record(channel_id, call.payload, call.uploads, "channel")
        return _json(200, self.message_object(posted), headers)

    async def _callback(self, call: Call, interaction: str, token: str) -> web.Response:
        state = self._interactions.get(token)
        if state is None or state.id != int(interaction):
            return _json(404, {"message": "Unknown interaction", "code": 10062})
        if state.ack is None and (state.forgotten or time.monotonic() - state.arrived
                                  > self.interaction_timeout_s):
            if not state.forgotten:  # no response in time: Discord forgets the interaction
                state.forgotten = True
                self.expired += 1
            return _json(404, {"message": "Unknown interaction", "code": 10062})
        if state.ack is not None:
            return _json(400, {"message": "Interaction has already been acknowledged.",
                               "code": 40060})
        if call.query.get("with_response") != "1":
            return _reject_plain(400, "expected ?with_response=1")
        body = call.payload or {}
        kind = int(body.get("type", 0))
        data = body.get("data") or {}
        resource: dict[str, Any] = {"type": kind}
        if kind in (4, 7):
            problems = self._message_problems(data, call.uploads)
            if problems:
                return self._reject(call, problems)
            state.ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
            posted = self._record(state.channel_id, data, call.uploads, "callback",
                                  state.ephemeral, state.id)
            state.original_id, state.original_done = posted.message_id, True
            resource["message"] = self.message_object(posted)
        elif kind == 5:
            state.ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
            state.original_id = next(self._ids)
            resource["message"] = self._loading_message(state)
        elif kind == 8:
            choices = list(data.get("choices") or [])
            problems = discord_limits.choices_problems(choices)
            if problems:
                return self._reject(call, problems)
            self.autocompletes.append(choices)
            resource = {}
        elif kind != 6:
            return _reject_plain(400, f"callback type {kind} is not supported by the fake")
        state.ack = kind
        answer: dict[str, Any] = {"interaction": {
            "id": str(state.id), "type": 2, "response_message_id": str(state.original_id or 0),
            "response_message_loading": kind == 5, "response_message_ephemeral": state.ephemeral}}
        if resource:
            answer["resource"] = resource
        return _json(200, answer)

    async def _followup(self, call: Call, app: str, token: str) -> web.Response:
        state = self._interactions.get(token)
        if state is None or state.ack is None or int(app) != APP_ID:
            return _json(404, {"message": "Unknown Webhook", "code": 10015})
        data = call.payload or {}
        problems = self._message_problems(data, call.uploads)
        if problems:
            return self._reject(call, problems)
        if state.ack == 5 and not state.original_done:
            ephemeral = state.ephemeral  # the first follow-up completes the "thinking" message
            state.original_done = True
            posted = self._record(state.channel_id, data, call.uploads, "followup", ephemeral,
                                  state.id, message_id=state.original_id)
        else:
            ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
            posted = self._record(state.channel_id, data, call.uploads, "followup", ephemeral,
                                  state.id)
        if call.query.get("wait") in ("1", "true", "True"):
            return _json(200, self.message_object(posted))
        return web.Response(status=204)

    async def _edit(self, call: Call, app: str, token: str, message: str) -> web.Response:
        state = self._interactions.get(token)
        if state is None or state.ack is None:
            return _json(404, {"message": "Unknown Webhook", "code": 10015})
        data = call.payload or {}
        problems = self._message_problems(data, call.uploads)
        if problems:
            return self._reject(call, problems)
        message_id = state.original_id if message == "@original" else int(message)
        state.original_done = True
        posted = self._record(state.channel_id, data, call.uploads, "edit", state.ephemeral,
                              state.id, message_id=message_id)
        return _json(200, self.message_object(posted))

    async def _get_original(self, call: Call, app: str, token: str, message: str
                            ) -> web.Response:
        state = self._interactions.get(token)
        if state is None or state.original_id is None:
            return _json(404, {"message": "Unknown Message", "code": 10008})
        return _json(200, self._loading_message(state))

    # --- messages -----------------------------------------------------------------------

    def _message_problems(self, payload: Any, uploads: list[Upload]) -> list[str]:
        if not isinstance(payload, dict):
            return ["the body is not a JSON object"]
        problems = discord_limits.message_problems(payload, [u.filename for u in uploads])
        for upload in uploads:
            if len(upload.data) > self.upload_limit:
                problems.append(f"{upload.filename}: {len(upload.data)} bytes > "
                                f"{self.upload_limit}")
        return problems

    def _record(self, channel_id: int, payload: dict[str, Any], uploads: list[Upload],
                via: str, ephemeral: bool = False, interaction_id: int | None = None,
                message_id: int | None = None) -> Posted:
        posted = Posted(message_id or next(self._ids), channel_id, payload, uploads, via,
                        ephemeral, interaction_id)
        self.posted.append(posted)
        return posted

    def message_object(self, posted: Posted) -> dict[str, Any]:
        cdn = f"https://cdn.fake.discordapp.com/attachments/{posted.channel_id}"
        attachments = [{"id": str(next(self._ids)), "filename": u.filename, "size": len(u.data),
                        "url": f"{cdn}/{posted.message_id}/{u.filename}",
                        "proxy_url": f"{cdn}/{posted.message_id}/{u.filename}",
                        "content_type": "image/png" if u.filename.endswith(".png") else None}
                       for u in posted.uploads]
        urls = {a["filename"]: a["url"] for a in attachments}
        embeds = []
        for embed in posted.embeds:
            out = {**embed, "type": "rich"}
            image = embed.get("image") or {}
            if str(image.get("url", "")).startswith("attachment://"):
                url = urls.get(image["url"][len("attachment://"):], image["url"])
                out["image"] = {"url": url, "proxy_url": url}
            embeds.append(out)
        return {"id": str(posted.message_id), "channel_id": str(posted.channel_id), "type": 0,
                "content": posted.content, "author": _bot_user(), "attachments": attachments,
                "embeds": embeds, "mentions": [], "mention_roles": [], "mention_everyone": False,
                "pinned": False, "tts": False, "timestamp": _iso_now(),
                "edited_timestamp": None, "flags": EPHEMERAL if posted.ephemeral else 0,
                "components": posted.payload.get("components") or []}

    def _loading_message(self, state: _Interaction) -> dict[str, Any]:
        return {"id": str(state.original_id), "channel_id": str(state.channel_id), "type": 20,
                "content": "", "author": _bot_user(), "attachments": [], "embeds": [],
                "mentions": [], "mention_roles": [], "mention_everyone": False, "pinned": False,
                "tts": False, "timestamp": _iso_now(), "edited_timestamp": None,
                "flags": (EPHEMERAL if state.ephemeral else 0) | 128, "components": []}


# --- helpers ---------------------------------------------------------------------------------


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with ``Content-Type: application/json`` exactly (a charset suffix makes discord.py
    read the body as text)."""
    out = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(status=status, body=json.dumps(body).encode(), headers=out)


def _reject_plain(status: int, message: str) -> web.Response:
    return _json(status, {"message": message, "code": 0})


async def _read_body(request: web.Request) -> tuple[Any, list[Upload]]:
    if request.content_type.startswith("multipart/"):
        payload: Any = None
        uploads: list[Upload] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue  # nested multipart: discord.py never sends it
            data = await part.read()
            if part.name == "payload_json":
                payload = json.loads(data)
            else:
                uploads.append(Upload(part.name or "", part.filename or "", bytes(data)))
        return payload, uploads
    raw = await request.read()
    if not raw:
        return None, []
    return json.loads(raw), []


def _spend(window: _Window, limit: int, per_s: float) -> float:
    """Count one request in a fixed window; the seconds to wait if the window is full."""
    now = time.monotonic()
    if now - window.started >= per_s:
        window.started, window.used = now, 0
    if window.used >= limit:
        return round(per_s - (now - window.started), 3) or 0.001
    window.used += 1
    return 0.0


def _bucket_headers(window: _Window, limit: int, per_s: float) -> dict[str, str]:
    reset_after = max(per_s - (time.monotonic() - window.started), 0.0)
    return {"X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(limit - window.used),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": "fake-channel-messages"}


def _user(user_id: int, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": str(user_id), "username": name, "discriminator": "0", "global_name": name,
            "avatar": None, "bot": bot, "public_flags": 0}


def _bot_user() -> dict[str, Any]:
    return _user(BOT_ID, "marketbot", bot=True)


def _iso_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime())


async def wait_idle(loop_tasks: Callable[[], set[asyncio.Task[Any]]] = asyncio.all_tasks,
                    timeout: float = 10.0) -> None:
    """Wait until discord.py's command, view and event tasks have finished."""
    prefixes = ("CommandTree-invoker", "discord-ui-view-dispatch", "discord-ui-dynamic-item",
                "discord.py: ")
    deadline = time.monotonic() + timeout
    while True:
        pending = [t for t in loop_tasks() if not t.done()
                   and t.get_name().startswith(prefixes)]
        if not pending:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(pending)} discord.py tasks still running")
        await asyncio.wait(pending, timeout=max(deadline - time.monotonic(), 0.01))
