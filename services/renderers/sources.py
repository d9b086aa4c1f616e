"""Each source of the last build in one short line, for ``/status`` (Telegram and Discord), in
the reader's language.

From the snapshot's ``sources``: OK or failed, how many requests, the median latency, the as-of
time of what it gave, and for a failed source which figures a fallback covered. A note (a
calendar past its holidays) is its own line. No new request is made.

The words around the figures come from the catalogs; a note and a fallback are the snapshot's
own text (like its warnings) and are shown as the data layer wrote them.
"""

from __future__ import annotations

from collections.abc import Sequence

from services import format as fmt
from services.i18n import N_, Translator, translator
from services.models.snapshot import SourceStatus

HEADING = N_("Sources (last build)")


def status_line(status: SourceStatus, tr: Translator | None = None) -> str:
    tr = tr or translator()
    if status.note:
        return f"{status.name}: {status.note}"
    parts = [status.name, tr.pgettext("source status", "OK") if status.ok
             else tr.pgettext("source status", "failed")]
    if status.requests is not None:
        parts.append(tr.ngettext("{n} request", "{n} requests", status.requests))
    if status.latency_s is not None:
        latency = f"{status.latency_s:.2f}"
        parts.append(tr.gettext("{seconds} s", seconds=latency))
    if status.ok:
        parts.append(tr.gettext("as of {time}", time=fmt.day(status.as_of)) if status.as_of
                     else tr.gettext("as-of time n/a"))
    elif status.fallback:
        parts.append(status.fallback)
    return " · ".join(parts)


MAX_LISTED = 8  # items of one list in a reply (a source's line is at most ~370 characters)


def status_lines(statuses: tuple[SourceStatus, ...], tr: Translator | None = None
                 ) -> list[str]:
    return [status_line(s, tr) for s in statuses]


def at_most(items: Sequence[str], limit: int = MAX_LISTED, tr: Translator | None = None
            ) -> list[str]:
    """``items``, or the first ``limit - 1`` and a count of the rest, so that a list of any
    length (a snapshot may name 200 sources) stays within one reply."""
    if len(items) <= limit:
        return list(items)
    tr = tr or translator()
    return [*items[: limit - 1], tr.gettext("and {n} more", n=len(items) - limit + 1)]


def noted(statuses: tuple[SourceStatus, ...]) -> set[str]:
    """The names of the notes among ``statuses`` (their warnings need not be listed again)."""
    return {s.name for s in statuses if s.note}
