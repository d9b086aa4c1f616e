"""Walks a ``Section``'s blocks and renders each into units within a limit, for any ``Style``.

Every renderer is a ``Style`` (how to escape, emphasise and set monospace, and how many
monospace columns its readers' screens hold) plus this walk, so the report is laid out once and
only the markup differs per platform. Headings come out as ``Head`` units, which the splitter
never leaves at the end of a message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from services.i18n import Translator, translator
from services.models.report import Block, Bullets, Heading, Paragraph, Section, Table, Tree
from services.renderers.layout import list_rows, table_lines, tree_lines
from services.renderers.splitter import Head, head_size, split_text

BULLET = "• "


class Style(Protocol):
    # Monospace columns a reader's screen shows without wrapping; None: no limit.
    @property
    def columns(self) -> int | None: ...

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


def block_units(style: Style, block: Block, limit: int, tr: Translator | None = None
                ) -> list[str]:
    """The units of one block; ``tr`` writes the words a layout adds (a list's legend)."""
    if isinstance(block, Paragraph):
        return paragraph_units(style, block, limit)
    if isinstance(block, Bullets):
        return [u for item in block.items for u in paragraph_units(style, item, limit, BULLET)]
    if isinstance(block, Heading):
        return [Head(u) for u in paragraph_units(_HeadingStyle(style), Paragraph(block.text),
                                                  limit)]
    if isinstance(block, Table):
        lines = table_lines(block, style.columns)
        if lines is None:
            return list_units(style, block, limit, tr or translator())
        return mono_units(style, lines, limit, header=2)
    if isinstance(block, Tree):
        return mono_units(style, tree_lines(block.nodes, style.columns), limit)
    raise TypeError(f"unknown block {type(block).__name__}")


def list_units(style: Style, table: Table, limit: int, tr: Translator) -> list[str]:
    """A table too wide for the screen, as a list: the legend in italics, then one line per
    row, its label in bold (``US S&P 500:``) and its figures after it. Cut between rows when
    long; the legend repeats at the top of each unit. The legend and the label's colon are
    in ``tr``'s language."""
    legend, rows = list_rows(table, tr)
    head = style.italic(style.escape(legend))
    budget = limit - len(head) - 1
    units: list[str] = []
    current = [head]
    for row in rows:
        label = tr.gettext("{label}:", label=row.label)
        raw = f"{label} {' · '.join(row.figures)}".rstrip()
        line = f"{BULLET}{style.bold(style.escape(label))} " \
            f"{style.escape(' · '.join(row.figures))}".rstrip()
        pieces = [line] if len(line) <= budget else [
            style.escape(p) for p in split_text(f"{BULLET}{raw}", budget,
                                                lambda t: len(style.escape(t)))]
        for piece in pieces:
            if len(current) > 1 and len("\n".join([*current, piece])) > limit:
                units.append("\n".join(current))
                current = [head]
            current.append(piece)
    units.append("\n".join(current))
    return units


def section_blocks(style: Style, section: Section, limit: int, header: str | None,
                   sep: str = "\n\n", before: Sequence[str] = ()) -> list[list[str]]:
    """The units of the section's header (if any, a ``Head``) and of each block, in order.

    A block that follows headings (``before`` holds the units already laid out ahead of the
    section, such as a title) is rendered within what the headings leave of ``limit``, so its
    first unit always fits in one message with them."""
    blocks: list[list[str]] = [[Head(header)]] if header else []
    units: list[str] = [*before, *(u for b in blocks for u in b)]
    tr = translator(section.language)
    for block in section.blocks:
        room = max(limit - head_size(units, sep), limit // 2)
        rendered = block_units(style, block, room, tr)
        blocks.append(rendered)
        units.extend(rendered)
    return blocks


def section_units(style: Style, section: Section, limit: int, header: str | None,
                  before: Sequence[str] = ()) -> list[str]:
    """The section's header (if any) then every block, each unit within ``limit``."""
    return [u for block in section_blocks(style, section, limit, header, before=before)
            for u in block]


class _HeadingStyle:
    """Renders a heading's text through the style's heading markup."""

    def __init__(self, style: Style) -> None:
        self._style = style

    @property
    def columns(self) -> int | None:
        return self._style.columns

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
