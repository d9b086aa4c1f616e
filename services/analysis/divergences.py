"""Cross-market divergences: pairwise spreads in pp, ranked, each with a rule-based reading."""

from __future__ import annotations

from collections.abc import Callable

from services import format as fmt
from services.analysis import rules
from services.analysis.moves import comparable, short_name
from services.models.analysis import CryptoState, Divergence, Move, StablecoinSummary

# (key, a, b, kind, always shown). The spread is a minus b.
PAIRS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("us_hk", "SPX", "HSI", "cross_equity", True),
    ("us_cn", "SPX", "SSE", "cross_equity", False),
    ("hk_cn", "HSI", "SSE", "cross_equity", False),
    ("btc_us", "BTC", "SPX", "crypto_equity", True),
    ("btc_hk", "BTC", "HSI", "crypto_equity", True),
    ("btc_cn", "BTC", "SSE", "crypto_equity", True),
    ("chinext_sse", "CHINEXT", "SSE", "intra", True),
    ("hstech_hsi", "HSTECH", "HSI", "intra", False),
    ("nasdaq_dow", "IXIC", "DJI", "intra", False),
    ("eth_btc", "ETH", "BTC", "crypto_internal", False),
)

MARKET_NAME = {"US": "the US", "HK": "Hong Kong", "CN": "A-shares", "CRYPTO": "crypto"}
# The market as an adjective: "the US move", "Hong Kong-specific factors".
MARKET_ADJECTIVE = {"US": "US", "HK": "Hong Kong", "CN": "A-share", "CRYPTO": "crypto"}


def _went(change: float) -> str:
    d = rules.direction(change)
    return "rose" if d > 0 else "fell" if d < 0 else "was flat"


def explain_cross_equity(a: Move, b: Move, spread: float) -> tuple[str, str]:
    assert a.change_pct is not None and b.change_pct is not None
    da, db = rules.direction(a.change_pct), rules.direction(b.change_pct)
    if da * db < 0:
        laggard = b if spread > 0 else a
        return (f"{short_name(a)} {_went(a.change_pct)} while {short_name(b)} "
                f"{_went(b.change_pct)}: a local driver, not global risk appetite, set "
                f"{short_name(laggard)}'s direction",
                f"Watch whether {short_name(laggard)} closes the "
                f"{fmt.gap(spread)} gap next session or the other side gives back its move")
    stronger = a if abs(a.change_pct) > abs(b.change_pct) else b
    if da == 0 or db == 0:
        flat, moved = (a, b) if da == 0 else (b, a)
        return (f"{short_name(moved)} {_went(moved.change_pct or 0.0)}; "
                f"{short_name(flat)} was flat",
                f"{short_name(flat)} did not take a side; its next session breaks the tie")
    return (f"Both {_went(a.change_pct)}; {short_name(stronger)} moved "
            f"{fmt.gap(spread)} further",
            f"Same direction, different size: "
            f"{MARKET_ADJECTIVE.get(stronger.market, 'local')}-specific factors added to the "
            f"move")


def explain_crypto_equity(btc: Move, eq: Move, spread: float,
                          state: CryptoState | None = None) -> tuple[str, str]:
    """``state`` is BTC against ``eq`` in each one's own σ when the history gives them."""
    assert btc.change_pct is not None and eq.change_pct is not None
    state = state or rules.classify_crypto(eq.change_pct, btc.change_pct)
    name = short_name(eq)
    if state is CryptoState.REVERSED:
        return (f"BTC {_went(btc.change_pct)} while {name} {_went(eq.change_pct)}: crypto "
                f"moved against this equity market",
                f"Correlation is not holding against {name}; a snap-back would hit the side "
                f"that is stretched")
    if state is CryptoState.AMPLIFYING:
        ratio = rules.move_ratio(btc.change_pct, eq.change_pct)
        return (f"BTC moved with {name} and further (one-day move ratio "
                f"{fmt.ratio(ratio)})",
                f"Crypto amplified {name}'s move today; one day's ratio is not a beta")
    if state is CryptoState.DECOUPLED:
        return (f"BTC {_went(btc.change_pct)}; {name} {_went(eq.change_pct)}: one side was "
                f"flat or quiet for its own volatility",
                "No shared direction today; treat crypto and this market separately")
    return (f"BTC moved with {name}, by less", "Crypto followed equities without leverage")


