"""Wiring the delivery: senders from the settings (or the running platform services), the
ledger, the fan-out, the briefing and its scheduler. ``python -m bot push`` and
``python -m bot run`` both build it here."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.config import Settings
from bot.container import Container
from bot.scheduler import BriefingScheduler, LeaderJob
from services.alerts.ledger import AlertLedger
from services.alerts.poller import AlertPoller
from services.delivery.briefing import Briefing, FollowUp
from services.delivery.channels import NoteSender, Sender
from services.delivery.discord import DiscordSender
from services.delivery.fanout import Fanout
from services.delivery.leader import make_leader_lock
from services.delivery.ledger import Ledger
from services.delivery.liveness import Liveness, make_liveness
from services.delivery.media import MediaCache
from services.delivery.pacing import telegram_pacer
from services.delivery.slots import SlotStore
from services.delivery.telegram import TelegramSender
from services.errors import PlatformError
from services.models.history import EMPTY_HISTORY
from services.models.snapshot import MarketSnapshot
from services.narration.base import Narrator
from services.report.editions import Edition, make_edition
from services.storage.editions import EditionStore
from services.watch.followup import WatchFollowUp, WatchNoteSender

log = logging.getLogger(__name__)

RETENTION_EVERY_S = 6 * 3600.0  # how often the leader deletes old finished ledger rows
Closer = Callable[[], Awaitable[None]]
Checker = Callable[[], Awaitable[None]]  # raises PlatformError when the platform is unusable


@dataclass
class Delivery:
    briefing: Briefing
    ledger: Ledger
    fanout: Fanout
    liveness: Liveness
    media: MediaCache
    senders: dict[str, Sender]
    closers: list[Closer] = field(default_factory=list)
    # platforms whose check failed (no connection, token refused): no sender, rows left pending
    unavailable: list[PlatformError] = field(default_factory=list)

    async def close(self) -> None:
        for close in reversed(self.closers):
            await close()
        await self.liveness.stop()


def _token(value: Any) -> str | None:
    secret = value.get_secret_value() if value is not None else ""
    return secret or None


def sender_concurrency(per_second: float, round_trip_s: float = 0.05) -> int:
    """Sends in flight to keep ``per_second`` going when each takes ``round_trip_s``: 8 at
    the free 29 a second (as before), 48 at a paid 950."""
    return max(8, min(100, round(per_second * round_trip_s)))


def telegram_sender(settings: Settings, container: Container, media: MediaCache
                    ) -> tuple[TelegramSender, Closer, Checker] | None:
    token = _token(settings.telegram_bot_token)
    if token is None:
        return None
    from telegram import Bot
    from telegram.request import HTTPXRequest

    from handlers.telegram.keyboards import full_report
    from services.delivery.telegram_http import AiohttpRequest

    pace = settings.telegram_pace
    concurrency = sender_concurrency(pace)
    request = AiohttpRequest(connections=concurrency + 2, connect_timeout=5.0,
                             read_timeout=20.0, write_timeout=20.0, media_write_timeout=30.0,
                             pool_timeout=5.0)
    updates = HTTPXRequest(connection_pool_size=1)
    bot = Bot(token, base_url=settings.telegram_base_url, request=request,
              get_updates_request=updates)
    sender = TelegramSender(bot, container.charts, media, full_report, telegram_pacer(pace),
                            concurrency, paid=settings.telegram_paid_broadcast)

    async def close() -> None:
        await request.shutdown()
        await updates.shutdown()

    async def check() -> None:
        """One getMe: the token is accepted and the Bot API answers (``push``)."""
        from bot.failures import telegram_failure

        try:
            await bot.get_me()
        except Exception as exc:
            failure = telegram_failure(exc, settings.telegram_base_url)
            if failure is None:
                raise
            raise failure from None

    return sender, close, check


async def discord_sender(settings: Settings, container: Container, media: MediaCache
                         ) -> tuple[DiscordSender, Closer] | None:
    """A REST-only discord.py client (no gateway) for ``push``."""
    token = _token(settings.discord_bot_token)
    if token is None:
        return None
    import discord

    from bot.failures import discord_failure
    from handlers.discord import EditionPoster
    from handlers.discord.endpoints import use_api

    if settings.discord_api_base:
        use_api(settings.discord_api_base)
    intents = discord.Intents.none()
    intents.guilds = True  # never used without a gateway; discord.py warns without it
    client = discord.Client(intents=intents, allowed_mentions=discord.AllowedMentions.none())
    try:
        await client.login(token)
    except Exception as exc:
        await client.close()  # the HTTP session login opened
        failure = discord_failure(exc, discord.http.Route.BASE)
        if failure is None:
            raise
        raise failure from None
    return DiscordSender(EditionPoster(client, container.charts), media), client.close


def build_delivery(container: Container, senders: dict[str, Sender], media: MediaCache,
                   closers: Sequence[Closer] = (),
                   unavailable: Sequence[PlatformError] = ()) -> Delivery:
    settings = container.settings
    liveness = make_liveness(container.db)
    # About 25 ms of sends claimed per write, and their marks written 25 ms at a time: one
    # row and no wait at the free pace (as before), ~24 rows and ~25 marks at a paid 950/s.
    paced = settings.telegram_pace if "telegram" in senders else 1.0
    ledger = Ledger(container.db, liveness.worker_id,
                    claim_ahead=max(1, round(paced * 0.025)),
                    mark_linger_s=0.025 if paced > 100 else 0.0)
    container.metrics.platforms(list(senders))
    fanout = Fanout(ledger, senders, container.subscriptions, liveness,
                    languages=container.languages, metrics=container.metrics)

    store = EditionStore(container.db)

    async def rebuild(snapshot: MarketSnapshot, narrator: Narrator) -> Edition:
        history = container.editions.history  # read against the history, as when first built
        past = await history.read(snapshot) if history is not None else EMPTY_HISTORY
        return await make_edition(snapshot, narrator, settings.briefing_zone,
                                  datetime.now(UTC), past, language=settings.language,
                                  previous=await store.previous(snapshot.generated_at))

    briefing = Briefing(container.editions, store, ledger, fanout,
                        container.subscriptions, rebuild, container.narrator,
                        watch_followups(container, ledger, senders, liveness),
                        languages=container.languages)
    return Delivery(briefing, ledger, fanout, liveness, media, senders, list(closers),
                    list(unavailable))


def watch_followups(container: Container, ledger: Ledger, senders: dict[str, Sender],
                    liveness: Liveness) -> list[FollowUp]:
    """"Your watchlist" after the edition, through the same ledger (rows of its own)."""
    if container.watch is None:
        return []
    watch = container.watch
    notes = {p: WatchNoteSender(s, watch) for p, s in senders.items()
             if isinstance(s, NoteSender)}
    fanout = Fanout(ledger, notes, container.subscriptions, liveness,
                    languages=container.languages,  # each chat's block in its language
                    metrics=container.metrics)
    return [WatchFollowUp(fanout, watch)]


def alert_poller(container: Container, delivery: Delivery) -> AlertPoller | None:
    """The alert poll, sending through the delivery's senders (one pacer per platform)."""
    if container.alerts is None or container.watch is None:
        return None
    notes = {p: s for p, s in delivery.senders.items() if isinstance(s, NoteSender)}
    ledger = AlertLedger(container.db, delivery.liveness.worker_id)
    return AlertPoller(container.alerts.store, ledger, container.watch.quotes, notes,
                       delivery.liveness, container.alerts.settings,
                       history=container.alerts.history, languages=container.languages,
                       counters=container.metrics)


