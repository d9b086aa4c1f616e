"""``python -m bot report --sample --lang zh`` is Chinese through and through: no English word
left in any section (Markdown and Telegram, the formats a reader gets), every amount and spread
in Chinese units, the indices under their Chinese names, and the same figures as the English
report, section by section (read back by the fact-checker's figure reader, each report in its
own language); and no English word in any Chinese chart. What counts as English left over is
defined in ``tests/i18n/english.py``.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from services.analysis import analyze
from services.history_io import load_sample_history
from services.models.analysis import Analysis
from services.models.report import SECTION_KEYS
from services.narration.figures import Kind, read_figures
from services.renderers.charts import build_chart
from services.renderers.charts.style import look_for
from services.snapshot_io import load_sample
from tests.charts.helpers import all_texts
from tests.i18n.english import data_names, english_words, findings

FORMATS = ("markdown", "telegram")
INDEX_NAMES_ZH = ("上证指数", "深证成指", "创业板指", "恒生指数", "恒生科技指数", "标普500",
                  "纳斯达克", "道琼斯")


def printed(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(list(argv)) == 0
    return out.getvalue()


@pytest.fixture(scope="module")
def outputs() -> dict[tuple[str, str], str]:
    return {(language, fmt): printed("report", "--sample", "--lang", language, "--format", fmt)
            for language in ("en", "zh") for fmt in FORMATS}


@pytest.fixture(scope="module")
def names() -> set[str]:
    return data_names(load_sample(), load_sample_history())


def test_the_reader_of_english_left_over_finds_it_and_passes_chinese() -> None:
    """The heuristic itself: it catches a word, a name with a Chinese name, an English unit
    and "n/a", and lets Chinese, figures, tickers and the data's own names through."""
    names = {"Uniswap V4", "Figure Markets", "reference", "Yahoo ^GSPC"}
    assert english_words("美股 → 港股：followed。", names) == ("followed",)
    assert english_words("ChiNext +1.30%，SSE -1.24%，S&P 500 -1.51%", names) == (
        "ChiNext", "SSE", "S&P")
    assert english_words("净变化 +$563M，价差 +2.55 pp", names) == ("$", "3M", "5 pp", "pp")
    assert english_words("ETH：n/a", names) == ("n/a",)
    assert english_words("稳定币净供应 +5.63亿美元（USDT +8.58亿美元），价差 +2.55个百分点",
                         names) == ()
    assert english_words("Figure Markets 成交额 3.45亿美元，Uniswap V4 暂无", names) == ()
    assert english_words("来源：历史数据，Yahoo ^GSPC · 美股：2026-03-20", names) == ()
    assert english_words("BTC +1.04%，数据截至 2026-03-21 00:30 UTC，DeFi TVL", names) == ()
    assert english_words("Curvance 借贷", names) == ("Curvance",)  # not a name of this data


def test_the_english_report_is_found_english(outputs: dict[tuple[str, str], str],
                                             names: set[str]) -> None:
    """The reader is not blind: read as if it were Chinese, the English report is nearly all
    findings."""
    english = findings(outputs[("en", "markdown")], names)
    assert len(english) > 100


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_english_word_is_left_in_the_chinese_report(outputs: dict[tuple[str, str], str],
                                                      names: set[str], fmt: str) -> None:
    found = findings(outputs[("zh", fmt)], names)
    assert not found, f"{len(found)} lines with English:\n" + "\n".join(map(str, found[:80]))


def sections(markdown: str) -> dict[str, str]:
    """The Markdown of each numbered section (``## 3. …`` up to the next)."""
    parts = re.split(r"^## (\d+)\. .*$", markdown, flags=re.MULTILINE)
    found = {SECTION_KEYS[int(number) - 1]: body for number, body in zip(parts[1::2],
                                                                         parts[2::2],
                                                                         strict=True)}
    assert list(found) == list(SECTION_KEYS)
    return found


def stated(text: str, language: str) -> Counter[tuple[float, str]]:
    """The figures ``text`` states: value and unit (a bare scale counts as US dollars, as
    "points" counts as percentage points)."""
    same = {Kind.POINTS: Kind.PP, Kind.MONEY: Kind.USD}
    return Counter((round(w.value, 6), same.get(w.kind, w.kind).value)
                   for w in read_figures(text, ("S&P 500",), language))


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_each_section_states_the_english_figures(outputs: dict[tuple[str, str], str],
                                                 key: str) -> None:
    """With the sample's year of history, as the command prints it: the same figures, each
    re-expressed ($563M is 5.63亿美元: both read as 563,000,000 US dollars), no more, no
    fewer."""
    en = sections(outputs[("en", "markdown")])[key]
    zh = sections(outputs[("zh", "markdown")])[key]
    assert stated(zh, "zh") == stated(en, "en")


def test_amounts_and_spreads_are_in_chinese_units(outputs: dict[tuple[str, str], str]) -> None:
    zh = outputs[("zh", "markdown")]
    figures = read_figures(zh, (), "zh")
    english = [w.text for w in figures if re.search(r"[$]|[KMBT]$|pp$|bp$", w.text)]
    assert not english, english
    assert any(w.text.endswith("亿美元") for w in figures)
    assert any(w.text.endswith("个百分点") for w in figures)


def test_the_tables_name_the_indices_in_chinese(outputs: dict[tuple[str, str], str]) -> None:
    tables = "\n".join(re.findall(r"```\n(.*?)```", outputs[("zh", "markdown")], re.DOTALL))
    for name in INDEX_NAMES_ZH:
        assert re.search(rf"^{name}\s", tables, re.MULTILINE), name
    for english in ("S&P 500", "Nasdaq", "Dow", "HSI", "HSTECH", "SSE", "SZSE", "ChiNext"):
        assert not re.search(rf"(?<![A-Za-z]){re.escape(english)}(?![A-Za-z])", tables), english


CHARTS = ("dashboard", "details", "sentiment", "crypto", "breadth", "divergences", "flows")


@pytest.fixture(scope="module")
def day() -> Analysis:
    snapshot = load_sample()
    return analyze(snapshot, snapshot.generated_at, ZoneInfo("Asia/Hong_Kong"),
                   load_sample_history())


@pytest.mark.parametrize("name", CHARTS)
def test_no_english_word_is_left_in_a_chinese_chart(day: Analysis, names: set[str],
                                                   name: str) -> None:
    """Every text a Chinese chart draws (titles, labels, notes, footers), read as one line: a
    long footer is wrapped across texts, and a source's name may be cut in two."""
    drawn = all_texts(build_chart(name, day, look_for("zh"))).replace("\n", " ")
    found = findings(drawn, names)
    assert not found, f"{len(found)} lines with English:\n" + "\n".join(map(str, found))
