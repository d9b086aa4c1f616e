"""``python -m bot subscriptions …`` and ``push --dry-run`` as a user runs them (in-process
through ``bot.cli.main``; the real pushes run as processes in the crash tests)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import main
from services.storage import open_database
from tests.delivery.processes import bot_env

ISSUE_KEYS = ["edition", "sent", "skipped_already_sent", "failed", "deactivated", "seconds"]


@pytest.fixture(autouse=True)
def logging_restored() -> Iterator[None]:
    """``push`` configures logging for the process (root handler, quiet httpx); put it back
    for the tests that follow."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    quiet = {name: logging.getLogger(name).level for name in ("httpx", "alembic")}
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)
    for name, old in quiet.items():
        logging.getLogger(name).setLevel(old)


@pytest.fixture
def env(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    for key, value in bot_env(sqlite_url).items():
        monkeypatch.setenv(key, value)
    for key in ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)  # no developer .env
    return sqlite_url


def test_add_list_remove_in_bulk(env: str, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("# migrated from the old bot\n111\n-1001234567890\n\n@market_news\n111\n")
    assert main(["subscriptions", "add", "telegram", "42", "--from-file", str(ids),
                 "--time", "7:05", "--tz", "Europe/London"]) == 0
    assert "subscribed 4 telegram destinations at 07:05 Europe/London" in capsys.readouterr().out
    assert main(["subscriptions", "add", "discord", "912345678901234567"]) == 0
    capsys.readouterr()

    assert main(["subscriptions", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["platform"], r["id"], r["time"], r["tz"], r["kind"]) for r in rows] == [
        ("telegram", "42", "07:05", "Europe/London", "private"),
        ("telegram", "111", "07:05", "Europe/London", "private"),
        ("telegram", "-1001234567890", "07:05", "Europe/London", "group"),
        ("telegram", "@market_news", "07:05", "Europe/London", "channel"),
        ("discord", "912345678901234567", "08:30", "Asia/Hong_Kong", "text")]

    assert main(["subscriptions", "remove", "telegram", "42", "111", "999"]) == 0
    captured = capsys.readouterr()
    assert "unsubscribed 2 telegram destinations" in captured.out
    assert "not subscribed: 999" in captured.err
    assert main(["subscriptions", "list", "--platform", "telegram"]) == 0
    table = capsys.readouterr().out
    assert "-1001234567890" in table and "\n42 " not in table
    assert main(["subscriptions", "list", "--all"]) == 0
    assert "inactive (unsubscribed)" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "message"), [
    (["subscriptions", "add", "telegram", "12ab"], "not a telegram id: 12ab"),
    (["subscriptions", "add", "discord", "42"], "not a discord id: 42"),
    (["subscriptions", "add", "telegram", "1", "--time", "25:99"], "'25:99' is not a time"),
    (["subscriptions", "add", "telegram", "1", "--tz", "Mars/Phobos"],
     "'Mars/Phobos' is not an accepted time zone"),
    (["subscriptions", "add", "telegram", "1", "--tz", "localtime"],
     "'localtime' is not an accepted time zone: use an Area/City zone"),
    (["subscriptions", "remove", "telegram"], "give at least one ID"),
    (["subscriptions", "add", "telegram", "--from-file", "/nonexistent/ids"], "cannot read"),
])
def test_bad_input_is_named(env: str, capsys: pytest.CaptureFixture[str], argv: list[str],
                            message: str) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_push_without_any_token_says_so(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["push", "--sample"]) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


def test_dry_run_counts_and_writes_nothing(env: str, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:not-used-by-a-dry-run")
    assert main(["subscriptions", "add", "telegram", "1", "2", "3"]) == 0
    assert main(["subscriptions", "add", "discord", "912345678901234567"]) == 0
    capsys.readouterr()
    assert main(["push", "--sample", "--dry-run"]) == 0
    captured = capsys.readouterr()
    *listing, line = captured.out.splitlines()
    assert listing == [
        "telegram  1                      would send",
        "telegram  2                      would send",
        "telegram  3                      would send",
        "discord   912345678901234567     not sent: DISCORD_BOT_TOKEN is not set"]
    result = json.loads(line)
    assert list(result)[:6] == ISSUE_KEYS
    assert (result["sent"], result["would_send"], result["dry_run"]) == (0, 3, True)
    assert result["recipients"] == {"telegram": 3}
    assert result["edition"].startswith("2026-03-21T00:30Z-")
    assert result["size"]["caption_chars"] <= 1024
    assert result["size"]["full_report_messages"] >= 1
    assert asyncio.run(_deliveries(env)) == 0


async def _deliveries(url: str) -> int:
    from sqlalchemy import func, select

    from services.storage.tables import DeliveryRow, EditionRow

    db = await open_database(url)
    try:
        async with db.sessions() as session:
            rows = await session.scalar(select(func.count()).select_from(DeliveryRow))
            editions = await session.scalar(select(func.count()).select_from(EditionRow))
            return int(rows or 0) + int(editions or 0)
    finally:
        await db.close()


def _size(snapshot: object, history: object) -> dict[str, int]:
    """The size of the edition of ``snapshot`` read against ``history``, as a dry run says."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from services.models.history import History
    from services.models.snapshot import MarketSnapshot
    from services.narration.template import TemplateNarrator
    from services.renderers import telegram_html
    from services.report.editions import make_edition

    assert isinstance(snapshot, MarketSnapshot) and isinstance(history, History)
    edition = asyncio.run(make_edition(snapshot, TemplateNarrator(),
                                       ZoneInfo("Asia/Hong_Kong"), datetime.now(UTC), history))
    full = telegram_html.render_full(edition.report)
    return {"caption_chars": len(telegram_html.caption(edition.report)),
            "full_report_messages": len(full), "full_report_chars": sum(len(m) for m in full)}


def test_a_dry_run_reads_the_history_its_push_would(env: str, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    from services.history_io import load_sample_history
    from services.models.history import EMPTY_HISTORY
    from services.snapshot_io import load_sample
    from tests.ask.test_cli import store_sample_history
    from tests.conftest import ROOT

    sample_file = str(ROOT / "services" / "sample" / "2026-03-20.snapshot.json")
    with_year, alone = (_size(load_sample(), load_sample_history()),
                        _size(load_sample(), EMPTY_HISTORY))
    assert with_year != alone

    def dry(*argv: str) -> dict[str, object]:
        assert main(["push", *argv, "--dry-run"]) == 0
        summary: dict[str, object] = json.loads(capsys.readouterr().out.splitlines()[-1])
        return summary

    assert dry("--sample")["size"] == with_year  # its bundled year, the store or not
    assert dry("--input", sample_file)["size"] == alone  # nothing stored yet
    store_sample_history(env)
    assert dry("--input", sample_file)["size"] == with_year  # the store, as a push reads it
