"""How figures are written, in one place. ``None`` is always shown as missing, never as 0.

Every function takes a number (or ``None``) and returns display text. The fact-checker and the
traceability test rely on these being the only way figures reach a user.

Each function takes the reader's ``language`` (``"en"`` by default). The rounding is decided
here, once, the same way for every language; Babel writes the digits (grouping, the locale's
symbols) and names the scales (``services.i18n.numbers``). So a figure carries the same digits
in both languages, only re-expressed:

    English   +0.59%   +1.47 pp            $563M      ¥1.75T      $2.50T       6,643.70
    Chinese   +0.59%   +1.47个百分点       5.63亿美元  1.75万亿元  2.50万亿美元  6,643.70

A Chinese amount keeps the English one's precision exactly: ``$371B`` (to the billion) is
``3710亿美元`` (to ten 亿), never a rounding of its own. ``figures(language)`` bundles the
functions for one language (``f = figures("zh"); f.usd(5.6287e8)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, localcontext
from functools import cache

from services.i18n.numbers import decimal, scales

MISSING = "n/a"
MINUS = "-"  # ASCII, so figures copy, search and fact-check cleanly
EN, ZH = "en", "zh"
# The one wording for a missing figure, per language ("n/a" in English).
MISSING_BY_LANGUAGE = {EN: MISSING, ZH: "暂无"}
# Chinese amounts end in the currency's name, as Chinese financial text writes them.
CURRENCY_NAMES_ZH = {"$": "美元", "¥": "元"}
POINTS_ZH = "个百分点"
BASIS_POINTS_ZH = "个基点"
WIDE_DIGITS = 400  # a float has at most 309 digits before the point


def missing(language: str = EN) -> str:
    return MISSING_BY_LANGUAGE.get(language, MISSING)


def _sign(value: float) -> str:
    return "+" if value > 0 else (MINUS if value < 0 else "")


def _digits(value: float, places: int, language: str, grouping: bool = True) -> str:
    """``|value|`` rounded to ``places`` as Python rounds it, written by Babel."""
    return decimal(Decimal(f"{abs(value):.{places}f}"), places, language, grouping)


def pct(value: float | None, digits: int = 2, signed: bool = True, language: str = EN) -> str:
    """``0.59`` → ``+0.59%``."""
    if value is None:
        return missing(language)
    rounded = round(value, digits)
    text = _digits(rounded, digits, language) + "%"
    return (_sign(rounded) if signed else ("" if rounded >= 0 else MINUS)) + text


def _points(language: str) -> str:
    return POINTS_ZH if language == ZH else " pp"


def pp(value: float | None, digits: int = 2, language: str = EN) -> str:
    """A spread in percentage points: ``1.47`` → ``+1.47 pp`` (``+1.47个百分点``)."""
    if value is None:
        return missing(language)
    rounded = round(value, digits)
    return f"{_sign(rounded)}{_digits(rounded, digits, language)}{_points(language)}"


def bp(value: float | None, language: str = EN) -> str:
    """A yield's move in basis points, whole: ``8.0`` → ``+8 bp`` (``+8个基点``)."""
    if value is None:
        return missing(language)
    rounded = round(value)
    return f"{_sign(rounded)}{_digits(rounded, 0, language)}{_basis_points(language)}"


def _basis_points(language: str) -> str:
    return BASIS_POINTS_ZH if language == ZH else " bp"


def gap(value: float | None, digits: int = 2, language: str = EN) -> str:
    """The size of a spread, without its sign: ``-1.47`` → ``1.47 pp``."""
    if value is None:
        return missing(language)
    return _digits(round(value, digits), digits, language) + _points(language)


@dataclass(frozen=True)
class Amount:
    """An amount rounded as the English report writes it: ``digits`` × 10^``exponent``
    (``563`` × 10⁶), with the scale it was written in (10⁶, "M")."""

    digits: Decimal  # the rounded figure in its scale: 563, 2.50
    exponent: int  # of the scale: 6 for M, 0 for no scale
    places: int  # decimals written in that scale

    @property
    def value(self) -> Decimal:
        return self.digits.scaleb(self.exponent)

    @property
    def last_digit(self) -> int:
        """The power of ten of the last digit written: 6 for "$563M", 10 for "$2.50T"."""
        return self.exponent - self.places


