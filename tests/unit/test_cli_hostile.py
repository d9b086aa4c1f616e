"""Every hostile snapshot through ``python -m bot report --input FILE`` in every format, as a
user runs it (a real process, stdout encoded strictly as UTF-8): a cleaned report with exit 0,
or exit 2 with one line naming the problem; never a traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support.hostile import ACCEPTED, CASES, REFUSED, UNSAFE, Case
from tests.unit.test_cli import run

FORMATS = ("markdown", "telegram", "discord", "json")
SAMPLE_MESSAGES = {"telegram": 4, "discord": 5}  # what the sample day takes (room for one more)


def report(tmp_path: Path, case: Case, fmt: str) -> tuple[int, str, str]:
    path = tmp_path / f"{case.key}.json"
    path.write_text(case.raw, encoding="utf-8")
    result = run("report", "--input", str(path), "--format", fmt,
                 env_extra={"PYTHONIOENCODING": "utf-8:strict"})
    return result.returncode, result.stdout, result.stderr


def check_limits(fmt: str, out: str) -> None:
    if fmt == "telegram":
        sizes = [int(n) for n in re.findall(r"^----- message \d+/\d+ \((\d+) chars\)", out,
                                            re.MULTILINE)]
        assert sizes and max(sizes) <= 4096 and len(sizes) <= SAMPLE_MESSAGES[fmt] + 1
    elif fmt == "discord":
        messages = json.loads(out)
        assert len(messages) <= SAMPLE_MESSAGES[fmt] + 1
        assert all(len(e["description"]) <= 4096 for m in messages for e in m["embeds"])
    elif fmt == "json":
        assert json.loads(out)["schema"] == "market-report/1"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", ACCEPTED, ids=lambda c: c.key)
def test_accepted_inputs_render_clean_within_limits(tmp_path: Path, case: Case, fmt: str
                                                    ) -> None:
    code, out, err = report(tmp_path, case, fmt)
    assert code == 0, err
    assert "Traceback" not in err
    assert not any(bad in out for bad in UNSAFE)
    assert "A" * 65 not in out  # no name longer than it is clipped to
    check_limits(fmt, out)
    if case.key.startswith("name_"):
        assert "A" * 63 + "…" in out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", REFUSED, ids=lambda c: c.key)
def test_refused_inputs_exit_2_naming_the_problem(tmp_path: Path, case: Case, fmt: str
                                                  ) -> None:
    code, out, err = report(tmp_path, case, fmt)
    assert code == 2 and out == ""
    assert err.startswith(case.problem_in(str(tmp_path / f"{case.key}.json")))
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_an_implausible_index_move_is_named_not_reported(tmp_path: Path) -> None:
    code, out, err = report(tmp_path, CASES["index_move_1e30"], "json")
    assert code == 0, err
    data = json.loads(out)
    insight = data["sections"][0]["markdown"]
    narrative = insight.split("\n\n")[1]
    assert "S&P" not in narrative and "1e+30" not in narrative
    assert ("reference: SPX: a +1e+30% move in one session is outside the sane bound of ±25% "
            "for an index; left out") in data["warnings"]
    assert "**Missing inputs:** _reference: SPX: a +1e+30% move" in insight
