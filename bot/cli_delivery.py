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
    setup_logging(settings.log_level, settings.secrets())
    if not has_platform(settings):
        from bot.runtime import NO_PLATFORM_MESSAGE

        print(NO_PLATFORM_MESSAGE.replace("nothing to run", "nowhere to push"), file=sys.stderr)
        return EXIT_INPUT
    return asyncio.run(_push(settings, snapshot_source(args), args.dry_run))


async def _push(settings: Any, source: Any, dry_run: bool) -> int:
    """``source`` is the ``--input``/``--sample`` day, or None for live data."""
    from bot.cli import open_container
    from bot.delivery import delivery_from_settings

    async with open_container(settings, source) as container:
        delivery = await delivery_from_settings(container)
        try:
            unreachable = [s for s in await container.subscriptions.list()
                           if s.platform not in delivery.senders]
            for platform in sorted({s.platform for s in unreachable}):
                count = sum(1 for s in unreachable if s.platform == platform)
                print(f"warning: {count} {platform} subscriptions not delivered: "
                      f"{platform.upper()}_BOT_TOKEN is not set", file=sys.stderr)
            if dry_run:
                summary = await _dry_run(delivery)
                print(json.dumps(summary, ensure_ascii=False))
                return EXIT_OK
            result = await delivery.briefing.push()
        finally:
            await delivery.close()
    print(json.dumps(result.summary(), ensure_ascii=False))
    return EXIT_FAILED if result.failed or result.platforms_stopped else EXIT_OK


async def _dry_run(delivery: Any) -> dict[str, object]:
    edition = await delivery.briefing.peek()
    recipients = await delivery.briefing.recipients()
    wanted = [(s.platform, s.destination_id) for s in recipients]
    statuses = await delivery.ledger.status_of(edition.id, wanted)
    already = sum(1 for d in wanted if statuses.get(d) == "sent")
    by_platform: dict[str, int] = {}
    for platform, _ in wanted:
        by_platform[platform] = by_platform.get(platform, 0) + 1
    return {"edition": edition.id, "sent": 0, "skipped_already_sent": already, "failed": 0,
            "deactivated": 0, "seconds": 0.0, "dry_run": True,
            "would_send": len(wanted) - already, "recipients": by_platform}


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
    from bot.config import Settings
    from services.delivery.schedule import parse_hhmm, parse_zone

    settings = Settings()
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
    from services.storage import open_database
    from services.storage.subscriptions import SubscriptionStore

    db = await open_database(settings.database_url)
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
