"""The command tree, with one check before every command: no value longer than any we accept.

Discord lets an option carry up to 6,000 characters; every value our commands take is a few
dozen at most (``services.input_limits``). A longer one is refused here with a short line, by
the one error handler, before the command runs or repeats it anywhere.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import discord
from discord import app_commands

from services.errors import Say
from services.input_limits import value_problem
from services.ops.context import CHAT_ID

STARTED = "started_s"  # in ``interaction.extras``: when the command began (perf_counter)


class ValueTooLong(app_commands.CheckFailure):
    """An option's value is longer than ``MAX_VALUE_CHARS``; ``say`` is the user's line (the
    error handler writes it in the channel's language; ``str()`` is the English line)."""

    def __init__(self, say: Say) -> None:
        self.say = say
        super().__init__(str(say))


def _values(options: list[dict[str, Any]]) -> Iterator[object]:
    for option in options:
        if "value" in option:
            yield option["value"]
        yield from _values(option.get("options", []))  # subcommands nest their options


# Commands whose own option is longer by design and bounded by the command itself: /ask takes a
# question of up to ASK_MAX_CHARS and refuses a longer one in its own words.
BOUNDED_ELSEWHERE = frozenset({"ask"})


class BoundedTree(app_commands.CommandTree[discord.Client]):
    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """Refuse a command with an overlong value; autocomplete is answered from a clipped
        prefix by the command itself (it cannot reply with a line)."""
        if interaction.type is not discord.InteractionType.application_command:
            return True
        interaction.extras[STARTED] = time.perf_counter()
        if interaction.channel_id is not None:  # the rest of this task logs with it
            CHAT_ID.set(str(interaction.channel_id))
        data: dict[str, Any] = dict(interaction.data or {})
        if data.get("name") in BOUNDED_ELSEWHERE:
            return True
        for value in _values(data.get("options", [])):
            problem = value_problem(value) if isinstance(value, str) else None
            if problem is not None:
                raise ValueTooLong(problem)
        return True


def observe(interaction: discord.Interaction) -> None:
    """The command's latency (``marketbot_command_seconds``), once it has answered or
    failed; nothing for an interaction that was not a timed command."""
    started = interaction.extras.pop(STARTED, None)
    metrics = getattr(getattr(interaction.client, "deps", None), "metrics", None)
    if started is None or metrics is None:
        return
    name = interaction.command.qualified_name if interaction.command else "unknown"
    metrics.command("discord", name, time.perf_counter() - started)
