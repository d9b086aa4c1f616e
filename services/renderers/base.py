"""Walks a ``Section``'s blocks and renders each into units within a limit, for any ``Style``.

Every renderer is a ``Style`` (how to escape, emphasise and set monospace) plus this walk, so
the report is laid out once and only the markup differs per platform.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from services.models.report import Block, Bullets, Heading, Paragraph, Section, Table, Tree
from services.renderers.layout import table_lines, tree_lines
from services.renderers.splitter import split_text

BULLET = "• "


class Style(Protocol):
    def escape(self, text: str) -> str: ...
    def bold(self, escaped: str) -> str: ...
    def italic(self, escaped: str) -> str: ...
    def mono(self, lines: list[str]) -> str: ...
    def heading(self, text: str) -> str: ...


def paragraph(style: Style, p: Paragraph, prefix: str = "") -> Callable[[str], str]:
    """A function that renders ``p`` with its raw text replaced by a given chunk."""
    def render(text: str) -> str:
        body = style.escape(text)
        if p.note:
            body = style.italic(body)
        lead = style.bold(style.escape(p.lead)) + " " if p.lead else ""
        return f"{prefix}{lead}{body}"
    return render


def paragraph_units(style: Style, p: Paragraph, limit: int, prefix: str = "") -> list[str]:
    render = paragraph(style, p, prefix)
    overhead = len(render(""))
    chunks = split_text(p.text, limit - overhead, lambda t: len(render(t)) - overhead)
    return [render(chunk) for chunk in chunks]


def mono_units(style: Style, lines: list[str], limit: int, header: int = 0) -> list[str]:
    """Monospace blocks of whole lines, each within ``limit``; the first ``header`` lines
    repeat at the top of every block."""
    head, body = lines[:header], lines[header:]
    units: list[str] = []
    current: list[str] = []
    for line in body:
        for piece in split_text(line, limit - len(style.mono([*head, ""])),
                                lambda t: len(style.mono([t])) - len(style.mono([""]))):
            if current and len(style.mono(head + current + [piece])) > limit:
                units.append(style.mono(head + current))
                current = []
            current.append(piece)
    if current or not units:
        units.append(style.mono(head + current))
    return units


def block_units(style: Style, block: Block, limit: int) -> list[str]:
    if isinstance(block, Paragraph):
        return paragraph_units(style, block, limit)
    if isinstance(block, Bullets):
        return [u for item in block.items for u in paragraph_units(style, item, limit, BULLET)]
    if isinstance(block, Heading):
        return paragraph_units(_HeadingStyle(style), Paragraph(block.text), limit)
    if isinstance(block, Table):
        return mono_units(style, table_lines(block), limit, header=2)
    if isinstance(block, Tree):
        return mono_units(style, tree_lines(block.nodes), limit)
    raise TypeError(f"unknown block {type(block).__name__}")


def section_units(style: Style, section: Section, limit: int, header: str | None) -> list[str]:
    """The section's header (if any) then every block, each unit within ``limit``."""
    units = [header] if header else []
    for block in section.blocks:
        units.extend(block_units(style, block, limit))
    return units


class _HeadingStyle:
    """Renders a heading's text through the style's heading markup."""

    def __init__(self, style: Style) -> None:
        self._style = style

    def escape(self, text: str) -> str:
        return self._style.heading(text)

    def bold(self, escaped: str) -> str:
        return escaped

    def italic(self, escaped: str) -> str:
        return escaped

    def mono(self, lines: list[str]) -> str:
        return self._style.mono(lines)

    def heading(self, text: str) -> str:
        return self._style.heading(text)
