"""The dependencies of a running bot, built once from ``Settings`` and passed in (no globals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from services.narration.base import Narrator
from services.narration.template import TemplateNarrator
from services.report.editions import ChartRenderer, EditionCache, SnapshotSource
from services.storage import Database, open_database
from services.storage.subscriptions import SubscriptionStore

if TYPE_CHECKING:  # the SDK costs ~1.5 s to import: only a configured model loads it
    import httpx2


@dataclass
class Container:
    settings: Settings
    db: Database
    subscriptions: SubscriptionStore
    editions: EditionCache
    narrator: Narrator
    charts: ChartRenderer | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    chart_names: tuple[str, ...] = ()  # what ``charts`` can draw (``/chart NAME``)

    async def close(self) -> None:
        aclose = getattr(self.narrator, "aclose", None)
        if aclose is not None:
            await aclose()
        await self.db.close()


def wants_model(settings: Settings) -> bool:
    """Claude narrates with NARRATOR=anthropic, or with NARRATOR=auto and a key set."""
    if settings.narrator == "auto":
        return settings.anthropic_key is not None
    return settings.narrator == "anthropic"


def make_narrator(settings: Settings, http_client: httpx2.AsyncClient | None = None
                  ) -> Narrator:
    """Claude when configured (``wants_model``), else the template narrator."""
    if not wants_model(settings):
        return TemplateNarrator()
    from services.narration.anthropic import AnthropicNarrator
    from services.narration.anthropic import client as anthropic_client

    sdk = anthropic_client(settings.anthropic_key, settings.anthropic_base_url,
                           settings.anthropic_timeout_s, http_client)
    return AnthropicNarrator(sdk, settings.anthropic_model, settings.anthropic_max_tokens,
                             settings.anthropic_timeout_s, settings.anthropic_effort or None)


async def open_db(url: str) -> Database:
    """``open_database``, or the one-line error saying why it cannot be opened
    (``DatabaseUnavailable``, or ``ConfigError`` for a URL that cannot work)."""
    from bot.failures import database_errors, database_failure

    try:
        return await open_database(url)
    except database_errors() as exc:
        raise database_failure(exc, url) from None


async def read_only_db(url: str) -> Database | None:
    """The database to read only (``push --dry-run``): None when its SQLite file does not
    exist; the one-line error when it cannot be reached or read."""
    from sqlalchemy import text

    from bot.failures import database_errors, database_failure
    from services.storage.db import open_read_only

    db = None
    try:
        db = await open_read_only(url)
        if db is not None:
            async with db.sessions() as session:  # reach it now: errors are one line here
                await session.execute(text("SELECT 1"))
        return db
    except database_errors() as exc:
        if db is not None:
            await db.close()
        raise database_failure(exc, url) from None


async def build_container(settings: Settings, source: SnapshotSource,
                          charts: ChartRenderer | None = None,
                          chart_names: tuple[str, ...] = ()) -> Container:
    db = await open_db(settings.database_url)
    narrator = make_narrator(settings)
    editions = EditionCache(source, narrator, settings.briefing_zone)
    return Container(settings, db, SubscriptionStore(db), editions, narrator, charts,
                     chart_names=chart_names)
