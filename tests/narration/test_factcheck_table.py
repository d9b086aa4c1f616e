"""The fact-checker against the sample day, one sentence at a time: true and false sentences
across every unit (%, pp and bp, $ with K/M/B/T, ¥, index levels, counts, ratios), direction
words and comparisons. Each row lists the figures (or phrases) the checker must reject."""

from __future__ import annotations

import pytest

from services.models.analysis import Analysis
from services.narration.factcheck import check
from services.narration.facts import FactSheet
from services.narration.template import TemplateNarrator

TABLE: list[tuple[str, list[str]]] = [
    # --- percent changes
    ("The S&P 500 rose 0.59%.", []),
    ("SSE −1.24% and SZSE −0.25%.", []),
    ("SSE -1.24 % on the day.", []),
    ("The S&P 500 gained +0.6%.", []),
    ("BTC rose about 1%.", []),
    ("HSTECH fell 2.48 per cent.", []),
    ("USDT supply +0.468%, or +0.47% rounded.", []),
    ("Only 13.5% of A-shares advanced; 86.5% declined.", []),
    ("BTC rose 0.59%.", ["0.59%"]),  # the S&P 500's move, not BTC's
    ("HSI -1.24%.", ["-1.24%"]),  # SSE's move
    ("The S&P 500 rose 1%.", ["1%"]),  # coarser than the report and 69% off
    ("SSE +1.24%.", ["+1.24%"]),  # wrong sign
    ("Raydium volume rose 73%.", ["73%"]),
    # --- spreads in percentage points (and basis points)
    ("ChiNext outperformed SSE by 2.54 pp.", []),
    ("The S&P 500 and HSI were 1.47 percentage points apart.", []),
    ("SSE lagged ChiNext by 254 bp.", []),
    ("BTC was +1.92 pp over HSI and +2.28 pp over SSE.", []),
    ("HSI trailed the S&P 500, -1.47 pp.", []),
    ("BTC ran +1.5–2.5 pp ahead of all equities.", ["+1.5", "2.5 pp"]),
    ("ChiNext beat SSE by 2.54%.", ["2.54%"]),  # a spread written as a percent change
    ("SSE fell 1.24 pp.", ["1.24 pp"]),  # a percent change written as a spread
    ("BTC was 0.65 pp ahead of the S&P 500.", ["0.65 pp"]),
    # --- US dollars with K/M/B/T
    ("Net stablecoin supply rose +$563M.", []),
    ("Stablecoin supply grew $563 million.", []),
    ("Net stablecoin supply grew by $0.56B.", []),
    ("USDT supply rose +$858M to $184.13B.", []),
    ("USDC supply fell $310M.", []),
    ("Total crypto market cap was $2.50T on $90.4B of volume.", []),
    ("Total crypto market cap reached $2.5 trillion.", []),
    ("BTC closed at $70,716.", []),
    ("Raydium volume rose to $437M from $257M.", []),
    ("Net stablecoin supply rose +$370M.", ["+$370M"]),  # the reference report's figure
    ("USDC -$309M.", ["-$309M"]),  # -$309.7M truncated, not rounded
    ("USDT supply rose $563M.", ["$563M"]),  # the net figure, not USDT's
    ("Net stablecoin supply fell -$563M.", ["-$563M", "Net stablecoin supply fell"]),
    ("Correlation snaps back if BTC fails at $72K.", ["$72K"]),
    ("DAI supply added +$148M.", ["+$148M"]),  # +$14.8M
    # --- yuan
    ("Turnover was ¥1.75T.", []),
    ("Turnover reached RMB 1.75 trillion.", []),
    ("Turnover was ¥1.57T.", ["¥1.57T"]),
    ("Turnover was $1.75T.", ["$1.75T"]),  # yuan written as dollars
    # --- index levels
    ("The S&P 500 closed at 6,643.70.", []),
    ("HSI closed at 25,277.32, down 0.88%.", []),
    ("The S&P 500 closed at 6,634.70.", ["6,634.70"]),
    ("An HSTECH breakdown below 4,800 risks a test of lower levels.", ["4,800"]),
    # --- counts
    ("Breadth was weak: 313 advancers against 2,011 decliners.", []),
    ("Only 313 of 2,324 A-shares rose.", []),
    ("2,110 decliners outnumbered 313 advancers.", ["2,110"]),
    # --- ratios
    # one day's ratio is a move ratio: no beta in the data has this value
    ("BTC's one-day beta to the S&P 500 was 1.76x.", ["1.76x"]),
    ("BTC moved 1.76 times as much as the S&P 500.", []),
    # HK and the A-shares trade in the same hours: no lead, so no ratio between them
    ("SSE moved 1.41 times as much as HSI.", ["1.41 times"]),
    ("BTC moved 2.1x the S&P 500.", ["2.1x"]),
    # --- direction words next to a subject
    ("BTC rose while HSI fell.", []),
    ("Stablecoin supply grew as USDC supply shrank.", []),
    ("HSI did not rise.", []),
    ("BTC fell.", ["BTC fell"]),
    ("HSI rose on the US lead.", ["HSI rose"]),
    ("When HSI rose, ChiNext followed.", ["HSI rose"]),
    ("Stablecoin supply shrank.", ["Stablecoin supply shrank"]),
    ("Hong Kong rallied with Wall Street.", ["Hong Kong rallied"]),
    ("Correlation snaps back if BTC falls; HSI could rise on stimulus.", []),  # hypotheses
    # --- comparisons of two subjects
    ("ChiNext outperformed SSE.", []),
    ("ETH lagged BTC.", []),
    ("HSI outperformed the S&P 500.", ["HSI outperformed the S&P 500"]),
    ("ETH outpaced BTC.", ["ETH outpaced BTC"]),
    # --- what is not a figure
    ("On 2026-03-20 the S&P 500 rose 0.59% over the 24h session.", []),
    ("Two of 3 equity markets fell; only one rose.", []),
    ("Uniswap V4 volume fell 18.1%.", []),
]


