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
