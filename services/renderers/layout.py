"""Monospace layout shared by the renderers: aligned tables and the flow tree.

Widths count East Asian wide characters (上证指数) as two columns so tables stay aligned.
"""

from __future__ import annotations

import unicodedata

from services.models.analysis import FlowNode
from services.models.report import Table


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else
               0 if unicodedata.combining(c) else 1 for c in text)


def _pad(text: str, size: int, right: bool) -> str:
    gap = " " * max(0, size - width(text))
    return gap + text if right else text + gap


def clean(text: str) -> str:
    """Cells and tree labels are one line each."""
    return " ".join(text.split())


def table_lines(table: Table) -> list[str]:
    """Header, rule and rows, columns padded; the first column left-aligned by default."""
    rows = [tuple(clean(c) for c in table.columns)] + [tuple(clean(c) for c in r)
                                                        for r in table.rows]
    ncols = len(table.columns)
    sizes = [max(width(r[i]) if i < len(r) else 0 for r in rows) for i in range(ncols)]
    align = table.align or ("l" + "r" * (ncols - 1))
    lines = []
    for n, row in enumerate(rows):
        cells = [_pad(row[i] if i < len(row) else "", sizes[i], align[i] == "r")
                 for i in range(ncols)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * s for s in sizes))
    return lines


def tree_lines(nodes: tuple[FlowNode, ...]) -> list[str]:
    lines: list[str] = []
    for node in nodes:
        lines.append(_node_text(node))
        _children(node.children, "", lines)
    return lines


def _node_text(node: FlowNode) -> str:
    label, detail = clean(node.label), clean(node.detail)
    return f"{label}: {detail}" if detail else label


def _children(children: tuple[FlowNode, ...], prefix: str, lines: list[str]) -> None:
    for i, child in enumerate(children):
        last = i == len(children) - 1
        lines.append(f"{prefix}{'└── ' if last else '├── '}{_node_text(child)}")
        _children(child.children, prefix + ("    " if last else "│   "), lines)
