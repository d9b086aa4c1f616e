"""Cross-market divergences: pairwise spreads in pp, ranked, each with a rule-based reading."""

from __future__ import annotations

from collections.abc import Callable

from services.analysis import rules
from services.analysis.moves import comparable, short_name
from services.i18n.text import Name, Text, gap, ratio, said, usd
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

# The market as a place ("inside A-shares") and as an adjective ("the US move",
# "Hong Kong-specific factors"), each shown in the reader's language.
MARKET_NAME = {"US": said("the US"), "HK": said("Hong Kong"), "CN": said("A-shares"),
               "CRYPTO": said("crypto")}
MARKET_ADJECTIVE = {"US": said("US"), "HK": said("Hong Kong"), "CN": said("A-share"),
                    "CRYPTO": said("crypto")}


def _name(move: Move) -> Name:
    return Name(move.id, short_name(move))


def _went(change: float) -> Text:
    d = rules.direction(change)
    return said("rose") if d > 0 else said("fell") if d < 0 else said("was flat")


def explain_cross_equity(a: Move, b: Move, spread: float) -> tuple[str, str]:
    assert a.change_pct is not None and b.change_pct is not None
    da, db = rules.direction(a.change_pct), rules.direction(b.change_pct)
    if da * db < 0:
        laggard = b if spread > 0 else a
        return (said("{a} {a_went} while {b} {b_went}: a local driver, not global risk "
                     "appetite, set {laggard}'s direction", a=_name(a), a_went=_went(a.change_pct),
                     b=_name(b), b_went=_went(b.change_pct), laggard=_name(laggard)),
                said("Watch whether {laggard} closes the {gap} gap next session or the other "
                     "side gives back its move", laggard=_name(laggard), gap=gap(spread)))
    stronger = a if abs(a.change_pct) > abs(b.change_pct) else b
    if da == 0 or db == 0:
        flat, moved = (a, b) if da == 0 else (b, a)
        return (said("{moved} {went}; {flat} was flat", moved=_name(moved),
                     went=_went(moved.change_pct or 0.0), flat=_name(flat)),
                said("{flat} did not take a side; its next session breaks the tie",
                     flat=_name(flat)))
    return (said("Both {went}; {stronger} moved {gap} further", went=_went(a.change_pct),
                 stronger=_name(stronger), gap=gap(spread)),
            said("Same direction, different size: {market}-specific factors added to the move",
                 market=MARKET_ADJECTIVE.get(stronger.market, said("local"))))


def explain_crypto_equity(btc: Move, eq: Move, spread: float,
                          state: CryptoState | None = None) -> tuple[str, str]:
    """``state`` is BTC against ``eq`` in each one's own σ when the history gives them."""
    assert btc.change_pct is not None and eq.change_pct is not None
    state = state or rules.classify_crypto(eq.change_pct, btc.change_pct)
    name = _name(eq)
    if state is CryptoState.REVERSED:
        return (said("BTC {btc_went} while {name} {went}: crypto moved against this equity "
                     "market", btc_went=_went(btc.change_pct), name=name,
                     went=_went(eq.change_pct)),
                said("Correlation is not holding against {name}; a snap-back would hit the side "
                     "that is stretched", name=name))
    if state is CryptoState.AMPLIFYING:
        move_ratio = rules.move_ratio(btc.change_pct, eq.change_pct)
        return (said("BTC moved with {name} and further (one-day move ratio {ratio})",
                     name=name, ratio=ratio(move_ratio)),
                said("Crypto amplified {name}'s move today; one day's ratio is not a beta",
                     name=name))
    if state is CryptoState.DECOUPLED:
        return (said("BTC {btc_went}; {name} {went}: one side was flat or quiet for its own "
                     "volatility", btc_went=_went(btc.change_pct), name=name,
                     went=_went(eq.change_pct)),
                said("No shared direction today; treat crypto and this market separately"))
    return (said("BTC moved with {name}, by less", name=name),
            said("Crypto followed equities without leverage"))


def explain_intra(a: Move, b: Move, spread: float) -> tuple[str, str]:
    assert a.change_pct is not None and b.change_pct is not None
    market = MARKET_NAME.get(a.market, a.market)
    if rules.direction(a.change_pct) * rules.direction(b.change_pct) < 0:
        return (said("{a} {a_went} while {b} {b_went} inside {market}: leadership is split",
                     a=_name(a), a_went=_went(a.change_pct), b=_name(b),
                     b_went=_went(b.change_pct), market=market),
                said("The {b} headline hides the dispersion; index exposure and {a} exposure "
                     "will not behave alike", b=_name(b), a=_name(a)))
    more = abs(a.change_pct) > abs(b.change_pct)
    if rules.direction(a.change_pct) == 0 or rules.direction(b.change_pct) == 0:
        return (said("{a} {a_went}, {b} {b_went} inside {market}", a=_name(a),
                     a_went=_went(a.change_pct), b=_name(b), b_went=_went(b.change_pct),
                     market=market),
                said("{a} moved on its own", a=_name(a)) if more else
                said("{a} sat out the move", a=_name(a)))
    adjective = MARKET_ADJECTIVE.get(a.market, a.market)
    if more:
        return (said("Both {went}; {a} moved {gap} more than {b}", went=_went(a.change_pct),
                     a=_name(a), gap=gap(spread), b=_name(b)),
                said("{a} amplified the {market} move", a=_name(a), market=adjective))
    return (said("Both {went}; {a} moved {gap} less than {b}", went=_went(a.change_pct),
                 a=_name(a), gap=gap(spread), b=_name(b)),
            said("{a} cushioned the {market} move", a=_name(a), market=adjective))


def explain_crypto_internal(a: Move, b: Move, spread: float) -> tuple[str, str]:
    leader = _name(a) if spread > 0 else _name(b)
    return (said("{leader} led within crypto", leader=leader),
            said("A wide ETH-BTC gap shifts risk along the crypto curve"))


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
    return Divergence(key, kind, said("{name}", name=_name(a)), said("{name}", name=_name(b)),
                      a.change_pct, b.change_pct,
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
    usdt_usd, usdc_usd = usd(usdt.change_usd, signed=True), usd(usdc.change_usd, signed=True)
    explanation = (said("USDT supply {usdt} against USDC {usdc} in a day: the two largest "
                        "dollar tokens moved in opposite directions", usdt=usdt_usd,
                        usdc=usdc_usd) if opposite else
                   said("USDT supply {usdt} against USDC {usdc} in a day", usdt=usdt_usd,
                        usdc=usdc_usd))
    implication = (said("Dollars moved between stablecoins; net supply across the tracked coins "
                        "was {net}", net=usd(summary.net_change_usd, signed=True))
                   if opposite else
                   said("Both tokens moved the same way; the net supply change carries the "
                        "signal"))
    return Divergence("usdt_usdc", "stablecoin_supply", said("{coin} supply", coin="USDT"),
                      said("{coin} supply", coin="USDC"),
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
