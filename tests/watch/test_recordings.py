"""The watchlist's parsers on real recordings (../shared/fixtures): the fltt=2 ulist where
000001 appears twice, told apart only by f13; a Yahoo chart's name; Yahoo's 404 body."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from services.market_data.providers import eastmoney, yahoo
from services.watch.codes import read_code
from services.watch.instruments import REPORT_LISTINGS
from services.watch.quotes import from_board, from_chart

ULIST = ("eastmoney/sunchuquin-kline_ulist_np_fltt2_secids-1.600000,0.000001,1.000001,"
         "0.300750,1.601398_2026-09-30.json")
NOW = datetime(2026, 10, 4, tzinfo=UTC)


def load(fixtures_dir: Path, name: str) -> object:
    return json.loads((fixtures_dir / name).read_text(encoding="utf-8"))


def test_000001_twice_in_the_ulist_told_apart_by_f13(fixtures_dir: Path) -> None:
    rows = eastmoney.parse_quotes(load(fixtures_dir, ULIST), now=NOW).value
    assert set(rows) == {"1.600000", "0.000001", "1.000001", "0.300750", "1.601398"}
    bank, index = rows["0.000001"], rows["1.000001"]
    assert (bank.name, bank.quote.close) == ("平安银行", 11.57)
    assert (index.name, index.quote.close) == ("上证指数", 3842.19)
    # no f3 in this recording: the change comes from the previous close (f18)
    assert round(bank.quote.change_pct or 0, 4) == round((11.57 / 11.35 - 1) * 100, 4)
    assert bank.quote.session == index.quote.session == date(2026, 9, 30)


def test_each_candidate_of_000001_reads_its_own_row(fixtures_dir: Path) -> None:
    """What the resolver does with the one answer: two instruments, two names, two closes,
    never one row for both (the bug class of a code mapped to the wrong market)."""
    rows = eastmoney.parse_quotes(load(fixtures_dir, ULIST), now=NOW).value
    quotes = {c.listing.id: from_board(c.listing, rows.get(c.listing.symbol))
              for c in read_code("000001").candidates}
    assert {k: (q.name, q.price) for k, q in quotes.items()} == {
        "000001.SZ": ("平安银行", 11.57), "SSE": ("上证指数", 3842.19)}
    assert all(q.ok and not q.live for q in quotes.values()), "read after the 15:00 close"
    candidates = {c.listing.id: c for c in read_code("300750").candidates}
    assert from_board(candidates["300750.SZ"].listing, rows.get("0.300750")).name == "宁德时代"


def test_a_code_missing_from_the_answer_is_unknown(fixtures_dir: Path) -> None:
    rows = eastmoney.parse_quotes(load(fixtures_dir, ULIST), now=NOW).value
    [candidate] = read_code("600519").candidates
    quote = from_board(candidate.listing, rows.get(candidate.listing.symbol))
    assert quote.status == "unknown" and quote.problem == "no such code on Eastmoney"


def test_yahoo_chart_gives_the_name_and_last_close(fixtures_dir: Path) -> None:
    payload = load(fixtures_dir, "yahoo/nyf2_chart-AAPL-2020-08-31-to-2020-11-07.body.json")
    identity = yahoo.chart_identity(payload)
    assert (identity.symbol, identity.currency, identity.zone) == (
        "AAPL", "USD", "America/New_York")
    [candidate] = read_code("AAPL").candidates
    quote = from_chart(candidate.listing, payload, now=NOW)
    assert quote.ok and quote.session is not None and quote.price is not None
    assert quote.source == "yahoo" and not quote.live


def test_yahoo_404_body_means_no_such_symbol(fixtures_dir: Path) -> None:
    payload = load(fixtures_dir, "yahoo/openbb_chart_CLQ23.NYM_404_not-found-delisted_"
                                 "2023-08-01.json")
    assert yahoo.not_found(payload)
    assert not yahoo.not_found(load(fixtures_dir, "yahoo/nyf2_chart-AAPL.body.json"))


def test_report_listings_carry_the_vendor_symbols_of_the_report() -> None:
    assert REPORT_LISTINGS["SSE"].symbol == "1.000001"
    assert REPORT_LISTINGS["HSTECH"].symbol == "HSTECH.HK"
    assert REPORT_LISTINGS["ETH"].symbol == "ethereum"