def amount(magnitude: float, digits: int | None = None) -> Amount:
    """``|value|`` rounded as English writes it: about three significant figures in the
    largest scale it reaches (``digits`` decimals in that scale when given)."""
    for exponent, _ in scales(EN):
        scale = 10.0 ** exponent
        if magnitude >= scale:
            scaled = magnitude / scale
            places = digits if digits is not None else (
                2 if scaled < 10 else 1 if scaled < 100 else 0)
            return Amount(Decimal(f"{scaled:.{places}f}"), exponent, places)
    return Amount(Decimal(f"{magnitude:.0f}"), 0, 0)


def _body_en(a: Amount, symbol: str) -> str:
    suffix = dict(scales(EN)).get(a.exponent, "")
    return f"{symbol}{decimal(a.digits, a.places, EN)}{suffix}"


def _body_zh(a: Amount, symbol: str) -> str:
    """The same amount in 万/亿/万亿, with exactly the English figure's digits (in a decimal
    context wide enough for any float's digits, so nothing is rounded on the way)."""
    with localcontext() as context:
        context.prec = WIDE_DIGITS
        value = a.value
        for exponent, suffix in scales(ZH):
            if value >= Decimal(10) ** exponent:
                places = max(0, exponent - a.last_digit)
                # As CLDR's compact patterns write it ("0000亿"): no grouping before the scale.
                figure = decimal(value.scaleb(-exponent), places, ZH, grouping=False) + suffix
                break
        else:
            figure = decimal(value, max(0, -a.last_digit), ZH)
    return figure + CURRENCY_NAMES_ZH.get(symbol, symbol)


def money(value: float | None, symbol: str = "$", signed: bool = False, digits: int | None = None,
          language: str = EN) -> str:
    """``2.5e12`` → ``$2.50T``; ``5.6287e8`` with ``signed`` → ``+$563M`` (``+5.63亿美元``)."""
    if value is None:
        return missing(language)
    magnitude = abs(value)
    rounded = amount(magnitude, digits)
    body = _body_zh(rounded, symbol) if language == ZH else _body_en(rounded, symbol)
    if signed:
        return _sign(value) + body if round(magnitude) else body
    return (MINUS if value < 0 else "") + body


def usd(value: float | None, signed: bool = False, digits: int | None = None,
        language: str = EN) -> str:
    return money(value, "$", signed, digits, language)


def cny(value: float | None, signed: bool = False, language: str = EN) -> str:
    return money(value, "¥", signed, language=language)


def level(value: float | None, language: str = EN) -> str:
    """An index level or price: ``6643.7`` → ``6,643.70``; large coin prices lose decimals."""
    if value is None:
        return missing(language)
    places = 0 if abs(value) >= 10_000 and value == round(value) else 2
    return (MINUS if value < 0 else "") + _digits(value, places, language)


def price_usd(value: float | None, language: str = EN) -> str:
    """``87123`` → ``$87,123`` (``87,123美元``); ``142.1`` → ``$142.10``; under $10 four
    decimals (a stablecoin's ``$0.9987``)."""
    if value is None:
        return missing(language)
    places = 0 if abs(value) >= 1000 else 2 if abs(value) >= 10 else 4
    sign = MINUS if value < 0 else ""
    if language == ZH:
        return sign + _digits(value, places, language) + CURRENCY_NAMES_ZH["$"]
    return "$" + sign + _digits(value, places, language)


def count(value: int | None, language: str = EN) -> str:
    if value is None:
        return missing(language)
    return (MINUS if value < 0 else "") + decimal(Decimal(abs(value)), 0, language)


def ratio(value: float | None, digits: int = 2, language: str = EN) -> str:
    if value is None:
        return missing(language)
    rounded = f"{value:.{digits}f}"
    return (MINUS if rounded.startswith("-") else "") + _digits(value, digits, language,
                                                                   grouping=False)


def day(value: date | datetime | None, language: str = EN) -> str:
    if value is None:
        return missing(language)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    return value.isoformat()


