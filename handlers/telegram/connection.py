"""Whether the bot is connected to Telegram, for ``/readyz``: the outcome of its last
``getUpdates`` long poll.

``WatchedRequest`` wraps the request object the updater polls with and records each poll's
outcome: an answer from the Bot API (connected), a network failure or a refused token (not
connected, and why). A poll in flight keeps the last outcome, so a quiet chat does not look
disconnected; a poll that fails says so at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

REFUSED = {401: "Telegram refused the token (401 Unauthorized)",
           404: "Telegram refused the token (404 Not Found)"}


@dataclass
class Link:
    connected: bool = False
    detail: str = "not connected yet"

    def state(self) -> tuple[bool, str]:
        return self.connected, self.detail


class WatchedRequest(BaseRequest):
    def __init__(self, inner: BaseRequest | None = None, link: Link | None = None) -> None:
        self.inner = inner or HTTPXRequest(connection_pool_size=1)
        self.link = link or Link()

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE
                         ) -> tuple[int, bytes]:
        try:
            status, payload = await self.inner.do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout,
                pool_timeout)
        except TimedOut:
            self.link.connected, self.link.detail = False, "no answer from Telegram (timed out)"
            raise
        except NetworkError as exc:
            cause = exc.__cause__
            why = type(cause).__name__ if cause is not None else type(exc).__name__
            self.link.connected, self.link.detail = False, f"cannot reach Telegram ({why})"
            raise
        if status in REFUSED:
            self.link.connected, self.link.detail = False, REFUSED[status]
        elif status >= 500:
            self.link.connected = False
            self.link.detail = f"Telegram answered HTTP {status}"
        elif status == 409:
            self.link.connected = True
            self.link.detail = ("polling, but another process polls with the same token "
                                "(409 Conflict)")
        else:
            self.link.connected, self.link.detail = True, "polling"
        return status, payload
