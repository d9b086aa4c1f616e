"""The command line: ``python -m bot report | ask | schema | run | push | subscriptions | doctor |
history``.

Heavy libraries are imported inside the commands that need them, so ``report --sample``
starts fast.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import traceback
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING

from services.errors import BotError, ConfigError, HistoryError, InputError, SnapshotError

if TYPE_CHECKING:  # for annotations only: report --sample must not import the live path
    from bot.config import Settings
    from bot.container import Container
    from services.models.history import History
    from services.models.snapshot import MarketSnapshot
    from services.renderers.charts import ChartPool

EXIT_OK, EXIT_INPUT, EXIT_NO_DATA = 0, 2, 3
EXIT_DOCTOR_FAILED = 1  # doctor: some figure has no working source
FORMATS = ("markdown", "telegram", "discord", "json")
NARRATOR_CHOICES = ("template", "anthropic")
LANGUAGE_CHOICES = ("en", "zh")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot",
                                     description="Market-intelligence briefing bot.")
    commands = parser.add_subparsers(dest="command", required=True)

    report = commands.add_parser("report", help="print the report")
    source = report.add_mutually_exclusive_group()
    source.add_argument("--input", metavar="FILE", help="a market-snapshot/1 JSON file")
    source.add_argument("--sample", action="store_true", help="the bundled sample day (offline)")
    add_history_argument(report)
    report.add_argument("--section", metavar="KEY",
                        help="one section: a key (risk_sentiment …) or an alias (us, hk, cn, "
                             "crypto, defi, divergences, flows, risks, plan)")
    report.add_argument("--format", choices=FORMATS, default="markdown")
    report.add_argument("--charts", metavar="DIR",
                        help="also write every chart as DIR/<name>.png (dashboard, sentiment, …)")
    report.add_argument("--lang", choices=LANGUAGE_CHOICES, metavar="{en,zh}",
                        help="the report's language (default: the LANGUAGE setting)")
    report.add_argument("--narrator", choices=NARRATOR_CHOICES,
                        help="who writes the Key Insight and readings this run (default: the "
                             "NARRATOR setting; Claude's text ships only where it passes the "
                             "fact-check)")

    from bot.cli_ask import add_parser as add_ask_parser

    add_ask_parser(commands)

    schema = commands.add_parser("schema", help="print the JSON Schema of market-snapshot/1")
    schema.add_argument("--history", action="store_true",
                        help="print the JSON Schema of market-history/1 instead")

    snapshot = commands.add_parser("snapshot", help="fetch today's live data as market-snapshot/1")
    snapshot.add_argument("--out", metavar="FILE", required=True,
                          help="where to write the snapshot (- for standard output)")

    run = commands.add_parser("run", help="run the bot: Telegram and/or Discord, one process")
    run_source = run.add_mutually_exclusive_group()
    run_source.add_argument("--input", metavar="FILE", help="serve this snapshot, not live data")
    run_source.add_argument("--sample", action="store_true", help="serve the sample day")

    commands.add_parser("doctor", help="one live request per data source: which work, and "
                                       "whether every figure has one (exit 0) or not (exit 1)")

    from bot.cli_delivery import add_parsers

    add_parsers(commands)  # push, subscriptions

    from bot.cli_history import add_parser as add_history_parser

    add_history_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None, *, process: bool = False) -> int:
    """Run one command; returns its exit status. Everything it prints goes through the secret
    redactor (``bot.redact.guard``); ``process`` (``python -m bot``) keeps the redactor on
    until the interpreter exits."""
    args = _parser().parse_args(argv)
    if args.command == "schema":
        return cmd_schema(args.history)
    from bot.config import load_settings

    try:
        secrets = load_settings().secrets()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    from bot.redact import guard

    with guard(secrets, restore=not process):
        return _dispatch(args)


def _dispatch(args: argparse.Namespace) -> int:
    from bot.failures import EXIT_INTERNAL, exit_status

    try:
        if args.command == "report":
            return cmd_report(args)
        if args.command == "ask":
            from bot.cli_ask import cmd_ask

            return cmd_ask(args)
        if args.command == "snapshot":
            return cmd_snapshot(args)
        if args.command == "run":
            return cmd_run(args)
        if args.command == "doctor":
            return cmd_doctor()
        if args.command == "history":
            from bot.cli_history import cmd_history

            return cmd_history(args)
        if args.command in ("push", "subscriptions"):
            from bot import cli_delivery

            if args.command == "push":
                return cli_delivery.cmd_push(args)
            return cli_delivery.cmd_subscriptions(args)
    except (SnapshotError, HistoryError) as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_INPUT
    except BotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exit_status(exc)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: one line, the traceback only when asked for
        print(f"error: internal error ({type(exc).__name__}); please report it (LOG_LEVEL=DEBUG "
              "prints the traceback)", file=sys.stderr)
        if logging.getLogger().isEnabledFor(logging.DEBUG) or \
                os.environ.get("LOG_LEVEL", "").upper() == "DEBUG":
            traceback.print_exc()
        return EXIT_INTERNAL
    return EXIT_INPUT


def cmd_schema(history: bool = False) -> int:
    if history:
        from services.history_io import history_json_schema

        print(json.dumps(history_json_schema(), indent=2, ensure_ascii=False))
        return EXIT_OK
    from services.snapshot_io import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return EXIT_OK


def add_history_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--history", metavar="FILE|DIR",
                        help="daily closes to read the day against: a market-history/1 file or "
                             "a folder of ID.csv files (--sample brings its own year)")


NO_HISTORY_NOTE = ("note: no history given (--history FILE|DIR) and none stored (python -m bot "
                   "history backfill), so moves are not cross-checked or read against their "
                   "own past")


def given_history(args: argparse.Namespace) -> History:
    """The history given with the day: ``--history``, else the sample's own year with
    ``--sample``, else none (``history_for`` then reads the store)."""
    from services.history_io import load_history_path, load_sample_history
    from services.models.history import EMPTY_HISTORY

    path = getattr(args, "history", None)
    if path:
        return load_history_path(path)
    if getattr(args, "sample", False):
        return load_sample_history()
    return EMPTY_HISTORY


def history_for(args: argparse.Namespace, settings: Settings,
                snapshot: MarketSnapshot) -> History:
    """What ``report`` reads the day against: the history given with it, else the store as
    ``run`` reads it (read only); one note on stderr when there is none."""
    import asyncio

    if getattr(args, "history", None) or getattr(args, "sample", False):
        return given_history(args)
    history = asyncio.run(read_stored_history(settings, snapshot))
    if not history and not history.gaps:
        print(NO_HISTORY_NOTE, file=sys.stderr)
    return history


async def read_stored_history(settings: Settings, snapshot: MarketSnapshot) -> History:
    """What an edition of ``snapshot`` reads from the history store, as ``run`` reads it, and
    read only: nothing when the database does not exist yet (none is created); a store that
    cannot be read gives an empty history whose gap the warnings name."""
    from bot.container import stored_history
    from bot.failures import database_errors
    from services.models.history import EMPTY_HISTORY
    from services.report.history import unreadable
    from services.storage.closes import ClosesStore
    from services.storage.db import open_read_only

    try:
        db = await open_read_only(settings.database_url)
    except database_errors() as exc:
        return unreadable(type(exc).__name__)
    if db is None:
        return EMPTY_HISTORY
    try:
        store = ClosesStore(db, settings.history_retention_days)
        return await stored_history(store, record=False).read(snapshot)
    finally:
        await db.close()


def cmd_report(args: argparse.Namespace) -> int:
    from bot.config import load_settings
    from services.models.report import resolve_section
    from services.report.pipeline import report_from_snapshot
    from services.snapshot_io import load_sample, load_snapshot_file

    keys = (resolve_section(args.section),) if args.section else None
    settings = with_narrator(load_settings(), args.narrator)
    language = getattr(args, "lang", None) or settings.language
    if args.input:
        snapshot = load_snapshot_file(args.input)
    elif args.sample:
        snapshot = load_sample()
    else:
        snapshot = fetch_live(settings)
    history = history_for(args, settings, snapshot)
    if narrates(settings):
        report = narrated(snapshot, settings, language, history)
    else:
        report = report_from_snapshot(snapshot, settings.briefing_zone, history=history,
                                      language=language)
    print(render(report, args.format, keys), end="")
    if args.charts:
        write_charts(report, args.charts, settings.chart_colours)
    return _live_status(snapshot) if not (args.input or args.sample) else EXIT_OK


def with_narrator(settings: Settings, narrator: str | None) -> Settings:
    """``settings`` with ``--narrator`` applied for this run."""
    return settings if narrator is None else settings.model_copy(update={"narrator": narrator})


def narrates(settings: Settings) -> bool:
    """``bot.container.wants_model`` (Claude narrates with NARRATOR=anthropic, or auto and a
    key), without importing the storage layer the template path does not need."""
    return settings.narrator == "anthropic" or (settings.narrator == "auto"
                                                and settings.anthropic_key is not None)


def narrated(snapshot: MarketSnapshot, settings: Settings, language: str = "en",
             history: History | None = None) -> object:
    """The report narrated by Claude, as editions are: one call (and one retry for rejected
    figures) within ANTHROPIC_TIMEOUT_S; the template wherever Claude fails. One line on
    stderr says who narrated what."""
    import asyncio

    from bot.container import make_narrator
    from services.errors import ConfigError
    from services.narration.anthropic import AnthropicNarrator
    from services.report.pipeline import narrated_report

    async def run() -> object:
        narrator = make_narrator(settings)
        if not isinstance(narrator, AnthropicNarrator):  # asked for, but no credentials
            raise ConfigError("Claude has no credentials: set ANTHROPIC_API_KEY, or run with "
                              "--narrator template")
        try:
            return await narrated_report(snapshot, settings.briefing_zone, narrator, language,
                                         history)
        finally:
            aclose = getattr(narrator, "aclose", None)
            if aclose is not None:
                await aclose()

    report = asyncio.run(run())
    n = report.narration  # type: ignore[attr-defined]
    claude = sorted(k for k, v in n.section_narrators.items() if v == "anthropic")
    print(f"narration: Claude wrote {', '.join(claude) or 'nothing that passed the check'}; "
          f"{len(n.rejected)} rejected figure(s); tokens: {n.input_tokens or 0} input, "
          f"{n.output_tokens or 0} output", file=sys.stderr)
    return report


def fetch_live(settings: Settings) -> MarketSnapshot:
    """Today's snapshot from the live sources (a fresh stored one is reused)."""
    import asyncio

    from services.market_data.live import live_snapshot

    return asyncio.run(live_snapshot(settings))


