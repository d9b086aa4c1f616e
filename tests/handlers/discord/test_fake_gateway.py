"""The fake gateway speaks Discord's protocol as discord.py reads it (zlib-stream framing,
HELLO, IDENTIFY → READY and GUILD_CREATE, heartbeats, RESUME, close codes), and the fake
forgets an interaction that is not answered in time, as Discord does after 3 s."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from discord.utils import _ActiveDecompressionContext

from handlers.discord import MarketBot
from tests.conftest import ROOT
from tests.fakes import discord_interactions as di
from tests.fakes.discord_api import FakeDiscordAPI
from tests.fakes.discord_server import FakeDiscord
from tests.handlers.discord.conftest import interact

TOKEN = "MTEwMDAw.fake-gateway-test-token.XYZ"
QUERY = "?v=10&encoding=json&compress=zlib-stream"


@pytest.fixture
async def discord_fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord(token=TOKEN, heartbeat_interval_ms=45000) as fake:
        yield fake


class Client:
    """A bare websocket client that decompresses the way discord.py does."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.inflate = _ActiveDecompressionContext()
        self.hello: dict[str, Any] = {}

    async def receive(self) -> dict[str, Any]:
        while True:
            message = await self.socket.receive(timeout=10)
            assert message.type is aiohttp.WSMsgType.BINARY, message
            text = self.inflate.decompress(message.data)
            if text is not None:
                return dict(json.loads(text))

    async def send(self, op: int, data: Any) -> None:
        await self.socket.send_str(json.dumps({"op": op, "d": data}))


async def connect(http: aiohttp.ClientSession, fake: FakeDiscord | str) -> Client:
    url = fake if isinstance(fake, str) else fake.api.gateway_url
    client = Client(await http.ws_connect(url + QUERY))
    client.hello = await client.receive()
    assert client.hello["op"] == 10
    return client


async def test_identify_heartbeat_and_resume(discord_fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as http:
        first = await connect(http, discord_fake)
        assert first.hello["d"] == {"heartbeat_interval": 45000}
        await first.send(1, None)
        assert (await first.receive())["op"] == 11
        await first.send(2, {"token": TOKEN, "intents": 1, "properties": {}})
        ready = await first.receive()
        assert (ready["t"], ready["s"]) == ("READY", 1)
        assert ready["d"]["resume_gateway_url"] == discord_fake.api.gateway_url
        guild = await first.receive()
        assert guild["t"] == "GUILD_CREATE" and guild["d"]["id"] == str(di.GUILD_ID)
        session = ready["d"]["session_id"]

        await discord_fake.gateway.request_reconnect()
        assert (await first.receive())["op"] == 7
        await first.socket.close()
        missed = await discord_fake.command("status")  # while nobody is connected

        second = await connect(http, discord_fake)
        await second.send(6, {"token": TOKEN, "session_id": session, "seq": 2})
        replayed = await second.receive()
        assert (replayed["t"], replayed["s"]) == ("INTERACTION_CREATE", 3)
        assert replayed["d"]["id"] == missed["id"]
        assert (await second.receive())["t"] == "RESUMED"
        await second.socket.close()
    assert discord_fake.gateway.identifies == 1 and discord_fake.gateway.resumes == [2]
    assert discord_fake.gateway.heartbeats == 1


@pytest.mark.parametrize(("op", "data", "code"), [
    (2, {"token": "wrong", "intents": 1, "properties": {}}, 4004),
    (6, {"token": "wrong", "session_id": "x", "seq": 1}, 4004),
    (3, {"status": "online"}, 4003),
])
async def test_bad_openings_close_the_socket(discord_fake: FakeDiscord, op: int,
                                             data: dict[str, Any], code: int) -> None:
    async with aiohttp.ClientSession() as http:
        client = await connect(http, discord_fake)
        await client.send(op, data)
        closed = await client.socket.receive(timeout=10)
    assert closed.type is aiohttp.WSMsgType.CLOSE and closed.data == code


async def test_an_unknown_session_cannot_resume(discord_fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as http:
        client = await connect(http, discord_fake)
        await client.send(6, {"token": TOKEN, "session_id": "nobody", "seq": 1})
        invalid = await client.receive()
        await client.socket.close()
    assert (invalid["op"], invalid["d"]) == (9, False)


async def test_an_interaction_not_answered_in_time_is_unknown(bot: MarketBot,
                                                              fake: FakeDiscordAPI) -> None:
    """Discord's window is 3 s; a window of 0 makes every answer late, deterministically."""
    fake.interaction_timeout_s = 0.0
    payload = di.command("status")
    posted = await interact(bot, fake, payload)
    callback = f"/interactions/{payload['id']}/{payload['token']}/callback"
    answers = [c for c in fake.calls if c.path == callback]
    assert answers and {c.status for c in answers} == {404}
    assert fake.expired == 1 and posted == []
    assert fake.acknowledgement(payload) == (None, False)


async def test_the_server_started_by_hand_is_driven_through_its_controls() -> None:
    """``python -m tests.fakes.discord_server`` as the README runs it: it prints where it is
    and its token; ``POST /_fake/interactions`` types a command that arrives over the
    gateway; ``GET /_fake/state`` shows the session. (``test_end_to_end.py`` runs the bot
    against the same fake.)"""
    server = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fakes.discord_server", "--port", "0", cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=asyncio.subprocess.PIPE)
    try:
        assert server.stdout is not None
        started = json.loads(await asyncio.wait_for(server.stdout.readline(), 60))
        async with aiohttp.ClientSession(started["api_base"]) as http:
            async with http.get("/api/v10/gateway/bot",
                                headers={"Authorization": f"Bot {started['token']}"}) as got:
                gateway = (await got.json())["url"]
            async with http.post("/_fake/interactions", json={"command": "report"}) as early:
                assert early.status == 409, "nobody is connected yet"
            client = await connect(http, gateway)
            await client.send(2, {"token": started["token"], "intents": 1, "properties": {}})
            assert [(await client.receive())["t"] for _ in range(2)] == ["READY",
                                                                        "GUILD_CREATE"]
            async with http.post("/_fake/interactions",
                                 json={"command": "subscribe", "permissions": "moderator",
                                       "options": {"time": "07:00"}}) as typed:
                sent = await typed.json()
            event = await client.receive()
            async with http.get("/_fake/state") as answer:
                state = await answer.json()
            await client.socket.close()
    finally:
        server.terminate()
        await server.wait()
    assert started["api_base"].startswith("http://127.0.0.1:")
    assert gateway == started["api_base"].replace("http://", "ws://") + "/gateway"
    assert (event["t"], event["s"], event["d"]["id"]) == ("INTERACTION_CREATE", 3, sent["id"])
    assert event["d"]["data"]["options"] == [{"name": "time", "type": 3, "value": "07:00"}]
    assert int(event["d"]["member"]["permissions"]) == di.MODERATOR
    assert state["connected"] and state["identifies"] == 1
    assert state["compressions"] == ["zlib-stream"]
