"""The CLI as a user runs it: real processes, exit statuses, no tracebacks."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.support.snapshots import quote, sample_dict


def run(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "DISCORD_", "ANTHROPIC_"))}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_report_sample_has_all_ten_sections() -> None:
    result = run("report", "--sample")
    assert result.returncode == 0, result.stderr
    for n, title in enumerate(["Key Insight", "Global risk sentiment", "Crypto and DeFi", "US",
                               "Hong Kong", "A-shares", "Cross-market divergences",
                               "Capital flow map", "Risk matrix", "Action plan"], 1):
        assert f"## {n}. {title}" in result.stdout


@pytest.mark.parametrize(("alias", "title"), [
    ("cn", "## 6. A-shares"), ("crypto", "## 3. Crypto and DeFi"), ("defi", "## 3. Crypto"),
    ("flows", "## 8. Capital flow map"), ("risks", "## 9. Risk matrix"),
    ("plan", "## 10. Action plan"), ("divergences", "## 7."), ("US", "## 4. US"),
    ("risk_sentiment", "## 2."),
])
def test_section_aliases(alias: str, title: str) -> None:
    result = run("report", "--sample", "--section", alias)
    assert result.returncode == 0 and title in result.stdout
    assert result.stdout.count("\n## ") == 1


def test_unknown_section_lists_the_valid_ones() -> None:
    result = run("report", "--sample", "--section", "moon")
    assert result.returncode == 2
    assert "unknown section 'moon'" in result.stderr and ", cn, " in result.stderr
    assert "a_shares" not in result.stderr  # section keys are internal
    assert "crypto, defi, us, hk, cn" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_snapshot_exits_2_with_one_line_per_problem(tmp_path: Path) -> None:
    data = sample_dict()
    quote(data, "HSI")["change_pct"] = "x"
    quote(data, "BTC")["market"] = "MOON"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    result = run("report", "--input", str(bad))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "quotes[3].change_pct: not a number (got the string \"x\")",
        'quotes[9].market: unknown market "MOON" (expected one of US, HK, CN, CRYPTO, MACRO)']
    assert result.stdout == ""


def test_broken_json_and_missing_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": ')
    result = run("report", "--input", str(broken))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{broken}: broken JSON at line 1 column 12: Expecting value"]
    missing = run("report", "--input", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "cannot read file" in missing.stderr
    assert "Traceback" not in result.stderr + missing.stderr


@pytest.mark.parametrize("fmt", ["telegram", "discord", "json", "markdown"])
def test_every_format(fmt: str) -> None:
    result = run("report", "--sample", "--format", fmt)
    assert result.returncode == 0 and result.stdout
    if fmt == "json":
        assert json.loads(result.stdout)["schema"] == "market-report/1"
    if fmt == "discord":
        assert all(m["embeds"] for m in json.loads(result.stdout))


def test_schema_command_prints_a_json_schema() -> None:
    result = run("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "market-snapshot/1"
    assert "quotes" in schema["properties"]


def test_run_without_tokens_exits_2() -> None:
    result = run("run", "--sample")
    assert result.returncode == 2
    assert "neither TELEGRAM_BOT_TOKEN nor DISCORD_BOT_TOKEN" in result.stderr
