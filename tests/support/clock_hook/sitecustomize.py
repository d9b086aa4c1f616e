"""A wall clock the test controls, for a bot process under test (test-only).

Python imports ``sitecustomize`` at start-up from ``sys.path``; only a test puts this folder
on the ``PYTHONPATH`` of a process it starts, so no production run ever loads it, and the
bot's code has no clock switch of its own. With

- ``MARKETBOT_TEST_CLOCK=2026-03-21T08:00:00+08:00`` the wall clock (``datetime.now``,
  ``time.time``; not ``time.monotonic``, so asyncio's timers are untouched) starts there and
  ticks on;
- ``MARKETBOT_TEST_CLOCK_JUMP=2026-03-21T08:30:00+08:00`` as well, ``SIGUSR1`` moves it there
  (and it ticks on from there).

APScheduler reads the wall clock at every wake-up, so a jump is seen at its next wake-up
(``SCHEDULER_SYNC_S`` bounds how far away that is). time-machine does the patching.
"""

import os

if os.environ.get("MARKETBOT_TEST_CLOCK"):
    import signal
    from datetime import datetime

    import time_machine

    _traveller = time_machine.travel(datetime.fromisoformat(os.environ["MARKETBOT_TEST_CLOCK"]),
                                     tick=True).start()
    _jump = os.environ.get("MARKETBOT_TEST_CLOCK_JUMP")
    if _jump:
        _target = datetime.fromisoformat(_jump)
        signal.signal(signal.SIGUSR1, lambda *_: _traveller.move_to(_target, tick=True))
