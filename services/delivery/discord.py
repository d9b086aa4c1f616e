"""The daily post to one Discord channel, through the Discord handlers' ``EditionPoster``
(``handlers/discord/delivery.py``: Key Insight embed, dashboard image, section menu; its
errors are already the product's).

What this adds for the fan-out:

- **one upload per edition and language**: the first post uploads the dashboard and its
  attachment URL is kept (``MediaCache``); later channels show that URL in their embed.
  Discord signs attachment URLs with an expiry of about a day, which a daily briefing
  outlives only in old
  scroll-back; the handlers' docstring discusses the trade-off.
- **doubt**: a 5xx or a timeout after the request went out becomes ``DeliveryInDoubt``
  (counted, then retried); a failed connection stays ``DeliveryUnavailable``. discord.py also
  retries some 5xx answers by itself before giving up, out of our sight.

Pacing is discord.py's: it honours Discord's per-route buckets and the global limit.
"""

from __future__ import annotations

from typing import Protocol

import aiohttp

from services.delivery.channels import Note, SendResult
from services.delivery.media import MediaCache, chart_key
from services.errors import DeliveryInDoubt, DeliveryUnavailable
from services.report.editions import Edition

PLATFORM = "discord"
DASHBOARD = "dashboard"


class Posted(Protocol):
    @property
    def message_ids(self) -> tuple[str, ...]: ...

    @property
    def image_url(self) -> str | None: ...


class Poster(Protocol):
    async def send_edition(self, channel_id: int | str, edition: Edition,
                           image_url: str | None = None) -> Posted: ...

    async def send_note(self, channel_id: int | str, note: Note) -> tuple[str, ...]: ...


def _in_doubt(exc: DeliveryUnavailable) -> bool:
    """Did the failure happen after the request went out?"""
    cause = exc.__cause__ or exc.__context__
    return not isinstance(cause, (aiohttp.ClientConnectorError, ConnectionRefusedError))


class DiscordSender:
    platform = PLATFORM

    def __init__(self, poster: Poster, media: MediaCache, concurrency: int = 4) -> None:
        self._poster = poster
        self._media = media
        self.concurrency = concurrency

    async def prepare(self, edition: Edition) -> None:
        return None  # the poster renders the dashboard once per edition itself

    async def pace(self) -> None:
        return None  # discord.py paces every request by its buckets

    async def send_edition(self, destination_id: str, edition: Edition) -> SendResult:
        key = (edition.id, PLATFORM, chart_key(DASHBOARD, edition.language))

        async def upload() -> tuple[SendResult, str | None]:
            posted = await self._post(destination_id, edition, None)
            uploaded = (DASHBOARD,) if posted.image_url else ()
            return SendResult(tuple(posted.message_ids), uploaded), posted.image_url

        async def reuse(url: str) -> SendResult:
            posted = await self._post(destination_id, edition, url)
            return SendResult(tuple(posted.message_ids))

        return await self._media.reuse_or_upload(key, reuse, upload)

    async def send_note(self, destination_id: str, note: Note) -> SendResult:
        """A short message of the bot's own (an alert, a watchlist block) as embeds."""
        try:
            return SendResult(await self._poster.send_note(destination_id, note))
        except DeliveryUnavailable as exc:
            if type(exc) is DeliveryUnavailable and _in_doubt(exc):
                raise DeliveryInDoubt(exc.destination, exc.reason) from exc
            raise

    async def _post(self, destination_id: str, edition: Edition, url: str | None) -> Posted:
        try:
            return await self._poster.send_edition(destination_id, edition, image_url=url)
        except DeliveryUnavailable as exc:
            if type(exc) is DeliveryUnavailable and _in_doubt(exc):
                raise DeliveryInDoubt(exc.destination, exc.reason) from exc
            raise
