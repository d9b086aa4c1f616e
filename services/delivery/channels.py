"""The delivery port: what the fan-out needs from a platform.

A ``Sender`` posts one edition to one destination and either returns what the platform
answered or raises the product's error for what went wrong (``services.errors``):

    DestinationGone       blocked, kicked, deleted     → the subscription is deactivated
    DestinationMoved      a group got a new id         → the subscription moves, resend there
    RateLimited           wait ``retry_after``         → the same destination is retried
    DeliveryInDoubt       failed after the request left → retried, counted as a possible dup
    DeliveryUnavailable   5xx before sending, network  → retried with back-off, up to a limit
    DeliveryAborted       the bot itself is refused    → this platform stops; rows stay pending
    DeliveryError         anything else the platform refused → the row fails with the reason

Pacing within the platform's limits is the sender's job (it knows them): ``pace`` for the
overall rate, taken before a row is claimed; retrying is the fan-out's (one policy for every
platform).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from services.report.editions import Edition


@dataclass(frozen=True)
class SendResult:
    """The platform's ids for what it accepted; ``uploaded`` names charts uploaded by this
    send (not reused from an earlier one)."""

    message_ids: tuple[str, ...]
    uploaded: tuple[str, ...] = ()


class Sender(Protocol):
    platform: str
    concurrency: int

    async def prepare(self, edition: Edition) -> None:
        """Make what every send of ``edition`` needs (the dashboard), before the first claim."""
        ...

    async def pace(self) -> None:
        """Wait for a turn within the platform's overall rate; the fan-out calls it before
        claiming a row and before each retry."""
        ...

    async def send_edition(self, destination_id: str, edition: Edition) -> SendResult:
        """Post the edition (after ``pace``); per-destination limits are waited for here."""
        ...


@dataclass(frozen=True)
class Note:
    """A short text message of the bot's own (an alert, a watchlist block): a title, lines,
    and an optional footer, rendered per platform by ``services.renderers.notes``."""

    title: str
    lines: tuple[str, ...]
    footer: str | None = None


@runtime_checkable
class NoteSender(Protocol):
    """A platform that can post a ``Note`` (the fan-out's senders can)."""

    platform: str

    async def pace(self) -> None: ...

    async def send_note(self, destination_id: str, note: Note) -> SendResult:
        """Post ``note``; raises the product's delivery errors as ``send_edition`` does."""
        ...
