"""The fact-check: a text and the facts table in, the figures it gets wrong out. Pure.

A text passes when every figure in it
- matches a fact of a compatible unit within the precision it was written with ("+0.6%" for
  +0.59% passes; "$370M" for +$563M does not). A figure written coarser than the report writes
  it must also be within 10% of the fact ("1%" for +0.59% fails, "$0.56B" for $563M passes);
- carries the fact's sign when it is written with one;
- belongs to the subject written right before it, when there is one ("BTC +0.59%" fails:
  +0.59% is the S&P 500's move; "BTC +1.5-2.5 pp" fails: BTC's spreads are +0.45, +1.92 and
  +2.28 pp);

and every direction word next to a subject agrees with that subject's move ("BTC rose", "HSI
fell", "stablecoin supply grew"), as does every comparison of two subjects ("ChiNext
outperformed SSE").

Chinese text (``check(..., language="zh")``) is read the Chinese way by
``services.narration.zh``, with the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from services.narration.facts import Fact, FactSheet, Subject, Unit
from services.narration.figures import Kind, Written, mask, read_figures


def _words_of(text: str) -> frozenset[str]:
    return frozenset(text.split())


COMPATIBLE: dict[Kind, frozenset[Unit]] = {
    Kind.PCT: frozenset({Unit.PCT}),
    Kind.PP: frozenset({Unit.PP}),
    Kind.POINTS: frozenset({Unit.PP, Unit.LEVEL}),
    Kind.RATIO: frozenset({Unit.RATIO}),
    Kind.USD: frozenset({Unit.USD}),
    Kind.CNY: frozenset({Unit.CNY}),
    Kind.MONEY: frozenset({Unit.USD, Unit.CNY}),
    Kind.BARE: frozenset({Unit.LEVEL, Unit.COUNT, Unit.RATIO, Unit.USD}),
    Kind.SIGMA: frozenset({Unit.SIGMA}),
    Kind.RANK: frozenset({Unit.RANK}),
}
# A ratio written right after one of these words must be that kind of figure: a one-day move
# ratio is never a "beta", and no single day gives a "correlation".
RATIO_WORDS: tuple[tuple[str, str, str], ...] = (("beta", "beta", ".beta"),
                                                 ("correlat", "correlation", ".correlation"))
COARSE_RELATIVE_ERROR = 0.10  # a figure written coarser than the report must be this close

UP = _words_of("""rose rise rises rising risen gained gain gains gaining climbed climb climbs
climbing advanced jumped jump jumps rallied rally rallies rallying surged surge surges soared
soars added adds grew grow grows growing grown expanded expands expanding increased increases
rebounded rebounds recovered firmed up higher strengthened""")
DOWN = _words_of("""fell fall falls falling fallen dropped drop drops declined decline declines
declining slid slide slides sliding slipped slips lost loss losses loses losing shed sheds
sank sinks tumbled tumbles plunged plunges retreated retreats contracted contracts contracting
shrank shrinks shrinking shrunk decreased decreases down lower eased eases weakened weakens
slumped slump dipped dip dips""")
FLAT = frozenset({"flat", "unchanged", "steady"})
NEGATIONS = frozenset({"not", "n't", "never", "no", "failed", "didn't", "did", "without",
                       "hardly", "barely"})
# A direction after these is a hypothesis, not a claim about the day ("BTC could fall").
MODALS = frozenset({"could", "would", "might", "may", "will", "can", "should", "must", "need",
                    "needs", "to"})
# ...and so is one after a subject these introduce ("if BTC falls", "once HSI turns").
CONDITIONALS = frozenset({"if", "unless", "should", "whether", "until"})
# Words that may sit between a subject and its verb ("USDT supply grew", "HSI closed lower").
SKIP = _words_of("""s supply volume tvl price cap market index indices composite stocks shares
also has have had was is were been closed ended finished settled traded sharply slightly modestly
further again itself instead then still meanwhile the its total net""")
GREATER = (("gained", "ground", "on"), ("ahead", "of"), ("stronger", "than"),
           ("higher", "than"), ("better", "than"), ("outperformed",), ("outperforms",),
           ("outperforming",), ("outpaced",), ("outpaces",), ("beat",), ("beats",),
           ("topped",), ("outran",))
LESS = (("lost", "ground", "to"), ("fell", "behind"), ("weaker", "than"), ("lower", "than"),
        ("worse", "than"), ("underperformed",), ("underperforms",), ("underperforming",),
        ("lagged",), ("lags",), ("lagging",), ("trailed",), ("trails",), ("trailing",),
        ("behind",))
FILLERS = frozenset({"the", "its", "both", "all", "of", "by", "a"})
# Words that may sit between a subject and a figure that is that subject's own figure.
ATTRIBUTING = _words_of("""s is was were has had have been be at by to of on in from a an
the its it about around roughly nearly almost some just only also still sharply slightly
modestly firmly further closed ended finished settled traded stood sat came posted printed
recorded logged reached hit supply volume tvl price level index move moved change changed
session day daily cap market total value turnover circulation outstanding net gain loss
drop rise fall decline jump surge slide climb inflow outflow share""") | UP | DOWN
SPREAD_STOPS = frozenset({"while", "whereas", "but", "although", "though"})
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|n't")
_CLAUSE_END = re.compile(r"[.;!?](?:\s|$)|[。；！？，、：]")
_COUNTED = re.compile(r"\d[\d,.]*\s*%?\s*(?:of\s+(?:the\s+)?)?$")


@dataclass(frozen=True)
class Rejection:
    figure: str  # as written, or the phrase that carries a wrong direction
    reason: str

    def __str__(self) -> str:
        return f"{self.figure} - {self.reason}"


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    subject: Subject


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'").strip("'-") for w in _WORD.findall(text)]


def find_mentions(text: str, sheet: FactSheet, taken: Iterable[tuple[int, int]] = ()
                  ) -> list[Mention]:
    """Every subject named in ``text`` (longest name first, outside figure spans)."""
    owner: dict[str, Subject] = {}
    for s in sheet.subjects:
        for name in s.names:
            owner.setdefault(name, s)
    if not owner:
        return []
    names = sorted(owner, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w&])(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)")
    spans = list(taken)
    found = []
    for m in pattern.finditer(text):
        if any(m.start() < end and start < m.end() for start, end in spans):
            continue
        found.append(Mention(m.start(), m.end(), owner[m.group(0)]))
    return found


def _matches(w: Written, f: Fact) -> bool:
    diff = abs(w.magnitude - abs(f.value))
    if diff > w.resolution + 1e-9 * max(1.0, abs(f.value)):
        return False
    coarser = w.resolution > f.resolution * (1 + 1e-9)
    return not coarser or diff <= COARSE_RELATIVE_ERROR * abs(f.value) + 1e-12


def _fact_sign(f: Fact) -> int:
    if abs(f.value) <= f.resolution:
        return 0  # displays as zero: either sign is fair
    return 1 if f.value > 0 else -1


def _sign_ok(w: Written, f: Fact) -> bool:
    sign = _fact_sign(f)
    if not w.sign or not sign:
        return True
    if f.pair is not None and f.unit in (Unit.PP, Unit.USD):
        return True  # a spread may be written either way round ("HSI -1.47 pp", "SPX +1.47 pp")
    return w.sign == sign


def _attributed(w: Written, mention: Mention | None, masked: str) -> Subject | None:
    """The subject ``w`` is written as belonging to, if it sits right after one."""
    if mention is None:
        return None
    gap = masked[mention.end:w.start]
    if any(c.isdigit() for c in gap) or _CLAUSE_END.search(gap + " "):
        return None
    words = _words(gap)
    if w.kind in (Kind.PP, Kind.POINTS):
        ok = len(words) <= 8 and not SPREAD_STOPS.intersection(words)
    else:
        ok = len(words) <= 4 and all(word in ATTRIBUTING for word in words)
    return mention.subject if ok else None


def _closest(w: Written, facts: Iterable[Fact], subject: Subject | None) -> Fact | None:
    """The fact nearest to ``w``: the subject's own figures first, then those of its sign."""
    pool = list(facts)
    if subject is not None:
        pool = [f for f in pool if f.subjects[0] == subject.key] or pool
    if w.sign:
        pool = [f for f in pool if _fact_sign(f) in (0, w.sign)] or pool
    if not pool:
        return None
    return min(pool, key=lambda f: abs(w.magnitude - abs(f.value)) / max(abs(f.value), 1e-9))


