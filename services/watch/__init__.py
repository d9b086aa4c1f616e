"""Watchlists: instruments a user names, resolved without guessing, and their block.

    instruments  ``Listing``: what a watchlist or an alert holds; the report's listings
    codes        what typed text can name (pure rules)
    quotes       ``QuoteFetcher``: quotes of any listing through the data path's fetcher
    resolve      text → one verified instrument, an ask-back, or a refusal with suggestions
    zscore       a move against the instrument's own history (pure)
    history      the port to the history store (``HistoryReader``)
    block        "Your watchlist": the figures per instrument (pure)
    store        verified instruments and each chat's watch items
    service      add, remove, list and the block for the handlers; the shared board
    replies      the answers as plain lines
    followup     the block after the daily edition, through a ledger of its own rows
"""
