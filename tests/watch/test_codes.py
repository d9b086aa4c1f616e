"""What typed text can name, before any request: every rule of ``services.watch.codes``."""

from __future__ import annotations

import pytest

from services.watch.codes import CodeError, read_code


def named(text: str) -> list[tuple[str, str, str]]:
    """(id, vendor symbol, where) of each candidate."""
    return [(c.listing.id, c.listing.symbol, c.where) for c in read_code(text).candidates]


@pytest.mark.parametrize("text", ["700", "0700", "00700", "0700.HK", "700.hk"])
def test_hong_kong_codes_all_mean_the_yahoo_listing(text: str) -> None:
    assert named(text) == [("0700.HK", "0700.HK", "Hong Kong listing")]
    assert read_code(text).coin_query is None


def test_us_tickers_and_share_classes() -> None:
    assert named("AAPL") == [("AAPL", "AAPL", "US listing")]
    assert named("brk.b") == named("BRK-B") == [("BRK.B", "BRK-B", "US listing")]
    assert named("SOL.US") == [("SOL", "SOL", "US listing")]
    assert read_code("SOL.US").coin_query is None, "an exchange named: no coin lookup"
    assert read_code("SOL").coin_query == "sol", "a symbol may also be a coin's"


@pytest.mark.parametrize(("text", "expected"), [
    ("600519", [("600519.SH", "1.600519", "Shanghai stock")]),
    ("300750", [("300750.SZ", "0.300750", "Shenzhen stock")]),
    ("002594", [("002594.SZ", "0.002594", "Shenzhen stock")]),
    ("830799", [("830799.BJ", "0.830799", "Beijing stock")]),
    ("430047", [("430047.BJ", "0.430047", "Beijing stock")]),
    ("920001", [("920001.BJ", "0.920001", "Beijing stock")]),
    ("399001", [("SZSE", "0.399001", "Shenzhen index")]),
    ("000001.SZ", [("000001.SZ", "0.000001", "Shenzhen stock")]),
    ("SH000001", [("SSE", "1.000001", "Shanghai index")]),
    ("600519.SS", [("600519.SH", "1.600519", "Shanghai stock")]),
])
def test_a_share_codes_by_exchange(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert named(text) == expected


def test_000001_is_both_the_shenzhen_stock_and_the_shanghai_index() -> None:
    assert named("000001") == [("000001.SZ", "0.000001", "Shenzhen stock"),
                               ("SSE", "1.000001", "Shanghai index")]


def test_the_reports_own_ids_name_only_themselves() -> None:
    assert named("hsi") == [("HSI", "^HSI", "Hong Kong index")]
    assert named("SPX") == [("SPX", "^GSPC", "US index")]
    assert named("btc") == [("BTC", "bitcoin", "crypto coin")]
    assert read_code("BTC").coin_query is None


def test_coin_ids_and_the_coin_prefix() -> None:
    reading = read_code("usd-coin")
    assert reading.candidates == () and reading.coin_query == "usd-coin"
    reading = read_code("coin:SOL")
    assert reading.candidates == () and reading.coin_query == "sol"


@pytest.mark.parametrize(("text", "problem"), [
    ("", "'' is not a ticker, code or coin"),
    ("!!!", "'!!!' is not a ticker, code or coin"),
    ("two words", "'two words' is not a ticker"),
    ("7000000", "'7000000' is not a ticker, code or coin"),
    ("700000", "'700000' is not an A-share code: Shanghai codes start with 6 or 5"),
    ("coin:$$", "'coin:$$' is not a coin's symbol or CoinGecko id"),
])
def test_text_that_names_nothing_is_one_line(text: str, problem: str) -> None:
    with pytest.raises(CodeError) as refused:
        read_code(text)
    assert str(refused.value).startswith(problem)
    assert "\n" not in str(refused.value)


def test_every_description_of_an_option_is_in_the_catalogs() -> None:
    """The ask-back names each option in the reader's language: every "where" the codes can
    make is a message of its own (``replies.WHERE``)."""
    from services.watch.codes import read_code
    from services.watch.instruments import REPORT_LISTINGS
    from services.watch.replies import WHERE

    made = {c.where for code in ("AAPL", "SOL.US", "0700", "600519", "000001", "000001.SH",
                                 "399006", "430047", "830799", "510300", "159915")
            for c in read_code(code).candidates}
    made |= {c.where for listing_id in REPORT_LISTINGS for c in read_code(listing_id).candidates}
    assert made <= WHERE, made - WHERE
