"""Digits as each language writes them, from Babel's CLDR data. Pure.

``decimal(value, places, language)`` writes a number with grouping and the locale's symbols
(``1,234.50``). The value is rounded by the caller first (``services.format`` decides the
rounding, so English figures stay byte-identical to what the fact-checker and the tests
know); Babel only writes the digits it is given.

``scales(language)`` lists the powers a language names amounts in, read from CLDR's short
compact-decimal patterns: thousands, millions, billions, trillions (K M B T) in English;
万 (10⁴), 亿 (10⁸) and 万亿 (10¹²) in Chinese.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from functools import cache, lru_cache

from babel import Locale
from babel.numbers import NumberPattern, parse_pattern


@cache
def locale(language: str) -> Locale:
    return Locale.parse(language)


@cache
def _pattern(places: int, grouping: bool) -> NumberPattern:
    whole = "#,##0" if grouping else "0"
    return parse_pattern(whole + ("." + "0" * places if places > 0 else ""))


def decimal(value: Decimal | float | int, places: int, language: str, grouping: bool = True
            ) -> str:
    """``value`` (already rounded to ``places``; its sign is ignored) in the language's
    symbols, grouped unless ``grouping`` is off: ``Decimal("6643.70"), 2`` → ``6,643.70``.
    A negative ``places`` writes whole units."""
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    return _apply(number.copy_abs(), max(places, 0), language, grouping)  # abs() would round


@lru_cache(maxsize=16_384)
def _apply(number: Decimal, places: int, language: str, grouping: bool) -> str:
    """Babel's writing of one number (about 70 µs; a report writes the same figures many
    times, in its tables, its facts and its charts). Babel rounds in the current decimal
    context: it is made wide enough for every digit, so 1e308 is written, not refused."""
    with localcontext() as context:
        context.prec = max(context.prec, number.adjusted() + places + 2)
        return _pattern(places, grouping).apply(number, locale(language))


def grouped(value: int, language: str) -> str:
    """A count: ``2011`` → ``2,011``."""
    return decimal(Decimal(value), 0, language)


@cache
def scales(language: str) -> tuple[tuple[int, str], ...]:
    """``(exponent, suffix)`` of each named scale, largest first: ``((12, "万亿"), (8, "亿"),
    (4, "万"))`` for Chinese. From CLDR's short decimal patterns (``"0亿"`` at 10⁸)."""
    patterns = locale(language).compact_decimal_formats["short"]["other"]
    found: dict[int, str] = {}
    for threshold, pattern in patterns.items():
        text = pattern.pattern if hasattr(pattern, "pattern") else str(pattern)
        zeros = text.count("0")
        suffix = text.replace("0", "").strip()
        if not zeros or not suffix:
            continue
        exponent = len(str(threshold)) - 1 - (zeros - 1)
        found.setdefault(exponent, suffix)
    return tuple(sorted(found.items(), reverse=True))
