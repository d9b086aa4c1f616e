"""How figures are written, in one place. ``None`` is always shown as missing, never as 0.

Every function takes a number (or ``None``) and returns display text. The fact-checker and the
traceability test rely on these being the only way figures reach a user.
"""

from __future__ import annotations

from datetime import date, datetime

MISSING = "n/a"
MINUS = "-"  # ASCII, so figures copy, search and fact-check cleanly


def _sign(value: float) -> str:
    return "+" if value > 0 else (MINUS if value < 0 else "")


def pct(value: float | None, digits: int = 2, signed: bool = True) -> str:
    """``0.59`` → ``+0.59%``."""
    if value is None:
        return MISSING
    rounded = round(value, digits)
    text = f"{abs(rounded):,.{digits}f}%"
    return (_sign(rounded) if signed else ("" if rounded >= 0 else MINUS)) + text


def pp(value: float | None, digits: int = 2) -> str:
    """A spread in percentage points: ``1.47`` → ``+1.47 pp``."""
    if value is None:
        return MISSING
    rounded = round(value, digits)
    return f"{_sign(rounded)}{abs(rounded):,.{digits}f} pp"


def gap(value: float | None, digits: int = 2) -> str:
    """The size of a spread, without its sign: ``-1.47`` → ``1.47 pp``."""
    return MISSING if value is None else f"{abs(round(value, digits)):,.{digits}f} pp"


_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K"))


def money(value: float | None, symbol: str = "$", signed: bool = False, digits: int | None = None
          ) -> str:
    """``2.5e12`` → ``$2.50T``; ``5.6287e8`` with ``signed`` → ``+$563M``."""
    if value is None:
        return MISSING
    magnitude = abs(value)
    for scale, suffix in _SCALES:
        if magnitude >= scale:
            scaled = magnitude / scale
            places = digits if digits is not None else (
                2 if scaled < 10 else 1 if scaled < 100 else 0)
            body = f"{symbol}{scaled:,.{places}f}{suffix}"
            break
    else:
        body = f"{symbol}{magnitude:,.0f}"
    if signed:
        return _sign(value) + body if round(magnitude) else body
    return (MINUS if value < 0 else "") + body


def usd(value: float | None, signed: bool = False, digits: int | None = None) -> str:
    return money(value, "$", signed, digits)


def cny(value: float | None, signed: bool = False) -> str:
    return money(value, "¥", signed)


def level(value: float | None) -> str:
    """An index level or price: ``6643.7`` → ``6,643.70``; large coin prices lose decimals."""
    if value is None:
        return MISSING
    if abs(value) >= 10_000:
        return f"{value:,.0f}" if value == round(value) else f"{value:,.2f}"
    return f"{value:,.2f}"


def price_usd(value: float | None) -> str:
    """``87123`` → ``$87,123``; ``142.1`` → ``$142.10``; under $10 four decimals (a
    stablecoin's ``$0.9987``)."""
    if value is None:
        return MISSING
    if abs(value) >= 1000:
        return f"${value:,.0f}"
    return f"${value:,.2f}" if abs(value) >= 10 else f"${value:,.4f}"


def count(value: int | None) -> str:
    return MISSING if value is None else f"{value:,}"


def ratio(value: float | None, digits: int = 2) -> str:
    return MISSING if value is None else f"{value:.{digits}f}"


def day(value: date | datetime | None) -> str:
    if value is None:
        return MISSING
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    return value.isoformat()


def sigma(value: float | None, digits: int = 1) -> str:
    """A move in its own standard deviations: ``-2.07`` → ``-2.1σ``."""
    if value is None:
        return MISSING
    rounded = round(value, digits)
    return f"{_sign(rounded)}{abs(rounded):.{digits}f}σ"


def ordinal(value: int | None) -> str:
    """``12`` → ``12th``, ``1`` → ``1st``, ``22`` → ``22nd``."""
    if value is None:
        return MISSING
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10,
                                                                                   "th")
    return f"{value}{suffix}"
