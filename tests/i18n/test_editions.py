"""One edition, many languages: the report in another language is narrated once (callers
meanwhile wait for that one narration), keeps the edition's id and analysis, and has its own
charts; the default language's report is the edition's own."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from services.models.analysis import Analysis
from services.models.report import Narration
from services.report.editions import EditionCache, FixedSource
from services.snapshot_io import load_sample
from tests.fakes.charts import FakeCharts

HK = ZoneInfo("Asia/Hong_Kong")


class SlowNarrator:
    name = "slow"

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def narrate(self, analysis: Analysis, language: str = "en") -> Narration:
        self.asked.append(language)
        await asyncio.sleep(0)
        return Narration(key_insight=f"insight in {language}", narrator=self.name)


async def test_another_language_is_narrated_once_and_shares_the_edition() -> None:
    narrator = SlowNarrator()
    edition = await EditionCache(FixedSource(load_sample()), narrator, HK).current()
    assert edition.language == "en" and narrator.asked == ["en"]
    views = await asyncio.gather(*(edition.localised("zh") for _ in range(5)))
    assert narrator.asked == ["en", "zh"]
    assert {v.report.key_insight for v in views} == {"insight in zh"}
    assert {v.id for v in views} == {edition.id}
    assert all(v.report.analysis is edition.report.analysis for v in views)
    assert await edition.localised("en") is edition
    assert set(edition.narrations()) == {"en", "zh"}

    charts = FakeCharts()
    await asyncio.gather(edition.chart("dashboard", charts), views[0].chart("dashboard", charts),
                         views[1].chart("dashboard", charts))
    assert charts.calls == ["dashboard", "dashboard"]  # once per language


async def test_the_default_language_is_a_setting() -> None:
    narrator = SlowNarrator()
    edition = await EditionCache(FixedSource(load_sample()), narrator, HK,
                                 language="zh").current()
    assert edition.language == "zh" and edition.report.title == "市场情报报告 - 2026-03-21"
    assert narrator.asked == ["zh"]
