"""Each source of the last build in one short line, for ``/status`` (Telegram and Discord).

From the snapshot's ``sources``: OK or failed, how many requests, the median latency, the as-of
time of what it gave, and for a failed source which figures a fallback covered. A note (a
calendar past its holidays) is its own line. No new request is made.
"""

from __future__ import annotations

from collections.abc import Sequence

from services import format as fmt
from services.models.snapshot import SourceStatus


def status_line(status: SourceStatus) -> str:
    if status.note:
        return f"{status.name}: {status.note}"
    parts = [status.name, "OK" if status.ok else "failed"]
    if status.requests is not None:
        parts.append(f"{status.requests} request{'' if status.requests == 1 else 's'}")
    if status.latency_s is not None:
        parts.append(f"{status.latency_s:.2f} s")
    if status.ok:
        parts.append(f"as of {fmt.day(status.as_of)}" if status.as_of else "as-of time n/a")
    elif status.fallback:
        parts.append(status.fallback)
    return " · ".join(parts)


MAX_LISTED = 8  # items of one list in a reply (a source's line is at most ~370 characters)


def status_lines(statuses: tuple[SourceStatus, ...]) -> list[str]:
    return [status_line(s) for s in statuses]


def at_most(items: Sequence[str], limit: int = MAX_LISTED) -> list[str]:
    """``items``, or the first ``limit - 1`` and a count of the rest, so that a list of any
    length (a snapshot may name 200 sources) stays within one reply."""
    if len(items) <= limit:
        return list(items)
    return [*items[: limit - 1], f"and {len(items) - limit + 1} more"]


def noted(statuses: tuple[SourceStatus, ...]) -> set[str]:
    """The names of the notes among ``statuses`` (their warnings need not be listed again)."""
    return {s.name for s in statuses if s.note}
