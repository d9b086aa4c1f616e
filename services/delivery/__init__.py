"""Delivery: the ledger, the fan-out, the platform senders, the briefing.

    ledger.Ledger            one row per (edition, destination), claimed before each send
    liveness                 which workers are alive (locks that die with their process)
    leader                   the one scheduler that leads (advisory lock / file lock)
    fanout.Fanout            workers per platform; retries; isolation per destination
    channels.Sender          the port a platform implements (telegram.py, discord.py)
    pacing.Pacer             flood limits before the platform has to say 429
    media.MediaCache         one upload per chart per edition per platform
    slots / briefing         schedule slots; push, slot delivery, resume
"""
