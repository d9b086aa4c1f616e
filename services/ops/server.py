"""The operations endpoint: aiohttp on the bot's own event loop (a runtime service).

    GET /healthz   200 {"alive": true}: the event loop turns (it answered)
    GET /readyz    200 when every check passes, else 503; the JSON body names each check,
                   and ``problems`` lists what is wrong (``readiness.report``)
    GET /metrics   Prometheus' text format (``Metrics``), the ledger gauges read first

It binds to ``host`` (127.0.0.1 unless configured otherwise) and serves nothing else; no
answer carries a secret (the checks describe errors by class, the metrics' labels are names
the code chooses).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from services.errors import ConfigError
from services.ops.metrics import CONTENT_TYPE, Metrics
from services.ops.readiness import Check, report

log = logging.getLogger(__name__)

Checks = Callable[[], Awaitable[list[Check]]]
BeforeScrape = Callable[[], Awaitable[None]]


class OpsServer:
    """A runtime ``Service``: ``start`` binds, ``stop`` closes."""

    name = "ops"

    def __init__(self, host: str, port: int, metrics: Metrics, checks: Checks,
                 before_scrape: BeforeScrape | None = None, scrape_timeout_s: float = 2.0
                 ) -> None:
        self._host = host
        self._port = port
        self._metrics = metrics
        self._checks = checks
        self._before_scrape = before_scrape
        self._scrape_timeout_s = scrape_timeout_s
        self._runner: web.AppRunner | None = None
        self.port: int | None = None  # the bound port (``port`` 0 picks a free one)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/readyz", self.readyz)
        app.router.add_get("/metrics", self.metrics)
        return app

    async def start(self) -> None:
        runner = web.AppRunner(self.app(), access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self._host, self._port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise ConfigError(f"OPS_PORT: cannot listen on {self._host}:{self._port} "
                              f"({(exc.strerror or type(exc).__name__).lower()}); choose "
                              "another OPS_PORT or OPS_HOST") from None
        self._runner = runner
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or ()
        self.port = sockets[0].getsockname()[1] if sockets else self._port
        log.info("ops endpoint on http://%s:%s (/healthz, /readyz, /metrics)", self._host,
                 self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def healthz(self, _request: web.Request) -> web.Response:
        return web.json_response({"alive": True})

    async def readyz(self, _request: web.Request) -> web.Response:
        body = report(await self._checks())
        return web.Response(text=json.dumps(body, ensure_ascii=False) + "\n",
                            status=200 if body["ready"] else 503,
                            content_type="application/json")

    async def metrics(self, _request: web.Request) -> web.Response:
        if self._before_scrape is not None:
            try:
                await asyncio.wait_for(self._before_scrape(), self._scrape_timeout_s)
            except Exception as exc:  # the rest of the metrics still answer
                log.warning("ops: gauges read from the database not refreshed (%s)",
                            type(exc).__name__)
        return web.Response(body=self._metrics.render(),
                            headers={"Content-Type": CONTENT_TYPE})
