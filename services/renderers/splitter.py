"""The one splitter: pack rendered units into messages within a limit.

Units are whole paragraphs, bullets, table chunks or section headers, so messages break only at
section or paragraph boundaries. A unit longer than the limit is cut at line, then word, then
character boundaries of its raw text by ``split_text`` *before* markup is applied, so markup
is never cut in half.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence


def pack(units: Iterable[str], limit: int, sep: str = "\n\n") -> list[str]:
    """Greedily join units with ``sep`` into messages of at most ``limit`` characters.

    ``units`` must each be ≤ ``limit`` (renderers guarantee it with ``split_text``).
    An empty unit is skipped; no message is empty.
    """
    messages: list[str] = []
    current = ""
    for unit in units:
        if not unit:
            continue
        if len(unit) > limit:
            raise ValueError(f"unit of {len(unit)} characters exceeds the limit of {limit}")
        candidate = f"{current}{sep}{unit}" if current else unit
        if len(candidate) <= limit:
            current = candidate
        else:
            messages.append(current)
            current = unit
    if current:
        messages.append(current)
    return messages


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
