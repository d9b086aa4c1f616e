"""Rendering off the event loop: a pool of worker processes, owned by the runtime.

Why processes, not threads (measured with the sample day on the 2-core machine, an asyncio
ticker asleep for 1 ms at a time while the six charts render; ranges over four runs, two of
them while other jobs loaded the machine):

    worker                         wall time    ticker lag p99   worst lag
    1 thread, render_all           1.0-1.5 s    5-10 ms          8-53 ms
    2 threads, chart by chart      1.2-1.9 s    9-14 ms          22-96 ms
    2 processes, chart by chart    0.65-0.83 s  1-5 ms           4-9 ms

Drawing text and encoding the PNG hold the GIL for tens of milliseconds at a time, so a thread
stalls the bot's loop (and every Telegram and Discord call on it) and gains nothing from the
second core. Processes keep the loop free and render two charts at once. A process costs about
a second to start (matplotlib, fonts), so the pool is started once and warmed up front.

``render_chart_async``/``render_all_async`` take an optional ``ChartPool`` (or any
``Executor``); without one they fall back to a thread, which never blocks the loop outright
but can delay it as measured above: fine for a CLI or a test, not for the bot.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import TYPE_CHECKING, Protocol

from services.models.analysis import Analysis
from services.renderers.charts.fonts import fonts
from services.renderers.charts.registry import CHART_NAMES, check_name, render_chart
from services.renderers.charts.style import Look, look_for

if TYPE_CHECKING:
    from services.models.report import Report


class _HasAnalysis(Protocol):
    @property
    def analysis(self) -> Analysis: ...


PARENT_CHECK_S = 1.0


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: leave when the bot process is gone, even if it was SIGKILLed and
    never closed the pool (an orphan would otherwise keep ~200 MB for ever)."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _warm_up() -> int:
    """Import matplotlib and resolve the fonts in this worker, before the first edition."""
    fonts()
    return os.getpid()


class ChartPool:
    """Worker processes that render charts; ``await start()`` once, ``await close()`` at exit.

    It is also the ``ChartRenderer`` that ``services.report.editions`` expects: ``await pool(name,
    report)`` renders one chart of a report's analysis."""

    def __init__(self, workers: int | None = None, start_method: str = "spawn",
                 colours: dict[str, str] | None = None) -> None:
        self.workers = workers or min(2, os.cpu_count() or 1)
        self.colours = dict(colours or {})  # each language's colour convention (settings)
        # spawn, not fork: forking a process that runs an event loop and threads is unsafe.
        self._executor = ProcessPoolExecutor(
            self.workers, mp_context=multiprocessing.get_context(start_method),
            initializer=_exit_with_parent, initargs=(os.getpid(),))

    @property
    def executor(self) -> Executor:
        return self._executor

    @property
    def names(self) -> tuple[str, ...]:
        """The charts it can render (the Discord ``/chart`` choices read this)."""
        return CHART_NAMES

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self._executor, _warm_up)
                               for _ in range(self.workers)))

    async def render(self, name: str, analysis: Analysis, look: Look | None = None) -> bytes:
        return await render_chart_async(name, analysis, self._executor, look)

    async def render_all(self, analysis: Analysis, look: Look | None = None
                         ) -> dict[str, bytes]:
        return await render_all_async(analysis, self._executor, look)

    async def __call__(self, name: str, report: Report | _HasAnalysis) -> bytes:
        """One chart of ``report``, in the report's language and that language's colours."""
        language = getattr(report, "language", "en")
        return await self.render(name, report.analysis, look_for(language, self.colours))

    async def close(self) -> None:
        await asyncio.to_thread(self._executor.shutdown, wait=True, cancel_futures=True)


async def render_chart_async(name: str, analysis: Analysis, executor: Executor | None = None,
                             look: Look | None = None) -> bytes:
    """One chart's PNG, rendered in ``executor`` (a thread when None), in ``look``. A bad
    name raises ``UnknownChartError`` here, before any work is sent."""
    check_name(name)
    if executor is None:
        return await asyncio.to_thread(render_chart, name, analysis, look)
    return await asyncio.get_running_loop().run_in_executor(executor, render_chart, name,
                                                            analysis, look)


async def render_all_async(analysis: Analysis, executor: Executor | None = None,
                           look: Look | None = None) -> dict[str, bytes]:
    """Every chart, one task per chart so that a pool renders them side by side."""
    images = await asyncio.gather(*(render_chart_async(n, analysis, executor, look)
                                    for n in CHART_NAMES))
    return dict(zip(CHART_NAMES, images, strict=True))
