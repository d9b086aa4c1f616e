"""The facts table of the sample day: the figures the reference report got wrong are here, right."""

from __future__ import annotations

import pytest

from services.narration.facts import FactSheet, Unit


def fact(sheet: FactSheet, key: str) -> tuple[float, str, Unit]:
    f = next(f for f in sheet.facts if f.key == key)
    return f.value, f.display, f.unit


def test_net_stablecoin_supply_is_563m_not_370m(sheet: FactSheet) -> None:
    value, display, unit = fact(sheet, "stablecoins.net_change_usd")
    assert (display, unit) == ("+$563M", Unit.USD)
    assert value == pytest.approx(562.87e6, rel=1e-4)


@pytest.mark.parametrize(("equity", "display"), [("SPX", "+0.45 pp"), ("HSI", "+1.92 pp"),
                                                 ("SSE", "+2.28 pp")])
def test_btc_spreads_over_each_equity_market(sheet: FactSheet, equity: str, display: str
                                             ) -> None:
    assert fact(sheet, f"btc_vs.{equity}.spread_pp")[1:] == (display, Unit.PP)


def test_every_fact_belongs_to_a_known_subject_or_group(sheet: FactSheet) -> None:
    known = {s.key for s in sheet.subjects} | {"thresholds"}
    for f in sheet.facts:
        assert f.subjects and set(f.subjects) <= known, f.key


def test_spreads_belong_to_both_sides_and_their_markets(sheet: FactSheet) -> None:
    f = next(f for f in sheet.facts if f.key == "btc_vs.HSI.spread_pp")
    assert f.pair == ("quote:BTC", "quote:HSI")
    assert {"market:CRYPTO", "market:HK"} <= set(f.subjects)


def test_subjects_carry_the_move_direction_words_refer_to(sheet: FactSheet) -> None:
    moves = {s.key: s.move for s in sheet.subjects}
    assert moves["quote:BTC"] == pytest.approx(1.04)
    assert moves["market:HK"] == pytest.approx(-0.88)
    assert moves["stablecoins"] == pytest.approx(562.87e6, rel=1e-4)
    assert moves["breadth"] is None  # a count has no direction
