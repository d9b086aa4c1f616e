"""Short, readable names for quotes and sources, shared by every chart."""

from __future__ import annotations

from collections.abc import Sequence

from services import format as fmt
from services.analysis.moves import short_name
from services.i18n.names import quote_name_zh
from services.models.analysis import Analysis, Move
from services.renderers.charts import style
from services.renderers.charts.fonts import fonts, has_cjk
from services.renderers.charts.words import tr


def move_label(move: Move) -> str:
    """``S&P 500``; for a Chinese name, its characters before the short name: ``上证指数 SSE``.
    A Chinese chart names every index as Chinese readers do (``标普500``).

    Without a CJK font the characters are left out (the short name alone is what the text
    report shows too)."""
    short = short_name(move)
    can_draw_cjk = fonts().cjk is not None
    chinese = quote_name_zh(move.id) if style.current().language == "zh" else None
    if chinese and can_draw_cjk:
        return chinese
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
    everything = tr().gettext("all")
    for source, times in by_source.items():
        parts = [f"{', '.join(s for s in scopes if s) or everything} ({as_of})"
                 for as_of, scopes in times.items()]
        lines.append(f"{source}: {'; '.join(parts)}")
    return lines


def footer(analysis: Analysis, full: bool = False) -> list[str]:
    """Sources and as-of times. ``full`` (the dashboard): each source's scopes and times, and
    every data gap; otherwise one line naming the sources, for a chart forwarded on its own."""
    t = tr()
    edition = t.gettext("Edition {date} · data as of {time}", date=fmt.day(analysis.edition_date),
                        time=fmt.day(analysis.as_of))
    if not full:
        names = list(dict.fromkeys(label.partition(" · ")[0] for label, _ in analysis.sources))
        return [t.gettext("{edition} · sources: {sources}", edition=edition,
                          sources=", ".join(names) or t.gettext("none declared"))]
    lines = [t.gettext("Sources · {sources}", sources=" | ".join(source_lines(analysis.sources))
                       or t.gettext("none declared in this snapshot"))]
    lines.append(t.gettext("{edition} · for information only, not investment advice",
                           edition=edition))
    if analysis.warnings:
        lines.append(t.gettext("Gaps · {gaps}", gaps="; ".join(analysis.warnings)))
    return lines
