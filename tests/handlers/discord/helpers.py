"""Assertions shared by the Discord handler tests."""

from __future__ import annotations

from typing import Any

from tests.fakes import discord_limits
from tests.fakes.discord_api import FakeDiscordAPI, Posted

NO_MENTIONS: dict[str, list[str]] = {"parse": []}


def assert_within_limits(posted: list[Posted]) -> None:
    for message in posted:
        assert discord_limits.message_problems(message.payload, message.filenames) == []


def assert_clean(fake: FakeDiscordAPI) -> None:
    """Nothing was rejected, and every message payload forbids every mention."""
    assert fake.rejected == []
    payloads = fake.message_payloads()
    assert payloads, "no message was sent"
    for payload in payloads:
        assert payload.get("allowed_mentions") == NO_MENTIONS, payload


def texts(posted: list[Posted]) -> list[str]:
    """Every piece of text the user sees, message by message."""
    out: list[str] = []
    for message in posted:
        out.append(message.content)
        for embed in message.embeds:
            out += [embed.get("title", ""), embed.get("description", ""),
                    (embed.get("footer") or {}).get("text", "")]
            out += [f"{f['name']} {f['value']}" for f in embed.get("fields") or []]
    return out


def sizes(posted: list[Posted]) -> list[list[int]]:
    """Per message, the characters of each embed as Discord counts them."""
    return [[discord_limits.embed_chars(e) for e in m.embeds] for m in posted]


def first_embed(posted: list[Posted]) -> dict[str, Any]:
    assert posted and posted[0].embeds
    return posted[0].embeds[0]
