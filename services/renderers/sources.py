"""Each source of the last build in one short line, for ``/status`` (Telegram and Discord).

From the snapshot's ``sources``: OK or failed, how many requests, the median latency, the as-of
time of what it gave, and for a failed source which figures a fallback covered. A note (a
calendar past its holidays) is its own line. No new request is made.
"""

from __future__ import annotations

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


def status_lines(statuses: tuple[SourceStatus, ...]) -> list[str]:
    return [status_line(s) for s in statuses]


def noted(statuses: tuple[SourceStatus, ...]) -> set[str]:
    """The names of the notes among ``statuses`` (their warnings need not be listed again)."""
    return {s.name for s in statuses if s.note}
