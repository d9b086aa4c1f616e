"""Figures per language: English byte-identical to the f-string rules it had before Babel
wrote the digits; Chinese amounts in 万/亿/万亿 with exactly the English figure's digits (so the
two reports state the same precision), read back by the fact-checker as the same value."""

from __future__ import annotations

import random

import pytest

from services import format as fmt
from services.narration.figures import Kind, read_one

# --- the English rules as they were written with f-strings (the oracle) ----------------------

_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))


def _sign(v: float) -> str:
    return "+" if v > 0 else ("-" if v < 0 else "")


def old_pct(v: float, digits: int = 2, signed: bool = True) -> str:
    r = round(v, digits)
    text = f"{abs(r):,.{digits}f}%"
    return (_sign(r) if signed else ("" if r >= 0 else "-")) + text


def old_pp(v: float) -> str:
    r = round(v, 2)
    return f"{_sign(r)}{abs(r):,.2f} pp"


def old_money(v: float, symbol: str = "$", signed: bool = False, digits: int | None = None
              ) -> str:
    m = abs(v)
    for scale, suffix in _SCALES:
        if m >= scale:
            scaled = m / scale
            places = digits if digits is not None else (2 if scaled < 10 else 1 if scaled < 100
                                                        else 0)
            body = f"{symbol}{scaled:,.{places}f}{suffix}"
            break
    else:
        body = f"{symbol}{m:,.0f}"
    if signed:
        return _sign(v) + body if round(m) else body
    return ("-" if v < 0 else "") + body


def old_level(v: float) -> str:
    if abs(v) >= 10_000:
        return f"{v:,.0f}" if v == round(v) else f"{v:,.2f}"
    return f"{v:,.2f}"


def old_price(v: float) -> str:
    if abs(v) >= 1000:
        return f"${v:,.0f}"
    return f"${v:,.2f}" if abs(v) >= 10 else f"${v:,.4f}"  # a stablecoin's $0.9987


def values() -> list[float]:
    rng = random.Random(17)
    edges = [0.0, 0.005, -0.005, 0.015, 1.005, 0.125, 999.5, 999.4999, 1e3, 9999.5, 1e4,
             99_999.4, 999_999.0, 999.6e6, 1e9, 5.6287e8, -3.1e8, 1.75e12, 2.5e12, 84_123.4,
             20_000.0, 20_000.5, -0.001, 12.3456]
    return edges + [rng.uniform(-1e13, 1e13) for _ in range(400)] + \
        [rng.uniform(-100, 100) for _ in range(400)] + [rng.uniform(-2e4, 2e4) for _ in range(200)]


def test_english_is_byte_identical_to_the_f_string_rules() -> None:
    for v in values():
        assert fmt.pct(v) == old_pct(v)
        assert fmt.pct(v, 1) == old_pct(v, 1)
        assert fmt.pct(v, 3, False) == old_pct(v, 3, False)
        assert fmt.pp(v) == old_pp(v)
        assert fmt.gap(v) == f"{abs(round(v, 2)):,.2f} pp"
        assert fmt.usd(v, True) == old_money(v, "$", True)
        assert fmt.usd(v, digits=2) == old_money(v, "$", digits=2)
        assert fmt.cny(v) == old_money(v, "¥")
        assert fmt.level(v) == old_level(v)
        assert fmt.price_usd(v) == old_price(v)
        assert fmt.ratio(v) == f"{v:.2f}"
        assert fmt.count(int(v)) == f"{int(v):,}"


