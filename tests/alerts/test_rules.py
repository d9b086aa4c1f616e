"""Alert rules (pure): the text a user types, one-line errors with an example, and when an
alert fires and re-arms (hysteresis)."""

from __future__ import annotations

import pytest

from services.alerts.figures import figure
from services.alerts.rules import (
    AlertInputError,
    Margins,
    RuleText,
    cleared,
    decide,
    holds,
    parse_rule,
)
from tests.watch.helpers import HSI, SOLANA, SPX, USDC, batch, close, coin


@pytest.mark.parametrize(("text", "rule"), [
    ("BTC move 5%", RuleText("move", ("BTC",), 5.0)),
    ("BTC move 5 %", RuleText("move", ("BTC",), 5.0)),
    ("move BTC 5", RuleText("move", ("BTC",), 5.0)),
    ("HSI below 24000", RuleText("below", ("HSI",), 24000.0)),
    ("HSI below 24,000", RuleText("below", ("HSI",), 24000.0)),
    ("HSI above 26000.5", RuleText("above", ("HSI",), 26000.5)),
    ("spread BTC SPX 3pp", RuleText("spread", ("BTC", "SPX"), 3.0)),
    ("spread BTC SPX 3 pp", RuleText("spread", ("BTC", "SPX"), 3.0)),
    ("depeg USDC 0.5%", RuleText("depeg", ("USDC",), 0.5)),
    ("z HSTECH 2", RuleText("z", ("HSTECH",), 2.0)),
    ("HSTECH z 2.5", RuleText("z", ("HSTECH",), 2.5)),
])
def test_rules_as_typed(text: str, rule: RuleText) -> None:
    assert parse_rule(text.split()) == rule


@pytest.mark.parametrize(("text", "line"), [
    ("BTC move 0%", "move 0% makes no sense: use 0.1 to 50%. Example: /alert add BTC move 5%"),
    ("HSI below -5", "A price level must be above 0, not -5. Example: /alert add HSI below "
                     "24000"),
    ("BTC sideways 5%", "'sideways' is not an alert kind; use move, above, below, spread, "
                        "depeg or z. Example: /alert add BTC move 5%"),
    ("BTC move", "move: a threshold is missing. Example: /alert add BTC move 5%"),
    ("BTC move lots", "'lots' is not a number. Example: /alert add BTC move 5%"),
    ("spread BTC 3pp", "spread needs two instruments and a threshold. Example: /alert add "
                       "spread BTC SPX 3pp"),
    ("HSI above 5%", "above takes a price level, not %. Example: /alert add HSI above 26000"),
    ("depeg USDC 90%", "depeg 90% makes no sense: use 0.05 to 20%. Example: /alert add depeg "
                       "USDC 0.5%"),
    ("z HSTECH 0", "z 0 makes no sense: use 0.5 to 10. Example: /alert add z HSTECH 2"),
    ("BTC move 5% now", "move: too many values. Example: /alert add BTC move 5%"),
    ("", "Say what to watch. Example: /alert add BTC move 5%"),
])
def test_nonsense_is_one_line_with_an_example(text: str, line: str) -> None:
    with pytest.raises(AlertInputError) as refused:
        parse_rule(text.split())
    assert str(refused.value) == line


def test_levels_fire_at_the_level_and_re_arm_past_the_margin() -> None:
    margins = Margins(rearm_fraction=0.2, rearm_level_pct=0.5)
    assert holds("below", 24000, 24000) and not holds("below", 24000.01, 24000)
    assert decide("below", True, 23990, 24000, margins) == "fire"
    assert decide("below", False, 24100, 24000, margins) is None, "inside the margin"
    assert decide("below", False, 24121, 24000, margins) == "rearm", "24,000 × 1.005"
    assert decide("above", False, 25870, 26000, margins) is None
    assert decide("above", False, 25869, 26000, margins) == "rearm", "26,000 × 0.995"


def test_moves_fire_either_way_and_re_arm_under_the_fraction() -> None:
    margins = Margins(rearm_fraction=0.2)
    assert decide("move", True, -5.2, 5, margins) == "fire"
    assert decide("move", True, 4.99, 5, margins) is None
    assert decide("move", False, 4.5, 5, margins) is None
    assert decide("move", False, -3.9, 5, margins) == "rearm"
    assert cleared("z", 1.59, 2, margins) and not cleared("z", 1.61, 2, margins)
    assert decide("move", True, None, 5, margins) is None, "no figure changes nothing"


def test_the_figure_of_each_kind() -> None:
    hsi, spx = close(HSI, 23950.0, -1.2), close(SPX, 6600.0, -0.4)
    sol, usdc = coin(SOLANA, 150.0, 4.1), coin(USDC, 0.993, -0.6)
    quotes = batch(hsi, spx, sol, usdc)
    assert figure("below", quotes.get("HSI")).value == 23950.0  # type: ignore[union-attr]
    assert figure("move", sol).value == 4.1  # type: ignore[union-attr]
    spread = figure("spread", sol, spx)
    assert spread is not None and round(spread.value, 2) == 4.5
    depeg = figure("depeg", usdc)
    assert depeg is not None and round(depeg.value, 2) == -0.7
    assert figure("z", hsi) is None, "no z without a history"
    assert figure("spread", sol, close(SPX, None, None)) is None, "a missing leg: no figure"
