"""Alerts: rules a chat sets on instruments, evaluated by the leading instance every
``ALERT_POLL_S``, each firing sent once per crossing through a ledger of its own.

    rules      the rule text (parse), the figure each kind reads, fire and re-arm (pure)
    messages   what a firing and a once-a-day notice say (pure)
    store      the alerts and their state (armed, crossings), changed by compare-and-set
    ledger     one row per message owed: claimed, dispatched, marked
    poller     one poll: the quotes alerts need, every alert evaluated, the messages sent
    service    add, list and remove for the handlers
    metrics    the one place the evaluation and firing counters are incremented
"""
