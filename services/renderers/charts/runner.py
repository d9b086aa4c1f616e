"""Rendering off the event loop. Placeholder until measured; see render_*_async."""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor

from services.models.analysis import Analysis


async def render_chart_async(name: str, analysis: Analysis, executor: Executor | None = None
                             ) -> bytes:
    from services.renderers.charts import check_name, render_chart

    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, render_chart, check_name(name), analysis)


async def render_all_async(analysis: Analysis, executor: Executor | None = None
                           ) -> dict[str, bytes]:
    from services.renderers.charts import render_all

    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(executor, render_all, analysis)
