"""``python -m bot ask "QUESTION" [--input FILE | --sample] [--history FILE|DIR]``: ``/ask``
from the terminal.

The edition is built as ``report`` builds it, and read against the history an edition of
``run`` reads: ``--history``, else the sample's bundled year with ``--sample``, else the history
store (read only; live data and ``--input`` alike), so that an answer carries the same history
as the live edition. Claude answers when it narrates (NARRATOR, or ``--narrator``), its tokens
counted in the bot's daily budget (the database); otherwise the question is routed by keyword
to the report's sections. No per-user rate limit here.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

ASK_FORMATS = ("text", "json")


def add_parser(commands: Any) -> None:
    ask = commands.add_parser("ask", help="ask about the edition; every figure is checked")
    ask.add_argument("question", help="the question, in English or Chinese")
    source = ask.add_mutually_exclusive_group()
    source.add_argument("--input", metavar="FILE", help="a market-snapshot/1 JSON file")
    source.add_argument("--sample", action="store_true", help="the bundled sample day (offline)")
    from bot.cli import add_history_argument

    add_history_argument(ask)
    ask.add_argument("--narrator", choices=("template", "anthropic"),
                     help="template: keyword routing only; anthropic: Claude answers "
                          "(default: the NARRATOR setting)")
    ask.add_argument("--format", choices=ASK_FORMATS, default="text")


def cmd_ask(args: argparse.Namespace) -> int:
    import asyncio
    from datetime import UTC, datetime

    from bot.cli import (
        EXIT_OK,
        NO_HISTORY_NOTE,
        fetch_live,
        given_history,
        read_stored_history,
        with_narrator,
    )
    from bot.config import Settings
    from bot.container import ask_limits, make_ask_model
    from services.ask.service import AskService
    from services.narration.template import TemplateNarrator
    from services.renderers import answers
    from services.report.editions import make_edition
    from services.snapshot_io import load_sample, load_snapshot_file
    from services.storage import open_database
    from services.storage.usage import UsageStore

    settings = with_narrator(Settings(), args.narrator)
    model = make_ask_model(settings)
    service = AskService(model, None, ask_limits(settings))
    question = service.prepare(args.question, user=None)  # a bad question: exit 2, one line
    if args.input:
        snapshot = load_snapshot_file(args.input)
    elif args.sample:
        snapshot = load_sample()
    else:
        snapshot = fetch_live(settings)
    given = args.history or args.sample
    history = given_history(args) if given else None

    async def run() -> tuple[Any, Any]:
        db = await open_database(settings.database_url) if model is not None else None
        if db is not None:
            service.usage = UsageStore(db)
        try:
            read = history if history is not None else await read_stored_history(settings,
                                                                                  snapshot)
            if history is None and not read and not read.gaps:
                print(NO_HISTORY_NOTE, file=sys.stderr)
            edition = await make_edition(snapshot, TemplateNarrator(), settings.briefing_zone,
                                         datetime.now(UTC), history=read,
                                         language=question.language.value)
            return await service.answer(edition, question), edition.report
        finally:
            await service.aclose()
            if db is not None:
                await db.close()

    answer, report = asyncio.run(run())
    if args.format == "json":
        sys.stdout.write(answers.to_json(answer))
    else:
        sys.stdout.write(answers.plain(answer, report))
    if answer.usage.calls:
        print(f"ask: {answer.route.value} route, {answer.usage.calls} call(s), "
              f"{answer.usage.input} input + {answer.usage.output} output tokens, "
              f"{len(answer.rejected)} rejected figure(s)", file=sys.stderr)
    return EXIT_OK
