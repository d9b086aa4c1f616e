"""The fact-check of Chinese text: the same rules as the English one, read the Chinese way. Pure.

A Chinese text passes when every figure in it (``figures.read_figures(..., "zh")``: "上涨1.04%",
"5.63亿美元", "1.75万亿元", "2.54个百分点", and the English forms) matches a fact of a
compatible unit within the precision it was written with, belongs to the subject written right
before it, and carries the fact's sign, whether written ("+0.59%") or said by the direction word
before it ("下跌0.88%" is -0.88%); every direction word after a subject agrees with that
subject's move ("比特币上涨", "恒生指数收跌", "稳定币供应增加"); and every comparison of two
subjects agrees with their moves ("创业板指跑赢上证指数", "A比B多涨"), its gap too when one is
given ("跑赢上证指数2.54个百分点" must be the spread of those two).

Chinese has no spaces, so a subject is the longest name the text holds at a place (its Chinese
names are added to the facts table: ``services.i18n.names``), and the words allowed between a
subject and its verb or figure are listed (``FILLERS``): anything else (a negation "未", a modal
"可能", another noun) means the sentence is not read as a claim about that subject, as in
English. A number written in Chinese numerals ("百分之一", "五亿") cannot be checked and is
rejected; so is any other number the reader does not read as a figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from services.i18n.names import QUOTES_ZH, SUBJECTS_ZH
from services.narration.factcheck import Mention, Rejection, _compare, _moved, check_figure
from services.narration.facts import Fact, FactSheet, Subject, Unit
from services.narration.figures import Kind, Written, mask, read_figures

LANGUAGE = "zh"

UP = ("上涨", "收涨", "走高", "收高", "上升", "上行", "攀升", "飙升", "回升", "反弹", "走强",
      "大涨", "小涨", "微涨", "涨幅", "增加", "增长", "净流入", "流入", "升", "涨", "增")
DOWN = ("下跌", "收跌", "走低", "收低", "下降", "下行", "下滑", "下挫", "重挫", "暴跌", "回落",
        "走弱", "大跌", "小跌", "微跌", "跌幅", "减少", "萎缩", "收缩", "净流出", "流出", "降",
        "跌", "减")
FLAT = ("基本持平", "持平", "平收", "收平", "横盘", "变化不大", "几乎不变")
GREATER = ("跑赢", "强于", "优于", "好于", "胜过", "领先于", "领先", "超过", "高于")
LESS = ("跑输", "弱于", "逊于", "差于", "落后于", "落后", "不及", "不如", "低于")
# After "A比B" / "A较B": which way the comparison goes.
MORE = ("多涨", "涨得多", "表现更好", "更强", "更好", "更高", "强", "好", "高")
FEWER = ("少涨", "多跌", "跌得多", "表现更差", "更弱", "更差", "更低", "弱", "差", "低")
# Words that may sit between a subject and its verb or its figure.
FILLERS = (
    "涨跌幅", "涨跌", "幅度", "变化", "变动", "的", "了", "为", "是", "报收", "报", "收于", "收报",
    "收盘", "收", "至", "达到", "达", "约", "大约", "近", "逾", "超", "价格", "币价", "股价",
    "指数", "点位", "供应量", "总供应", "净供应", "供应", "流通量", "总市值", "市值", "成交额",
    "成交量", "交易量", "今日", "今天", "当日", "昨日", "昨天", "隔夜", "周五", "全天", "盘中",
    "尾盘", "最终", "小幅", "大幅", "微幅", "明显", "显著", "进一步", "继续", "再度", "也", "亦",
    "则", "均", "都", "同步", "仍", "还", "日内", "单日", "方面", "一度", "合计", "净",
)
_SPREAD_STOPS = ("而", "但", "同时", "然而", "不过", "反观")
_CONDITIONAL = re.compile(r"(?:如果|若|一旦|假如|倘若|要是|如)[^，。；！？,;!?]*$")
_CLAUSE_END = re.compile(r"[。；！？，、：,;!?:]")
_COUNTED = re.compile(r"\d[\d,.]*\s*(?:只|家|个|支)?(?:的)?\s*$")
_NUMERAL = re.compile(
    r"(?<![\d.])[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?"
    r"(?:个百分点|个基点|[万亿]+(?:美元|元)?|[%％]|成)"
    r"|百分之[零〇一二两三四五六七八九十百点]+")
_IMPLIED = re.compile(r"(?P<word>" + "|".join(sorted((*UP, *DOWN), key=len, reverse=True))
                      + r")(?:了|约|达|逾|近|超|为|幅度为|幅度达)?\s*$")
_SIGNED_KINDS = frozenset({Kind.PCT, Kind.USD, Kind.CNY, Kind.MONEY})


def with_chinese_names(sheet: FactSheet) -> FactSheet:
    """``sheet`` whose subjects also answer to their Chinese names."""
    subjects = []
    for s in sheet.subjects:
        extra = SUBJECTS_ZH.get(s.key, ())
        if s.key.startswith("quote:"):
            extra = QUOTES_ZH.get(s.key.removeprefix("quote:"), ())
        names = tuple(dict.fromkeys((*s.names, *extra)))
        subjects.append(replace(s, names=names) if extra else s)
    return FactSheet(sheet.facts, tuple(subjects))


def _tokens(text: str, vocabulary: Iterable[str]) -> list[str] | None:
    """``text`` split into words of ``vocabulary`` (longest first, spaces skipped), or
    ``None`` if some of it is not in the vocabulary."""
    words = sorted(vocabulary, key=len, reverse=True)
    found: list[str] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        word = next((w for w in words if text.startswith(w, i)), None)
        if word is None:
            return None
        found.append(word)
        i += len(word)
    return found


def find_mentions(text: str, sheet: FactSheet, taken: Iterable[tuple[int, int]] = ()
                  ) -> list[Mention]:
    """Every subject named in ``text``, longest name first (Chinese has no word boundaries:
    only ASCII letters and digits bound a name)."""
    owner: dict[str, Subject] = {}
    for s in sheet.subjects:
        for name in s.names:
            owner.setdefault(name, s)
    if not owner:
        return []
    names = sorted(owner, key=len, reverse=True)
    pattern = re.compile("|".join(_bounded(n) for n in names))
    spans = list(taken)
    return [Mention(m.start(), m.end(), owner[m.group(0)]) for m in pattern.finditer(text)
            if not any(m.start() < end and start < m.end() for start, end in spans)]


def _bounded(name: str) -> str:
    """``name`` as a pattern: an end in ASCII must not run into more ASCII letters or digits
    ("BTC" is not in "BTCUSD"); a Chinese end may touch anything ("上证指数1.92")."""
    head = r"(?<![A-Za-z0-9_&])" if name[:1].isascii() and name[:1].isalnum() else ""
    tail = r"(?![A-Za-z0-9_])" if name[-1:].isascii() and name[-1:].isalnum() else ""
    return head + re.escape(name) + tail


def _attributed(w: Written, mention: Mention | None, masked: str) -> Subject | None:
    if mention is None:
        return None
    gap = masked[mention.end:w.start]
    if any(c.isdigit() for c in gap) or _CLAUSE_END.search(gap):
        return None
    if _tokens(gap, (*FILLERS, *UP, *DOWN, *FLAT)) is not None:
        return mention.subject
    if w.kind in (Kind.PP, Kind.POINTS) and len(gap.strip()) <= 12 \
            and not any(stop in gap for stop in _SPREAD_STOPS):
        return mention.subject  # "跑赢上证指数2.54个百分点": a gap names its two sides
    return None


def _implied_sign(w: Written, masked: str) -> Written:
    """An unsigned change after "上涨" or "下跌" carries that direction as its sign."""
    if w.sign or w.kind not in _SIGNED_KINDS:
        return w
    window = masked[max(0, w.start - 8):w.start]
    m = _IMPLIED.search(window)
    if m is None or "涨跌" in window[max(0, m.start() - 1):]:
        return w  # "涨跌幅为1.04%": the change, no direction
    return replace(w, sign=1 if m.group("word") in UP else -1)


def check_figures(text: str, sheet: FactSheet) -> list[Rejection]:
    names = sheet.names()
    figures = read_figures(text, names, LANGUAGE)
    masked = mask(text, names, LANGUAGE)
    mentions = find_mentions(text, sheet, [(w.start, w.end) for w in figures])
    owners: list[Subject | None] = []
    found = []
    for w in figures:
        before = [m for m in mentions if m.end <= w.start]
        subject = _attributed(w, before[-1] if before else None, masked)
        if w.range_of is not None and subject is None:
            subject = owners[w.range_of]
        owners.append(subject)
        rejection = check_figure(_implied_sign(w, masked), sheet, subject)
        if rejection is not None:
            found.append(rejection)
    return found


def _word_at(segment: str, words: Iterable[str]) -> str | None:
    return next((w for w in sorted(words, key=len, reverse=True) if segment.startswith(w)), None)


_WORDS = (*FILLERS, *UP, *DOWN, *FLAT, *GREATER, *LESS)


def _skip_fillers(segment: str) -> str:
    """``segment`` from its first word that is not a filler (spaces skipped); at each place
    the longest word wins ("涨跌幅" is a filler, "收涨" a direction, not "收" then "涨")."""
    i = 0
    while i < len(segment):
        if segment[i].isspace():
            i += 1
            continue
        word = _word_at(segment[i:], _WORDS)
        if word is None or word not in FILLERS:
            break
        i += len(word)
    return segment[i:]


def check_directions(text: str, sheet: FactSheet) -> list[Rejection]:
    """Direction words and comparisons after each subject (see the module docstring)."""
    names = sheet.names()
    figures = read_figures(text, names, LANGUAGE)
    masked = mask(text, names, LANGUAGE)
    mentions = find_mentions(text, sheet, [(w.start, w.end) for w in figures])
    found: list[Rejection] = []
    for i, m in enumerate(mentions):
        before = masked[:m.start]
        if _COUNTED.search(before) or _CONDITIONAL.search(_clause(before)):
            continue
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        segment = masked[m.end:nxt.start if nxt is not None else len(masked)]
        stop = re.search(r"\d|" + _CLAUSE_END.pattern, segment)
        cut = segment[:stop.start()] if stop else segment
        rest = _skip_fillers(cut)
        at = m.end + len(cut) - len(rest)  # where ``rest`` starts in the text
        rejection = _claim(m, rest, at, nxt, text, masked, figures, sheet)
        if rejection is not None:
            found.append(rejection)
    return found


def _clause(before: str) -> str:
    ends = list(_CLAUSE_END.finditer(before))
    return before[ends[-1].end():] if ends else before


def _claim(m: Mention, rest: str, at: int, nxt: Mention | None, text: str, masked: str,
           figures: list[Written], sheet: FactSheet) -> Rejection | None:
    s = m.subject
    comparison = _comparison(rest, m, nxt, masked)
    if comparison is not None:
        greater, after = comparison
        assert nxt is not None
        phrase = text[m.start:nxt.end]
        return _compare(s, nxt.subject, greater, phrase) or _gap(m, nxt, after, figures, sheet,
                                                                  masked)
    word = _word_at(rest, (*UP, *DOWN, *FLAT))
    if word is None or s.move is None:
        return None
    if rest[len(word):].startswith(("家数", "个股")):
        return None  # "上涨家数": a count of stocks, not this subject's move
    if _moved(s, 1 if word in UP else -1 if word in DOWN else 0):
        return None
    return Rejection(text[m.start:at + len(word)], f"{s.label} moved {s.move_display}")


def _comparison(rest: str, m: Mention, nxt: Mention | None, masked: str
                ) -> tuple[bool, int] | None:
    """``(a_greater, end)`` when ``rest`` compares ``m`` with the next subject ("跑赢B",
    "比B多涨"); ``end`` is where the comparison ends in the text."""
    if nxt is None:
        return None
    between = masked[m.end:nxt.start]
    lead = _skip_fillers(between)
    word = _word_at(lead, (*GREATER, *LESS))
    if word is not None:
        tail = lead[len(word):]
        if _tokens(tail, ("了", "于", "的")) is not None:
            return word in GREATER, nxt.end
        return None
    if lead.strip() in ("比", "较", "相比", "相较", "相较于", "较之"):
        after = _skip_fillers(masked[nxt.end:])
        word = _word_at(after, (*MORE, *FEWER))
        if word is not None:
            return word in MORE, nxt.end
    return None


def _gap(a: Mention, b: Mention, after: int, figures: list[Written], sheet: FactSheet,
         masked: str) -> Rejection | None:
    """The figure of a comparison ("跑赢上证指数2.54个百分点") must be the spread of its two
    subjects."""
    w = next((f for f in figures if f.start >= after), None)
    if w is None or w.kind not in (Kind.PP, Kind.POINTS):
        return None
    if _tokens(masked[after:w.start], (*FILLERS, *MORE, *FEWER, "出", "高出", "低")) is None:
        return None
    pair = {a.subject.key, b.subject.key}
    spreads = [f for f in sheet.facts if f.pair is not None and set(f.pair) == pair
               and f.unit is Unit.PP]
    if any(_same(w, f) for f in spreads):
        return None
    hint = f" (the data has {spreads[0].describe()})" if spreads else ""
    return Rejection(w.text, f"not the gap between {a.subject.label} and {b.subject.label}"
                             f"{hint}")


def _same(w: Written, f: Fact) -> bool:
    return abs(w.magnitude - abs(f.value)) <= w.resolution + 1e-9 * max(1.0, abs(f.value))


def numerals(text: str) -> list[Rejection]:
    return [Rejection(m.group(0), "written in Chinese numerals, which cannot be checked: write "
                                  "the figure in digits as the data displays it")
            for m in _NUMERAL.finditer(text)]


def unread_numbers(text: str, sheet: FactSheet) -> list[Rejection]:
    """Numbers the reader did not read as figures (a single digit is a count, as in English;
    dates and names with digits are masked): each may be an unchecked figure."""
    names = sheet.names()
    masked = mask(text, names, LANGUAGE)
    covered = [(w.start, w.end) for w in read_figures(text, names, LANGUAGE)]
    found = []
    for m in re.finditer(r"\d+(?:[.,]\d+)*", masked):
        if re.fullmatch(r"\d", m.group(0)):
            continue
        if not any(start <= m.start() < end for start, end in covered):
            found.append(Rejection(m.group(0), "cannot be checked: not read as a figure"))
    return found


def check(text: str, sheet: FactSheet) -> list[Rejection]:
    """Every wrong figure, direction and comparison in the Chinese ``text``."""
    sheet = with_chinese_names(sheet)
    return (check_figures(text, sheet) + check_directions(text, sheet) + numerals(text)
            + unread_numbers(text, sheet))
