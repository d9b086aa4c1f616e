"""Updates as Telegram sends them: commands carry a ``bot_command`` entity, or PTB ignores them."""

from __future__ import annotations

import itertools
import time
from typing import Any

_ids = itertools.count(1_000)


def user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": f"User {user_id}",
            "language_code": "en"}


def chat(chat_id: int | str, kind: str | None = None) -> dict[str, Any]:
    if kind is None:
        kind = "private" if isinstance(chat_id, int) and chat_id > 0 else (
            "supergroup" if str(chat_id).startswith("-100") else "group")
    out: dict[str, Any] = {"id": chat_id, "type": kind}
    if kind == "private":
        out["first_name"] = f"User {chat_id}"
    else:
        out["title"] = f"Chat {chat_id}"
    return out


def message(text: str, chat_id: int, user_id: int | None = None, kind: str | None = None,
            message_id: int | None = None) -> dict[str, Any]:
    """A text message; a leading ``/word`` gets its ``bot_command`` entity."""
    body: dict[str, Any] = {"message_id": message_id or next(_ids), "date": int(time.time()),
                            "chat": chat(chat_id, kind), "text": text}
    if kind != "channel":
        body["from"] = user(user_id if user_id is not None else abs(chat_id))
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0,
                             "length": len(text.split()[0])}]
    return body


def command(text: str, chat_id: int = 1001, user_id: int | None = None,
            kind: str | None = None, update_id: int | None = None) -> dict[str, Any]:
    """``/report full`` typed by ``user_id`` in ``chat_id`` (a private chat by default)."""
    return {"update_id": update_id or next(_ids),
            "message": message(text, chat_id, user_id, kind)}


def channel_post(text: str, chat_id: int, update_id: int | None = None) -> dict[str, Any]:
    """A post in a channel (only its administrators can post)."""
    post = message(text, chat_id, kind="channel")
    post["sender_chat"] = chat(chat_id, "channel")
    return {"update_id": update_id or next(_ids), "channel_post": post}


def anonymous_admin_command(text: str, chat_id: int) -> dict[str, Any]:
    """A command sent by an anonymous group administrator (``sender_chat`` is the group)."""
    update = command(text, chat_id, user_id=1087968824)  # @GroupAnonymousBot
    update["message"]["sender_chat"] = chat(chat_id)
    return update


def callback(data: str, chat_id: int = 1001, user_id: int | None = None,
             message_id: int = 1, photo: bool = False, text: str = "menu",
             update_id: int | None = None) -> dict[str, Any]:
    """A press on an inline button under the bot's message ``message_id``."""
    bot = {"id": 123456789, "is_bot": True, "first_name": "Market Bot",
           "username": "market_test_bot"}
    origin: dict[str, Any] = {"message_id": message_id, "date": int(time.time()),
                              "chat": chat(chat_id), "from": bot}
    if photo:
        origin["photo"] = [{"file_id": "fake-photo-1", "file_unique_id": "u-1",
                            "width": 1280, "height": 720}]
    else:
        origin["text"] = text
    who = user_id if user_id is not None else abs(chat_id)
    return {"update_id": update_id or next(_ids),
            "callback_query": {"id": str(next(_ids)), "from": user(who), "message": origin,
                               "chat_instance": str(chat_id), "data": data}}


def migrated(old_id: int, new_id: int) -> dict[str, Any]:
    """The service message Telegram posts in a group that became a supergroup."""
    body = {"message_id": next(_ids), "date": int(time.time()), "chat": chat(old_id, "group"),
            "from": user(1), "migrate_to_chat_id": new_id}
    return {"update_id": next(_ids), "message": body}


def my_chat_member(chat_id: int, new_status: str, old_status: str = "member",
                   by: int = 1) -> dict[str, Any]:
    """The bot's own membership changed (``kicked`` when a user blocks it)."""
    bot = {"id": 123456789, "is_bot": True, "first_name": "Market Bot",
           "username": "market_test_bot"}
    extra = {"until_date": 0} if new_status == "kicked" else {}
    return {"update_id": next(_ids), "my_chat_member": {
        "chat": chat(chat_id), "from": user(by), "date": int(time.time()),
        "old_chat_member": {"status": old_status, "user": bot},
        "new_chat_member": {"status": new_status, "user": bot, **extra}}}
