"""The data path: from the upstream services to one ``MarketSnapshot``.

    settings.MarketDataSettings  what the data path reads from the bot's settings (a protocol)
    sources                      each upstream's client, headers and limits: the one place
    transport                    the two HTTP clients (curl_cffi as a browser, httpx)
    fetcher.Fetcher              one build's requests: retries, limits, 429 circuit, deadline
    providers/*                  one module per source: build the request, parse (pure)
    instruments, calendars       our quote ids, and the exchanges' trading sessions
    feeds.Feeds                  the jobs of one build, with failover per figure
    assembly.Assembly            collects figures and warnings into the snapshot
    build.MarketData             one build: every feed at once, under a deadline
    cache.SnapshotCache          the current snapshot, stored and reused for its TTL
    live                         the shared HTTP clients and the wiring of the above
    doctor                       one live request per source, for ``python -m bot doctor``
"""
