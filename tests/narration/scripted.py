"""Scripted model answers for the sample day (2026-03-20 close, edition 2026-03-21)."""

from __future__ import annotations

# Every figure below is in the facts table, written as the report writes it (or as a writer
# plausibly varies it); every direction word agrees with its subject's move.
GOOD: dict[str, str] = {
    "key_insight": (
        "Risk appetite split along geography: the S&P 500 rose 0.59% while HSI fell 0.88% and "
        "SSE 1.24%, yet BTC gained 1.04% and net stablecoin supply grew +$563M, so crypto traded "
        "with the US lead rather than with Asia."),
    "risk_sentiment": (
        "The chain broke at its first link: Hong Kong closed lower after a positive US session "
        "and A-shares followed Hong Kong down, so the fragmented verdict points to local drivers "
        "in Asia more than to a global risk-off move."),
    "crypto_defi": (
        "Crypto's bid looks funded rather than levered: USDT supply +$858M outweighed USDC "
        "-$310M, DEX volume jumped at Raydium (+70.3%) and RWA protocols led TVL growth at "
        "+17.7% on average."),
    "us": (
        "A broad but modest US gain, with the Dow +0.65% ahead of the Nasdaq +0.44%, handed Asia "
        "a positive lead that Hong Kong did not take."),
    "hk": (
        "Selling in Hong Kong was concentrated in tech: the HSTECH fall (-2.48%) ran well past "
        "HSI -0.88%, a -1.60 pp gap inside one market."),
    "a_shares": (
        "Only 313 of 2,324 A-shares rose even as ChiNext gained 1.30%, so the index split "
        "(+2.54 pp against SSE) rests on a narrow set of growth names, on turnover of ¥1.75T."),
    "divergences": (
        "The widest gap, ChiNext over SSE at +2.54 pp, is domestic; the cross-market signal is "
        "BTC against Asia, +1.92 pp over HSI and +2.28 pp over SSE, while it ran only +0.45 pp "
        "ahead of the S&P 500."),
    "capital_flows": (
        "Money moved toward crypto and onshore growth: stablecoin supply grew +$563M, led by "
        "USDT, while in equities only ChiNext and the US indices closed higher."),
    "risk_matrix": (
        "Narrow breadth under a rising ChiNext ranks first: advancers back above 40% would "
        "confirm the move, while USDC supply contracting again would turn the stablecoin inflow "
        "into a warning."),
    "action_plan": (
        "The plan leans defensive because the verdict is fragmented: smaller positions and light "
        "Hong Kong exposure first, with the relative-value and momentum ideas sized as small, "
        "reversible bets."),
}

# The reference report's errors, as a model would put them in this schema.
REFERENCE_ERRORS: dict[str, str] = {
    **GOOD,
    "crypto_defi": (
        "Net stablecoin supply rose +$370M equivalent: this is capital rotation into crypto, "
        "not a stablecoin exit."),
    "divergences": (
        "BTC ran +1.5–2.5 pp ahead of all equities on stablecoin inflow and RWA yield demand."),
    "capital_flows": "USDT (+$860M) fed RWA and lending while USDC (-$309M) rotated out.",
    "risk_matrix": "Crypto-equity correlation could snap back if BTC fails at $72K.",
    "action_plan": (
        "HK mean reversion: HSI 25,000 support; if stimulus lands, a 5-8% bounce to 26,500."),
}

# The second draft after the retry note: three fields fixed, two still wrong.
REFERENCE_RETRY: dict[str, str] = {
    **REFERENCE_ERRORS,
    "crypto_defi": GOOD["crypto_defi"],
    "divergences": GOOD["divergences"],
    "capital_flows": "USDT (+$858M) outweighed USDC (-$310M): net stablecoin supply +$563M.",
    "risk_matrix": "Crypto-equity correlation could snap back if BTC slips under $68,000.",
    "action_plan": "HK mean reversion needs HSI back above 25,500 first.",
}

WRONG_DIRECTION: dict[str, str] = {
    **GOOD,
    "hk": "Hong Kong rose with the US lead, though HSTECH lagged at -2.48%.",
}

# --- Chinese ---------------------------------------------------------------------------------
# Every figure as the Chinese report writes it (or in the English form), after its subject's
# Chinese name; every direction word and comparison agrees with the data.
GOOD_ZH: dict[str, str] = {
    "key_insight": (
        "风险偏好按地域分化：标普500上涨0.59%，恒生指数下跌0.88%，上证指数下跌1.24%；比特币上涨"
        "1.04%，稳定币净供应增加5.63亿美元，加密货币跟随美股而非亚洲。"),
    "risk_sentiment": "传导链在第一环断裂：美股收涨后港股走低，A股随港股下行，判断为分化。",
    "crypto_defi": (
        "加密市场的买盘有资金支撑：USDT供应增加8.58亿美元，USDC供应减少3.10亿美元。"),
    "us": "美股普涨但幅度温和，道琼斯上涨0.65%，纳斯达克上涨0.44%。",
    "hk": "港股抛压集中在科技股：恒生科技指数下跌2.48%，跌幅大于恒生指数的0.88%。",
    "a_shares": (
        "创业板指上涨1.30%，跑赢上证指数2.54个百分点，但2,324只A股中仅313只上涨，成交额"
        "1.75万亿元。"),
    "divergences": "最大的背离在A股内部：创业板指跑赢上证指数2.54个百分点。",
    "capital_flows": "资金流向加密货币与境内成长股：稳定币净供应增加5.63亿美元。",
    "risk_matrix": "首要风险是上涨家数偏少而创业板指走高，需关注市场宽度能否改善。",
    "action_plan": "判断为分化，计划偏向防御：先控制仓位，相对价值与动量思路以小仓位尝试。",
}
# The same with the reference report's error in the Key Insight: +$370M (3.70亿美元) of net
# stablecoin supply, which the data does not hold (it is +$563M, 5.63亿美元).
WRONG_YI_ZH: dict[str, str] = {
    **GOOD_ZH,
    "key_insight": (
        "风险偏好按地域分化：标普500上涨0.59%，恒生指数下跌0.88%；比特币上涨1.04%，稳定币净供应"
        "增加3.70亿美元，资金流入加密市场。"),
}
