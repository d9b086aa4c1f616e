"""Monospace layout shared by the renderers: aligned tables, lists, and the flow tree.

Widths are display columns, as a phone shows them: East Asian wide characters (上证指数) count
two, combining marks none (``width``). With a column budget (``Style.columns``, 34 on
Telegram), a table is first laid out as it is; if it is wider, its label column is clipped with
an ellipsis, down to ``MIN_LABEL``; if it is still wider, ``table_lines`` gives up and the
renderer uses ``list_rows`` instead: one item per line, its label then its figures. Figures
are never clipped. Tree lines wider than the budget wrap under their own branch.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from services.i18n import Translator, translator
from services.models.analysis import FlowNode
from services.models.report import Table

ELLIPSIS = "…"
GAP = "  "  # between table columns
MIN_LABEL = 12  # a label clipped shorter than this stops being a name: use a list instead
LIST_LABEL = 22  # the widest label in a list item, so the figures follow on the same line
NUMBER_COLUMN = "#"  # a leading column of row numbers, folded into the label in a list


def char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def width(text: str) -> int:
    return sum(char_width(c) for c in text)


def clip(text: str, size: int, words: bool = False) -> str:
    """``text`` cut to at most ``size`` display columns, an ellipsis marking the cut; with
    ``words``, at the last space when that keeps most of the room."""
    if width(text) <= size:
        return text
    kept, used = "", 0
    for char in text:
        if used + char_width(char) > size - width(ELLIPSIS):
            break
        kept += char
        used += char_width(char)
    whole_word = text[len(kept):len(kept) + 1] == " " or kept.endswith(" ")
    if words and not whole_word and " " in kept.strip():
        start = kept[:kept.rindex(" ")].rstrip(" -–—,;:·")
        if width(start) >= size * 0.6:
            kept = start
    return kept.rstrip() + ELLIPSIS


def _pad(text: str, size: int, right: bool) -> str:
    gap = " " * max(0, size - width(text))
    return gap + text if right else text + gap


def clean(text: str) -> str:
    """Cells and tree labels are one line each."""
    return " ".join(text.split())


def _label_index(table: Table) -> int:
    """The column that names the row: the first, or the second after a ``#`` column."""
    return 1 if table.columns[:1] == (NUMBER_COLUMN,) and len(table.columns) > 1 else 0


def table_lines(table: Table, columns: int | None = None) -> list[str] | None:
    """Header, rule and rows, columns padded; the first column left-aligned by default.

    With ``columns``, every line fits that many display columns: the label column is clipped
    if that is enough, else the result is None (the caller lists the rows instead)."""
    rows = [tuple(clean(c) for c in table.columns)] + [tuple(clean(c) for c in r)
                                                        for r in table.rows]
    ncols = len(table.columns)
    sizes = [max(width(r[i]) if i < len(r) else 0 for r in rows) for i in range(ncols)]
    total = sum(sizes) + width(GAP) * (ncols - 1)
    if columns is not None and total > columns:
        label = _label_index(table)
        room = sizes[label] - (total - columns)
        if room < max(MIN_LABEL, width(rows[0][label])):
            return None
        rows = [tuple(clip(c, room) if i == label else c for i, c in enumerate(r)) for r in rows]
        sizes[label] = room
    align = table.align or ("l" + "r" * (ncols - 1))
    lines = []
    for n, row in enumerate(rows):
        cells = [_pad(row[i] if i < len(row) else "", sizes[i], align[i] == "r")
                 for i in range(ncols)]
        lines.append(GAP.join(cells).rstrip())
        if n == 0:
            lines.append(GAP.join("-" * s for s in sizes))
    return lines


@dataclass(frozen=True)
class ListedRow:
    label: str  # clipped to ``LIST_LABEL`` columns, numbered ("3. …") after a ``#`` column
    figures: tuple[str, ...]  # the other cells, in column order; empty cells left out


def list_rows(table: Table, tr: Translator | None = None) -> tuple[str, list[ListedRow]]:
    """A table too wide for the screen as a list: a legend naming the label and the figures
    in order (``Index: Close · Change · Signal``; ``指数：收盘 · 涨跌幅 · 信号``), then one item
    per row."""
    label = _label_index(table)
    names = [clean(c) for c in table.columns]
    legend = (tr or translator()).gettext(
        "{label}: {columns}", label=names[label],
        columns=" · ".join(c for c in names[label + 1:] if c))
    items = []
    for row in table.rows:
        cells = [clean(c) for c in row]
        name = cells[label] if label < len(cells) else ""
        if label == 1 and cells[0]:
            name = f"{cells[0]}. {name}"
        figures = tuple(c for i, c in enumerate(cells) if i > label and c)
        items.append(ListedRow(clip(name, LIST_LABEL, words=True), figures))
    return legend, items


def tree_lines(nodes: tuple[FlowNode, ...], columns: int | None = None) -> list[str]:
    """The flow tree; with ``columns``, a long line wraps under its own branch."""
    lines: list[str] = []
    for node in nodes:
        _node(node, "", "", "│ " if node.children else "  ", lines, columns)
        _children(node.children, "", lines, columns)
    return lines


def _node_text(node: FlowNode) -> str:
    label, detail = clean(node.label), clean(node.detail)
    return f"{label}: {detail}" if detail else label


def _node(node: FlowNode, lead: str, rest: str, bar: str, lines: list[str],
          columns: int | None) -> None:
    """``lead`` starts the node's first line, ``rest`` + ``bar`` its continuation lines."""
    text = _node_text(node)
    if columns is None:
        lines.append(lead + text)
        return
    first = columns - width(lead)
    more = columns - width(rest + bar)
    for i, piece in enumerate(_wrap(text, first, more)):
        lines.append((lead if i == 0 else rest + bar) + piece)


def _children(children: tuple[FlowNode, ...], prefix: str, lines: list[str],
              columns: int | None) -> None:
    for i, child in enumerate(children):
        last = i == len(children) - 1
        below = prefix + ("    " if last else "│   ")
        _node(child, f"{prefix}{'└── ' if last else '├── '}", below,
              "│ " if child.children else "", lines, columns)
        _children(child.children, below, lines, columns)


_BREAKS = re.compile(r"(?<=[:,·;]) ")


def _wrap(text: str, first: int, more: int) -> list[str]:
    """``text`` in lines of at most ``first`` columns, then ``more``. Lines break after a
    "label:", a comma or a " · " first, so a name stays with its figure; a piece longer than a
    line breaks between words, and a word longer than a line is cut."""
    lines: list[str] = []
    line = ""
    for piece in _BREAKS.split(text):
        candidate = f"{line} {piece}" if line else piece
        if width(candidate) <= (more if lines else first):
            line = candidate
            continue
        if line:
            lines.append(line)
            line = ""
        for word in piece.split(" "):
            candidate = f"{line} {word}" if line else word
            if width(candidate) <= (more if lines else first):
                line = candidate
                continue
            if line:
                lines.append(line)
            while width(word) > (more if lines else first):
                cut = clip_exact(word, more if lines else first)
                lines.append(cut)
                word = word[len(cut):]
            line = word
    return [*lines, line] if line or not lines else lines


def clip_exact(text: str, size: int) -> str:
    """The longest start of ``text`` within ``size`` columns (at least one character)."""
    kept, used = "", 0
    for char in text:
        if kept and used + char_width(char) > size:
            break
        kept += char
        used += char_width(char)
    return kept
