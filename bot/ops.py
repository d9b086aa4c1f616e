"""Wiring the operations side of ``python -m bot run``: the readiness checks, the HTTP
endpoint (``OPS_PORT``) and systemd's notifications (``NOTIFY_SOCKET``)."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.config import Settings
from bot.container import Container
from services.ops.ledgers import read_ledgers
from services.ops.readiness import (
    Check,
    Probe,
    check_all,
    database_probe,
    edition_probe,
    platform_probe,
    utc_now,
)
from services.ops.server import OpsServer
from services.ops.systemd import SystemdNotifier
from services.storage.editions import newest_built_at


async def newest_edition(container: Container) -> datetime | None:
    """When the newest edition was built: the one this process serves, or the newest any
    instance recorded (raises what the database raises)."""
    cached = container.editions.cached
    found = [moment for moment in (cached.built_at if cached is not None else None,
                                   await newest_built_at(container.db)) if moment is not None]
    return max(found) if found else None


class Readiness:
    """The checks of a running bot: its database, each platform service that reports a
    connection (``connected()``), and the age of the newest edition."""

    def __init__(self, container: Container, platforms: Sequence[object]) -> None:
        settings = container.settings
        self.timeout_s = settings.ops_check_timeout_s
        self.probes: list[tuple[str, Probe]] = [("database", database_probe(container.db))]
        for service in platforms:
            state = getattr(service, "connected", None)
            name = getattr(service, "name", "platform")
            if state is not None:
                self.probes.append((name, platform_probe(name, state)))
        editions = container.editions

        def cached() -> datetime | None:
            edition = editions.cached
            return edition.built_at if edition is not None else None

        self.probes.append(("edition", edition_probe(cached, container.db,
                                                     settings.ops_edition_max_age_s)))

    async def __call__(self) -> list[Check]:
        return await check_all(self.probes, self.timeout_s)


def ops_services(container: Container, platforms: Sequence[object],
                 env: Mapping[str, str] | None = None) -> list[OpsServer | SystemdNotifier]:
    """The endpoint when ``OPS_PORT`` is set, and the systemd notifier (idle outside
    systemd), sharing one set of checks."""
    settings: Settings = container.settings
    checks = Readiness(container, platforms)
    out: list[OpsServer | SystemdNotifier] = []
    if settings.ops_port is not None:
        metrics = container.metrics

        async def before_scrape() -> None:
            newest = await newest_edition(container)
            metrics.edition_age((utc_now() - newest).total_seconds()
                                if newest is not None else None)
            await read_ledgers(container.db, metrics)

        out.append(OpsServer(settings.ops_host, settings.ops_port, metrics, checks,
                             before_scrape, settings.ops_check_timeout_s))
    out.append(SystemdNotifier(checks, os.environ if env is None else env))
    return out
