"""Any valid snapshot, with nulls and absent blocks, renders in every format within limits."""

import json
from datetime import UTC, date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.models.clean import clean_name
from services.models.report import SECTION_KEYS
from services.renderers import discord_embeds, json_out, limits, markdown, telegram_html, text
from services.renderers.discord_embeds import embed_size
from tests.support.snapshots import report_of
from tests.support.telegram_rules import parse_html, visible_length

names = st.text(min_size=0, max_size=40)
pcts = st.one_of(st.none(), st.floats(-99.9, 500, allow_nan=False),
                 st.sampled_from([0.0, 0.15, -0.15, 163_000_000.0]))
money = st.one_of(st.none(), st.floats(0, 5e12, allow_nan=False), st.just(0.0))
days = st.dates(date(2026, 1, 1), date(2026, 12, 31)).map(date.isoformat)
stamp = st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31),
                     timezones=st.just(UTC)).map(datetime.isoformat)
KNOWN = ["SPX", "IXIC", "DJI", "HSI", "HSCEI", "HSTECH", "SSE", "SZSE", "CHINEXT", "BTC", "ETH",
         "XLK", "XLU", "XLP", "XLV", "XLY", "XLC"]
MARKET_OF = {"SPX": "US", "IXIC": "US", "DJI": "US", "HSI": "HK", "HSCEI": "HK", "HSTECH": "HK",
             "SSE": "CN", "SZSE": "CN", "CHINEXT": "CN", "BTC": "CRYPTO", "ETH": "CRYPTO"}


@st.composite
def quotes(draw: st.DrawFn) -> list[dict]:
    # Ids are unique as the model keeps them: cleaned (services.models.clean) and not empty.
    ids = draw(st.lists(st.one_of(st.sampled_from(KNOWN), names.filter(clean_name)),
                        unique_by=clean_name, max_size=14))
    out = []
    for quote_id in ids:
        market = MARKET_OF.get(quote_id) or draw(st.sampled_from(["US", "HK", "CN", "CRYPTO"]))
        session = draw(st.one_of(st.none(), stamp if market == "CRYPTO" else days))
        out.append({"id": quote_id, "name": draw(st.one_of(st.none(), names)), "market": market,
                    "kind": draw(st.sampled_from(["index", "etf", "coin", None])),
                    "close": draw(money), "change_pct": draw(pcts), "session": session,
                    "source": draw(st.one_of(st.none(), names))})
    return out


@st.composite
def snapshots(draw: st.DrawFn) -> dict:
    data: dict = {"schema": "market-snapshot/1", "generated_at": draw(stamp),
                  "quotes": draw(quotes())}
    if draw(st.booleans()):
        data["crypto_market"] = draw(st.one_of(st.none(), st.fixed_dictionaries({
            "total_market_cap_usd": money, "market_cap_change_pct": pcts,
            "total_volume_usd": money, "as_of": st.one_of(st.none(), stamp)})))
    if draw(st.booleans()):
        data["stablecoins"] = draw(st.lists(st.fixed_dictionaries({
            "symbol": st.sampled_from(["USDT", "USDC", "DAI", "FDUSD"]),
            "circulating_usd": money, "change_pct_1d": pcts}), max_size=4))
    if draw(st.booleans()):
        data["protocols"] = draw(st.lists(st.fixed_dictionaries({
            "name": names, "category": st.one_of(st.none(), names), "tvl_usd": money,
            "change_pct_1d": pcts}), max_size=30))
    if draw(st.booleans()):
        data["dexes"] = draw(st.lists(st.fixed_dictionaries({
            "name": names, "volume_usd_1d": money, "change_pct_1d": pcts}), max_size=12))
    if draw(st.booleans()):
        count = st.one_of(st.none(), st.integers(0, 6000))
        data["a_share_breadth"] = draw(st.one_of(st.none(), st.fixed_dictionaries({
            "advancers": count, "decliners": count, "flat": count, "turnover_cny": money,
            "session": st.one_of(st.none(), days)})))
    if draw(st.booleans()):
        data["northbound_net_cny"] = draw(st.one_of(st.none(), st.floats(-1e11, 1e11)))
    return data


@settings(max_examples=120, deadline=None,  # speed is for bench/, never asserted
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(snapshots())
def test_any_valid_snapshot_renders_within_limits(data: dict) -> None:
    report = report_of(data)
    assert [s.key for s in report.sections] == list(SECTION_KEYS)

    for m in telegram_html.render_full(report):
        assert 0 < len(m) <= limits.TELEGRAM_TEXT
        assert visible_length(m) <= limits.TELEGRAM_TEXT
        parse_html(m)
    cap = telegram_html.caption(report)
    parse_html(cap)
    assert visible_length(cap) <= limits.TELEGRAM_CAPTION

    for message in discord_embeds.render_messages(report):
        assert len(message.embeds) <= limits.DISCORD_EMBEDS_PER_MESSAGE
        assert sum(embed_size(e) for e in message.embeds) <= limits.DISCORD_EMBED_TOTAL
        for e in message.embeds:
            assert len(e["title"]) <= limits.DISCORD_EMBED_TITLE
            assert 0 < len(e["description"]) <= limits.DISCORD_EMBED_DESCRIPTION

    for m in text.render_messages(report, SECTION_KEYS, limits.TELEGRAM_TEXT):
        assert 0 < len(m) <= limits.TELEGRAM_TEXT

    assert "## 10. Action plan" in markdown.render(report)
    assert json.loads(json_out.render(report))["schema"] == "market-report/1"
