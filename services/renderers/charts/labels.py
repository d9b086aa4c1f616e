"""Short, readable names for quotes and sources, shared by every chart."""

from __future__ import annotations

from collections.abc import Sequence

from services import format as fmt
from services.analysis.coverage import grouped
from services.analysis.moves import short_name
from services.models.analysis import Analysis, Move
from services.renderers.charts.fonts import fonts, has_cjk

MAX_SOURCES = 6  # a footer names this many sources, then counts the rest


def move_label(move: Move) -> str:
    """``S&P 500``; for a Chinese name, its characters before the short name: ``上证指数 SSE``.

    Without a CJK font the characters are left out (the short name alone is what the text
    report shows too)."""
    short = short_name(move)
    can_draw_cjk = fonts().cjk is not None
    if has_cjk(short) and not can_draw_cjk:
        return move.id
    native = next((word for word in move.name.split() if has_cjk(word)), "")
    if native and can_draw_cjk and native not in short:
        return f"{native} {short}"
    return short


def source_lines(sources: Sequence[tuple[str, str]]) -> list[str]:
    """``("reference · US", "2026-03-20")``… → one entry per source, scopes grouped by as-of:
    ``reference: US, HK, CN (2026-03-20); CRYPTO (2026-03-21 00:00 UTC)``."""
    by_source: dict[str, dict[str, list[str]]] = {}
    for label, as_of in sources:
        source, _, scope = label.partition(" · ")
        by_source.setdefault(source, {}).setdefault(as_of, []).append(scope)
    lines = []
    for source, times in by_source.items():
        parts = [f"{', '.join(s for s in scopes if s) or 'all'} ({as_of})"
                 for as_of, scopes in times.items()]
        lines.append(f"{source}: {'; '.join(parts)}")
    return lines


def _first(items: Sequence[str], what: str) -> list[str]:
    """At most ``MAX_SOURCES`` items, the last one counting the rest."""
    if len(items) <= MAX_SOURCES:
        return list(items)
    return [*items[: MAX_SOURCES - 1], f"and {len(items) - MAX_SOURCES + 1} more {what}"]


def footer(analysis: Analysis, full: bool = False) -> list[str]:
    """Sources and as-of times. ``full`` (the dashboard): each source's scopes and times, and
    the data gaps grouped by source (as the Key Insight lists them); otherwise one line naming
    the sources, for a chart forwarded on its own. A snapshot with hundreds of sources or
    warnings still gets a footer of a few lines."""
    edition = f"Edition {fmt.day(analysis.edition_date)} · data as of {fmt.day(analysis.as_of)}"
    if not full:
        names = list(dict.fromkeys(label.partition(" · ")[0] for label, _ in analysis.sources))
        return [f"{edition} · sources: {', '.join(_first(names, 'sources')) or 'none declared'}"]
    lines = ["Sources · " + (" | ".join(_first(source_lines(analysis.sources), "sources"))
                             or "none declared in this snapshot")]
    lines.append(f"{edition} · for information only, not investment advice")
    if analysis.warnings:
        lines.append("Gaps · " + "; ".join(grouped(analysis.warnings)))
    return lines