def _spread_partner(w: Written, mention: Mention | None, masked: str) -> Subject | None:
    """For a spread, the subject right after it ("+2.28 pp over SSE")."""
    if mention is None or w.kind not in (Kind.PP, Kind.POINTS):
        return None
    gap = masked[w.end:mention.start]
    if any(c.isdigit() for c in gap) or _CLAUSE_END.search(gap + " ") or len(_words(gap)) > 3:
        return None
    return mention.subject


def _named_ratio(w: Written, masked: str) -> tuple[str, str] | None:
    """("beta", ".beta") when the ratio ``w`` is written as a beta (or a correlation)."""
    if w.kind not in (Kind.RATIO, Kind.BARE):
        return None
    before = masked[max(0, w.start - 40):w.start]
    clause = re.split(r"[.;!?,(]", before)[-1].lower()
    return next(((name, suffix) for stem, name, suffix in RATIO_WORDS if stem in clause), None)


def check_figure(w: Written, sheet: FactSheet, subject: Subject | None,
                 partner: Subject | None = None, named: tuple[str, str] | None = None
                 ) -> Rejection | None:
    units = COMPATIBLE[w.kind]
    candidates = [f for f in sheet.facts if f.unit in units]
    if named is not None:
        word, suffix = named
        kept = [f for f in candidates if f.key.endswith(suffix)]
        if not any(_matches(w, f) for f in kept):
            matched = next((f for f in candidates if _matches(w, f)), None)
            what = f"; it matches {matched.describe()}" if matched is not None else ""
            return Rejection(w.text, f"no {word} in the data has this value{what}")
        candidates = kept
    value_ok = [f for f in candidates if _matches(w, f)]
    if not value_ok:
        other = [f for f in sheet.facts if f.unit not in units and _matches(w, f)
                 and w.kind is not Kind.RANK]
        if subject is not None:
            other = [f for f in other if subject.key in f.subjects] or other
        if other:
            return Rejection(w.text, f"wrong unit: the data has {other[0].describe()}")
        scope = [f for f in candidates if subject is not None and subject.key in f.subjects]
        near = _closest(w, scope or candidates, subject)
        hint = f" (closest: {near.describe()})" if near is not None else ""
        return Rejection(w.text, f"no such figure in the data{hint}")
    own = value_ok
    if subject is not None and any(subject.key in f.subjects for f in candidates):
        mine = {subject.key} | ({partner.key} if partner is not None else set())
        own = [f for f in value_ok if mine.intersection(f.subjects)]
        if not own:
            theirs = [f for f in candidates if subject.key in f.subjects]
            near = _closest(w, theirs, subject)
            hint = f"; closest: {near.describe()}" if near is not None else ""
            return Rejection(w.text, f"not a figure of {subject.label} "
                                     f"(it matches {value_ok[0].describe()}{hint})")
    if not any(_sign_ok(w, f) for f in own):
        return Rejection(w.text, f"wrong sign: the data has {own[0].describe()}")
    return None


