"""Every number in the sample day's Markdown traces to the snapshot or to the analysis."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

from services.renderers import json_out, markdown
from services.snapshot_io import sample_bytes
from tests.support.snapshots import report_of, sample_dict

NUMBER = re.compile(r"(?<![\w.])[+-]?[$¥]?(\d[\d,]*(?:\.\d+)?)(\s?(?:%|pp|[KMBT])(?![A-Za-z]))?")
# Text that contains digits but states no figure.
NOT_FIGURES = [
    re.compile(r"\d{4}-\d{2}-\d{2}"),        # dates
    re.compile(r"\d{2}:\d{2}"),              # times
    re.compile(r"\b24 ?h\b"), re.compile(r"\b1d\b"), re.compile(r"\b1-day\b"),
    re.compile(r"^#{2,3} \d+\.", re.M),      # section numbers
    re.compile(r"\*\*\d+\. "),               # numbered leads
    re.compile(r"^\d+  ", re.M),             # rank column of a table
    re.compile(r"S&P 500"), re.compile(r"market-snapshot/1"), re.compile(r"\bUSDT?\b"),
    re.compile(r"Uniswap V4"), re.compile(r"\b10-year\b"),
]
SCALE = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}


def numbers(value: Any) -> Iterator[float]:
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        if math.isfinite(value):
            yield float(value)
    elif isinstance(value, dict):
        for v in value.values():
            yield from numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from numbers(v)


def known_values() -> list[float]:
    snapshot = json.loads(sample_bytes())
    analysis = json_out.to_dict(report_of(sample_dict()))["analysis"]
    return sorted({abs(v) for v in [*numbers(snapshot), *numbers(analysis)]})


def shown_as(token_value: float, decimals: int, scale: float, values: list[float]) -> bool:
    return any(round(v / scale, decimals) == token_value for v in values)


def untraced(text: str, values: list[float]) -> list[str]:
    for pattern in NOT_FIGURES:
        text = pattern.sub(" ", text)
    missing = []
    for match in NUMBER.finditer(text):
        digits, suffix = match.group(1).replace(",", ""), (match.group(2) or "").strip()
        decimals = len(digits.split(".")[1]) if "." in digits else 0
        scale = SCALE.get(suffix, 1.0)
        if not shown_as(float(digits), decimals, scale, values):
            missing.append(match.group(0))
    return missing


def test_every_number_in_the_sample_markdown_is_traceable() -> None:
    text = markdown.render(report_of(sample_dict()))
    assert untraced(text, known_values()) == []


def test_the_checker_catches_an_invented_figure() -> None:
    values = known_values()
    assert untraced("Net stablecoin supply +$370M", values) == ["+$370M"]
    assert untraced("HSTECH breakdown below 4,800 risks a 4,500 test", values) == ["4,800",
                                                                                  "4,500"]
    assert untraced("China property disappointment: 65%", values) == ["65%"]
    assert untraced("Net stablecoin supply +$563M; S&P 500 +0.59%", values) == []
