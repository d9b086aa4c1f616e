"""``python -m bot``: see ``bot/cli.py``."""

import os
import sys

# python-telegram-bot 22: RetryAfter.retry_after as a timedelta, without a deprecation warning
# on every 429 (handlers/telegram/send.py accepts both forms).
os.environ.setdefault("PTB_TIMEDELTA", "true")

from bot.cli import main

sys.exit(main(process=True))
