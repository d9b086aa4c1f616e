"""The dependencies of a running bot, built once from ``Settings`` and passed in (no globals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.config import Settings
from services.editions import ChartRenderer, EditionCache, SnapshotSource
from services.narration.base import Narrator
from services.narration.template import TemplateNarrator
from services.storage import Database, open_database
from services.storage.subscriptions import SubscriptionStore


@dataclass
class Container:
    settings: Settings
    db: Database
    subscriptions: SubscriptionStore
    editions: EditionCache
    narrator: Narrator
    charts: ChartRenderer | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    async def close(self) -> None:
        await self.db.close()


def make_narrator(settings: Settings) -> Narrator:
    """The template narrator unless a language model is configured (see narration issue)."""
    return TemplateNarrator()


async def build_container(settings: Settings, source: SnapshotSource,
                          charts: ChartRenderer | None = None) -> Container:
    db = await open_database(settings.database_url)
    narrator = make_narrator(settings)
    editions = EditionCache(source, narrator, settings.briefing_zone)
    return Container(settings, db, SubscriptionStore(db), editions, narrator, charts)