CHINESE: list[tuple[str, str]] = [
    (fmt.usd(5.6287e8, signed=True, language="zh"), "+5.63亿美元"),
    (fmt.usd(-8.58e8, signed=True, language="zh"), "-8.58亿美元"),
    (fmt.cny(1.75e12, language="zh"), "1.75万亿元"),
    (fmt.usd(2.5e12, language="zh"), "2.50万亿美元"),
    (fmt.usd(3.7123e11, language="zh"), "3710亿美元"),  # $371B: to the billion, ten 亿
    (fmt.usd(1.8372e11, digits=2, language="zh"), "1837.2亿美元"),  # $183.72B
    (fmt.usd(1.48e7, signed=True, language="zh"), "+1480万美元"),  # +$14.8M
    (fmt.usd(12_345, language="zh"), "1.23万美元"),  # $12.3K
    (fmt.usd(5_000, language="zh"), "5,000美元"),  # $5.00K
    (fmt.usd(568, language="zh"), "568美元"),
    (fmt.price_usd(70_716.4, language="zh"), "70,716美元"),
    (fmt.price_usd(21.537, language="zh"), "21.54美元"),
    (fmt.price_usd(0.99871, language="zh"), "0.9987美元"),
    (fmt.pct(0.59, language="zh"), "+0.59%"),
    (fmt.pp(2.54, language="zh"), "+2.54个百分点"),
    (fmt.gap(-1.47, language="zh"), "1.47个百分点"),
    (fmt.level(6643.7, language="zh"), "6,643.70"),
    (fmt.count(2011, language="zh"), "2,011"),
    (fmt.usd(None, language="zh"), "暂无"),
    (fmt.in_language("+$563M", "zh"), "+5.63亿美元"),
    (fmt.in_language("¥1.75T", "zh"), "1.75万亿元"),
    (fmt.in_language("$70,716", "zh"), "70,716美元"),
    (fmt.in_language("-1.47 pp", "zh"), "-1.47个百分点"),
    (fmt.in_language("6,643.70", "zh"), "6,643.70"),
]


@pytest.mark.parametrize(("got", "wanted"), CHINESE)
def test_chinese_conventions(got: str, wanted: str) -> None:
    assert got == wanted


@pytest.mark.parametrize("signed", [False, True])
def test_a_chinese_amount_states_the_english_figure_exactly(signed: bool) -> None:
    """Read back by the fact-checker, the two writings are the same value to the same
    precision, whatever the amount."""
    for v in values():
        if abs(v) < 1:
            continue
        en = read_one(fmt.usd(v, signed), "en")
        zh = read_one(fmt.usd(v, signed, language="zh"), "zh")
        assert en is not None and zh is not None, v
        assert zh.kind is en.kind is Kind.USD
        assert zh.magnitude == pytest.approx(en.magnitude, rel=1e-12, abs=1e-6)
        assert zh.sign == en.sign
        # Both are rounded where English rounds: half a unit of its last digit written.
        rounded = 0.5 * 10.0 ** fmt.amount(abs(v)).last_digit
        digits = zh.text.rstrip("万亿美元").replace(",", "")
        if not digits.endswith("0"):  # a written trailing zero reads as coarser, never finer
            assert zh.resolution == pytest.approx(rounded, rel=1e-9), (en.text, zh.text)
        assert zh.resolution >= rounded * (1 - 1e-9)


def test_figures_bundle_one_language() -> None:
    zh = fmt.figures("zh")
    assert (zh.usd(5.6287e8, signed=True), zh.pp(1.47), zh.missing) == ("+5.63亿美元",
                                                                        "+1.47个百分点", "暂无")
    assert fmt.figures("xx").language == "en"


@pytest.mark.parametrize("value", [1e308, -1e308, 3.5e40])
def test_the_largest_floats_are_written_whole_in_both_languages(value: float) -> None:
    """A hostile snapshot may carry 1e308: every digit is written (Babel rounds in a decimal
    context of 28 digits unless told otherwise), the same digits in both languages."""
    assert fmt.level(value) == f"{value:,.0f}"  # a whole number: no decimals, as before
    assert fmt.level(value, language="zh") == fmt.level(value)
    english, chinese = fmt.usd(value), fmt.usd(value, language="zh")
    assert english.lstrip("-").startswith("$") and chinese.endswith("万亿美元")
    assert english.strip("-$T").replace(",", "") == chinese.strip("-").removesuffix("万亿美元")
