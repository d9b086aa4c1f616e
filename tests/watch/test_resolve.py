"""Typed text to one verified instrument over the loopback upstreams: one live request per
candidate, an ask-back when several exist, a refusal with the closest suggestions, nothing
saved when a candidate cannot be checked."""

from __future__ import annotations

from collections import Counter

import pytest

from services.errors import InputError
from services.watch.quotes import QuoteFetcher
from services.watch.resolve import Ambiguous, Resolved, Resolver, Unknown, Unverified
from tests.upstream.server import FakeUpstream
from tests.upstream.world import World


def routes(upstream: FakeUpstream) -> Counter[str]:
    out: Counter[str] = Counter()
    for request in upstream.requests:
        path = request.path
        if "/chart/" in path:
            out["chart " + path.rsplit("/", 1)[1]] += 1
        else:
            out[path.rsplit("/", 1)[1] if "ulist" not in path else "ulist"] += 1
    return out


@pytest.mark.parametrize(("text", "listing_id", "name"), [
    ("AAPL", "AAPL", "Apple Inc."),
    ("BRK.B", "BRK.B", "Berkshire Hathaway Inc. New"),
    ("700", "0700.HK", "Tencent Holdings Limited"),
    ("0700.HK", "0700.HK", "Tencent Holdings Limited"),
    ("600519", "600519.SH", "贵州茅台"),
    ("300750", "300750.SZ", "宁德时代"),
    ("830799", "830799.BJ", "艾融软件"),
    ("BTC", "BTC", "Bitcoin"),
    ("solana", "coin:solana", "Solana"),
    ("coin:sol", "coin:solana", "Solana"),
    ("SOL.US", "SOL", "Emeren Group Ltd"),
    ("HSI", "HSI", "Hang Seng Index"),
    ("SSE", "SSE", "上证指数 SSE Composite"),
])
async def test_one_instrument_with_its_name_and_last_price(quotes: QuoteFetcher, text: str,
                                                           listing_id: str, name: str) -> None:
    resolution = await Resolver(quotes).resolve(text)
    assert isinstance(resolution, Resolved)
    option = resolution.option
    assert (option.listing.id, option.listing.name) == (listing_id, name)
    assert option.quote.ok and option.quote.price is not None and option.quote.session


async def test_000001_asks_back_between_the_bank_and_the_index(
        quotes: QuoteFetcher, upstream: FakeUpstream) -> None:
    resolution = await Resolver(quotes).resolve("000001")
    assert isinstance(resolution, Ambiguous)
    assert [(o.code, o.listing.name, o.where) for o in resolution.options] == [
        ("000001.SZ", "平安银行", "Shenzhen stock"),
        ("SSE", "上证指数 SSE Composite", "Shanghai index")]
    assert [o.quote.price for o in resolution.options] == [11.57, 3957.05]
    assert routes(upstream) == {"ulist": 1}, "both candidates verified by one ulist request"


async def test_a_symbol_that_is_a_us_listing_and_a_coin_asks_back(
        quotes: QuoteFetcher, upstream: FakeUpstream) -> None:
    resolution = await Resolver(quotes).resolve("SOL")
    assert isinstance(resolution, Ambiguous)
    assert [(o.code, o.listing.name) for o in resolution.options] == [
        ("SOL.US", "Emeren Group Ltd"), ("coin:solana", "Solana")]
    # the unranked coin sharing the symbol is not offered
    assert routes(upstream) == {"chart SOL": 1, "search": 1, "price": 1}


async def test_a_symbol_two_ranked_coins_share_asks_back(quotes: QuoteFetcher) -> None:
    resolution = await Resolver(quotes).resolve("UNI")
    assert isinstance(resolution, Ambiguous)
    assert [o.code for o in resolution.options] == ["coin:uniswap", "coin:universe-token"]


async def test_an_unknown_code_is_refused_with_the_closest(quotes: QuoteFetcher) -> None:
    resolution = await Resolver(quotes).resolve("APPL")
    assert isinstance(resolution, Unknown)
    assert [(s.code, s.name) for s in resolution.suggestions] == [
        ("AAPL", "Apple Inc."), ("APLE", "Apple Hospitality REIT, Inc.")]
    unknown = await Resolver(quotes).resolve("601999")
    assert isinstance(unknown, Unknown)


