"""The odd days a strategist read the report on, as snapshots built from the sample day.

- ``crash_day``: every market down hard on Monday 2026-03-23 (edition Tuesday 08:30 in Hong
  Kong): stablecoin supply shrinking (DAI -$88M, net -$464M) while DEX volume surges.
- ``hk_holiday``: the edition of Tuesday 2026-04-07. The US traded on Monday 04-06; Hong Kong
  last traded on Thursday 04-02 and is shut until Wednesday 04-08 (Easter, Ching Ming); the
  A-shares last traded on Friday 04-03 and reopen that morning after Qingming. The sessions
  around the edition are the exchange calendars' (XNYS, XHKG, XSHG), as the data path writes
  them.
- ``hostile_names``: the sample with markup, mentions, very long and mixed-script names.
- ``crypto_only``: no equity quote at all (a weekend build whose equity sources failed).

None of them comes with a history: the report keeps the fixed thresholds and says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.support.snapshots import sample_dict

CRASH_SESSION = "2026-03-23"


def _quote(quote_id: str, name: str, market: str, kind: str, close: float | None,
           change_pct: float | None, session: str) -> dict[str, Any]:
    return {"id": quote_id, "name": name, "market": market, "kind": kind, "close": close,
            "change_pct": change_pct, "session": session, "source": "test day"}


def crash_day() -> dict[str, Any]:
    data = sample_dict()
    data["generated_at"] = "2026-03-24T00:30:00+00:00"  # Tuesday 08:30 in Hong Kong
    day, coin_day = CRASH_SESSION, "2026-03-24T00:00:00+00:00"
    data["quotes"] = [
        _quote("SPX", "S&P 500", "US", "index", 6420.12, -3.36, day),
        _quote("IXIC", "Nasdaq Composite", "US", "index", 20101.4, -4.05, day),
        _quote("DJI", "Dow Jones Industrial Average", "US", "index", 41210.0, -2.71, day),
        _quote("HSI", "Hang Seng Index", "HK", "index", 24410.5, -3.42, day),
        _quote("HSCEI", "Hang Seng China Enterprises", "HK", "index", 8620.3, -3.85, day),
        _quote("HSTECH", "Hang Seng TECH", "HK", "index", 5310.8, -5.12, day),
        _quote("SSE", "上证指数 SSE Composite", "CN", "index", 3861.2, -2.42, day),
        _quote("SZSE", "深证成指 SZSE Component", "CN", "index", 11820.6, -3.10, day),
        _quote("CHINEXT", "创业板指 ChiNext", "CN", "index", 2390.4, -3.95, day),
        _quote("BTC", "Bitcoin", "CRYPTO", "coin", 64210.0, -9.2, coin_day),
        _quote("ETH", "Ethereum", "CRYPTO", "coin", 1890.0, -12.4, coin_day),
    ]
    data["crypto_market"] = {"total_market_cap_usd": 2.28e12, "market_cap_change_pct": -8.7,
                             "total_volume_usd": 1.82e11, "as_of": coin_day,
                             "source": "test day"}
    # USDT -$300M, USDC -$76M, DAI -$88M: net -$464M
    data["stablecoins"] = [
        {"symbol": "USDT", "circulating_usd": 183.9e9, "change_pct_1d": -0.163},
        {"symbol": "USDC", "circulating_usd": 79.0e9, "change_pct_1d": -0.096},
        {"symbol": "DAI", "circulating_usd": 4.48e9, "change_pct_1d": -1.93},
    ]
    data["protocols"] = [
        {"name": "Aave V3", "category": "Lending", "tvl_usd": 2.1e10, "change_pct_1d": -14.2},
        {"name": "Morpho", "category": "Lending", "tvl_usd": 4.2e9, "change_pct_1d": -12.8},
        {"name": "Lido", "category": "Liquid Staking", "tvl_usd": 1.9e10,
         "change_pct_1d": -16.1},
        {"name": "Rocket Pool", "category": "Liquid Staking", "tvl_usd": 1.6e9,
         "change_pct_1d": -15.3},
        {"name": "Uniswap V3", "category": "Dexs", "tvl_usd": 2.6e9, "change_pct_1d": -11.0},
        {"name": "Curve DEX", "category": "Dexs", "tvl_usd": 1.8e9, "change_pct_1d": -9.4},
    ]
    data["defi_categories"] = []
    data["dexes"] = [  # panic volume: surging, on a crash
        {"name": "Uniswap V3", "volume_usd_1d": 4.1e9, "change_pct_1d": 142.0},
        {"name": "PancakeSwap", "volume_usd_1d": 2.9e9, "change_pct_1d": 118.0},
        {"name": "Raydium", "volume_usd_1d": 1.1e9, "change_pct_1d": 96.0},
    ]
    data["a_share_breadth"] = {"advancers": 412, "decliners": 4630, "flat": 98,
                               "turnover_cny": 2.21e12, "session": day, "source": "test day"}
    return data


# The exchange calendars' sessions from 2026-03-30 to 2026-04-10 (exchange_calendars 4.x).
HOLIDAY_SESSIONS: dict[str, list[str]] = {
    "US": ["2026-03-30", "2026-03-31", "2026-04-01", "2026-04-02", "2026-04-06", "2026-04-07",
           "2026-04-08", "2026-04-09", "2026-04-10"],
    "HK": ["2026-03-30", "2026-03-31", "2026-04-01", "2026-04-02", "2026-04-08", "2026-04-09",
           "2026-04-10"],
    "CN": ["2026-03-30", "2026-03-31", "2026-04-01", "2026-04-02", "2026-04-03", "2026-04-07",
           "2026-04-08", "2026-04-09", "2026-04-10"],
}


def hk_holiday() -> dict[str, Any]:
    data = sample_dict()
    data["generated_at"] = "2026-04-07T00:30:00+00:00"  # Tuesday 08:30 in Hong Kong
    last = {"US": "2026-04-06", "HK": "2026-04-02", "CN": "2026-04-03"}
    for q in data["quotes"]:
        q["session"] = last.get(q["market"], "2026-04-07T00:00:00+00:00")
    data["a_share_breadth"]["session"] = last["CN"]
    data["crypto_market"]["as_of"] = "2026-04-07T00:00:00+00:00"
    data["calendars"] = [{"market": market, "sessions": sessions, "source": "exchange_calendars"}
                         for market, sessions in HOLIDAY_SESSIONS.items()]
    return data


HOSTILE_NAMES = (
    "<b>Proto</b> & @everyone `code` *bold* _it_ ||spoiler|| [link](http://x.test)",
    "Protocol with a name far too long for any phone screen to show on one line " * 3,
    "深度流动性协议 Deep Liquidity Protocol 가나다",
    "</pre><script>alert(1)</script>",
)


def hostile_names() -> dict[str, Any]:
    data = sample_dict()
    for i, name in enumerate(HOSTILE_NAMES):
        data["protocols"][i]["name"] = name
        data["dexes"][i % len(data["dexes"])]["name"] = name
    data["quotes"][1]["name"] = HOSTILE_NAMES[0]
    data["stablecoins"][2]["symbol"] = "<i>DAI</i>"
    return data


def crypto_only() -> dict[str, Any]:
    data = sample_dict()
    data["quotes"] = [q for q in data["quotes"] if q["market"] == "CRYPTO"]
    data["a_share_breadth"] = None
    data["warnings"] = [{"source": "yahoo chart", "reason": "connection failed"},
                        {"source": "eastmoney", "reason": "HTTP 503"}]
    return data


ODD_DAYS: dict[str, Callable[[], dict[str, Any]]] = {
    "sample": sample_dict, "crash_day": crash_day, "hk_holiday": hk_holiday,
    "hostile_names": hostile_names, "crypto_only": crypto_only,
}
