"""Reading figures as the house writes them and as a writer varies them."""

from __future__ import annotations

import pytest

from services.narration.figures import Kind, read_figures, read_one


@pytest.mark.parametrize(("text", "kind", "value", "resolution"), [
    ("+0.59%", Kind.PCT, 0.59, 0.005),
    ("0.59 %", Kind.PCT, 0.59, 0.005),
    ("−1.24%", Kind.PCT, -1.24, 0.005),
    ("–1.24%", Kind.PCT, -1.24, 0.005),
    ("2.48 per cent", Kind.PCT, 2.48, 0.005),
    ("+1.47 pp", Kind.PP, 1.47, 0.005),
    ("1.47 percentage points", Kind.PP, 1.47, 0.005),
    ("147 bp", Kind.PP, 1.47, 0.005),
    ("0.5 ppt", Kind.PP, 0.5, 0.05),
    ("+$563M", Kind.USD, 563e6, 0.5e6),
    ("$563 million", Kind.USD, 563e6, 0.5e6),
    ("$0.56B", Kind.USD, 0.56e9, 0.005e9),
    ("-$310M", Kind.USD, -310e6, 5e6),
    ("$-310M", Kind.USD, -310e6, 5e6),
    ("US$563M", Kind.USD, 563e6, 0.5e6),
    ("USD 563M", Kind.USD, 563e6, 0.5e6),
    ("$2.50T", Kind.USD, 2.5e12, 0.005e12),
    ("$72K", Kind.USD, 72e3, 0.5e3),
    ("$70,716", Kind.USD, 70716, 0.5),
    ("¥1.75T", Kind.CNY, 1.75e12, 0.005e12),
    ("RMB 1.75 trillion", Kind.CNY, 1.75e12, 0.005e12),
    ("1.75 trillion yuan", Kind.CNY, 1.75e12, 0.005e12),
    ("90.4B", Kind.MONEY, 90.4e9, 0.05e9),
    ("6,643.70", Kind.BARE, 6643.70, 0.005),
    ("2,011", Kind.BARE, 2011, 0.5),
    ("2,000", Kind.BARE, 2000, 500),
    ("1.76x", Kind.RATIO, 1.76, 0.005),
    ("1.41 times", Kind.RATIO, 1.41, 0.005),
])
def test_one_figure(text: str, kind: Kind, value: float, resolution: float) -> None:
    w = read_one(text)
    assert w is not None
    assert (w.kind, w.text) == (kind, text)
    assert w.value == pytest.approx(value)
    assert w.resolution == pytest.approx(resolution)


def test_signs() -> None:
    assert [w.sign for w in read_figures("+0.59%, -0.88%, 0.50%, −1.24%")] == [1, -1, 0, -1]


@pytest.mark.parametrize("text", [
    "On 2026-03-20 at 16:00", "March 20, 2026", "over 24h", "a 1-day move", "since 2024",
    "the S&P 500", "CSI 300 and Nikkei 225", "Uniswap V4", "two of 3 markets", "the 1st",
    "T+1 settlement", "Web3", "1inch",
])
def test_not_figures(text: str) -> None:
    assert read_figures(text) == []


def test_data_names_with_digits_are_masked() -> None:
    assert read_figures("Pool 42 Finance +3.1%", names=["Pool 42 Finance"])[0].text == "+3.1%"


def test_ranges_share_the_unit_of_their_end() -> None:
    low, high = read_figures("+1.5–2.5 pp")
    assert (low.kind, low.value, high.kind, high.value) == (Kind.PP, 1.5, Kind.PP, 2.5)
    assert high.range_of == 0
    low, high = read_figures("$1.5–2.5B")
    assert (low.kind, low.value, high.value) == (Kind.USD, 1.5e9, 2.5e9)
    _, second = read_figures("from $257M to $437M")
    assert second.range_of is None  # two complete figures, not a range