def _live_status(snapshot: MarketSnapshot) -> int:
    """EXIT_NO_DATA, with the reason on stderr, when no source delivered a figure."""
    from services.market_data.build import all_sources_failed

    if not all_sources_failed(snapshot):
        return EXIT_OK
    print("error: every market data source was unreachable or failed; nothing to report",
          file=sys.stderr)
    for warning in snapshot.warnings:
        print(f"  {warning.source}: {warning.reason}", file=sys.stderr)
    return EXIT_NO_DATA


def cmd_snapshot(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.config import load_settings
    from services.snapshot_io import dump_snapshot

    snapshot = fetch_live(load_settings())
    text = dump_snapshot(snapshot)
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"wrote {args.out}: {len(snapshot.quotes)} quotes, {len(snapshot.warnings)} "
              "warnings", file=sys.stderr)
    return _live_status(snapshot)


def cmd_doctor() -> int:
    """One live request per source, as a table; exit 0 when every figure has a working
    source, else 1."""
    import asyncio
    from datetime import UTC, datetime

    from bot.config import Settings
    from services.market_data import doctor
    from services.market_data.transport import open_clients

    settings = Settings()

    async def probe() -> tuple[doctor.Result, ...]:
        async with open_clients(settings.provider_timeout_s) as clients:
            return await doctor.check(clients, settings, datetime.now(UTC))

    results = asyncio.run(probe())
    sys.stdout.write(doctor.table(results))
    return EXIT_OK if not doctor.unserved(results) else EXIT_DOCTOR_FAILED


