"""A loopback fake of Discord's gateway (the websocket), beside the REST fake on one server.

``FakeDiscordAPI`` answers ``GET /gateway/bot`` with ``ws://127.0.0.1:PORT/gateway``; this
module serves that URL (``FakeGateway.add_routes``) the way discord.py 2.x expects:

- the query ``?v=10&encoding=json&compress=zlib-stream`` that discord.py always sends:
  ``zlib-stream`` is one zlib stream for the whole connection, each message flushed with
  ``Z_SYNC_FLUSH`` (discord.py waits for the ``00 00 ff ff`` suffix); ``zstd-stream`` (what
  discord.py asks for when ``zstandard`` or ``compression.zstd`` is importable) is a zstd
  stream flushed per message; no ``compress`` means plain text frames;
- ``HELLO`` with ``heartbeat_interval``; every ``HEARTBEAT`` (op 1) is answered with
  ``HEARTBEAT_ACK`` (op 11) and counted;
- ``IDENTIFY`` (op 2) with the bot token → ``READY`` (session id, ``resume_gateway_url``, the
  guilds as unavailable) then ``GUILD_CREATE`` per guild; a wrong token closes with 4004,
  anything before IDENTIFY closes with 4003, a second IDENTIFY with 4005;
- ``request_reconnect`` sends ``RECONNECT`` (op 7) and detaches the session: events
  dispatched from then on are kept and replayed after the client's ``RESUME`` (op 6) with
  its last sequence, followed by ``RESUMED``, as Discord does; an unknown session gets
  ``INVALID_SESSION`` (op 9, not resumable);
- ``interaction`` dispatches ``INTERACTION_CREATE`` and registers it with the REST fake,
  whose 3 s answer window starts then.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.discord_api import APP_ID, FakeDiscordAPI, _bot_user
from tests.fakes.discord_interactions import BOT, CHANNEL_ID, GUILD_ID

PATH = "/gateway"
API_VERSION = "10"

HELLO, HEARTBEAT, IDENTIFY, RESUME, RECONNECT, INVALID_SESSION, HEARTBEAT_ACK = \
    10, 1, 2, 6, 7, 9, 11
DISPATCH = 0
CLOSE_UNKNOWN, CLOSE_DECODE, CLOSE_NOT_AUTHENTICATED, CLOSE_AUTH_FAILED = 4000, 4002, 4003, 4004
CLOSE_ALREADY_AUTHENTICATED, CLOSE_INVALID_VERSION = 4005, 4012


def _zlib_stream() -> Callable[[bytes], bytes]:
    stream = zlib.compressobj()
    return lambda data: stream.compress(data) + stream.flush(zlib.Z_SYNC_FLUSH)


def _zstd_stream() -> Callable[[bytes], bytes] | None:
    """The same zstd library discord.py would use, if there is one."""
    try:
        from compression.zstd import ZstdCompressor  # type: ignore[import-not-found]

        std = ZstdCompressor()
        return lambda data: std.compress(data, ZstdCompressor.FLUSH_BLOCK)  # type: ignore
    except ImportError:
        pass
    try:
        import zstandard  # type: ignore[import-not-found]
    except ImportError:
        return None
    obj = zstandard.ZstdCompressor().compressobj()
    return lambda data: obj.compress(data) + obj.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)


@dataclass(frozen=True)
class Channel:
    id: int
    name: str


@dataclass(frozen=True)
class Guild:
    """A guild the bot is in, with its text channels and the bot's permissions there."""

    id: int = GUILD_ID
    name: str = "Trading Desk"
    channels: tuple[Channel, ...] = (Channel(CHANNEL_ID, "markets"),)
    bot_permissions: int = BOT

    def payload(self) -> dict[str, Any]:
        channels: list[dict[str, Any]] = [
            {"id": str(c.id), "type": 0, "guild_id": str(self.id), "name": c.name,
             "position": i, "permission_overwrites": [], "nsfw": False, "parent_id": None,
             "topic": None, "last_message_id": None, "rate_limit_per_user": 0, "flags": 0}
            for i, c in enumerate(self.channels)]
        everyone = {"id": str(self.id), "name": "@everyone",
                    "permissions": str(self.bot_permissions), "position": 0, "color": 0,
                    "hoist": False, "managed": False, "mentionable": False, "flags": 0}
        bot_member = {"user": _bot_user(), "roles": [], "joined_at": "2025-01-01T00:00:00Z",
                      "deaf": False, "mute": False, "flags": 0, "nick": None}
        return {"id": str(self.id), "name": self.name, "icon": None, "owner_id": "42",
                "unavailable": False, "member_count": 2, "large": False,
                "joined_at": "2025-01-01T00:00:00Z", "features": [], "roles": [everyone],
                "emojis": [], "stickers": [], "channels": channels, "threads": [],
                "members": [bot_member], "voice_states": [], "presences": [],
                "stage_instances": [], "guild_scheduled_events": [],
                "soundboard_sounds": [], "verification_level": 0,
                "default_message_notifications": 0, "explicit_content_filter": 0,
                "mfa_level": 0, "nsfw_level": 0, "premium_tier": 0,
                "premium_subscription_count": 0, "preferred_locale": "en-US",
                "system_channel_id": None, "system_channel_flags": 0,
                "rules_channel_id": None, "public_updates_channel_id": None,
                "afk_channel_id": None, "afk_timeout": 300, "vanity_url_code": None,
                "description": None, "banner": None, "splash": None,
                "discovery_splash": None, "max_members": 500000,
                "max_video_channel_users": 25, "premium_progress_bar_enabled": False,
                "application_id": None, "safety_alerts_channel_id": None, "incidents_data": None}


