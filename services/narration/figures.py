"""Read the figures a text states: value, sign, unit and the precision they were written with.

Pure. It reads figures as ``services.format`` writes them ("+0.59%", "+1.47 pp", "$563M",
"¥1.75T", "6,643.70", "2,011") and as a writer plausibly varies them ("0.59 %", "−1.24%",
"$0.56B", "$563 million", "1.47 percentage points", "147 bp", "1.76x", "+1.5–2.5 pp").

What is not a figure is masked first: dates and times, durations ("24h", "1-day"), names that
contain digits ("S&P 500", "CSI 300"), and a bare single-digit integer ("two of 3 markets") is
not read as a figure either.

Chinese text (``language="zh"``) is read with Chinese units as well: "上涨1.04%", "5.63亿美元",
"1.75万亿元", "2.54个百分点", "254个基点", "1.76倍", and the English forms inside Chinese
("+$563M"); dates ("2026年3月20日"), durations ("24小时", "3个交易日") and names with digits
("标普500", "沪深300") are masked. A figure sits between any characters that are not ASCII
letters or digits, since Chinese has no spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum


class Kind(StrEnum):
    """How a figure was written, which decides the facts it can be compared with."""

    PCT = "%"
    PP = "pp"  # percentage points (bp are converted to pp)
    POINTS = "points"  # "points" alone: percentage points or index points
    RATIO = "x"
    USD = "$"
    CNY = "¥"
    MONEY = "money"  # a scale without a currency ("90.4B")
    BARE = "bare"  # a plain number: a level, a count, a ratio or a price
    SIGMA = "σ"  # a move in its own standard deviations ("-2.0σ", "2 sigma")
    RANK = "rank"  # "the 16th-worst" (sign -1) or "the 3rd-best" (sign +1) session


@dataclass(frozen=True)
class Written:
    """One figure in a text."""

    text: str
    start: int
    end: int
    magnitude: float  # absolute value in base units (percent, pp, currency units, ...)
    sign: int  # +1 or -1 when written with a sign, 0 when not
    resolution: float  # half a unit of the last significant digit written, in base units
    kind: Kind
    factor: float = 1.0  # base units per written unit ("M" → 1e6, "bp" → 0.01)
    range_of: int | None = None  # index of the figure this one ends a range with

    @property
    def value(self) -> float:
        return -self.magnitude if self.sign < 0 else self.magnitude


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_SCALE = r"trillion|billion|million|thousand|trn|tn|bn|mn|[TBMK]|[mk]"
_UNIT = (r"%|percentage\s+points?\b|per\s?cent\b|pp\b|ppts?\b|p\.p\.|basis\s+points?\b|bps?\b"
         r"|x\b|×|times\b|points?\b|pts?\b|σ|sigmas?\b|standard\s+deviations?\b")
_SIGNS = r"+\-\u2212\u2013"  # plus, hyphen-minus, minus sign, en dash (as a class)

FIGURE = re.compile(
    rf"""(?<![\w.,/])
    (?P<sign>[{_SIGNS}])?
    (?P<cur>US\$|\$|¥|USD\s?|CNY\s?|RMB\s?)?
    (?P<sign2>[+\-\u2212])?
    (?P<num>{_NUM})
    (?:\s?(?P<scale>{_SCALE})(?![A-Za-z]))?
    (?:\s?(?P<unit>{_UNIT}))?
    (?:\s(?P<cur2>USD|CNY|RMB|yuan|dollars?)\b)?
    (?![\w%])""",
    re.VERBOSE,
)

SCALES: dict[str, float] = {
    "trillion": 1e12, "trn": 1e12, "tn": 1e12, "T": 1e12,
    "billion": 1e9, "bn": 1e9, "B": 1e9,
    "million": 1e6, "mn": 1e6, "M": 1e6, "m": 1e6,
    "thousand": 1e3, "K": 1e3, "k": 1e3,
    "万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3,
}

_UNIT_ZH = (r"%|％|个百分点|百分点|个基点|基点|percentage\s+points?\b|pp\b|ppts?\b|bps?\b"
            r"|倍|x\b|×|σ|个标准差|标准差|points?\b|个点|点")
FIGURE_ZH = re.compile(
    rf"""(?<![A-Za-z0-9_.,/])
    (?P<sign>[{_SIGNS}])?
    (?P<cur>US\$|HK\$|\$|¥|￥|USD\s?|CNY\s?|RMB\s?)?
    (?P<sign2>[+\-\u2212])?
    (?P<num>{_NUM})
    (?:\s?(?P<scale>万亿|亿|万|千|{_SCALE})(?![A-Za-z]))?
    (?:\s?(?P<unit>{_UNIT_ZH}))?
    (?:\s?(?P<cur2>美元|美金|人民币|元|港元|港币|USD|CNY|RMB))?
    (?![A-Za-z0-9_%％])""",
    re.VERBOSE,
)
# Chinese for what is not a figure: dates, durations, ordinals and ranks.
NOT_FIGURES_ZH: tuple[re.Pattern[str], ...] = (
    re.compile(r"\d{2,4}年\d{1,2}月(?:\d{1,2}[日号])?|\d{1,2}月\d{1,2}[日号]|\d{4}年"),
    re.compile(r"\d+(?:\.\d+)?\s?(?:个)?(?:小时|分钟|秒钟|天|日|周|星期|个月|月|年期|年|交易日|"
               r"个交易日|季度|个季度)"),
    re.compile(r"(?:第|前|后|近|过去)\d+"),  # "超过40%" is a figure: 过 alone is not 过去
    # ISO dates and times right after a Chinese character (no word boundary before them)
    re.compile(r"(?<![\d.])\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?(?![\d])"),
    re.compile(r"T\+\d"),
)
DIGIT_NAMES_ZH: tuple[str, ...] = (
    "标普500", "标普500指数", "纳斯达克100", "纳指100", "沪深300", "中证500", "中证1000",
    "上证50", "上证180", "科创50", "日经225", "富时100", "罗素2000", "二层网络",
)

# A month's name or abbreviation, whole ("Mar 3", "March 3"; never the "Mar" of "Markets 3").
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)(?![a-z])\.?")
NOT_FIGURES: tuple[re.Pattern[str], ...] = (
    re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?\b"),
    re.compile(r"\b\d{4}/\d{1,2}/\d{1,2}\b"),
    re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b"),
    re.compile(rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"),
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+\d{{4}})?\b"),
    re.compile(r"\b(?:in|since|from|until|by|before|after|of|year|FY|fiscal)\s+((?:19|20)\d{2})\b"),
    re.compile(r"(?<![\w.])\d+(?:\.\d+)?\s?-?\s?(?:h|hr|hrs|hours?|d|days?|weeks?|wk|months?"
               r"|years?|yrs?|sessions?|minutes?|min)\b"),
    re.compile(r"\bT\+\d\b"),
    # "the 50- and 200-session averages": the 50 is a length, like the 200
    re.compile(r"(?<![\w.])\d+(?=-\s?(?:and|or|to)\s+\d+\s?-?\s?(?:days?|weeks?|months?|years?"
               r"|sessions?)\b)"),
)

# Names that carry digits but are not figures (data names are added by the caller).
DIGIT_NAMES: tuple[str, ...] = (
    "S&P 500", "Nasdaq 100", "Nasdaq-100", "SSE 50", "SSE 180", "CSI 300", "CSI 500",
    "CSI 1000", "FTSE 100", "Russell 2000", "Nikkei 225", "DAX 40", "STAR 50", "Stoxx 600",
    "Euro Stoxx 50", "Layer 2", "Layer-2", "ERC-20", "BEP-20",
)


def mask(text: str, names: Iterable[str] = (), language: str = "en") -> str:
    """``text`` with every non-figure span replaced by spaces (offsets are kept)."""
    chars = list(text)

    def blank(start: int, end: int) -> None:
        chars[start:end] = " " * (end - start)

    patterns = NOT_FIGURES + (NOT_FIGURES_ZH if language == "zh" else ())
    for pattern in patterns:
        for m in pattern.finditer(text):
            start, end = m.span(1) if m.groups() else m.span()
            blank(start, end)
    extra = DIGIT_NAMES_ZH if language == "zh" else ()
    for name in sorted({*DIGIT_NAMES, *extra, *names}, key=len, reverse=True):
        if any(c.isdigit() for c in name):
            for m in re.finditer(re.escape(name), text):
                blank(*m.span())
    return "".join(chars)


def _kind(unit: str | None, currency: str | None, scale: str | None) -> Kind:
    if unit:
        u = re.sub(r"\s+", "", unit.lower())
        if u.startswith(("percentage", "pp", "p.p.", "bp", "basis")) or u in (
                "个百分点", "百分点", "个基点", "基点"):
            return Kind.PP
        if u in ("%", "％") or u.startswith("per"):
            return Kind.PCT
        if u in ("x", "×", "times", "倍"):
            return Kind.RATIO
        if u in ("σ", "个标准差", "标准差") or u.startswith(("sigma", "standard")):
            return Kind.SIGMA
        return Kind.POINTS
    if currency:
        c = currency.strip().lower()
        if c in ("$", "us$", "usd", "dollar", "dollars", "美元", "美金"):
            return Kind.USD
        if c in ("hk$", "港元", "港币"):
            return Kind.MONEY  # no fact is in Hong Kong dollars
        return Kind.CNY
    return Kind.MONEY if scale else Kind.BARE


def _resolution(num: str) -> float:
    """Half a unit of the last significant digit: "0.59" → 0.005, "563" → 0.5, "2,000" → 500."""
    digits = num.replace(",", "")
    if "." in digits:
        return 0.5 * 10 ** -len(digits.split(".")[1])
    stripped = digits.rstrip("0")
    zeros = len(digits) - len(stripped) if stripped else 0
    return 0.5 * 10 ** zeros


def _sign(*marks: str | None) -> int:
    for mark in marks:
        if mark:
            return 1 if mark == "+" else -1
    return 0


def _read(m: re.Match[str]) -> Written | None:
    num, scale, unit = m.group("num"), m.group("scale"), m.group("unit")
    currency = m.group("cur") or m.group("cur2")
    kind = _kind(unit, currency, scale)
    sign = _sign(m.group("sign"), m.group("sign2"))
    factor = SCALES[scale] if scale else 1.0
    if unit and (unit.lower().startswith(("bp", "basis")) or unit.endswith("基点")):
        factor /= 100.0  # basis points → percentage points
    magnitude = float(num.replace(",", "")) * factor
    resolution = _resolution(num) * factor
    if kind is Kind.BARE and not sign and num.isdigit() and len(num) == 1:
        return None  # "two of 3 markets": a small count or an ordinal, not a figure
    return Written(m.group(0), m.start(), m.end(), magnitude, sign, resolution, kind, factor)


_RANGE_GAP = re.compile(r"^\s*(?:[-\u2013\u2014]|to|and)\s*$")


def _link_ranges(found: list[Written], text: str) -> list[Written]:
    """"+1.5–2.5 pp": the first figure takes the unit of the second; both are one claim."""
    linked = list(found)
    for i in range(1, len(linked)):
        a, b = linked[i - 1], linked[i]
        gap = text[a.end:b.start]
        if b.sign or not _RANGE_GAP.match(gap):
            continue
        dash = gap.strip() in ("-", "\u2013", "\u2014")
        unitless = a.kind is Kind.BARE
        unscaled = a.factor == 1.0 and b.factor != 1.0 and a.kind in (
            Kind.BARE, Kind.USD, Kind.CNY, Kind.MONEY)
        if not (dash or unitless or unscaled):
            continue
        if unitless:
            a = replace(a, kind=b.kind)
        if unscaled:
            a = replace(a, factor=b.factor, magnitude=a.magnitude * b.factor,
                        resolution=a.resolution * b.factor)
        linked[i - 1] = a
        if b.kind is Kind.MONEY and a.kind in (Kind.USD, Kind.CNY):
            b = replace(b, kind=a.kind)
        linked[i] = replace(b, range_of=i - 1)
    return linked



# "the 16th-worst day of the year", "12th worst session", "3rd-best": a rank among sessions.
RANK = re.compile(r"(?<![\w.,])(?P<num>\d{1,4})(?:st|nd|rd|th)[- ]"
                  r"(?P<way>worst|best|weakest|strongest|lowest|highest|largest|biggest)\b",
                  re.IGNORECASE)
RANK_DOWN = ("worst", "weakest", "lowest")


def _ranks(masked: str, text: str) -> list[Written]:
    found = []
    for m in RANK.finditer(masked):
        sign = -1 if m.group("way").lower() in RANK_DOWN else 1
        found.append(Written(text[m.start():m.end()], m.start(), m.end(),
                             float(m.group("num")), sign, 0.5, Kind.RANK))
    return found


# Chinese: "第16差" (16th-worst), "第3好" (3rd-best), as the Chinese report writes a rank
# ("251个交易日中第16差"); "倒数第16" is not a rank of this kind and stays masked.
RANK_ZH = re.compile(r"(?<!倒数)第(?P<num>\d{1,4})(?P<way>差|弱|低|好|强|高)")
RANK_DOWN_ZH = ("差", "弱", "低")


def _ranks_zh(text: str) -> list[Written]:
    return [Written(m.group(0), m.start(), m.end(), float(m.group("num")),
                    -1 if m.group("way") in RANK_DOWN_ZH else 1, 0.5, Kind.RANK)
            for m in RANK_ZH.finditer(text)]


def read_figures(text: str, names: Iterable[str] = (), language: str = "en") -> list[Written]:
    """Every figure in ``text``, in order. ``names`` are data names to mask ("Uniswap V4");
    ``language="zh"`` reads Chinese units and boundaries too."""
    masked = mask(text, names, language)
    pattern = FIGURE_ZH if language == "zh" else FIGURE
    found = [w for m in pattern.finditer(masked) if (w := _read(m)) is not None]
    found = [replace(w, text=text[w.start:w.end]) for w in found]
    ranks = _ranks(masked, text) if language != "zh" else _ranks_zh(text)
    if ranks:
        found = sorted([w for w in found if not any(r.start <= w.start < r.end for r in ranks)]
                       + ranks, key=lambda w: w.start)
    return _link_ranges(found, text)


def read_one(display: str, language: str = "en") -> Written | None:
    """The single figure a display string states ("+$563M", "+5.63亿美元"), or ``None``."""
    found = read_figures(display, language=language)
    return found[0] if len(found) == 1 else None
