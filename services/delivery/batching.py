"""Group commit: calls that arrive while a write is running go into the next write together.

At 30 sends a second each ledger write is alone: it starts at once and takes a few
milliseconds, as one write per call did. At 1,000 a second, the claims and marks that arrive
while one transaction runs are written by the next one, in one statement, so the database
does tens of transactions a second instead of two thousand. No call waits for a timer or a
batch to fill: a call waits at most for the write in progress and its own.

``linger_s`` (0 by default) makes each write wait that long for more calls first: fewer,
larger writes for callers that do not wait on them (the fan-out's ``sent`` marks at a paid
broadcast's pace), at the price of that much latency.

``GroupCommit(write)`` takes ``write(items) -> results`` (one result per item, in order).
``submit(item)`` returns the item's result, or raises what the write raised. A caller that
is cancelled while its item is being written does not stop the write (the rows are written
for everyone); ``on_orphan(item, result)`` is told about each result nobody awaits any more
(the ledger gives such a claim back).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

In = TypeVar("In")
Out = TypeVar("Out")


class GroupCommit(Generic[In, Out]):
    def __init__(self, write: Callable[[list[In]], Awaitable[Sequence[Out]]],
                 most: int = 500,
                 on_orphan: Callable[[In, Out], Awaitable[None]] | None = None,
                 linger_s: float = 0.0) -> None:
        self._write = write
        self._most = most
        self._linger_s = linger_s
        self._on_orphan = on_orphan
        self._queue: list[tuple[In, asyncio.Future[Out]]] = []
        self._task: asyncio.Task[None] | None = None
        self.writes = 0  # how many writes served how many items: the batching at work
        self.items = 0

    async def submit(self, item: In) -> Out:
        future: asyncio.Future[Out] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain(), name="group-commit")
        return await future

    async def _drain(self) -> None:
        while self._queue:
            if self._linger_s and len(self._queue) < self._most:
                await asyncio.sleep(self._linger_s)
            batch, self._queue = self._queue[:self._most], self._queue[self._most:]
            try:
                results = await self._write([item for item, _ in batch])
            except BaseException as exc:  # every waiter of the batch hears it
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                if isinstance(exc, asyncio.CancelledError):
                    for _, future in self._queue:
                        future.cancel()
                    self._queue = []
                    raise
                continue
            self.writes += 1
            self.items += len(batch)
            for (item, future), result in zip(batch, results, strict=True):
                if not future.done():
                    future.set_result(result)
                elif self._on_orphan is not None:
                    try:
                        await self._on_orphan(item, result)
                    except Exception:  # the others of the batch must still hear back
                        log.exception("could not hand back an unused result")
