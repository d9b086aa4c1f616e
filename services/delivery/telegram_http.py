"""python-telegram-bot's requests over aiohttp, for the fan-out's ``Bot``.

PTB's own ``HTTPXRequest`` costs about 1.5 ms of CPU per message (httpx's connection pool and
its two writes per request), which caps a process near 600 messages a second before anything
else runs; at a paid broadcast's 1,000 a second that is the bottleneck. aiohttp (already here
with discord.py) sends a request in one write, parses the answer in C and costs about a
tenth. Everything above the wire stays PTB's: parameters, the Bot API's error answers
(``RetryAfter``, ``Forbidden``, ``ChatMigrated`` …), the ``Message`` objects.

Failures are PTB's errors with aiohttp's as their cause, so ``telegram.translate`` can tell
a request that never left (``NOT_SENT``: no connection, or none made in time) from one that
may have arrived (``TimedOut`` reading the answer, a reset connection).
"""

from __future__ import annotations

import json

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

JSON = {"Content-Type": "application/json"}
# The request never reached Telegram: safe to retry without counting a possible duplicate.
NOT_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)


def _seconds(value: ODVInput[float], default: float | None) -> float | None:
    """A timeout passed to the call, or this request's default when none was."""
    if isinstance(value, DefaultValue):
        return default
    return value


class AiohttpRequest(BaseRequest):
    """A connection pool of ``connections`` to the Bot API; timeouts as ``HTTPXRequest``'s."""

    def __init__(self, connections: int = 10, connect_timeout: float | None = 5.0,
                 read_timeout: float | None = 20.0, write_timeout: float | None = 20.0,
                 pool_timeout: float | None = 5.0, media_write_timeout: float | None = 30.0
                 ) -> None:
        self._connections = connections
        self._connect = connect_timeout
        self._read = read_timeout
        self._write = write_timeout
        self._pool = pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections, ttl_dns_cache=300)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE
                         ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            await self.initialize()
        assert self._session is not None
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else None
        data: aiohttp.FormData | bytes | None = None
        headers = None
        if fields and not files:  # the Bot API takes JSON: one dumps, no URL-encoding
            data, headers = json.dumps(fields).encode(), JSON
        elif files:
            form = aiohttp.FormData()
            for name, value in (fields or {}).items():
                form.add_field(name, value)
            for name, upload in files.items():
                filename, content, *mime = upload
                form.add_field(name, content, filename=filename,
                               content_type=mime[0] if mime else None)
            data = form
        connect = _seconds(connect_timeout, self._connect)
        pool = _seconds(pool_timeout, self._pool)
        write = _seconds(write_timeout, self._media_write if files else self._write)
        read = _seconds(read_timeout, self._read)
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=None if read is None else read + (write or 0.0))
        try:
            async with self._session.request(method, url, data=data, headers=headers,
                                             timeout=timeout) as response:
                return response.status, await response.read()
        except NOT_SENT as exc:
            raise NetworkError(f"no connection to the Bot API ({type(exc).__name__})") from exc
        except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise TimedOut(f"no answer in time ({type(exc).__name__})") from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp: {type(exc).__name__}") from exc
