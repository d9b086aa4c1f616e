"""The daily briefing as one service: which edition, to whom, through the fan-out.

- ``push``: the edition now, to every active subscription (``python -m bot push``).
- ``deliver_slot``: a scheduled slot's edition to that slot's subscriptions; the slot's fire is
  recorded in the same transaction as its ledger rows.
- ``resume``: finish editions the ledger left unfinished (a crash, a stopped leader), rebuilt
  from their stored snapshot when they are no longer the cached one.

Every edition that goes out is stored with its snapshot first (``EditionStore``), so a resume
sends exactly what the first attempt sent.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from services.delivery.fanout import Fanout, FanoutResult
from services.delivery.ledger import Destination, Ledger
from services.delivery.slots import Slot, SlotStore
from services.models.analysis import Analysis
from services.models.report import Narration
from services.models.snapshot import MarketSnapshot
from services.narration.base import Narrator, narrate_in
from services.narration.template import TemplateNarrator
from services.ops.context import log_context
from services.report.editions import Edition, EditionCache
from services.storage.editions import EditionStore
from services.storage.languages import LanguageStore
from services.storage.subscriptions import Subscription, SubscriptionStore

log = logging.getLogger(__name__)

Rebuild = Callable[[MarketSnapshot, Narrator], Awaitable[Edition]]


class FollowUp(Protocol):
    """A message sent after the edition, with ledger rows of its own keyed
    ``<edition id><suffix>`` (the watchlist block: ``services.watch.followup``)."""

    suffix: str

    async def deliver(self, edition: Edition, destinations: Sequence[Destination]
                      ) -> FanoutResult | None: ...

    async def resume(self, edition: Edition) -> FanoutResult: ...


class StoredNarrator:
    """Says again what the narrator said when the edition first went out, in each language it
    was stored in; a language not stored is narrated by ``fallback`` (the template if None)."""

    def __init__(self, narration: Narration, by_language: Mapping[str, Narration] | None = None,
                 fallback: Narrator | None = None) -> None:
        self.narration = narration
        self.by_language = dict(by_language or {})
        self.fallback = fallback
        self.name = narration.narrator

    async def narrate(self, analysis: Analysis, language: str = "en") -> Narration:
        if language in self.by_language:
            return self.by_language[language]
        if not self.by_language:
            return self.narration  # stored before languages existed: it is what went out
        return await narrate_in(self.fallback or TemplateNarrator(), analysis, language)


class Briefing:
    def __init__(self, editions: EditionCache, store: EditionStore, ledger: Ledger,
                 fanout: Fanout, subscriptions: SubscriptionStore, rebuild: Rebuild,
                 narrator: Narrator, followups: Sequence[FollowUp] = (), *,
                 languages: LanguageStore | None = None) -> None:
        self._editions = editions
        self._store = store
        self._ledger = ledger
        self.fanout = fanout
        self._subscriptions = subscriptions
        self._rebuild = rebuild
        self._narrator = narrator
        self._languages = languages
        self.followups = tuple(followups)

    async def peek(self) -> Edition:
        """The current edition, built if need be, not stored (``push --dry-run``)."""
        return await self._editions.current()

    async def edition(self, refresh: bool = False,
                      recipients: list[Subscription] | None = None) -> Edition:
        """The current edition (rebuilt with ``refresh``), narrated in every language the
        ``recipients`` read, stored before anything is sent."""
        edition = await (self._editions.refresh() if refresh else self._editions.current())
        for language in await self.languages_of(recipients or []):
            await edition.localised(language)
        await self._store.save(edition.id, edition.snapshot, edition.built_at,
                               edition.report.narration, language=edition.language,
                               others=edition.narrations())
        return edition

    async def languages_of(self, subscriptions: list[Subscription]) -> set[str]:
        """The languages ``subscriptions`` read: one query for every stored choice (a push to
        100,000 chats must not ask 100,000 times)."""
        if self._languages is None or not subscriptions:
            return set()
        chosen = await self._languages.all()
        default = self._languages.default
        return {chosen.get((s.platform, s.destination_id), default) for s in subscriptions}

    async def recipients(self) -> list[Subscription]:
        """Active subscriptions on the platforms this fan-out can reach."""
        return [s for s in await self._subscriptions.list()
                if s.platform in self.fanout.platforms]

    async def push(self, refresh: bool = False) -> FanoutResult:
        recipients = await self.recipients()
        edition = await self.edition(refresh, recipients)
        destinations = _destinations(recipients)
        with log_context(edition=edition.id):
            result = await self.fanout.deliver(edition, destinations)
            await self._follow(edition, destinations)
        return result

    async def _follow(self, edition: Edition, destinations: list[Destination]) -> None:
        """Each follow-up after the edition (a failure of one is logged, never raised: the
        edition itself went out)."""
        for followup in self.followups:
            try:
                result = await followup.deliver(edition, destinations)
            except Exception:  # the isolation point of a follow-up
                log.exception("follow-up %s of edition %s failed", followup.suffix, edition.id)
                continue
            if result is not None:
                log.info("edition %s%s: %s", edition.id, followup.suffix, result.summary())

    async def deliver_slot(self, slot: Slot, fire_at: datetime) -> FanoutResult:
        subscribers = [s for s in await self.recipients() if slot.has(s)]
        edition = await self.edition(refresh=True, recipients=subscribers)

        async def record(session: AsyncSession) -> None:
            await SlotStore.record(session, slot, fire_at, edition.id)

        destinations = _destinations(subscribers)
        with log_context(edition=edition.id):
            result = await self.fanout.deliver(edition, destinations, extra=record)
            log.info("slot %s (%s): edition %s: %s", slot.key, fire_at.isoformat(),
                     edition.id, result.summary())
            await self._follow(edition, destinations)
        return result

    async def resume(self, within: timedelta) -> list[FanoutResult]:
        results = []
        for edition_id in await self._ledger.unfinished(within):
            followup = next((f for f in self.followups if edition_id.endswith(f.suffix)), None)
            if followup is not None:
                base = await self.load(edition_id.removesuffix(followup.suffix))
                if base is None:
                    log.error("cannot resume %s: the edition's snapshot was not stored",
                              edition_id)
                    continue
                results.append(await followup.resume(base))
                continue
            edition = await self.load(edition_id)
            if edition is None:
                log.error("cannot resume edition %s: its snapshot was not stored", edition_id)
                continue
            result = await self.fanout.resume(edition)
            log.info("resumed edition %s: %s", edition_id, result.summary())
            results.append(result)
        return results

    async def load(self, edition_id: str) -> Edition | None:
        cached = self._editions.cached
        if cached is not None and cached.id == edition_id:
            return cached
        stored = await self._store.load(edition_id)
        if stored is None:
            return None
        snapshot, narration = stored
        narrator = self._narrator if narration is None else StoredNarrator(
            narration, await self._store.narrations(edition_id), self._narrator)
        edition = await self._rebuild(snapshot, narrator)
        if edition.id != edition_id:
            log.error("stored snapshot of %s rebuilds as %s", edition_id, edition.id)
            return None
        return edition


def _destinations(subscriptions: list[Subscription]) -> list[Destination]:
    return [(s.platform, s.destination_id) for s in subscriptions]