@dataclass
class _Connection:
    socket: web.WebSocketResponse
    compress: Callable[[bytes], bytes] | None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message, separators=(",", ":")).encode()
        async with self.lock:  # one compression stream: frames leave in the order compressed
            if self.socket.closed:
                return
            if self.compress is None:
                await self.socket.send_str(data.decode())
            else:
                await self.socket.send_bytes(self.compress(data))


@dataclass
class Session:
    id: str
    events: list[dict[str, Any]] = field(default_factory=list)  # every dispatch, for RESUME
    connection: _Connection | None = None

    @property
    def seq(self) -> int:
        return int(self.events[-1]["s"]) if self.events else 0


@dataclass
class FakeGateway:
    api: FakeDiscordAPI
    heartbeat_interval_ms: int = 41250
    guilds: tuple[Guild, ...] = (Guild(),)
    identifies: int = 0
    resumes: list[int] = field(default_factory=list)  # the sequence each RESUME asked for
    heartbeats: int = 0
    reconnects_requested: int = 0
    intents: int | None = None  # from the last IDENTIFY
    compressions: list[str | None] = field(default_factory=list)  # per connection

    def __post_init__(self) -> None:
        self.session: Session | None = None
        self._sessions: dict[str, Session] = {}
        self._ids = itertools.count(1)
        self._changed = asyncio.Event()

    # --- serving ------------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(PATH, self._serve)

    async def start(self, port: int = 0,
                    more_routes: Callable[[web.Application], None] | None = None
                    ) -> FakeGateway:
        """Start the REST fake with the gateway beside it."""
        def routes(app: web.Application) -> None:
            self.add_routes(app)
            if more_routes is not None:
                more_routes(app)

        await self.api.start(port, routes)
        return self

    async def close(self) -> None:
        for session in self._sessions.values():
            if session.connection is not None:
                await session.connection.socket.close()
        await self.api.close()

    # --- what tests do ------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """A session is live: identified or resumed, and its socket open."""
        return self.session is not None and self.session.connection is not None

    async def until(self, condition: Callable[[], bool], timeout: float = 30.0) -> None:
        """Wait until ``condition()`` holds, re-checked whenever the gateway's state changes
        (and at least every 50 ms, for state the REST side changes)."""
        deadline = time.monotonic() + timeout
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("the gateway never reached the expected state")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.05))

    async def dispatch(self, event: str, data: dict[str, Any]) -> int:
        """Send an event to the live session, or keep it for its RESUME; its sequence."""
        session = self.session
        if session is None:
            raise RuntimeError("no session: the bot has not identified yet")
        seq = session.seq + 1
        message = {"op": DISPATCH, "t": event, "s": seq, "d": data}
        session.events.append(message)
        if session.connection is not None:
            await session.connection.send(message)
        self._notify()
        return seq

    async def interaction(self, payload: dict[str, Any]) -> int:
        """``INTERACTION_CREATE``: registered with the REST fake (its answer window starts),
        then dispatched."""
        self.api.register_interaction(payload)
        return await self.dispatch("INTERACTION_CREATE", payload)

    async def request_reconnect(self) -> None:
        """``RECONNECT`` (op 7); from now on events wait for the client's RESUME."""
        session = self.session
        if session is None or session.connection is None:
            raise RuntimeError("no live session to reconnect")
        connection, session.connection = session.connection, None
        self.reconnects_requested += 1
        await connection.send({"op": RECONNECT, "d": None, "s": None, "t": None})
        self._notify()

    # --- the websocket ------------------------------------------------------------------

    async def _serve(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True, max_msg_size=4096 * 1024)
        await socket.prepare(request)
        query = request.query
        if query.get("v") != API_VERSION or query.get("encoding", "json") != "json":
            await socket.close(code=CLOSE_INVALID_VERSION, message=b"Invalid API version")
            return socket
        kind = query.get("compress")
        compress = None
        if kind == "zlib-stream":
            compress = _zlib_stream()
        elif kind == "zstd-stream":
            compress = _zstd_stream()
            if compress is None:
                await socket.close(code=CLOSE_UNKNOWN, message=b"zstd-stream: no zstd here")
                return socket
        elif kind is not None:
            await socket.close(code=CLOSE_DECODE, message=b"Unknown compression")
            return socket
        self.compressions.append(kind)
        connection = _Connection(socket, compress)
        await connection.send({"op": HELLO, "d": {"heartbeat_interval":
                                                  self.heartbeat_interval_ms},
                               "s": None, "t": None})
        session: Session | None = None
        try:
            async for message in socket:
                if message.type is not WSMsgType.TEXT:
                    if message.type is WSMsgType.BINARY:
                        await socket.close(code=CLOSE_DECODE, message=b"Decode error")
                    break
                try:
                    payload = json.loads(message.data)
                except ValueError:
                    await socket.close(code=CLOSE_DECODE, message=b"Decode error")
                    break
                session = await self._receive(connection, session, payload)
        finally:
            if session is not None and session.connection is connection:
                session.connection = None
            self._notify()
        return socket

    async def _receive(self, connection: _Connection, session: Session | None,
                       payload: dict[str, Any]) -> Session | None:
        op = payload.get("op")
        raw = payload.get("d")
        data: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if op == HEARTBEAT:
            self.heartbeats += 1
            await connection.send({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        elif op == IDENTIFY:
            if session is not None:
                await connection.socket.close(code=CLOSE_ALREADY_AUTHENTICATED,
                                              message=b"Already authenticated")
            elif not self._token_ok(data):
                await connection.socket.close(code=CLOSE_AUTH_FAILED,
                                              message=b"Authentication failed")
            else:
                session = await self._identify(connection, data)
        elif op == RESUME:
            if session is not None:
                await connection.socket.close(code=CLOSE_ALREADY_AUTHENTICATED,
                                              message=b"Already authenticated")
            elif not self._token_ok(data):
                await connection.socket.close(code=CLOSE_AUTH_FAILED,
                                              message=b"Authentication failed")
            else:
                session = await self._resume(connection, data)
        elif session is None:
            await connection.socket.close(code=CLOSE_NOT_AUTHENTICATED,
                                          message=b"Not authenticated")
        self._notify()
        return session

    def _token_ok(self, data: dict[str, Any]) -> bool:
        return data.get("token") == self.api.token

    async def _identify(self, connection: _Connection, data: dict[str, Any]) -> Session:
        self.identifies += 1
        self.intents = data.get("intents")
        session = Session(f"fake-session-{next(self._ids)}", connection=connection)
        self._sessions[session.id] = session
        self.session = session
        await self.dispatch("READY", {
            "v": int(API_VERSION), "user": _bot_user(), "session_id": session.id,
            "resume_gateway_url": self.api.gateway_url, "shard": [0, 1],
            "guilds": [{"id": str(g.id), "unavailable": True} for g in self.guilds],
            "application": {"id": str(APP_ID), "flags": 0}, "private_channels": [],
            "relationships": [], "user_settings": {}, "presences": [],
            "geo_ordered_rtc_regions": [], "session_type": "normal", "auth": {},
            "_trace": ["fake-gateway"]})
        for guild in self.guilds:
            await self.dispatch("GUILD_CREATE", guild.payload())
        return session

    async def _resume(self, connection: _Connection, data: dict[str, Any]) -> Session | None:
        session = self._sessions.get(str(data.get("session_id")))
        seq = data.get("seq")
        if session is None or not isinstance(seq, int) or seq > session.seq:
            await connection.send({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return None
        self.resumes.append(seq)
        missed = [e for e in session.events if int(e["s"]) > seq]
        session.connection = connection
        self.session = session
        for event in missed:
            await connection.send(event)
        await self.dispatch("RESUMED", {"_trace": ["fake-gateway"]})
        return session

    def _notify(self) -> None:
        self._changed.set()
