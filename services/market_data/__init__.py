"""The data path: from the upstream services to one ``MarketSnapshot``.

    settings.MarketDataSettings  what the data path reads from the bot's settings (a protocol)
    providers/*                  one module per source: build the request, parse (pure)
    instruments, calendars       our quote ids, and the exchanges' trading sessions
    feeds.Feeds                  the jobs of one build, with failover per figure
    assembly.Assembly            collects figures and warnings into the snapshot
    build.MarketData             one build: every feed at once, under a deadline
    cache.SnapshotCache          the current snapshot, stored and reused for its TTL
    live                         the shared HTTP client and the wiring of the above
"""
