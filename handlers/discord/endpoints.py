"""Pointing discord.py at another Discord (``DISCORD_API_BASE``, e.g. a loopback fake).

discord.py keeps its REST base in a class attribute (``discord.http.Route.BASE``) and a
client connects its gateway to ``DiscordWebSocket.DEFAULT_GATEWAY`` (it never asks
``GET /gateway/bot`` unless sharded). So both are set for the process: the REST base from
the setting, the gateway from that server's own ``GET /gateway/bot``, which must answer
``wss://`` (or ``ws://`` on loopback): the token goes over it in IDENTIFY. Resumes use the
``resume_gateway_url`` of READY, as with Discord. With the setting unset nothing is touched.
"""

from __future__ import annotations

import re

import discord
import yarl
from discord.gateway import DiscordWebSocket

from bot.config import endpoint_problem
from services.errors import ConfigError


def rest_base(api_base: str) -> str:
    """``https://host[/prefix]`` → ``https://host[/prefix]/api/v10``; a base that already ends
    in ``/api/vN`` is used as it is."""
    root = api_base.rstrip("/")
    if re.search(r"/api/v\d+$", root):
        return root
    return f"{root}/api/v{discord.http.INTERNAL_API_VERSION}"


def use_api(api_base: str) -> None:
    """Every REST call of every discord.py client in this process goes to ``api_base``."""
    discord.http.Route.BASE = rest_base(api_base)


async def use_gateway_of(client: discord.Client) -> str:
    """Connect the gateway where the (logged-in) client's REST server says; its URL."""
    _, url, _ = await client.http.get_bot_gateway()
    problem = endpoint_problem(url, "wss", "ws")
    if problem is not None:
        raise ConfigError(f"the gateway URL that DISCORD_API_BASE's server gave {problem}")
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
    return url
