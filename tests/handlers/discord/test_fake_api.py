"""The Discord fake rejects what Discord rejects, so "the fake accepted it" means something."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import aiohttp
import discord
import pytest

from handlers.discord import MarketBot
from tests.fakes import discord_interactions as di
from tests.fakes.charts import png
from tests.fakes.discord_api import FakeDiscordAPI

CHANNEL = 920000000000000001


def embed(**parts: Any) -> discord.Embed:
    return discord.Embed.from_dict({"title": "t", "description": "d", **parts})


def fields(n: int, name: str = "n", value: str = "v") -> list[dict[str, str]]:
    return [{"name": name, "value": value} for _ in range(n)]


OVER_LIMIT: dict[str, dict[str, Any]] = {
    "content 2001": {"content": "x" * 2001},
    "title 257": {"embed": embed(title="x" * 257)},
    "description 4097": {"embed": embed(description="x" * 4097)},
    "26 fields": {"embed": embed(fields=fields(26))},
    "field name 257": {"embed": embed(fields=fields(1, name="x" * 257))},
    "field value 1025": {"embed": embed(fields=fields(1, value="x" * 1025))},
    "footer 2049": {"embed": embed(footer={"text": "x" * 2049})},
    "6001 in total": {"embeds": [embed(description="x" * 4000, title=""),
                                 embed(description="x" * 2001, title="")]},
    "11 files": {"files": [discord.File(BytesIO(png()), filename=f"{i}.png")
                           for i in range(11)]},
    "image names no file": {"embed": embed(image={"url": "attachment://missing.png"})},
}


@pytest.mark.parametrize("case", list(OVER_LIMIT))
async def test_over_the_limit_is_rejected(bot: MarketBot, fake: FakeDiscordAPI,
                                          case: str) -> None:
    channel = bot.get_partial_messageable(CHANNEL)
    with pytest.raises(discord.HTTPException) as caught:
        await channel.send(**OVER_LIMIT[case])
    assert caught.value.status == 400 and caught.value.code == 50035
    assert len(fake.rejected) == 1 and fake.posted == []


async def test_eleven_embeds_are_rejected(fake: FakeDiscordAPI) -> None:
    """discord.py refuses to send 11 embeds itself, so post them directly."""
    body = {"embeds": [{"description": "d"} for _ in range(11)]}
    async with aiohttp.ClientSession() as http:
        answer = await http.post(f"{fake.base_url}/channels/{CHANNEL}/messages", json=body,
                                 headers={"Authorization": f"Bot {fake.token}"})
    assert answer.status == 400
    assert fake.rejected[0][1] == ["embeds: 11 embeds > 10"]


async def test_at_the_limit_is_accepted(bot: MarketBot, fake: FakeDiscordAPI) -> None:
    channel = bot.get_partial_messageable(CHANNEL)
    await channel.send(content="x" * 2000)
    await channel.send(embeds=[embed(title="", description="x" * 600) for _ in range(10)])
    await channel.send(embed=embed(title="x" * 256, description="x" * 4096,
                                   footer={"text": "x" * 1000}))
    await channel.send(embed=embed(title="", description="", fields=fields(25, "n", "v")))
    await channel.send(files=[discord.File(BytesIO(png()), filename=f"{i}.png")
                              for i in range(10)])
    assert fake.rejected == [] and len(fake.posted) == 5


async def test_interaction_flow_is_enforced(bot: MarketBot, fake: FakeDiscordAPI) -> None:
    payload = di.command("report")
    fake.register_interaction(payload)
    base = fake.base_url
    async with aiohttp.ClientSession() as http:
        followup = f"{base}/webhooks/{payload['application_id']}/{payload['token']}?wait=1"
        early = await http.post(followup, json={"content": "hi"})
        assert early.status == 404, "a follow-up before any response"
        callback = f"{base}/interactions/{payload['id']}/{payload['token']}/callback"
        assert (await http.post(callback, json={"type": 5})).status == 400, \
            "?with_response=1 is required"
        first = await http.post(callback + "?with_response=1", json={"type": 5})
        assert first.status == 200
        assert first.headers["Content-Type"] == "application/json"
        again = await http.post(callback + "?with_response=1", json={"type": 5})
        assert (again.status, (await again.json())["code"]) == (400, 40060)
        assert (await http.post(followup, json={"content": "hi"})).status == 200


async def test_429_carries_retry_after_and_via(fake: FakeDiscordAPI) -> None:
    fake.rate_limit_next("POST", r"/messages$", retry_after=1.5, is_global=True)
    async with aiohttp.ClientSession() as http:
        answer = await http.post(f"{fake.base_url}/channels/{CHANNEL}/messages",
                                 json={"content": "x"},
                                 headers={"Authorization": f"Bot {fake.token}"})
        body = await answer.json()
    assert answer.status == 429 and answer.headers["Via"]
    assert answer.headers["Content-Type"] == "application/json"
    assert body == {"message": "You are being rate limited.", "retry_after": 1.5,
                    "global": True}


async def test_bot_routes_need_the_token(fake: FakeDiscordAPI) -> None:
    async with aiohttp.ClientSession() as http:
        answer = await http.get(f"{fake.base_url}/users/@me",
                                headers={"Authorization": "Bot wrong"})
    assert answer.status == 401
