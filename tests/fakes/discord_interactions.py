"""Interaction payloads as Discord's gateway delivers them (``INTERACTION_CREATE``), to feed
``bot._connection.parse_interaction_create`` so discord.py's real command tree runs."""

from __future__ import annotations

import itertools
from typing import Any

from tests.fakes.discord_api import APP_ID

GUILD_ID = 900000000000000001
CHANNEL_ID = 900000000000000002
USER_ID = 900000000000000003

VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_HISTORY = 1 << 16
MANAGE_CHANNELS = 1 << 4
USE_COMMANDS = 1 << 31

MEMBER = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_HISTORY | USE_COMMANDS
MODERATOR = MEMBER | MANAGE_CHANNELS
BOT = VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_HISTORY
UPLOAD_LIMIT = 10 * 1024 * 1024

_ids = itertools.count(1400000000000000000)


def _user() -> dict[str, Any]:
    return {"id": str(USER_ID), "username": "trader", "discriminator": "0",
            "global_name": "Trader", "avatar": None, "public_flags": 0}


def _base(kind: int, *, guild: bool, channel_id: int, permissions: int,
          app_permissions: int) -> dict[str, Any]:
    interaction_id = next(_ids)
    payload: dict[str, Any] = {
        "id": str(interaction_id), "application_id": str(APP_ID), "type": kind,
        "token": f"interaction-token-{interaction_id}", "version": 1,
        "channel_id": str(channel_id), "app_permissions": str(app_permissions),
        "locale": "en-US", "entitlements": [], "attachment_size_limit": UPLOAD_LIMIT,
        "authorizing_integration_owners": {"0": str(GUILD_ID)} if guild else {"1": str(USER_ID)},
        "context": 0 if guild else 1,
    }
    if guild:
        payload["guild_id"] = str(GUILD_ID)
        payload["guild_locale"] = "en-US"
        payload["guild"] = {"id": str(GUILD_ID), "locale": "en-US", "features": []}
        payload["channel"] = {"id": str(channel_id), "type": 0, "guild_id": str(GUILD_ID),
                              "name": "markets", "position": 0, "permission_overwrites": [],
                              "nsfw": False, "parent_id": None, "flags": 0,
                              "rate_limit_per_user": 0, "topic": None,
                              "last_message_id": None, "permissions": str(permissions)}
        payload["member"] = {"user": _user(), "roles": [], "joined_at": "2025-01-01T00:00:00Z",
                             "deaf": False, "mute": False, "flags": 0, "nick": None,
                             "permissions": str(permissions)}
    else:
        payload["channel"] = {"id": str(channel_id), "type": 1, "recipients": [_user()],
                              "last_message_id": None, "flags": 0}
        payload["user"] = _user()
    return payload


def command(name: str, options: dict[str, str] | None = None, *, guild: bool = True,
            channel_id: int = CHANNEL_ID, permissions: int = MEMBER,
            app_permissions: int = BOT, focused: str | None = None) -> dict[str, Any]:
    """A slash command (type 2), or its autocomplete (type 4) when ``focused`` names the
    option being typed."""
    payload = _base(4 if focused else 2, guild=guild, channel_id=channel_id,
                    permissions=permissions, app_permissions=app_permissions)
    opts = []
    for key, value in (options or {}).items():
        option: dict[str, Any] = {"name": key, "type": 3, "value": value}
        if key == focused:
            option["focused"] = True
        opts.append(option)
    payload["data"] = {"id": str(next(_ids)), "name": name, "type": 1, "options": opts}
    if guild:
        payload["data"]["guild_id"] = str(GUILD_ID)
    return payload


def select(message: dict[str, Any], custom_id: str, values: list[str], *,
           channel_id: int = CHANNEL_ID) -> dict[str, Any]:
    """A choice in a select menu (type 3) on ``message`` (a message object as Discord
    returns it)."""
    payload = _base(3, guild=True, channel_id=channel_id, permissions=MEMBER,
                    app_permissions=BOT)
    payload["message"] = message
    payload["data"] = {"custom_id": custom_id, "component_type": 3, "values": values}
    return payload