def test_the_table_is_large_and_balanced() -> None:
    true = [t for t, wrong in TABLE if not wrong]
    false = [t for t, wrong in TABLE if wrong]
    assert len(TABLE) >= 40 and len(true) >= 20 and len(false) >= 20


@pytest.mark.parametrize(("text", "wrong"), TABLE, ids=[t for t, _ in TABLE])
def test_sentence(text: str, wrong: list[str], sheet: FactSheet) -> None:
    assert [r.figure for r in check(text, sheet)] == wrong


def test_reasons_name_the_true_figure(sheet: FactSheet) -> None:
    (net,) = check("Net stablecoin supply rose +$370M.", sheet)
    assert net.reason == ("no such figure in the data "
                          "(closest: net stablecoin supply change +$563M)")
    low, high = check("BTC ran +1.5–2.5 pp ahead of all equities.", sheet)
    assert low.reason.startswith("not a figure of BTC")
    assert "BTC minus SSE +2.28 pp" in high.reason
    (unit,) = check("SSE fell 1.24 pp.", sheet)
    assert unit.reason == "wrong unit: the data has SSE change -1.24%"
    (sign,) = check("SSE +1.24%.", sheet)
    assert sign.reason == "wrong sign: the data has SSE change -1.24%"
    (direction,) = check("BTC fell.", sheet)
    assert direction.reason == "BTC moved +1.04%"


def test_every_fact_passes_as_the_report_writes_it(sheet: FactSheet) -> None:
    """Each figure, written as its label and display, passes: the checker reads the house
    format exactly."""
    for fact in sheet.facts:
        assert check(fact.describe(), sheet) == [], fact.describe()


def test_the_template_key_insight_passes(analysis: Analysis, sheet: FactSheet) -> None:
    assert check(TemplateNarrator().compose(analysis).key_insight, sheet) == []