def explain_intra(a: Move, b: Move, spread: float) -> tuple[str, str]:
    assert a.change_pct is not None and b.change_pct is not None
    market = MARKET_NAME.get(a.market, a.market)
    if rules.direction(a.change_pct) * rules.direction(b.change_pct) < 0:
        return (f"{short_name(a)} {_went(a.change_pct)} while {short_name(b)} "
                f"{_went(b.change_pct)} inside {market}: leadership is split",
                f"The {short_name(b)} headline hides the dispersion; index exposure and "
                f"{short_name(a)} exposure will not behave alike")
    more = abs(a.change_pct) > abs(b.change_pct)
    if rules.direction(a.change_pct) == 0 or rules.direction(b.change_pct) == 0:
        return (f"{short_name(a)} {_went(a.change_pct)}, {short_name(b)} "
                f"{_went(b.change_pct)} inside {market}",
                f"{short_name(a)} {'moved on its own' if more else 'sat out the move'}")
    return (f"Both {_went(a.change_pct)}; {short_name(a)} moved {fmt.gap(spread)} "
            f"{'more' if more else 'less'} than {short_name(b)}",
            f"{short_name(a)} {'amplified' if more else 'cushioned'} the "
            f"{MARKET_ADJECTIVE.get(a.market, a.market)} move")


def explain_crypto_internal(a: Move, b: Move, spread: float) -> tuple[str, str]:
    leader = short_name(a) if spread > 0 else short_name(b)
    return (f"{leader} led within crypto",
            "A wide ETH-BTC gap shifts risk along the crypto curve")


Explain = Callable[[Move, Move, float], tuple[str, str]]
EXPLAIN: dict[str, Explain] = {
    "cross_equity": explain_cross_equity, "crypto_equity": explain_crypto_equity,
    "intra": explain_intra, "crypto_internal": explain_crypto_internal}


def pair_divergence(key: str, a: Move | None, b: Move | None, kind: str,
                    z_of: Callable[[Move], float | None] = lambda _: None) -> Divergence | None:
    if not (comparable(a) and comparable(b)):
        return None
    assert a is not None and b is not None and a.change_pct is not None \
        and b.change_pct is not None
    spread = a.change_pct - b.change_pct
    za, zb = z_of(a), z_of(b)
    if kind == "crypto_equity":
        state = rules.classify_crypto_scaled(b.change_pct, a.change_pct, zb, za)
        explanation, implication = explain_crypto_equity(a, b, spread, state)
    else:
        explanation, implication = EXPLAIN[kind](a, b, spread)
    return Divergence(key, kind, short_name(a), short_name(b), a.change_pct, b.change_pct,
                      spread, None, explanation, implication,
                      za - zb if za is not None and zb is not None else None)


def stablecoin_divergence(summary: StablecoinSummary) -> Divergence | None:
    flows = {f.symbol: f for f in summary.flows}
    usdt, usdc = flows.get("USDT"), flows.get("USDC")
    if not usdt or not usdc or usdt.change_pct is None or usdc.change_pct is None:
        return None
    spread = usdt.change_pct - usdc.change_pct
    usd_gap = (usdt.change_usd - usdc.change_usd
               if usdt.change_usd is not None and usdc.change_usd is not None else None)
    opposite = usdt.change_pct * usdc.change_pct < 0
    explanation = (f"USDT supply {fmt.usd(usdt.change_usd, signed=True)} against USDC "
                   f"{fmt.usd(usdc.change_usd, signed=True)} in a day"
                   + (": the two largest dollar tokens moved in opposite directions"
                      if opposite else ""))
    implication = ("Dollars moved between stablecoins; net supply across the tracked coins was "
                   f"{fmt.usd(summary.net_change_usd, signed=True)}" if opposite else
                   "Both tokens moved the same way; the net supply change carries the signal")
    return Divergence("usdt_usdc", "stablecoin_supply", "USDT supply", "USDC supply",
                      usdt.change_pct, usdc.change_pct, spread, usd_gap, explanation, implication)


def rank_key(d: Divergence) -> tuple[int, float]:
    """Pairs whose two moves have a z first, by the gap in σ; then the others by pp."""
    if d.spread_z is not None:
        return (0, -abs(d.spread_z))
    return (1, -abs(d.spread_pp))


def rank_divergences(moves: dict[str, Move], stables: StablecoinSummary,
                     z_of: Callable[[Move], float | None] = lambda _: None
                     ) -> tuple[Divergence, ...]:
    """Every tracked pair's spread, ranked in each move's own units where the history gives
    them (``rank_key``): BTC's wider swings no longer top the list by their size alone."""
    found: list[Divergence] = []
    for key, a, b, kind, always in PAIRS:
        d = pair_divergence(key, moves.get(a), moves.get(b), kind, z_of)
        if d is not None and (always or abs(d.spread_pp) >= rules.NOTABLE_SPREAD_PP):
            found.append(d)
    stable = stablecoin_divergence(stables)
    if stable is not None:
        found.append(stable)
    return tuple(sorted(found, key=rank_key))