def write_charts(report: object, directory: str, colours: dict[str, str] | None = None
                 ) -> None:
    """Every chart as ``<directory>/<name>.png``, in the report's language and that
    language's colours; matplotlib is imported only here, so a plain ``report`` starts fast.
    Paths go to stderr, leaving stdout to the report."""
    from pathlib import Path

    from services.models.report import Report
    from services.renderers.charts import render_all
    from services.renderers.charts.style import look_for

    assert isinstance(report, Report)
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, png in render_all(report.analysis, look_for(report.language,
                                                              colours)).items():
            path = folder / f"{name}.png"
            path.write_bytes(png)
            print(f"chart: {path} ({len(png):,} bytes)", file=sys.stderr)
    except OSError as exc:
        raise InputError(f"cannot write charts to {directory}: {exc.strerror or exc}"
                             ) from None


def snapshot_source(args: argparse.Namespace) -> object | None:
    """A fixed source for --input/--sample, else None (live data)."""
    from services.history_io import load_sample_history
    from services.report.editions import FixedSource
    from services.snapshot_io import load_sample, load_snapshot_file

    if getattr(args, "input", None):
        return FixedSource(load_snapshot_file(args.input))
    if getattr(args, "sample", False):  # the sample day with its bundled year of closes
        return FixedSource(load_sample(), history=load_sample_history())
    return None


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    from bot.config import load_settings
    from bot.logging import setup_logging
    from bot.runtime import EXIT_NO_PLATFORM, NO_PLATFORM_MESSAGE, has_platform, run

    settings = load_settings()
    if not has_platform(settings):
        print(NO_PLATFORM_MESSAGE, file=sys.stderr)
        return EXIT_NO_PLATFORM
    source = snapshot_source(args)  # a bad --input file exits 2 before anything is set up
    setup_logging(settings.log_level, settings.secrets(), settings.log_format)

    async def main() -> int:
        async with open_container(settings, source, warm=False) as container:
            return await run(container)  # warms the charts once the platforms accept the bot

    return asyncio.run(main())


