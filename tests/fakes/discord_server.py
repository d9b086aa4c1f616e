"""Discord on loopback, REST and gateway on one port, for a bot in another process.

    python -m tests.fakes.discord_server --port 8082 [--token T] [--interaction-timeout 3]

prints ``{"api_base": "http://127.0.0.1:8082", "token": …}``; start the bot with
``DISCORD_API_BASE`` and ``DISCORD_BOT_TOKEN`` set to those. Control endpoints (JSON):

- ``POST /_fake/interactions`` a slash command: ``{"command": "report", "options": {…},
  "channel_id": …, "permissions": "member" | "moderator"}``; or a whole
  ``INTERACTION_CREATE`` payload as ``{"payload": {…}}``. Answers ``{"id", "sequence"}``.
- ``POST /_fake/select`` ``{"message_id": …, "values": ["us_market"]}``: pick from the select
  menu of a message the bot sent;
- ``POST /_fake/reconnect``: the gateway asks the bot to reconnect (op 7);
- ``POST /_fake/rate_limit`` ``{"method": "POST", "path": "/channels/.*/messages",
  "times": 1, "retry_after": 0.5, "global": false}``;
- ``POST /_fake/channel_gone`` ``{"channel_id": …, "status": 404 | 403}``;
- ``GET /_fake/sent`` every message the fake accepted; ``GET /_fake/state`` the gateway's
  and the REST side's counters.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes import discord_interactions as di
from tests.fakes.discord_api import GONE_DELETED, GONE_NO_ACCESS, FakeDiscordAPI, Posted
from tests.fakes.discord_gateway import FakeGateway, Guild

CONTROL = "/_fake"
TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAx.fake-gateway-token.not-a-real-secret"
PERMISSIONS = {"member": di.MEMBER, "moderator": di.MODERATOR}


@dataclass
class FakeDiscord:
    """The REST fake and the gateway fake, served together, with HTTP controls."""

    token: str = TOKEN
    interaction_timeout_s: float = 3.0
    heartbeat_interval_ms: int = 41250
    guilds: tuple[Guild, ...] = (Guild(),)
    api: FakeDiscordAPI = field(init=False)
    gateway: FakeGateway = field(init=False)

    def __post_init__(self) -> None:
        self.api = FakeDiscordAPI(token=self.token,
                                  interaction_timeout_s=self.interaction_timeout_s)
        self.gateway = FakeGateway(self.api, self.heartbeat_interval_ms, self.guilds)

    async def start(self, port: int = 0) -> FakeDiscord:
        await self.gateway.start(port, self._controls)
        return self

    async def close(self) -> None:
        await self.gateway.close()

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def api_base(self) -> str:
        """The value for ``DISCORD_API_BASE``."""
        return self.api.root_url

    # --- in-process use -----------------------------------------------------------------

    async def command(self, name: str, options: dict[str, str] | None = None, *,
                      channel_id: int = di.CHANNEL_ID, permissions: int = di.MEMBER
                      ) -> dict[str, Any]:
        """Type a slash command in a channel: dispatched over the gateway; the payload."""
        payload = di.command(name, options, channel_id=channel_id, permissions=permissions)
        await self.gateway.interaction(payload)
        return payload

    async def pick(self, message: Posted, values: list[str]) -> dict[str, Any]:
        """Choose ``values`` in the first select menu of a message the bot sent."""
        custom_id = _select_id(message)
        payload = di.select(self.api.message_object(message), custom_id, values,
                            channel_id=message.channel_id)
        await self.gateway.interaction(payload)
        return payload

    def answers(self, payload: dict[str, Any]) -> list[Posted]:
        """What the bot posted for this interaction."""
        return self.api.for_interaction(payload)

    # --- the control endpoints ----------------------------------------------------------

    def _controls(self, app: web.Application) -> None:
        app.router.add_post(CONTROL + "/interactions", self._post_interaction)
        app.router.add_post(CONTROL + "/select", self._post_select)
        app.router.add_post(CONTROL + "/reconnect", self._post_reconnect)
        app.router.add_post(CONTROL + "/rate_limit", self._post_rate_limit)
        app.router.add_post(CONTROL + "/channel_gone", self._post_channel_gone)
        app.router.add_get(CONTROL + "/sent", self._get_sent)
        app.router.add_get(CONTROL + "/state", self._get_state)

    async def _post_interaction(self, request: web.Request) -> web.Response:
        body = await _body(request)
        if "payload" in body:
            payload = body["payload"]
        else:
            permissions = body.get("permissions", "member")
            payload = di.command(str(body["command"]).lstrip("/"), body.get("options"),
                                 channel_id=int(body.get("channel_id", di.CHANNEL_ID)),
                                 permissions=PERMISSIONS.get(permissions, di.MEMBER)
                                 if isinstance(permissions, str) else int(permissions))
        if not self.gateway.connected:
            return _answer(409, {"error": "no bot is connected to the gateway"})
        sequence = await self.gateway.interaction(payload)
        return _answer(200, {"id": payload["id"], "sequence": sequence})

    async def _post_select(self, request: web.Request) -> web.Response:
        body = await _body(request)
        message = next((p for p in reversed(self.api.posted)
                        if p.message_id == int(body["message_id"])), None)
        if message is None:
            return _answer(404, {"error": "no such message"})
        payload = await self.pick(message, [str(v) for v in body["values"]])
        return _answer(200, {"id": payload["id"]})

    async def _post_reconnect(self, request: web.Request) -> web.Response:
        if not self.gateway.connected:
            return _answer(409, {"error": "no bot is connected to the gateway"})
        await self.gateway.request_reconnect()
        return _answer(200, {"ok": True})

    async def _post_rate_limit(self, request: web.Request) -> web.Response:
        body = await _body(request)
        self.api.rate_limit_next(body.get("method", "POST"),
                                 body.get("path", r"/channels/\d+/messages"),
                                 int(body.get("times", 1)),
                                 float(body.get("retry_after", 0.5)),
                                 bool(body.get("global", False)))
        return _answer(200, {"ok": True})

    async def _post_channel_gone(self, request: web.Request) -> web.Response:
        body = await _body(request)
        gone = GONE_NO_ACCESS if int(body.get("status", 404)) == 403 else GONE_DELETED
        self.api.channel_gone(int(body["channel_id"]), gone)
        return _answer(200, {"ok": True})

    async def _get_sent(self, request: web.Request) -> web.Response:
        return _answer(200, [sent_record(p) for p in self.api.posted])

    async def _get_state(self, request: web.Request) -> web.Response:
        gateway, api = self.gateway, self.api
        return _answer(200, {
            "connected": gateway.connected, "identifies": gateway.identifies,
            "resumes": gateway.resumes, "heartbeats": gateway.heartbeats,
            "compressions": gateway.compressions, "intents": gateway.intents,
            "synced": {str(k): [c["name"] for c in v] for k, v in api.synced.items()},
            "throttled": api.throttled, "expired": api.expired,
            "rejected": [problems for _, problems in api.rejected],
            "calls": [f"{c.method} {c.path} {c.status}" for c in api.calls]})


def sent_record(posted: Posted) -> dict[str, Any]:
    """One accepted message as the control endpoint shows it (file bytes as sizes)."""
    return {"message_id": str(posted.message_id), "channel_id": str(posted.channel_id),
            "via": posted.via, "ephemeral": posted.ephemeral,
            "interaction_id": str(posted.interaction_id) if posted.interaction_id else None,
            "content": posted.content, "embeds": posted.embeds,
            "components": posted.payload.get("components") or [],
            "files": [{"filename": u.filename, "bytes": len(u.data)} for u in posted.uploads]}


def _select_id(message: Posted) -> str:
    for row in message.payload.get("components") or []:
        for child in row.get("components") or []:
            if child.get("type") == 3:
                return str(child["custom_id"])
    raise ValueError(f"message {message.message_id} has no select menu")


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    data = json.loads(raw) if raw else {}
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(text="expected a JSON object")
    return data


def _answer(status: int, body: Any) -> web.Response:
    return web.Response(status=status, text=json.dumps(body, ensure_ascii=False),
                        content_type="application/json")


def main() -> None:
    parser = argparse.ArgumentParser(description="A fake Discord (REST + gateway) on loopback.")
    parser.add_argument("--port", type=int, default=8082)
    parser.add_argument("--token", default=TOKEN)
    parser.add_argument("--interaction-timeout", type=float, default=3.0,
                        help="seconds an interaction waits for its response (Discord: 3)")
    args = parser.parse_args()

    async def serve() -> None:
        fake = await FakeDiscord(token=args.token,
                                 interaction_timeout_s=args.interaction_timeout
                                 ).start(args.port)
        print(json.dumps({"api_base": fake.api_base, "token": args.token}), flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await fake.close()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())


if __name__ == "__main__":
    main()
