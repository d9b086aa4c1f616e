"""``python -m bot push`` and ``python -m bot subscriptions``: the daily briefing from cron,
and bulk subscription management."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from pathlib import Path
from typing import Any

from services.errors import InputError

EXIT_OK, EXIT_FAILED, EXIT_INPUT = 0, 1, 2
PLATFORMS = ("telegram", "discord")
_TELEGRAM_ID = re.compile(r"^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$")
_DISCORD_ID = re.compile(r"^\d{15,21}$")


def add_parsers(commands: Any) -> None:
    push = commands.add_parser(
        "push", help="build the edition now and deliver it to every active subscription")
    source = push.add_mutually_exclusive_group()
    source.add_argument("--input", metavar="FILE", help="a market-snapshot/1 JSON file")
    source.add_argument("--sample", action="store_true", help="the bundled sample day")
    push.add_argument("--dry-run", action="store_true",
                      help="say who would receive it; send nothing, write nothing")

    subs = commands.add_parser("subscriptions", help="list, add or remove subscriptions")
    actions = subs.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="one line per subscription")
    listing.add_argument("--platform", choices=PLATFORMS)
    listing.add_argument("--all", action="store_true", help="include inactive ones")
    listing.add_argument("--json", action="store_true", help="JSON lines")
    add = actions.add_parser("add", help="subscribe destinations (several at once)")
    add.add_argument("platform", choices=PLATFORMS)
    add.add_argument("ids", nargs="*", metavar="ID")
    add.add_argument("--from-file", metavar="FILE", help="one id per line (# comments)")
    add.add_argument("--time", metavar="HH:MM", help="push time (default BRIEFING_TIME)")
    add.add_argument("--tz", metavar="ZONE", help="IANA time zone (default BRIEFING_TZ)")
    add.add_argument("--kind", help="private, group, supergroup, channel, text …")
    remove = actions.add_parser("remove", help="unsubscribe destinations")
    remove.add_argument("platform", choices=PLATFORMS)
    remove.add_argument("ids", nargs="*", metavar="ID")
    remove.add_argument("--from-file", metavar="FILE", help="one id per line (# comments)")


# ---------------------------------------------------------------------- push
def cmd_push(args: argparse.Namespace) -> int:
    from bot.cli import snapshot_source
    from bot.config import load_settings
    from bot.logging import setup_logging
    from bot.runtime import has_platform

    settings = load_settings()
    setup_logging(settings.log_level, settings.secrets(), settings.log_format)
    if args.dry_run:
        return asyncio.run(_dry_run(settings, snapshot_source(args)))
    if not has_platform(settings):
        from bot.runtime import NO_PLATFORM_MESSAGE

        print(NO_PLATFORM_MESSAGE.replace("nothing to run", "nowhere to push"), file=sys.stderr)
        return EXIT_INPUT
    return asyncio.run(_push(settings, snapshot_source(args)))


async def _push(settings: Any, source: Any) -> int:
    """``source`` is the ``--input``/``--sample`` day, or None for live data.

    A platform that cannot be reached or refuses the token gets one error line and keeps its
    deliveries for the next push; the others are sent. Every market data source down: nothing
    is sent."""
    from bot.cli import open_container
    from bot.delivery import delivery_from_settings
    from bot.failures import EXIT_NO_DATA, exit_status
    from bot.runtime import warm_charts
    from services.market_data.build import all_sources_failed

    async with open_container(settings, source, warm=False) as container:
        delivery = await delivery_from_settings(container)
        try:
            for failure in delivery.unavailable:
                print(f"error: {failure}", file=sys.stderr)
            refused = {f.platform for f in delivery.unavailable}
            unreachable = [s for s in await container.subscriptions.list()
                           if s.platform not in delivery.senders and s.platform not in refused]
            for platform in sorted({s.platform for s in unreachable}):
                count = sum(1 for s in unreachable if s.platform == platform)
                print(f"warning: {count} {platform} subscriptions not delivered: "
                      f"{platform.upper()}_BOT_TOKEN is not set", file=sys.stderr)
            if not delivery.senders:
                return exit_status(delivery.unavailable[0])
            await warm_charts(container)
            edition = await container.editions.current()
            if all_sources_failed(edition.snapshot):
                print("error: every market data source was unreachable or failed; nothing was "
                      "sent: check the network, then push again", file=sys.stderr)
                return EXIT_NO_DATA
            result = await delivery.briefing.push()
        finally:
            await delivery.close()
    print(json.dumps(result.summary(), ensure_ascii=False))
    if delivery.unavailable:
        return exit_status(delivery.unavailable[0])
    return EXIT_FAILED if result.failed or result.platforms_stopped else EXIT_OK


async def _dry_run(settings: Any, source: Any) -> int:
    """Who would get the edition, from the database as it is, and the edition's id and size.
    Offline and read-only: no token needed, no network, nothing written, no database file
    created. One line per recipient, then the summary as one JSON line."""
    from bot.container import read_only_db

    db = await read_only_db(settings.database_url)
    sent: set[tuple[str, str]] = set()
    try:
        subscriptions = await _subscriptions(db)
        edition = await _dry_edition(db, source, settings)
        if edition is not None and db is not None:
            from services.delivery.ledger import Ledger

            wanted = [(s.platform, s.destination_id) for s in subscriptions]
            statuses = await Ledger(db, "dry-run").status_of(edition["edition"], wanted)
            sent = {d for d in wanted if statuses.get(d) == "sent"}
    finally:
        if db is not None:
            await db.close()
    if db is None:
        print("no subscriptions: the database does not exist yet", file=sys.stderr)
    tokens = {p: _has_token(settings, p) for p in PLATFORMS}
    by_platform: dict[str, int] = {}
    for sub in subscriptions:
        key = (sub.platform, sub.destination_id)
        state = ("already sent" if key in sent else "would send" if tokens[sub.platform]
                 else f"not sent: {sub.platform.upper()}_BOT_TOKEN is not set")
        print(f"{sub.platform:<9} {sub.destination_id:<22} {state}")
        if key not in sent and tokens[sub.platform]:
            by_platform[sub.platform] = by_platform.get(sub.platform, 0) + 1
    summary: dict[str, object] = {
        "edition": edition["edition"] if edition else None, "sent": 0,
        "skipped_already_sent": len(sent), "failed": 0, "deactivated": 0, "seconds": 0.0,
        "dry_run": True, "would_send": sum(by_platform.values()), "recipients": by_platform}
    if edition is not None:
        summary["size"] = edition["size"]
    else:
        summary["edition_note"] = ("built from live data when pushed: no stored snapshot is "
                                   "younger than SNAPSHOT_TTL_S, and a dry run fetches nothing")
    print(json.dumps(summary, ensure_ascii=False))
    return EXIT_OK


def _has_token(settings: Any, platform: str) -> bool:
    token = getattr(settings, f"{platform}_bot_token", None)
    return token is not None and bool(token.get_secret_value())


async def _subscriptions(db: Any) -> list[Any]:
    if db is None:
        return []
    from sqlalchemy.exc import SQLAlchemyError

    from services.storage.subscriptions import SubscriptionStore

    try:
        return await SubscriptionStore(db).list()
    except SQLAlchemyError as exc:
        text = str(exc).lower()
        if "no such table" in text or "does not exist" in text:
            return []  # a database no command has set up yet
        raise


async def _dry_edition(db: Any, source: Any, settings: Any) -> dict[str, Any] | None:
    """The id and size of the edition a push would send now: the ``--input``/``--sample``
    day, or the stored live snapshot a push would reuse (None when a push would fetch), read
    against the history that push's edition reads (the sample's bundled year, else the
    history store, read only)."""
    from datetime import UTC, datetime

    from bot.container import stored_history
    from services.models.history import EMPTY_HISTORY
    from services.narration.template import TemplateNarrator
    from services.renderers import telegram_html
    from services.report.editions import make_edition
    from services.storage.closes import ClosesStore

    snapshot = source.snapshot if source is not None else await _fresh_stored(db, settings)
    if snapshot is None:
        return None
    if source is not None and source.history is not None:
        history = source.history
    elif db is not None:
        store = ClosesStore(db, settings.history_retention_days)
        history = await stored_history(store, record=False).read(snapshot)
    else:
        history = EMPTY_HISTORY
    edition = await make_edition(snapshot, TemplateNarrator(), settings.briefing_zone,
                                 datetime.now(UTC), history)
    full = telegram_html.render_full(edition.report)
    return {"edition": edition.id, "size": {
        "caption_chars": len(telegram_html.caption(edition.report)),
        "full_report_messages": len(full), "full_report_chars": sum(len(m) for m in full)}}


async def _fresh_stored(db: Any, settings: Any) -> Any:
    if db is None:
        return None
    from datetime import UTC, datetime, timedelta

    from services.errors import SnapshotError
    from services.market_data.cache import ORIGIN
    from services.snapshot_io import load_snapshot
    from services.storage.snapshots import SnapshotStore

    stored = await SnapshotStore(db).latest(ORIGIN)
    if stored is None:
        return None
    built = stored.built_at if stored.built_at.tzinfo else stored.built_at.replace(tzinfo=UTC)
    if datetime.now(UTC) - built >= timedelta(seconds=settings.snapshot_ttl_s):
        return None
    try:
        return load_snapshot(stored.body)
    except SnapshotError:  # a push would build a new one
        return None


# ---------------------------------------------------------------------- subscriptions
def read_ids(ids: list[str], from_file: str | None) -> list[str]:
    found = [i.strip() for i in ids if i.strip()]
    if from_file:
        try:
            text = Path(from_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read {from_file}: {exc.strerror or exc}") from None
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                found.append(line)
    if not found:
        raise InputError("give at least one ID (or --from-file FILE)")
    return list(dict.fromkeys(found))


def check_ids(platform: str, ids: list[str]) -> None:
    pattern = _TELEGRAM_ID if platform == "telegram" else _DISCORD_ID
    example = "123456789, -1001234567890 or @channelname" if platform == "telegram" else \
        "a channel id such as 912345678901234567"
    bad = [i for i in ids if not pattern.match(i)]
    if bad:
        raise InputError(f"not a {platform} id: {', '.join(bad[:5])}"
                         f"{' …' if len(bad) > 5 else ''} (expected {example})")


def default_kind(platform: str, destination_id: str) -> str:
    if platform == "discord":
        return "text"
    if destination_id.startswith("@"):
        return "channel"
    return "group" if destination_id.startswith("-") else "private"


def cmd_subscriptions(args: argparse.Namespace) -> int:
    from bot.config import load_settings
    from services.delivery.schedule import parse_hhmm, parse_zone

    settings = load_settings()
    if args.action == "list":
        return asyncio.run(_list(settings, args))
    ids = read_ids(args.ids, args.from_file)
    check_ids(args.platform, ids)
    if args.action == "add":
        try:
            clock = parse_hhmm(args.time or settings.briefing_time).strftime("%H:%M")
            zone = parse_zone(args.tz or settings.briefing_tz).key
        except ValueError as exc:
            raise InputError(f"{exc}. Example: --time 08:30 --tz Asia/Hong_Kong") from None
        return asyncio.run(_add(settings, args.platform, ids, clock, zone, args.kind))
    return asyncio.run(_remove(settings, args.platform, ids))


async def _store(settings: Any) -> Any:
    from bot.container import open_db
    from services.storage.subscriptions import SubscriptionStore

    db = await open_db(settings.database_url)
    return db, SubscriptionStore(db)


async def _list(settings: Any, args: argparse.Namespace) -> int:
    db, store = await _store(settings)
    try:
        subs = await store.list(args.platform, active_only=not args.all)
    finally:
        await db.close()
    if args.json:
        for s in subs:
            print(json.dumps({"platform": s.platform, "id": s.destination_id, "time": s.time_hhmm,
                              "tz": s.tz, "active": s.active, "kind": s.kind,
                              "reason": s.deactivated_reason}, ensure_ascii=False))
        return EXIT_OK
    print(f"{'PLATFORM':<9} {'ID':<22} {'TIME':<5} {'ZONE':<22} {'KIND':<10} STATE")
    for s in subs:
        state = "active" if s.active else f"inactive ({s.deactivated_reason or '?'})"
        print(f"{s.platform:<9} {s.destination_id:<22} {s.time_hhmm:<5} {s.tz:<22} "
              f"{s.kind:<10} {state}")
    print(f"{len(subs)} subscription{'s' if len(subs) != 1 else ''}", file=sys.stderr)
    return EXIT_OK


async def _add(settings: Any, platform: str, ids: list[str], clock: str, zone: str,
               kind: str | None) -> int:
    db, store = await _store(settings)
    try:
        for destination_id in ids:
            await store.upsert(platform, destination_id, clock, zone,
                               kind=kind or default_kind(platform, destination_id))
    finally:
        await db.close()
    print(f"subscribed {len(ids)} {platform} destination{'s' if len(ids) != 1 else ''} "
          f"at {clock} {zone}")
    return EXIT_OK


async def _remove(settings: Any, platform: str, ids: list[str]) -> int:
    db, store = await _store(settings)
    try:
        removed = [i for i in ids if await store.remove(platform, i)]
    finally:
        await db.close()
    missing = [i for i in ids if i not in removed]
    print(f"unsubscribed {len(removed)} {platform} destination"
          f"{'s' if len(removed) != 1 else ''}")
    if missing:
        print(f"not subscribed: {', '.join(missing)}", file=sys.stderr)
    return EXIT_OK