@contextlib.asynccontextmanager
async def open_container(settings: Settings, source: object | None, warm: bool = True
                         ) -> AsyncIterator[Container]:
    """The container for ``run`` and ``push``: ``source`` (``--input``/``--sample``) or live
    data (one HTTP client for the process, snapshots stored, the year of closes each build
    fetched recorded in the history store), and the chart worker pool
    (its workers started now with ``warm``; else by ``bot.runtime.warm_charts`` or the first
    chart)."""
    from contextlib import AsyncExitStack

    from bot.container import build_container
    from services.market_data.transport import open_clients
    from services.ops.metrics import Metrics
    from services.watch.quotes import QuoteFetcher

    metrics = Metrics()
    async with AsyncExitStack() as stack:
        snapshots = source
        if snapshots is None:
            from services.market_data.live import open_live_source
            from services.market_data.recorder import BuildRecorder
            from services.storage.snapshots import SnapshotStore

            snapshots = await stack.enter_async_context(
                open_live_source(settings, metrics=metrics))
        charts = await stack.enter_async_context(chart_pool(warm, settings.chart_colours))
        # watchlists and alerts read live quotes, whatever the edition's source
        clients = await stack.enter_async_context(open_clients(settings.provider_timeout_s))
        container = await build_container(settings, snapshots,  # type: ignore[arg-type]
                                          charts=charts, chart_names=charts.names,
                                          quotes=QuoteFetcher(clients, settings,
                                                              metrics=metrics),
                                          metrics=metrics)
        if source is None:  # live builds are stored, and so are the closes they fetched
            recorder = BuildRecorder(container.closes) if container.closes else None
            snapshots.attach_store(SnapshotStore(container.db),  # type: ignore[attr-defined]
                                   recorder)
        try:
            yield container
        finally:
            await container.close()


@contextlib.asynccontextmanager
async def chart_pool(warm: bool = True, colours: dict[str, str] | None = None
                     ) -> AsyncIterator[ChartPool]:
    """The chart worker processes for a running bot: rendering never blocks the event loop;
    ``colours`` is each language's colour convention."""
    from services.renderers.charts import ChartPool

    pool = ChartPool(colours=colours)
    if warm:
        await pool.start()
    try:
        yield pool
    finally:
        await pool.close()


def render(report: object, fmt: str, keys: tuple[str, ...] | None) -> str:
    from services.models.report import SECTION_KEYS, Report

    assert isinstance(report, Report)
    wanted = keys or SECTION_KEYS
    if fmt == "markdown":
        from services.renderers import markdown

        return markdown.render(report, keys)
    if fmt == "telegram":
        from services.renderers import telegram_html

        messages = (telegram_html.render_full(report) if keys is None
                    else telegram_html.render_messages(report, wanted))
        return "".join(f"----- message {i}/{len(messages)} ({len(m)} chars) -----\n{m}\n"
                       for i, m in enumerate(messages, 1))
    if fmt == "discord":
        from services.renderers import discord_embeds

        payload = [{"content": m.content, "embeds": m.embeds}
                   for m in discord_embeds.render_messages(report, wanted)]
        return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
    from services.renderers import json_out

    if keys is None:
        return json_out.render(report)
    data = json_out.to_dict(report)
    data["sections"] = [s for s in data["sections"] if s["key"] in wanted]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
