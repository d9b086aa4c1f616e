"""What is missing, said briefly: warnings grouped by the source that raised them."""

from __future__ import annotations

from collections import OrderedDict

MAX_GROUPS = 6


def grouped(warnings: tuple[str, ...]) -> tuple[str, ...]:
    """``source: reason`` lines, one per source; a source with several problems is counted,
    with its first reason as the example. The full list stays in ``Analysis.warnings``."""
    groups: OrderedDict[str, list[str]] = OrderedDict()
    for warning in warnings:
        source, _, reason = warning.partition(": ")
        groups.setdefault(source if reason else "other", []).append(reason or warning)
    lines = []
    for source, reasons in groups.items():
        if len(reasons) == 1:
            lines.append(f"{source}: {reasons[0]}")
        else:
            lines.append(f"{source}: {len(reasons)} problems, e.g. {reasons[0]}")
    if len(lines) > MAX_GROUPS:
        rest = len(lines) - MAX_GROUPS + 1
        lines = [*lines[: MAX_GROUPS - 1], f"and {rest} more sources (see /status)"]
    return tuple(lines)