def sigma(value: float | None, digits: int = 1, language: str = EN, signed: bool = True) -> str:
    """A move in its own standard deviations: ``-2.07`` → ``-2.1σ`` (the same in Chinese);
    ``signed=False`` writes a size (``2.1σ``)."""
    if value is None:
        return missing(language)
    rounded = round(value, digits)
    sign = _sign(rounded) if signed else ("" if rounded >= 0 else MINUS)
    return f"{sign}{_digits(rounded, digits, language)}σ"


def ordinal(value: int | None, language: str = EN) -> str:
    """``12`` → ``12th``, ``1`` → ``1st``, ``22`` → ``22nd``; Chinese ``第12``."""
    if value is None:
        return missing(language)
    if language == ZH:
        return f"第{value}"
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10,
                                                                                   "th")
    return f"{value}{suffix}"


_EN_AMOUNT = re.compile(r"^(?P<sign>[+-]?)(?P<cur>[$¥])(?P<sign2>-?)(?P<num>\d[\d,]*(?:\.\d+)?)"
                        r"(?P<scale>[KMBT]?)$")


def in_language(display: str, language: str) -> str:
    """A figure as this module writes it in English, re-expressed in ``language`` with the
    same digits: ``+$563M`` → ``+5.63亿美元``, ``+1.47 pp`` → ``+1.47个百分点``. Anything
    that is not an amount or a spread is the same in every language."""
    if language == EN:
        return display
    if display == MISSING:
        return missing(language)
    if display.endswith(" pp"):
        return display.removesuffix(" pp") + _points(language)
    if display.endswith(" bp"):
        return display.removesuffix(" bp") + _basis_points(language)
    m = _EN_AMOUNT.match(display)
    if m is None or language != ZH:
        return display
    num = m.group("num").replace(",", "")
    places = len(num.split(".")[1]) if "." in num else 0
    exponent = {"": 0, "K": 3, "M": 6, "B": 9, "T": 12}[m.group("scale")]
    sign = m.group("sign") or ("-" if m.group("sign2") else "")
    if not exponent:  # a price or a small amount, written whole: "$70,716" → "70,716美元"
        return sign + decimal(Decimal(num), places, ZH) + CURRENCY_NAMES_ZH[m.group("cur")]
    return sign + _body_zh(Amount(Decimal(num), exponent, places), m.group("cur"))


def with_change(value: str, change: str) -> str:
    """``$2.50T (+0.31%)``; a missing change is left out and two missing figures are one
    ``n/a``, never ``n/a (n/a)``."""
    if change in MISSING_BY_LANGUAGE.values():
        return value
    return f"{value} ({change})"


@dataclass(frozen=True)
class Figures:
    """Every function above for one language: ``figures("zh").pct(0.59)``."""

    language: str

    @property
    def missing(self) -> str:
        return missing(self.language)

    def pct(self, value: float | None, digits: int = 2, signed: bool = True) -> str:
        return pct(value, digits, signed, self.language)

    def pp(self, value: float | None, digits: int = 2) -> str:
        return pp(value, digits, self.language)

    def gap(self, value: float | None, digits: int = 2) -> str:
        return gap(value, digits, self.language)

    def bp(self, value: float | None) -> str:
        return bp(value, self.language)

    def money(self, value: float | None, symbol: str = "$", signed: bool = False,
              digits: int | None = None) -> str:
        return money(value, symbol, signed, digits, self.language)

    def usd(self, value: float | None, signed: bool = False, digits: int | None = None) -> str:
        return usd(value, signed, digits, self.language)

    def cny(self, value: float | None, signed: bool = False) -> str:
        return cny(value, signed, self.language)

    def level(self, value: float | None) -> str:
        return level(value, self.language)

    def price_usd(self, value: float | None) -> str:
        return price_usd(value, self.language)

    def count(self, value: int | None) -> str:
        return count(value, self.language)

    def ratio(self, value: float | None, digits: int = 2) -> str:
        return ratio(value, digits, self.language)

    def day(self, value: date | datetime | None) -> str:
        return day(value, self.language)

    def sigma(self, value: float | None, digits: int = 1, signed: bool = True) -> str:
        return sigma(value, digits, self.language, signed)

    def ordinal(self, value: int | None) -> str:
        return ordinal(value, self.language)


@cache
def figures(language: str = EN) -> Figures:
    return Figures(language if language in MISSING_BY_LANGUAGE else EN)