def check_figures(text: str, sheet: FactSheet) -> list[Rejection]:
    figures = read_figures(text, sheet.names())
    masked = mask(text, sheet.names())
    mentions = find_mentions(text, sheet, [(w.start, w.end) for w in figures])
    owners: list[Subject | None] = []
    found = []
    for w in figures:
        before = [m for m in mentions if m.end <= w.start]
        after = next((m for m in mentions if m.start >= w.end), None)
        subject = _attributed(w, before[-1] if before else None, masked)
        if w.range_of is not None and subject is None:
            subject = owners[w.range_of]
        owners.append(subject)
        rejection = check_figure(w, sheet, subject, _spread_partner(w, after, masked),
                                 _named_ratio(w, masked))
        if rejection is not None:
            found.append(rejection)
    return found


def _phrase_at(words: list[str], k: int, phrases: tuple[tuple[str, ...], ...]) -> int:
    """Length of the phrase from ``phrases`` starting at ``words[k]``, or 0."""
    for phrase in sorted(phrases, key=len, reverse=True):
        if tuple(words[k:k + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def _moved(s: Subject, sign: int) -> bool:
    assert s.move is not None
    if sign == 0:
        return abs(s.move) < s.flat_band or s.move == 0
    return s.move * sign > 0


def _compare(a: Subject, b: Subject, greater: bool, phrase: str) -> Rejection | None:
    if a.move is None or b.move is None or a.move_unit != b.move_unit or a.key == b.key:
        return None
    if (a.move > b.move) == greater or a.move == b.move:
        return None
    return Rejection(phrase, f"{a.label} {a.move_display} vs {b.label} {b.move_display}")


def check_directions(text: str, sheet: FactSheet) -> list[Rejection]:
    figures = read_figures(text, sheet.names())
    mentions = find_mentions(text, sheet, [(w.start, w.end) for w in figures])
    found: list[Rejection] = []
    for i, m in enumerate(mentions):
        if _COUNTED.search(text[:m.start]):
            continue  # "313 of 2,324 A-shares up": the subject is counted, not moving
        if CONDITIONALS.intersection(_words(_clause_before(text, m.start))[-3:]):
            continue
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        limit = nxt.start if nxt is not None else len(text)
        segment = text[m.end:limit]
        stop = re.search(r"\d|[.;!?](?:\s|$)", segment)
        words = _words(segment[:stop.start()] if stop else segment)
        rejection = _direction_after(m, words, nxt, text, sheet)
        if rejection is not None:
            found.append(rejection)
    return found


def _clause_before(text: str, end: int) -> str:
    """The text of the current clause before ``end``."""
    start = max((m.end() for m in re.finditer(r"[.;!?:,]", text[:end])), default=0)
    return text[start:end]


def _direction_after(m: Mention, words: list[str], nxt: Mention | None, text: str,
                     sheet: FactSheet) -> Rejection | None:
    s = m.subject
    for k, word in enumerate(words):
        if word in NEGATIONS or word in MODALS:
            return None
        relation = 0
        if size := _phrase_at(words, k, GREATER):
            relation = 1
        elif size := _phrase_at(words, k, LESS):
            relation = -1
        if relation:
            rest = words[k + size:]
            if nxt is None or any(w not in FILLERS for w in rest):
                return None
            phrase = text[m.start:nxt.end]
            return _compare(s, nxt.subject, relation > 0, phrase)
        sign = 1 if word in UP else -1 if word in DOWN else 0 if word in FLAT else None
        if sign is not None:
            if s.move is None or words[k + 1:] == ["in"]:
                return None  # "HSI rose in 49% of 109 next sessions": a base rate, not today
            if k + 1 < len(words) and words[k + 1] in ("than", "behind"):
                return None
            if _moved(s, sign):
                return None
            return Rejection(f"{text[m.start:m.end]} {word}",
                             f"{s.label} moved {s.move_display}")
        if word not in SKIP or k >= 3:
            return None
    return None


def check(text: str, sheet: FactSheet, language: str = "en") -> list[Rejection]:
    """Every wrong figure and every wrong direction in ``text``; empty when it all holds.
    ``language="zh"`` reads it as Chinese (``services.narration.zh``)."""
    if language == "zh":
        from services.narration import zh

        found = zh.check(text, sheet)
    else:
        found = check_figures(text, sheet) + check_directions(text, sheet)
    unique: dict[tuple[str, str], Rejection] = {}
    for r in found:
        unique.setdefault((r.figure, r.reason), r)
    return list(unique.values())
