"""systemd's notify protocol, by hand (a datagram to ``NOTIFY_SOCKET``), for ``Type=notify``.

``SystemdNotifier`` is a runtime service: it says ``READY=1`` the first time every readiness
check passes (until then ``STATUS=`` names what is missing), ``WATCHDOG=1`` at half the
``WATCHDOG_USEC`` interval while the event loop turns, and ``STOPPING=1`` when the bot
stops. Without ``NOTIFY_SOCKET`` (not under systemd) it does nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Mapping

from services.ops.readiness import Check

log = logging.getLogger(__name__)

Checks = Callable[[], Awaitable[list[Check]]]


def notify(message: str, socket_path: str | None) -> bool:
    """Send ``message`` to systemd; False when there is no socket or it cannot be reached."""
    if not socket_path:
        return False
    address = "\0" + socket_path[1:] if socket_path.startswith("@") else socket_path
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall(message.encode())
    except OSError as exc:
        log.warning("systemd notification not sent (%s)", type(exc).__name__)
        return False
    return True


def watchdog_interval(env: Mapping[str, str]) -> float | None:
    """Half the watchdog timeout systemd gave this process (``WATCHDOG_USEC``, and
    ``WATCHDOG_PID`` when set must be ours), or None."""
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 2_000_000


class SystemdNotifier:
    name = "systemd"

    def __init__(self, checks: Checks, env: Mapping[str, str], every_s: float = 1.0) -> None:
        self._checks = checks
        self._socket = env.get("NOTIFY_SOCKET")
        self._watchdog = watchdog_interval(env)
        self._every_s = every_s
        self._tasks: list[asyncio.Task[None]] = []
        self.ready = False

    @property
    def active(self) -> bool:
        return bool(self._socket)

    async def start(self) -> None:
        if not self.active:
            return
        self._tasks.append(asyncio.create_task(self._until_ready(), name="systemd-ready"))
        if self._watchdog:
            self._tasks.append(asyncio.create_task(self._keep_alive(), name="systemd-watchdog"))

    async def stop(self) -> None:
        if not self.active:
            return
        notify("STOPPING=1\nSTATUS=stopping", self._socket)
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()

    async def _until_ready(self) -> None:
        said = ""
        while True:
            checks = await self._checks()
            problems = [f"{c.name}: {c.detail}" for c in checks if not c.ok]
            if not problems:
                self.ready = True
                notify("READY=1\nSTATUS=ready", self._socket)
                log.info("ready (told systemd)")
                return
            status = "waiting: " + "; ".join(problems)
            if status != said:
                notify(f"STATUS={status[:400]}", self._socket)
                said = status
            await asyncio.sleep(self._every_s)

    async def _keep_alive(self) -> None:
        assert self._watchdog is not None
        while True:
            notify("WATCHDOG=1", self._socket)
            await asyncio.sleep(self._watchdog)
