"""The report in Chinese: ``python -m bot report --sample --lang zh``; its title, section titles,
table headers and headings translated; the same figures as the English report (read back by the
fact-checker's readers, section by section); within every platform's limits.

The sentences of the sections are still English in both reports (they are translated next);
the figure comparison below holds then too, since it reads each report in its own language.
"""

from __future__ import annotations

import json
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from services.models.report import SECTION_KEYS, SECTION_TITLES, Heading, Report, Table
from services.narration.figures import Kind, read_figures
from services.renderers import discord_embeds, markdown, telegram_messages
from services.report import labels
from services.report.pipeline import report_from_snapshot
from services.snapshot_io import load_sample

HK = ZoneInfo("Asia/Hong_Kong")
ZH_TITLES = ["核心观点", "全球风险情绪与传导链", "加密货币与 DeFi", "美股", "港股", "A股",
             "跨市场背离", "资金流向图", "风险矩阵", "行动计划"]


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    snapshot = load_sample()
    return {language: report_from_snapshot(snapshot, HK, language=language)
            for language in ("en", "zh")}


def test_the_command_line_prints_the_report_in_chinese(capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    assert main(["report", "--sample", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# 市场情报报告 - 2026-03-21\n\n"
                          "_数据截至 2026-03-21 00:30 UTC · 判断：避险_")  # BTC +0.3σ is quiet
    for number, title in enumerate(ZH_TITLES, 1):
        assert f"\n## {number}. {title}\n" in out
    assert "**数据来源与截至时间**" in out
    assert main(["report", "--sample", "--lang", "zh", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["language"] == "zh" and data["title"] == "市场情报报告 - 2026-03-21"
    assert [s["title"] for s in data["sections"]] == ZH_TITLES


def test_every_label_is_known_and_translated(reports: dict[str, Report]) -> None:
    """Every table header, heading and word cell the English report shows is in ``labels``
    (so the catalogs have it), and none is left in English in the Chinese report."""
    en, zh = reports["en"], reports["zh"]
    for en_section, zh_section in zip(en.sections, zh.sections, strict=True):
        assert zh_section.title == ZH_TITLES[SECTION_KEYS.index(en_section.key)]
        assert en_section.title == SECTION_TITLES[en_section.key]
        for en_block, zh_block in zip(en_section.blocks, zh_section.blocks, strict=True):
            if isinstance(en_block, Table):
                assert set(en_block.columns) <= labels.TABLE_HEADERS, en_block.columns
                assert isinstance(zh_block, Table)
                kept = [c for c in zh_block.columns if c in en_block.columns]
                assert set(kept) <= {"#", "TVL", "DEX"}, kept  # the same in both languages
                for en_row, zh_row in zip(en_block.rows, zh_block.rows, strict=True):
                    for en_cell, zh_cell in zip(en_row, zh_row, strict=True):
                        # the same figures, each in its language's units ($563M, 5.63亿美元);
                        # the table's word cells (macro names) translated
                        assert cell_figures(zh_cell, "zh") == cell_figures(en_cell, "en"), (
                            en_cell, zh_cell)
                        if en_cell in labels.CELLS:
                            assert zh_cell != en_cell, en_cell
            if isinstance(en_block, Heading):
                assert en_block.text in labels.HEADINGS, en_block.text
                assert isinstance(zh_block, Heading) and zh_block.text != en_block.text


def cell_figures(cell: str, language: str) -> list[tuple[float, str]]:
    same = {Kind.POINTS: Kind.PP, Kind.MONEY: Kind.USD}
    return [(round(w.value, 6), same.get(w.kind, w.kind).value)
            for w in read_figures(cell, ("S&P 500",), language)]


def figures(report: Report, key: str) -> Counter[tuple[float, str]]:
    """The figures a section states, read in the report's own language: value and unit."""
    same = {Kind.POINTS: Kind.PP, Kind.MONEY: Kind.USD}
    text = markdown.render_section(report.section(key))
    names = [n for n in ("S&P 500", "标普500")]
    return Counter((round(w.value, 6), same.get(w.kind, w.kind).value)
                   for w in read_figures(text, names, report.language))


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_the_chinese_report_states_the_english_figures(reports: dict[str, Report],
                                                       key: str) -> None:
    assert figures(reports["zh"], key) == figures(reports["en"], key)


def test_the_chinese_report_fits_every_platform(reports: dict[str, Report]) -> None:
    zh = reports["zh"]
    messages = telegram_messages.render_full(zh)
    assert all(len(m.html) <= 4096 for m in messages)
    assert messages[0].html.startswith("<b>市场情报报告 - 2026-03-21</b>\n<i>数据截至 ")
    assert "<b>2. 全球风险情绪与传导链</b>" in messages[0].html
    caption = telegram_messages.caption(zh)
    assert len(caption.html) <= 1024 and caption.plain[0].startswith("市场情报报告 - 2026-03-21\n")
    for message in discord_embeds.render_messages(zh):
        assert len(message.embeds) <= 10
        assert sum(discord_embeds.embed_size(e) for e in message.embeds) <= 6000
    assert discord_embeds.footer_text(zh).startswith("数据截至 2026-03-21 00:30 UTC · 来源：")
