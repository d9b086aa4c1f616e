"""What is missing, said briefly: warnings grouped by the source that raised them."""

from __future__ import annotations

from collections import OrderedDict

from services.i18n.text import Text, said

MAX_GROUPS = 6


def grouped(warnings: tuple[str, ...]) -> tuple[str, ...]:
    """``source: reason`` lines, one per source; a source with several problems is counted,
    with its first reason as the example. The full list stays in ``Analysis.warnings``."""
    groups: OrderedDict[str, list[str]] = OrderedDict()
    whole: list[str] = []
    for warning in warnings:
        if isinstance(warning, Text):  # the analysis' own line (a cross-check): one line
            whole.append(warning)
            continue
        source, _, reason = warning.partition(": ")
        groups.setdefault(source if reason else "other", []).append(reason or warning)
    lines: list[str] = []
    for source, reasons in groups.items():
        if len(reasons) == 1:
            lines.append(said("{source}: {reason}", source=source, reason=reasons[0]))
        else:
            lines.append(said("{source}: {n} problems, e.g. {reason}", source=source,
                              n=len(reasons), reason=reasons[0]))
    lines += whole
    if len(lines) > MAX_GROUPS:
        rest = len(lines) - MAX_GROUPS + 1
        lines = [*lines[: MAX_GROUPS - 1], said("and {n} more sources (see /status)", n=rest)]
    return tuple(lines)
