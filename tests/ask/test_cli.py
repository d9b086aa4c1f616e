"""The command line narrates and answers: ``report`` calls Claude as editions do (one call, or
two and then the template), ``--narrator`` overrides it for one run, and ``ask`` answers from
Claude or by keyword. Claude is the loopback Messages API fake
(``python -m tests.fakes.messages_server``) reached through ``ANTHROPIC_BASE_URL``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main, narrates
from bot.config import Settings
from bot.container import wants_model
from services.narration.template import TemplateNarrator
from services.report.pipeline import report_from_snapshot
from services.snapshot_io import load_sample
from tests.ask import scripted
from tests.ask.conftest import KEY
from tests.conftest import ROOT
from tests.delivery.processes import bot_env
from tests.fakes.messages_server import PRESETS, load_script, serving
from tests.narration import scripted as narration_scripted
from tests.narration.conftest import ZONE

# The scripted narrations describe the sample snapshot read alone (its stale US block
# included), so these runs give the snapshot without the sample's history.
SAMPLE_ALONE = ["--input", str(ROOT / "services" / "sample" / "2026-03-20.snapshot.json")]
PROXIES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


def run_bot(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def model_env(sqlite_url: str, url: str, **extra: str) -> dict[str, str]:
    env = bot_env(sqlite_url, ANTHROPIC_API_KEY=KEY, ANTHROPIC_BASE_URL=url, **extra)
    env.pop("NARRATOR")  # auto: Claude because a key is set
    for proxy in PROXIES:
        env.pop(proxy, None)
    return env


# --- report narrates ----------------------------------------------------------------------

def test_report_with_a_key_calls_claude_once_and_ships_its_key_insight(
        sqlite_url: str, tmp_path: Path) -> None:
    with serving(load_script("good")) as fake:
        done = run_bot(["report", *SAMPLE_ALONE, "--format", "json"],
                       model_env(sqlite_url, fake.url), tmp_path)
        assert done.returncode == 0, done.stderr
        assert fake.count("narration") == 1 and fake.count() == 1
    report = json.loads(done.stdout)
    assert report["sections"][0]["markdown"].startswith(
        "## 1. Key Insight\n\n" + narration_scripted.GOOD["key_insight"])
    meta = report["narration"]
    assert meta["narrator"] == "anthropic" and meta["rejected_figures"] == []
    assert set(meta["section_narrators"].values()) == {"anthropic"}
    assert {s["narrator"] for s in report["sections"]} == {"anthropic"}
    assert "narration: Claude wrote a_shares, action_plan" in done.stderr
    assert KEY not in done.stdout + done.stderr


def test_report_with_a_wrong_answer_calls_twice_then_ships_the_template(
        sqlite_url: str, tmp_path: Path) -> None:
    with serving(load_script("wrong")) as fake:
        done = run_bot(["report", *SAMPLE_ALONE, "--format", "json"],
                       model_env(sqlite_url, fake.url), tmp_path)
        assert done.returncode == 0, done.stderr
        assert fake.count("narration") == 2
    report = json.loads(done.stdout)
    template = TemplateNarrator().compose(report_from_snapshot(load_sample(), ZONE).analysis)
    assert report["sections"][0]["markdown"].startswith(
        "## 1. Key Insight\n\n" + template.key_insight)
    meta = report["narration"]
    assert meta["section_narrators"]["key_insight"] == "template"
    assert meta["section_narrators"]["crypto_defi"] == "anthropic"
    assert report["sections"][0]["narrator"] == "template"
    assert [line.split(" - ")[0] for line in meta["rejected_figures"]] == [
        "key_insight (draft 1): 0.59%", "key_insight (draft 1): +$370M",
        "key_insight (draft 2): 0.59%", "key_insight (draft 2): +$370M"]


def test_narrator_template_overrides_the_key_for_one_run(sqlite_url: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    with serving(load_script("good")) as fake:
        for key, value in model_env(sqlite_url, fake.url).items():
            monkeypatch.setenv(key, value)
        monkeypatch.delenv("NARRATOR", raising=False)
        monkeypatch.chdir(tmp_path)
        assert main(["report", "--sample", "--format", "json", "--narrator", "template"]) == 0
        assert fake.count() == 0
    assert json.loads(capsys.readouterr().out)["narration"]["narrator"] == "template"


def test_narrator_anthropic_overrides_narrator_template(sqlite_url: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    with serving(load_script("good")) as fake:
        for key, value in model_env(sqlite_url, fake.url, NARRATOR="template").items():
            monkeypatch.setenv(key, value)
        monkeypatch.chdir(tmp_path)
        assert main(["report", *SAMPLE_ALONE, "--section", "crypto",
                     "--narrator", "anthropic"]) == 0
        assert fake.count("narration") == 1
    out = capsys.readouterr().out
    assert f"**Reading:** {narration_scripted.GOOD['crypto_defi']}" in out.replace("\\", "")


@pytest.mark.parametrize("values", [
    {}, {"anthropic_api_key": ""}, {"anthropic_api_key": KEY},
    {"anthropic_api_key": KEY, "narrator": "template"}, {"narrator": "anthropic"},
    {"narrator": "template"}])
def test_the_cli_picks_the_narrator_as_editions_do(values: dict[str, Any],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
    assert narrates(settings) == wants_model(settings)


# --- ask ----------------------------------------------------------------------------------

def test_ask_answers_from_claude(sqlite_url: str, tmp_path: Path) -> None:
    with serving(load_script("ask-good")) as fake:
        done = run_bot(["ask", "--sample", scripted.STABLECOIN_QUESTION],
                       model_env(sqlite_url, fake.url), tmp_path)
        assert done.returncode == 0, done.stderr
        assert [r["question"] for r in fake.requests] == [scripted.STABLECOIN_QUESTION]
    assert done.stdout == (f"Q: {scripted.STABLECOIN_QUESTION}\n\n"
                           f"{scripted.STABLECOIN_GOOD['answer']}\n\n"
                           "— checked against the 2026-03-21 edition\n")
    assert "+$563M" in done.stdout and "+$858M" in done.stdout and "-$310M" in done.stdout
    assert "ask: model route, 1 call(s), 6525 input + 913 output tokens" in done.stderr


def test_ask_records_tokens_in_the_database(sqlite_url: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with serving(load_script("ask-retry")) as fake:
        for key, value in model_env(sqlite_url, fake.url).items():
            monkeypatch.setenv(key, value)
        monkeypatch.chdir(tmp_path)
        assert main(["ask", "--sample", "--format", "json",
                     scripted.STABLECOIN_QUESTION]) == 0
        assert fake.count("ask") == 2
    answer = json.loads(capsys.readouterr().out)
    assert answer["route"] == "model" and answer["calls"] == 2
    assert answer["rejected_figures"][0].startswith("draft 1: +$370M - no such figure")
    import asyncio

    from services.storage import open_database
    from services.storage.usage import UsageStore

    async def today() -> tuple[int, int]:
        db = await open_database(sqlite_url)
        try:
            from datetime import UTC, datetime

            used = await UsageStore(db).day(datetime.now(UTC).date())
            return used.calls, used.answers
        finally:
            await db.close()

    assert asyncio.run(today()) == (2, 1)


def test_ask_without_a_key_shows_the_section_and_the_notice(
        sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for key, value in bot_env(sqlite_url).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("NARRATOR", "auto")
    monkeypatch.chdir(tmp_path)
    assert main(["ask", "--sample", scripted.STABLECOIN_QUESTION]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Q: {scripted.STABLECOIN_QUESTION}\n\nClaude is not configured on "
                          "this bot, so here is the part of the edition that matches your "
                          "question.\n")
    assert "## 3. Crypto and DeFi" in out and "## 4. US" not in out
    assert "USDT  $184.13B  +0.468%   +$858M" in out
    assert out.endswith("— from the 2026-03-21 edition\n")
    assert not (tmp_path / "marketbot.db").exists()  # no model: no database needed


def test_ask_with_an_overlong_question_exits_2_with_one_line(
        sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for key, value in bot_env(sqlite_url).items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    assert main(["ask", "--sample", "x" * 3000]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ("error: That question is 3,000 characters long; please keep it "
                            "under 500.\n")


def test_the_fake_runs_as_a_module_and_answers_the_sdk(tmp_path: Path) -> None:
    """``python -m tests.fakes.messages_server`` prints its URL and answers the real SDK."""
    import asyncio

    import anthropic

    process = subprocess.Popen([sys.executable, "-m", "tests.fakes.messages_server",
                                "--script", "ask-missing"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")

        async def ask() -> str:
            client = anthropic.AsyncAnthropic(api_key=KEY, base_url=url, max_retries=0)
            try:
                message = await client.messages.create(
                    model="claude-sonnet-5-5", max_tokens=100,
                    messages=[{"role": "user", "content": "<question>\n{}\n</question>"}])
                block = message.content[-1]
                assert block.type == "text"
                return block.text
            finally:
                await client.close()

        assert json.loads(asyncio.run(ask())) == scripted.MISSING_GOOD
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert set(PRESETS) >= {"good", "wrong", "ask-good", "ask-retry", "ask-missing"}


def test_narrator_anthropic_without_credentials_is_one_line(
        sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for key, value in bot_env(sqlite_url).items():
        monkeypatch.setenv(key, value)
    for key in [k for k in os.environ if k.startswith("ANTHROPIC_")]:
        monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--sample", "--narrator", "anthropic"]) == 2
    assert capsys.readouterr().err == ("error: Claude has no credentials: set "
                                       "ANTHROPIC_API_KEY, or run with --narrator template\n")
    assert main(["ask", "--sample", "--narrator", "anthropic", "What did BTC do?"]) == 0
    assert "Claude is not configured on this bot" in capsys.readouterr().out


def store_sample_history(url: str) -> None:
    """The sample's year in the history store at ``url`` (as ``history import`` would)."""
    import asyncio
    from datetime import UTC, datetime

    from services.history_io import load_sample_history
    from services.storage import open_database
    from services.storage.closes import ClosesStore

    async def store() -> None:
        db = await open_database(url)
        try:
            now = datetime(2026, 3, 21, 1, 0, tzinfo=UTC)
            await ClosesStore(db).import_history(load_sample_history(), now.date(), now)
        finally:
            await db.close()

    asyncio.run(store())


