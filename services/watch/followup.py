""""Your watchlist" after the daily edition, in each chat that has a watchlist.

The block follows the edition as a message of its own (the edition's photo, caption limit and
one-upload-per-chart media cache stay as they are), through a second fan-out on the same
delivery ledger: its rows are keyed ``<edition id>/watchlist``, one per chat, claimed before
the send and marked after it like the edition's, so a crash, a restart or a second instance
sends each chat's block once (with the delivery ledger's counted in-doubt window).

``WatchNoteSender.prepare`` fetches the quotes of every watched instrument once for the
edition (``WatchService.board``); every chat's block is cut from that one board.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from services.delivery.channels import Note, NoteSender, SendResult
from services.delivery.fanout import Fanout, FanoutResult
from services.delivery.ledger import Destination
from services.report.editions import Edition
from services.watch.block import WatchBlock
from services.watch.instruments import Listing
from services.watch.service import WatchService

SUFFIX = "/watchlist"


def followup_id(edition_id: str) -> str:
    return f"{edition_id}{SUFFIX}"


def base_id(followup: str) -> str:
    return followup.removesuffix(SUFFIX)


def followup_edition(edition: Edition) -> Edition:
    """The same edition under the follow-up's ledger key (sharing its reports by language:
    the fan-out gives each chat the edition in that chat's language)."""
    return replace(edition, id=followup_id(edition.id))


def block_note(block: WatchBlock) -> Note:
    lines: list[str] = []
    for head, figures in block.items():
        lines += [head, f"  {figures}"]
    return Note(block.title, tuple(lines), block.footer)


class PlatformSender(NoteSender, Protocol):
    concurrency: int


class WatchNoteSender:
    """A fan-out ``Sender`` whose "edition" is the chat's watchlist block."""

    def __init__(self, inner: PlatformSender, service: WatchService) -> None:
        self._inner = inner
        self._service = service
        self.platform = inner.platform
        self.concurrency = inner.concurrency
        self._every: dict[str, list[Listing]] = {}

    async def prepare(self, edition: Edition) -> None:
        key = base_id(edition.id)
        watched = await self._service.store.watchers()
        every = list({li.id: li for items in watched.values() for li in items}.values())
        self._every = {key: every}
        await self._service.board(key, every)

    async def pace(self) -> None:
        await self._inner.pace()

    async def send_edition(self, destination_id: str, edition: Edition) -> SendResult:
        key = base_id(edition.id)
        block = await self._service.block_for(key, self.platform, destination_id,
                                              self._every.get(key, []), edition.language)
        if block is None:  # the list was emptied since: nothing to say
            return SendResult(())
        return await self._inner.send_note(destination_id, block_note(block))


class WatchFollowUp:
    """The follow-up of every edition: to the chats of that edition that have a watchlist."""

    suffix = SUFFIX

    def __init__(self, fanout: Fanout, service: WatchService) -> None:
        self.fanout = fanout
        self._service = service

    async def deliver(self, edition: Edition, destinations: Sequence[Destination]
                      ) -> FanoutResult | None:
        watchers = await self._service.store.watchers()
        wanted = [d for d in destinations if d in watchers]
        if not wanted:
            return None
        return await self.fanout.deliver(followup_edition(edition), wanted)

    async def resume(self, edition: Edition) -> FanoutResult:
        return await self.fanout.resume(followup_edition(edition))
