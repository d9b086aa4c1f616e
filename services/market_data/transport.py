"""The two HTTP clients of the data path, behind one small port.

``BrowserTransport`` is curl_cffi's ``AsyncSession`` impersonating a browser (Yahoo, Eastmoney);
``PlainTransport`` is httpx (CoinGecko, DefiLlama). Both turn a GET into an ``Answer`` or a named
``UpstreamTimeout`` / ``UpstreamUnreachable`` whose text never carries the URL (client library
messages can). ``open_clients`` owns both for the life of a process.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from services.errors import UpstreamTimeout, UpstreamUnreachable
from services.market_data.sources import IMPERSONATE, PLAIN_USER_AGENT, UPSTREAMS, Client

if TYPE_CHECKING:
    from curl_cffi.requests import AsyncSession


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes


class Transport(Protocol):
    async def get(self, url: str, *, params: Mapping[str, str], headers: Mapping[str, str],
                  timeout_s: float, feed: str) -> Answer:
        """One GET, no retry. Raises ``UpstreamTimeout`` or ``UpstreamUnreachable``."""
        ...


def seconds(value: float) -> str:
    """``0.2`` → ``"0.2"``, ``10.0`` → ``"10"``: a timeout as a warning shows it."""
    return f"{round(value, 1):g}"


class PlainTransport:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def get(self, url: str, *, params: Mapping[str, str], headers: Mapping[str, str],
                  timeout_s: float, feed: str) -> Answer:
        try:
            response = await self._client.get(url, params=dict(params), headers=dict(headers),
                                              timeout=timeout_s)
        except httpx.TimeoutException:
            raise UpstreamTimeout(feed, f"no answer within {seconds(timeout_s)} s") from None
        except httpx.TransportError as exc:
            raise UpstreamUnreachable(feed, f"connection failed ({type(exc).__name__})"
                                      ) from None
        return Answer(response.status_code,
                      {name.lower(): value for name, value in response.headers.items()},
                      response.content)


class BrowserTransport:
    def __init__(self, session: AsyncSession[Any]) -> None:
        self._session = session

    async def get(self, url: str, *, params: Mapping[str, str], headers: Mapping[str, str],
                  timeout_s: float, feed: str) -> Answer:
        from curl_cffi.requests.exceptions import RequestException, Timeout

        try:
            response = await self._session.get(url, params=dict(params), headers=dict(headers),
                                               timeout=timeout_s, allow_redirects=False)
        except Timeout:
            raise UpstreamTimeout(feed, f"no answer within {seconds(timeout_s)} s") from None
        except RequestException as exc:
            raise UpstreamUnreachable(feed, f"connection failed ({type(exc).__name__})"
                                      ) from None
        return Answer(response.status_code,
                      {name.lower(): value or "" for name, value in response.headers.items()},
                      response.content)


@dataclass(frozen=True)
class HttpClients:
    """One transport per kind of client."""

    browser: Transport
    plain: Transport

    def for_client(self, client: Client) -> Transport:
        return self.browser if client == "browser" else self.plain


def plain_client(timeout_s: float, **options: Any) -> httpx.AsyncClient:
    """The httpx client: every plain request of a build in flight at once.

    Only a few connections are kept alive: builds are minutes apart (connections expire after
    5 s idle anyway), and httpcore scans every pooled connection on each request, which costs
    more CPU than it saves past a handful.
    """
    return httpx.AsyncClient(
        timeout=timeout_s,
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=8),
        headers={"User-Agent": PLAIN_USER_AGENT},
        follow_redirects=False,
        **options,
    )


@asynccontextmanager
async def open_clients(timeout_s: float, **httpx_options: Any) -> AsyncIterator[HttpClients]:
    """Both clients, open for the life of the block. Call inside the running event loop."""
    from curl_cffi.requests import AsyncSession

    in_flight = sum(u.max_in_flight for u in UPSTREAMS.values() if u.client == "browser")
    async with (plain_client(timeout_s, **httpx_options) as client,
                AsyncSession(impersonate=IMPERSONATE, max_clients=in_flight,
                             timeout=timeout_s) as session):
        yield HttpClients(browser=BrowserTransport(session), plain=PlainTransport(client))
