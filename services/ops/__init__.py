"""Operations: what an operator reads without reading the logs.

    metrics     every Prometheus metric, in one place (``Metrics``)
    readiness   the checks behind ``/readyz``: database, platforms, the edition's age
    ledgers     the ledgers' rows by state, for ``/metrics``
    server      the HTTP endpoint (aiohttp, on the bot's loop): /healthz, /readyz, /metrics
    context     the edition and chat a log line is about (context variables)
    systemd     readiness and watchdog notifications to systemd (``NOTIFY_SOCKET``)
"""