def test_ask_reads_the_history_store_as_run_does(
        sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    for key, value in bot_env(sqlite_url).items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    question = "How did the S&P 500 do?"
    # nothing stored (no database yet): read alone, said once, no database created
    assert main(["ask", *SAMPLE_ALONE, question]) == 0
    captured = capsys.readouterr()
    assert "S&P 500  6,643.70  +0.59%" in captured.out
    assert captured.err.startswith("note: no history given (--history FILE|DIR) and none "
                                   "stored")
    assert not (tmp_path / "bot.db").exists()
    # the sample's year in the store: the stale S&P 500 is read as the history's close
    store_sample_history(sqlite_url)
    assert main(["ask", *SAMPLE_ALONE, question]) == 0
    captured = capsys.readouterr()
    assert "S&P 500   6,506.48  -1.51%" in captured.out
    assert "S&P 500 stale: the feed (reference) gave 6,643.70, +0.59%, which equals the close " \
           "of 2025-09-26" in captured.out
    assert captured.err == ""
    # --history wins over the store; --sample keeps its bundled year
    empty = tmp_path / "empty.json"
    empty.write_text('{"schema": "market-history/1", "series": {}}', encoding="utf-8")
    assert main(["ask", *SAMPLE_ALONE, "--history", str(empty), question]) == 0
    assert "S&P 500  6,643.70  +0.59%" in capsys.readouterr().out
