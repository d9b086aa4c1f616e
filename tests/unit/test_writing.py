"""Writing that respects the reader, checked as properties of every rendered report: the sample
day (with and without its history) and the odd days (crash day, Hong Kong holiday, hostile
names, crypto only), each section on its own.

- no figure printed more than twice in one section (a repeated reading is named, not
  reprinted), and no bullet printed word for word in two sections;
- missing data worded one way: ``n/a``, never ``n/a (n/a)``, ``n/a.``, ``missing`` or an empty
  table;
- no internal id (edition ids, section keys, rule keys) in the text;
- no doubled word, no "all market", no sentence twice in a section, no note twice.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import pytest

from services.history_io import load_sample_history
from services.models.history import EMPTY_HISTORY
from services.models.report import SECTION_KEYS, Bullets, Paragraph, Report, Table
from services.renderers import markdown
from services.report.pipeline import report_from_snapshot
from tests.support.odd_days import ODD_DAYS
from tests.support.snapshots import HK, snapshot_of

# A figure: a signed or unsigned amount, percentage, spread, σ or grouped level.
FIGURE = re.compile(r"(?<![\w.,])[+-]?(?:[$¥]\d[\d,]*(?:\.\d+)?[KMBT]?|\d[\d,]*(?:\.\d+)?"
                    r"(?:%|σ| pp)|\d{1,3}(?:,\d{3})+(?:\.\d+)?)(?![\w%])")
EDITION_ID = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z-[0-9a-f]{8}")
INTERNAL = re.compile(r"\b(?:" + "|".join(
    [k for k in SECTION_KEYS if "_" in k]
    + ["hk_fails_us_lead", "narrow_breadth", "index_drawdown", "crypto_equity_snapback",
       "stablecoin_outflow", "stablecoin_contraction", "broad_risk_off", "chinext_sse",
       r"chain\.\w+", r"setup\.us", r"risk\.\w+", "None", "nan", "inf"]) + r")\b")
DOUBLED = re.compile(r"\b([A-Za-z]+) \1\b", re.IGNORECASE)
HISTORY = load_sample_history()
CASES = [(day, with_history) for day in ODD_DAYS for with_history in (False, True)]


@cache
def report(day: str, with_history: bool) -> Report:
    return report_from_snapshot(snapshot_of(ODD_DAYS[day]()), HK,
                                history=HISTORY if with_history else EMPTY_HISTORY)


def _id(case: tuple[str, bool]) -> str:
    return f"{case[0]}{'+history' if case[1] else ''}"


def figures(text: str) -> Counter[str]:
    """Each figure by its digits: ``+1.04%`` and ``1.04%`` are one reading said twice."""
    return Counter(f.lstrip("+-") for f in FIGURE.findall(text))


def paragraphs(r: Report, key: str) -> list[str]:
    found = []
    for block in r.section(key).blocks:
        items = block.items if isinstance(block, Bullets) else (
            (block,) if isinstance(block, Paragraph) else ())
        found += [f"{p.lead} {p.text}".strip() for p in items]
    return found


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_no_figure_more_than_twice_in_a_section(case: tuple[str, bool]) -> None:
    r = report(*case)
    for section in r.sections:
        if section.key == "capital_flows":
            continue  # the map redraws the figures above by design (one tree, one line each)
        repeated = {f: n for f, n in figures(markdown.render_section(section)).items() if n > 2}
        assert repeated == {}, (section.key, repeated)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_no_bullet_printed_in_two_sections(case: tuple[str, bool]) -> None:
    r = report(*case)
    where: dict[str, list[str]] = {}
    for key in SECTION_KEYS:
        for text in set(paragraphs(r, key)):
            if FIGURE.search(text):  # a reading, not a label such as "Turnover: n/a"
                where.setdefault(text, []).append(key)
    assert {t: keys for t, keys in where.items() if len(keys) > 1} == {}


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_missing_is_worded_one_way(case: tuple[str, bool]) -> None:
    r = report(*case)
    text = markdown.render(r)
    assert "n/a (n/a)" not in text
    assert not re.search(r"n/a\.(?!\w)", text)
    assert not re.search(r"\bmissing\.", text, re.IGNORECASE)
    for section in r.sections:
        for block in section.blocks:
            if isinstance(block, Table):
                assert block.rows, (section.key, block.columns)  # never an empty table
                cells = [c for row in block.rows for c in row]
                assert "missing" not in cells, (section.key, block.columns)


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_no_internal_id_or_key_in_the_text(case: tuple[str, bool]) -> None:
    text = markdown.render(report(*case))
    assert not EDITION_ID.search(text)
    found = INTERNAL.findall(text)
    assert found == [], found


@pytest.mark.parametrize("case", CASES, ids=_id)
def test_grammar_and_no_sentence_twice(case: tuple[str, bool]) -> None:
    r = report(*case)
    text = markdown.render(r)
    doubled = [m.group(0) for m in DOUBLED.finditer(text)]
    assert doubled == []
    assert "all market " not in text
    assert text.count("Weekend edition") <= 1
    for key in SECTION_KEYS:
        said = Counter(paragraphs(r, key))
        assert {t: n for t, n in said.items() if n > 1} == {}, key
    assert text.count("no idea") <= 1


def test_the_checks_catch_what_the_strategist_found() -> None:
    """The old report's faults, fed to the same checks."""
    assert figures("HSI -0.88% · HSI -0.88% · HSI -0.88%")["0.88%"] == 3
    assert figures("S&P 500 +0.59%, then +0.59% and 0.59%")["0.59%"] == 3
    assert EDITION_ID.search("Edition 2026-03-21T00:30Z-7ddd8b37")
    assert INTERNAL.findall("unknown section. Valid sections: key_insight, risk_sentiment") \
        == ["key_insight", "risk_sentiment"]
    assert [m.group(0) for m in DOUBLED.finditer("Nasdaq amplified the the US move")] == \
        ["the the"]


def test_crypto_only_day_gives_no_equity_verdict() -> None:
    for with_history in (False, True):
        r = report("crypto_only", with_history)
        assert r.verdict == "unknown"
        assert "crypto alone makes no cross-market verdict" in markdown.render_section(
            r.section("risk_sentiment"))
