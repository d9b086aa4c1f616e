"""The checks behind ``/readyz``: the database answers, every configured platform is
connected, and the current edition is younger than a limit.

A probe is ``() -> Check``; ``check_all`` runs them together, each within a time limit (a
probe that does not answer in time fails with that as its reason). Details name what is wrong
in words an operator can act on, and never carry a secret: an error is shown by its class
and, for an OS error, its reason ("connection refused", from its errno), never by its text
(which can name the address or the user).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text

from services.storage.db import Database
from services.storage.editions import newest_built_at


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


Probe = Callable[[], Awaitable[Check]]
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def describe(exc: BaseException) -> str:
    """An error in a few safe words: the class of its root cause and, for an OS error, its
    reason (``ConnectionRefusedError: connection refused``)."""
    root: BaseException = exc
    seen = 0
    while seen < 5:
        inner = getattr(root, "orig", None) or root.__cause__
        if not isinstance(inner, BaseException):
            break
        root, seen = inner, seen + 1
    name = type(root).__name__
    if isinstance(root, OSError) and root.errno:  # not its text: it can name the address
        return f"{name}: {os.strerror(root.errno).lower()}"
    return name


def duration(seconds: float) -> str:
    """``45 s``, ``12 min``, ``3 h 5 min``, ``2 d 4 h``."""
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 120:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"


def database_probe(db: Database) -> Probe:
    async def probe() -> Check:
        started = time.perf_counter()
        try:
            async with db.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception as exc:  # any failure to answer is the finding
            return Check("database", False, f"no answer ({describe(exc)})")
        return Check("database", True,
                     f"answered in {(time.perf_counter() - started) * 1000:.0f} ms")
    return probe


def platform_probe(name: str, state: Callable[[], tuple[bool, str]]) -> Probe:
    """A platform service's own view of its connection: ``(connected, detail)``."""
    async def probe() -> Check:
        connected, detail = state()
        return Check(name, connected, detail)
    return probe


def edition_probe(cached: Callable[[], datetime | None], db: Database, max_age_s: float,
                  clock: Clock = utc_now) -> Probe:
    """The newest edition, this process's (``cached``: when the edition it serves was built)
    or any instance's (the editions recorded in the database), is younger than
    ``max_age_s``."""
    async def probe() -> Check:
        built = [moment for moment in (cached(),) if moment is not None]
        try:
            stored = await newest_built_at(db)
        except Exception:  # the database check says why; the cached edition still counts
            stored = None
        if stored is not None:
            built.append(stored)
        if not built:
            return Check("edition", False, "no edition built yet")
        age = (clock() - max(built)).total_seconds()
        limit = f"limit {duration(max_age_s)}, OPS_EDITION_MAX_AGE_S"
        if age > max_age_s:
            return Check("edition", False, f"the newest edition was built {duration(age)} "
                                           f"ago ({limit})")
        return Check("edition", True, f"built {duration(age)} ago ({limit})")
    return probe


async def check_all(probes: Sequence[tuple[str, Probe]], timeout_s: float = 2.0
                    ) -> list[Check]:
    async def one(name: str, probe: Probe) -> Check:
        try:
            return await asyncio.wait_for(probe(), timeout_s)
        except TimeoutError:
            return Check(name, False, f"no answer within {timeout_s:g} s")
    return list(await asyncio.gather(*(one(name, probe) for name, probe in probes)))


def report(checks: Sequence[Check]) -> dict[str, object]:
    """The ``/readyz`` body: ``ready``, each check, and the problems as lines."""
    return {"ready": all(c.ok for c in checks),
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
            "problems": [f"{c.name}: {c.detail}" for c in checks if not c.ok]}