async def test_nonsense_raises_an_input_error(quotes: QuoteFetcher) -> None:
    with pytest.raises(InputError):
        await Resolver(quotes).resolve("??")


async def test_a_candidate_that_cannot_be_asked_saves_nothing(quotes: QuoteFetcher,
                                                              world: World) -> None:
    world.faults["yahoo:SOL"] = ["500", "500", "500"]
    resolution = await Resolver(quotes).resolve("SOL")
    assert isinstance(resolution, Unverified), "Solana exists, but the US SOL was not checked"
    assert "SOL (yahoo chart: HTTP 500 after 3 attempts)" in resolution.reason


async def test_one_request_per_instrument_and_batches(quotes: QuoteFetcher,
                                                      upstream: FakeUpstream) -> None:
    resolver = Resolver(quotes)
    listings = []
    for text in ("AAPL", "0700", "600519", "300750", "solana", "ETH", "HSI", "SSE"):
        resolution = await resolver.resolve(text)
        assert isinstance(resolution, Resolved)
        listings.append(resolution.option.listing)
    upstream.requests.clear()
    batch = await quotes.fetch(listings)
    assert all(q.ok for q in batch.quotes.values()) and len(batch.quotes) == 8
    assert routes(upstream) == {"chart AAPL": 1, "chart 0700.HK": 1, "chart %5EHSI": 1,
                                "ulist": 1, "price": 1}
    assert batch.requests == {"yahoo": 3, "eastmoney": 1, "coingecko": 1}


async def test_a_rejected_figure_is_a_failure_not_an_unknown_code(
        quotes: QuoteFetcher, world: World) -> None:
    world.listings.board["1.600519"].price = 2200.0  # +49 % in a session: not believed
    resolution = await Resolver(quotes).resolve("600519")
    assert isinstance(resolution, Unverified)
    assert resolution.reason == ("could not check 600519.SH (eastmoney quotes: 1.600519: a "
                                 "+49.1% move in one session is outside the sane bound of "
                                 "±30%)")


async def test_remove_asks_back_when_two_items_share_a_label(quotes: QuoteFetcher,
                                                             sqlite_url: str) -> None:
    from services.storage import open_database
    from services.watch import replies
    from services.watch.service import WatchService
    from services.watch.store import WatchStore

    db = await open_database(sqlite_url)
    try:
        watch = WatchService(WatchStore(db), quotes, max_items=2)
        added = await watch.add("telegram", "1", ["SOL.US", "coin:sol", "AAPL"])
        assert replies.added(added, "/watch add", 2)[2] == (
            "This chat's watchlist is full (2 of 2); 'AAPL' was not added. /watch remove CODE "
            "makes room.")
        removed = await watch.remove("telegram", "1", ["SOL"])
        assert replies.removed(removed, "/watch remove") == [
            "'SOL' is more than one item here; send one of: /watch remove SOL.US, "
            "/watch remove coin:solana"]
        removed = await watch.remove("telegram", "1", ["coin:solana"])
        assert replies.removed(removed, "/watch remove") == [
            "Removed SOL Solana from this chat's watchlist."]
        assert [li.id for li in await watch.items("telegram", "1")] == ["SOL"]
    finally:
        await db.close()


async def test_at_most_ten_codes_a_command(quotes: QuoteFetcher, sqlite_url: str,
                                           upstream: FakeUpstream) -> None:
    from services.storage import open_database
    from services.watch import replies
    from services.watch.service import WatchService
    from services.watch.store import WatchStore

    db = await open_database(sqlite_url)
    try:
        watch = WatchService(WatchStore(db), quotes)
        upstream.requests.clear()
        outcomes = await watch.add("telegram", "1", [str(n) for n in range(1, 12)])
        assert replies.added(outcomes, "/watch add", 30) == [
            "11 codes at once is too many; add at most 10 at a time. Example: /watch add "
            "AAPL 0700 600519 BTC"]
        assert upstream.requests == [], "nothing asked"
    finally:
        await db.close()