def with_telegram(container: Container, media: MediaCache
                  ) -> tuple[dict[str, Sender], list[Closer], list[Checker]]:
    """The Telegram sender (when its token is set), what closes it and what checks it."""
    telegram = telegram_sender(container.settings, container, media)
    if telegram is None:
        return {}, [], []
    sender, close, check = telegram
    return {"telegram": sender}, [close], [check]


async def delivery_from_settings(container: Container) -> Delivery:
    """Senders for every platform whose token is set and whose API accepts it (``push``):
    Telegram answers a getMe, Discord a login. A platform that fails its check is left out
    and listed in ``unavailable``."""
    media = MediaCache(container.db)
    senders, closers, checks = with_telegram(container, media)
    unavailable: list[PlatformError] = []
    try:
        if checks:
            try:
                await checks[0]()
            except PlatformError as failure:
                unavailable.append(failure)
                del senders["telegram"]
        try:
            discord = await discord_sender(container.settings, container, media)
        except PlatformError as failure:
            unavailable.append(failure)
            discord = None
    except BaseException:
        for close in closers:
            await close()
        raise
    if discord is not None:
        senders["discord"], close = discord
        closers.append(close)
    return build_delivery(container, senders, media, closers, unavailable)


def delivery_for_services(container: Container, services: Sequence[object]) -> Delivery:
    """``run``: Discord posts through the running Discord service's client (one set of rate
    limit buckets); Telegram through a ``Bot`` of its own with the same token."""
    media = MediaCache(container.db)
    senders, closers, _ = with_telegram(container, media)  # the service checked the token
    for service in services:
        poster = getattr(service, "poster", None)
        if getattr(service, "name", None) == "discord" and poster is not None:
            senders["discord"] = DiscordSender(poster, media)
    return build_delivery(container, senders, media, closers)


def scheduler_for(container: Container, delivery: Delivery) -> BriefingScheduler:
    """The leader's schedule: the briefing slots, the alert poll every ALERT_POLL_S, and the
    ledger's retention every 6 hours when DELIVERY_RETENTION_DAYS is set."""
    settings = container.settings
    poller = alert_poller(container, delivery)
    jobs = [LeaderJob("alerts", settings.alert_poll_s, poller.poll)] if poller else []
    if settings.delivery_retention_days:
        retention = timedelta(days=settings.delivery_retention_days)
        jobs.append(LeaderJob("ledger-retention", RETENTION_EVERY_S,
                              lambda: delivery.ledger.prune(retention)))
    return BriefingScheduler(delivery.briefing, container.subscriptions,
                             SlotStore(container.db), make_leader_lock(container.db),
                             weekends=settings.weekend_editions,
                             misfire_grace_s=settings.briefing_misfire_grace_s,
                             poll_s=settings.scheduler_poll_s,
                             sync_s=settings.scheduler_sync_s, jobs=jobs)
