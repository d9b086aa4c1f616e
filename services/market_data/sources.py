"""Every upstream service the data path reads: its HTTP client, its headers and its limits.

This is the one place for them. Requests name their upstream (``Request.upstream``); the fetcher
adds that upstream's headers and keeps to its limits.

Yahoo fingerprints clients at the TLS level and has at times answered 429 to every client whose
TLS handshake is not a browser's, whatever User-Agent it sends. Yahoo therefore goes through
curl_cffi impersonating Chrome (the ``browser`` client), and so does Eastmoney, which blocks
clients that do not look like a browser. Their User-Agent is the impersonated browser's own: a
User-Agent that disagrees with the TLS handshake is itself a tell. CoinGecko and DefiLlama take
any client and go through httpx (the ``plain`` client).

Limits, per upstream (one host, or two of one service such as DefiLlama's):

- ``max_in_flight``: requests in flight at once; the rest wait for a free slot.
- ``open_after_429s``: answers of HTTP 429 in a row after which the upstream is left alone for
  the rest of the build (no retry storm). A Retry-After longer than the time left to the build
  deadline opens it at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Client = Literal["browser", "plain"]

# The browser curl_cffi impersonates: its TLS handshake, HTTP/2 settings and default headers
# (User-Agent included). "chrome" is the newest Chrome the installed curl_cffi knows.
IMPERSONATE = "chrome"

# The User-Agent of the plain client (httpx): a browser's, as before; these services do not
# fingerprint TLS.
PLAIN_USER_AGENT = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                    "(KHTML, like Gecko) Chrome/124.0 Safari/537.36")


@dataclass(frozen=True)
class Upstream:
    name: str
    client: Client
    headers: Mapping[str, str]
    max_in_flight: int = 4
    open_after_429s: int = 3


YAHOO = Upstream(
    "yahoo", "browser",
    # No Referer: a browser opening the API URL sends none, and neither do the well-kept Yahoo
    # clients. The impersonated browser supplies User-Agent and the sec-ch-ua headers.
    {"Accept": "application/json,text/plain,*/*"},
)
EASTMONEY = Upstream(
    "eastmoney", "browser",
    # Eastmoney answers only requests that come from its own quote pages.
    {"Accept": "*/*", "Referer": "https://quote.eastmoney.com/"},
)
COINGECKO = Upstream(
    "coingecko", "plain", {"Accept": "application/json", "User-Agent": PLAIN_USER_AGENT})
DEFILLAMA = Upstream(
    "defillama", "plain", {"Accept": "application/json", "User-Agent": PLAIN_USER_AGENT})

UPSTREAMS: dict[str, Upstream] = {u.name: u for u in (YAHOO, EASTMONEY, COINGECKO, DEFILLAMA)}
