"""The daily post to a Discord channel, and what happens when the channel is gone.

``send_edition`` posts one message (Key Insight embed, dashboard image, section menu) and
turns Discord's answers into the product's error tree, so the scheduler's fan-out (issue #7)
handles every platform alike:

    404 Unknown Channel, 403 Missing Access   → DestinationGone (deactivate the subscription)
    429 longer than the client will wait      → RateLimited (shorter ones discord.py waits out,
                                                per bucket, and retries itself)
    5xx after discord.py's retries, network   → DeliveryUnavailable (retry later)
    any other HTTP error                       → DeliveryError

``post_to_subscribers`` is the simple fan-out over Discord subscriptions: each channel is
isolated, a gone channel is deactivated and logged, the others still receive the post.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord

from handlers.discord.deps import PLATFORM
from handlers.discord.messages import dashboard_png, insight_post
from handlers.discord.section_menu import menu_view
from services.delivery.channels import Note
from services.errors import (
    DeliveryError,
    DeliveryUnavailable,
    DestinationGone,
    RateLimited,
)
from services.renderers import notes
from services.report.editions import ChartRenderer, Edition
from services.storage.languages import LanguageStore
from services.storage.subscriptions import SubscriptionStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PostedEdition:
    """What one send produced: the message ids, and the dashboard's attachment URL.

    Passing that URL as ``image_url`` to later sends of the same edition skips the upload.
    Caveat: Discord signs attachment URLs with an expiry (about a day) and removes them with
    their message, so a reused URL can stop showing later; uploading per channel is the safe
    default and what ``post_to_subscribers`` does (the PNG itself is rendered once per
    edition either way)."""

    message_ids: tuple[str, ...]
    image_url: str | None = None


@dataclass
class FanoutSummary:
    sent: int = 0
    deactivated: int = 0
    failed: int = 0


def destination(channel_id: int | str) -> str:
    return f"{PLATFORM}:{channel_id}"


def _reason(exc: discord.HTTPException) -> str:
    return f"HTTP {exc.status} {exc.text or exc.response.reason or ''}".strip()


class EditionPoster:
    def __init__(self, client: discord.Client, charts: ChartRenderer | None,
                 subscriptions: SubscriptionStore | None = None,
                 languages: LanguageStore | None = None) -> None:
        self._client = client
        self._charts = charts
        self._subscriptions = subscriptions
        self._languages = languages

    async def send_edition(self, channel_id: int | str, edition: Edition,
                           image_url: str | None = None) -> PostedEdition:
        """Post the edition (in its report's language) to one channel; raises a
        ``DeliveryError`` subclass on failure."""
        png = None if image_url else await dashboard_png(edition, self._charts)
        post = insight_post(edition, png, image_url, menu_view(edition.language))
        kwargs: dict[str, Any] = {"embeds": post.embeds, "view": post.view}
        if post.files:
            kwargs["files"] = post.files
        message = await self._send(channel_id, kwargs)
        url = message.attachments[0].url if message.attachments else image_url
        return PostedEdition((str(message.id),), url)

    async def send_note(self, channel_id: int | str, note: Note) -> tuple[str, ...]:
        """A short message of the bot's own (an alert, a watchlist block): one embed a
        message; the message ids."""
        ids = []
        for embed in notes.discord(note):
            message = await self._send(channel_id, {"embed": discord.Embed.from_dict(embed)})
            ids.append(str(message.id))
        return tuple(ids)

    async def _send(self, channel_id: int | str, kwargs: dict[str, Any]) -> discord.Message:
        """``channel.send(**kwargs)``, Discord's answers turned into the product's errors."""
        where = destination(channel_id)
        channel = self._client.get_partial_messageable(int(channel_id))
        try:
            return await channel.send(**kwargs)
        except (discord.NotFound, discord.Forbidden) as exc:
            raise DestinationGone(where, _reason(exc)) from None
        except discord.RateLimited as exc:
            raise RateLimited(where, exc.retry_after) from None
        except discord.DiscordServerError as exc:
            raise DeliveryUnavailable(where, _reason(exc)) from None
        except discord.HTTPException as exc:
            raise DeliveryError(where, _reason(exc)) from None
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise DeliveryUnavailable(where, f"network: {type(exc).__name__}") from None

    async def deliver(self, channel_id: int | str, edition: Edition,
                      image_url: str | None = None) -> PostedEdition | None:
        """``send_edition``, deactivating the subscription (and logging it) when the channel
        is gone; None then. Other delivery errors propagate."""
        try:
            return await self.send_edition(channel_id, edition, image_url)
        except DestinationGone as exc:
            if self._subscriptions is not None:
                await self._subscriptions.deactivate(PLATFORM, str(channel_id), exc.reason)
            log.warning("deactivated %s: %s", exc.destination, exc.reason)
            return None

    async def post_to_subscribers(self, edition: Edition) -> FanoutSummary:
        """The edition to every active Discord subscription, one channel at a time; one
        channel's failure never stops the others."""
        if self._subscriptions is None:
            raise ValueError("post_to_subscribers needs the subscription store")
        summary = FanoutSummary()
        for sub in await self._subscriptions.list(PLATFORM):
            if self._languages is not None:
                language = await self._languages.get(PLATFORM, sub.destination_id)
                localised = await edition.localised(language)
            else:
                localised = edition
            try:
                posted = await self.deliver(sub.destination_id, localised)
            except DeliveryError as exc:
                summary.failed += 1
                log.warning("could not post edition %s to %s: %s", edition.id,
                            exc.destination, exc.reason)
                continue
            if posted is None:
                summary.deactivated += 1
            else:
                summary.sent += 1
        return summary
