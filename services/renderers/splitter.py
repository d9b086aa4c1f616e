"""The one splitter: pack rendered units into messages within a limit.

Units are whole paragraphs, bullets, table chunks or section headers, so messages break only at
section or paragraph boundaries. A unit longer than the limit is cut at line, then word, then
character boundaries of its raw text by ``split_text`` *before* markup is applied, so markup
is never cut in half.

A ``Head`` unit (a title, a section header, a heading inside a section) belongs with what follows
it: ``pack`` never ends a message with one when the unit after it can move along to the next
message, so a reader never gets a heading whose lines only start in the next message. Renderers
keep the first unit after a heading small enough to travel with it (``base.section_blocks``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence


class Head(str):
    """A unit that must not end a message while a unit follows it (see ``pack``)."""

    __slots__ = ()


def head_size(units: Sequence[str], sep: str = "\n\n") -> int:
    """The characters the ``Head`` units at the end of ``units`` take, each with a ``sep``: how
    much room the next unit must leave so that it fits in one message with them."""
    size = 0
    for unit in reversed(units):
        if not isinstance(unit, Head):
            break
        size += len(unit) + len(sep)
    return size


def pack(units: Iterable[str], limit: int, sep: str = "\n\n") -> list[str]:
    """Greedily join units with ``sep`` into messages of at most ``limit`` characters.

    ``units`` must each be ≤ ``limit`` (renderers guarantee it with ``split_text``).
    An empty unit is skipped; no message is empty. ``Head`` units at the end of a full message
    move on with the unit after them whenever together they fit in one message.
    """
    units = list(units)
    return [sep.join(units[i] for i in group) for group in pack_spans(units, limit, sep)]


def pack_spans(units: Sequence[str], limit: int, sep: str = "\n\n") -> list[list[int]]:
    """The indices of the units each message of ``pack`` holds, in order.

    Lets a caller pair every message with a twin rendering of the same units (Telegram's
    plain-text fallback) without packing twice.
    """
    groups: list[list[int]] = []
    current: list[int] = []
    size = 0
    for index, unit in enumerate(units):
        if not unit:
            continue
        if len(unit) > limit:
            raise ValueError(f"unit of {len(unit)} characters exceeds the limit of {limit}")
        grown = size + len(sep) + len(unit) if current else len(unit)
        if grown <= limit:
            current.append(index)
            size = grown
            continue
        heads = _trailing_heads(units, current)
        moved = sum(len(units[i]) + len(sep) for i in heads) + len(unit)
        if heads and len(heads) < len(current) and moved <= limit:
            groups.append(current[:-len(heads)])
            current, size = [*heads, index], moved
        else:
            groups.append(current)
            current, size = [index], len(unit)
    if current:
        groups.append(current)
    return groups


def _trailing_heads(units: Sequence[str], group: list[int]) -> list[int]:
    """The indices of the ``Head`` units that end ``group``."""
    count = 0
    for index in reversed(group):
        if not isinstance(units[index], Head):
            break
        count += 1
    return group[len(group) - count:]


def split_text(raw: str, budget: int, measure: Callable[[str], int] = len) -> list[str]:
    """Cut ``raw`` into pieces whose ``measure`` is ≤ ``budget``: at newlines, then spaces,
    then characters. ``measure`` is the length after markup/escaping is applied."""
    if measure(raw) <= budget:
        return [raw]
    pieces: list[str] = []
    for line in raw.split("\n"):
        pieces.extend(_split_line(line, budget, measure))
    return _rejoin(pieces, budget, measure, "\n")


def _split_line(line: str, budget: int, measure: Callable[[str], int]) -> list[str]:
    if measure(line) <= budget:
        return [line]
    words: list[str] = []
    for word in line.split(" "):
        if measure(word) <= budget:
            words.append(word)
        else:
            words.extend(_split_chars(word, budget, measure))
    return _rejoin(words, budget, measure, " ")


def _split_chars(word: str, budget: int, measure: Callable[[str], int]) -> list[str]:
    out: list[str] = []
    current = ""
    for char in word:
        if current and measure(current + char) > budget:
            out.append(current)
            current = ""
        current += char
    if current:
        out.append(current)
    return out


def _rejoin(parts: Sequence[str], budget: int, measure: Callable[[str], int], sep: str
            ) -> list[str]:
    out: list[str] = []
    current: str | None = None
    for part in parts:
        candidate = part if current is None else f"{current}{sep}{part}"
        if measure(candidate) <= budget:
            current = candidate
        else:
            if current is not None:
                out.append(current)
            current = part
    if current is not None:
        out.append(current)
    return [p for p in out if p.strip()] or [""]
