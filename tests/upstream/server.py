"""A loopback HTTP/1.1 server for tests and benches: real sockets, no framework.

``FakeUpstream(handler)`` serves every request with ``handler(request) -> Reply``; a reply can be
delayed (a timeout), cut short (truncated body) or carry any status and headers. Every request is
recorded, with the time it was read. ``latency_s`` adds the same delay to every reply (the
fetch-latency bench). Both clients of the data path talk to it: httpx, and curl_cffi (whose h2c
upgrade offer it ignores, answering in HTTP/1.1 as a plain server would).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from urllib.parse import parse_qsl, urlsplit

_REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 429: "Too Many Requests",
            500: "Internal Server Error",
            502: "Bad Gateway", 503: "Service Unavailable", 403: "Forbidden"}


@dataclass(frozen=True)
class FakeRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    target: str  # the raw request target, as sent (path and query)
    received_at: float = 0.0  # time.monotonic() when the request was read


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b"{}"
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


Handler = Callable[[FakeRequest], Reply]


class FakeUpstream:
    def __init__(self, handler: Handler, *, latency_s: float = 0.0) -> None:
        self.handler = handler
        self.latency_s = latency_s
        self.requests: list[FakeRequest] = []
        self._server: asyncio.base_events.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self.url = ""

    async def __aenter__(self) -> FakeUpstream:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            while await self._one(reader, writer):
                pass
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            pass  # the server is stopping: this task ends quietly (asyncio logs a cancelled one)
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or 0)
        if length:
            await reader.readexactly(length)
        parts = urlsplit(target)
        request = FakeRequest(method, parts.path, dict(parse_qsl(parts.query)), headers, target,
                              time.monotonic())
        self.requests.append(request)
        reply = self.handler(request)
        delay = self.latency_s + reply.delay_s
        if delay:
            await asyncio.sleep(delay)
        reason = _REASONS.get(reply.status, "Status")
        out = [f"HTTP/1.1 {reply.status} {reason}",
               f"Content-Type: {reply.content_type}",
               f"Content-Length: {len(reply.body)}",
               f"Date: {formatdate(usegmt=True)}"]
        out += [f"{name}: {value}" for name, value in reply.headers.items()]
        writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + reply.body)
        await writer.drain()
        return headers.get("connection", "").lower() != "close"


@contextlib.contextmanager
def serving_in_thread(handler: Handler, *, latency_s: float = 0.0) -> Iterator[FakeUpstream]:
    """The fake on its own event loop in a thread, for code that runs ``asyncio.run`` itself
    (the command line)."""
    loop = asyncio.new_event_loop()
    server = FakeUpstream(handler, latency_s=latency_s)
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server.__aenter__(), loop).result(timeout=10)
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.__aexit__(None, None, None), loop).result(
            timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
