"""``python -m bot history backfill | show | import | export``: the stored daily closes.

    history backfill [--days N]   a trading year (or N days) of closes from the live sources, stored
    history show ID [--last N]    an instrument's latest closes and their day changes
    history import FILE|DIR       a market-history/1 file, or a folder of ID.csv files
    history export --out FILE     everything stored, as market-history/1 (- for stdout)

A bad file exits 2 with one line per problem, naming its path; nothing is stored from it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from services.errors import HistoryError, InputError

if TYPE_CHECKING:
    from bot.config import Settings
    from services.market_data.backfill import Backfill
    from services.models.history import History, Series
    from services.storage.closes import Appended, ClosesStore

T = TypeVar("T")
EXIT_OK, EXIT_SOME_FAILED, EXIT_INPUT, EXIT_NO_DATA = 0, 1, 2, 3
DEFAULT_LAST = 20


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    history = commands.add_parser(
        "history", help="the stored daily closes: backfill, show, import, export")
    actions = history.add_subparsers(dest="history_command", required=True)
    backfill = actions.add_parser(
        "backfill", help="fetch a trading year (or --days N) of daily closes of every "
                         "instrument and store them (exit 1 when some instrument got none, 3 "
                         "when none did)")
    backfill.add_argument("--days", type=int, default=400, metavar="N",
                          help="calendar days back from today (default 400: 250 sessions or "
                               "more on every exchange)")
    show = actions.add_parser("show", help="an instrument's latest stored closes")
    show.add_argument("id", metavar="ID", help="a quote id: SPX, HSI, SSE, BTC, DXY, …")
    show.add_argument("--last", type=int, default=DEFAULT_LAST, metavar="N",
                      help=f"how many sessions (default {DEFAULT_LAST})")
    load = actions.add_parser("import", help="store a market-history/1 file or a folder of "
                                             "ID.csv files (date,close)")
    load.add_argument("path", metavar="FILE|DIR")
    export = actions.add_parser("export", help="write everything stored as market-history/1")
    export.add_argument("--out", metavar="FILE", required=True,
                        help="where to write it (- for standard output)")


def cmd_history(args: argparse.Namespace) -> int:
    from bot.config import load_settings

    settings = load_settings()
    try:
        if args.history_command == "backfill":
            return _backfill(settings, args.days)
        if args.history_command == "show":
            return _show(settings, args.id, args.last)
        if args.history_command == "import":
            return _import(settings, args.path)
        return _export(settings, args.out)
    except HistoryError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_INPUT


def _with_store(settings: Settings, work: Callable[[ClosesStore], Awaitable[T]]) -> T:
    async def run() -> T:
        from bot.container import open_db
        from services.storage.closes import ClosesStore

        db = await open_db(settings.database_url)
        try:
            return await work(ClosesStore(db, settings.history_retention_days))
        finally:
            await db.close()

    return asyncio.run(run())


def _backfill(settings: Settings, days: int) -> int:
    from services.market_data.backfill import MAX_DAYS, backfill_live

    if not 1 <= days <= MAX_DAYS:
        raise InputError(f"--days must be 1 to {MAX_DAYS}, not {days}")
    now = datetime.now(UTC)
    result, appended = _with_store(
        settings, lambda store: backfill_live(store, settings, now=now, days=days))
    sys.stdout.write(backfill_table(result, appended))
    if not result.history:
        return EXIT_NO_DATA
    return EXIT_SOME_FAILED if result.failed else EXIT_OK


def backfill_table(result: Backfill, appended: Appended) -> str:
    """One line per series: its sessions, first and last date and source, or why none."""
    lines = []
    width = max((len(o.id) for o in result.outcomes), default=2)
    for outcome in result.outcomes:
        series = outcome.series
        if series is None:
            lines.append(f"{outcome.id:<{width}}  none: {'; '.join(outcome.problems)}")
            continue
        span = f"{series.first} … {series.last}"
        fallback = f" (after {'; '.join(outcome.problems)})" if outcome.problems else ""
        lines.append(f"{outcome.id:<{width}}  {len(series):>4} sessions  {span}  "
                     f"{series.source}{fallback}")
    stored = sum(o.sessions for o in result.outcomes)
    lines.append(f"{len(result.history)} of {len(result.outcomes)} series, {stored:,} closes "
                 f"stored ({appended.pruned:,} older than the retention removed); "
                 f"{result.requests} requests")
    return "\n".join(lines) + "\n"


def _show(settings: Settings, series_id: str, last: int) -> int:
    if last < 1:
        raise InputError(f"--last must be at least 1, not {last}")

    async def read(store: ClosesStore) -> tuple[Series | None, tuple[str, ...]]:
        series = await store.last(series_id, last + 1)  # one more: the first change
        known = () if series is not None else tuple(s.instrument_id
                                                    for s in await store.spans())
        return series, known

    series, known = _with_store(settings, read)
    if series is None:
        stored = ", ".join(known) if known else "nothing yet (python -m bot history backfill)"
        raise InputError(f"no closes stored for {series_id}; stored: {stored}")
    sys.stdout.write(show_table(series, last))
    return EXIT_OK


def show_table(series: Series, last: int) -> str:
    """The latest ``last`` closes, oldest first, each with its change over the one before
    (in bp for a yield in percent, else in %)."""
    rows = series.closes
    lines = [f"{series.id} ({series.unit}) · {series.source}"]
    for i in range(max(0, len(rows) - last), len(rows)):
        day, close = rows[i]
        change = "—"
        if i > 0:
            before = rows[i - 1][1]
            if series.unit == "percent":
                change = f"{(close - before) * 100:+.0f} bp"
            elif before > 0:
                change = f"{(close / before - 1) * 100:+.2f}%"
        lines.append(f"{day.isoformat()}  {close:>16,.{_decimals(close)}f}  {change:>8}")
    return "\n".join(lines) + "\n"


def _decimals(value: float) -> int:
    return 2 if abs(value) >= 1 else 4


def _import(settings: Settings, path: str) -> int:
    from services.history_io import load_history_path

    history = load_history_path(path)  # HistoryError: one line per problem
    now = datetime.now(UTC)
    appended = _with_store(settings,
                           lambda store: store.import_history(history, now.date(), now))
    closes = sum(len(s) for s in history)
    kept = f"; {closes - appended.written:,} older than the retention not kept" if (
        appended.written < closes) else ""
    print(f"imported {path}: {len(history)} series, {appended.written:,} closes stored{kept}",
          file=sys.stderr)
    return EXIT_OK


def _export(settings: Settings, out: str) -> int:
    from services.history_io import dump_history

    async def read(store: ClosesStore) -> History:
        return await store.read_all()

    history = _with_store(settings, read)
    text = dump_history(history)
    if out == "-":
        sys.stdout.write(text)
        return EXIT_OK
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror or exc}") from None
    closes = sum(len(s) for s in history)
    print(f"wrote {out}: {len(history)} series, {closes:,} closes", file=sys.stderr)
    return EXIT_OK
