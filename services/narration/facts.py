"""The facts table: every figure a narrator may cite, with its unit and display rounding.

Pure. Each ``Fact`` is a value of the ``Analysis`` (or a value copied from the snapshot, or one
derived from them in one step, like the share of declining A-shares), written with
``services.format`` exactly as the report writes it. Each ``Subject`` is something a sentence can
name ("BTC", "Hang Seng", "stablecoin supply", a protocol), with the signed move that a direction
word next to it ("rose", "fell") must agree with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from services import format as fmt
from services.analysis import rules
from services.analysis.moves import short_name
from services.models.analysis import Analysis, EquityMarket, Move, Mover
from services.narration.figures import read_one


class Unit(StrEnum):
    PCT = "%"  # a change or a share, in percent
    PP = "pp"  # a spread, in percentage points
    USD = "usd"
    CNY = "cny"
    LEVEL = "level"  # an index level
    COUNT = "count"
    RATIO = "ratio"
    SIGMA = "σ"  # a move over its trailing 60-session volatility
    RANK = "rank"  # a session's rank in the year: -16 = 16th-worst, +3 = 3rd-best


@dataclass(frozen=True)
class Fact:
    key: str  # "quote.SPX.change_pct"
    label: str  # "S&P 500 change"
    value: float
    unit: Unit
    display: str  # as the report writes it: "+0.59%"
    subjects: tuple[str, ...]  # subject keys this figure belongs to
    resolution: float  # half a unit of the display's last digit, in the fact's unit
    signed: bool = True  # the sign carries meaning (a change, a spread)
    pair: tuple[str, str] | None = None  # a spread: (a, b) subject keys, value = a minus b

    def describe(self) -> str:
        return f"{self.label} {self.display}"


@dataclass(frozen=True)
class Subject:
    key: str  # "quote:BTC", "coin:USDT", "protocol:Dinari"
    names: tuple[str, ...]  # how a text may name it
    move: float | None = None  # the signed change direction words refer to
    move_unit: Unit | None = None
    move_display: str = ""
    flat_band: float = 0.0  # |move| below this reads as flat

    @property
    def label(self) -> str:
        return self.names[0]


@dataclass(frozen=True)
class FactSheet:
    facts: tuple[Fact, ...]
    subjects: tuple[Subject, ...]  # in priority order: a name belongs to the first that has it

    def subject(self, key: str) -> Subject | None:
        return next((s for s in self.subjects if s.key == key), None)

    def names(self) -> tuple[str, ...]:
        return tuple(n for s in self.subjects for n in s.names)

    def of_subject(self, key: str) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if key in f.subjects)


# How a text may name the known quotes, beyond their id, short name and snapshot name.
QUOTE_ALIASES: dict[str, tuple[str, ...]] = {
    "SPX": ("S&P 500", "S&P", "SPX"),
    "IXIC": ("Nasdaq", "Nasdaq Composite"),
    "DJI": ("Dow", "Dow Jones", "DJIA"),
    "HSI": ("HSI", "Hang Seng Index", "Hang Seng"),
    "HSCEI": ("HSCEI", "Hang Seng China Enterprises", "H-shares", "H shares"),
    "HSTECH": ("HSTECH", "Hang Seng TECH", "Hang Seng Tech", "HS Tech"),
    "SSE": ("SSE", "SSE Composite", "Shanghai Composite", "上证指数", "Shanghai"),
    "SZSE": ("SZSE", "SZSE Component", "Shenzhen Component", "深证成指", "Shenzhen"),
    "CHINEXT": ("ChiNext", "创业板指"),
    "BTC": ("BTC", "Bitcoin", "bitcoin"),
    "ETH": ("ETH", "Ether", "Ethereum", "ether"),
}
MARKET_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("US", "U.S.", "US stocks", "US equities", "Wall Street"),
    "HK": ("Hong Kong", "HK", "Hong Kong stocks"),
    "CN": ("A-shares", "A-share market", "A shares", "China", "Chinese stocks", "mainland"),
    "CRYPTO": ("crypto", "crypto market", "crypto market cap", "total crypto market cap",
               "total market cap", "market cap"),
}
COIN_ALIASES: dict[str, tuple[str, ...]] = {"USDT": ("Tether",), "USDC": (), "DAI": ()}
STABLECOIN_NAMES = ("net stablecoin supply", "stablecoin supply", "net supply", "stablecoins",
                    "stablecoin")
BREADTH_NAMES = ("breadth", "advancers", "decliners")


def _names(names: Iterable[str]) -> tuple[str, ...]:
    """Unique names of two characters or more, each also with a capital first letter."""
    found: list[str] = []
    for name in names:
        name = name.strip()
        for variant in (name, name[:1].upper() + name[1:]):
            if len(variant) >= 2 and variant not in found:
                found.append(variant)
    return tuple(found)


def _resolution(display: str) -> float:
    written = read_one(display)
    if written is not None:
        return written.resolution
    digits = display.split(".")[1] if "." in display else ""
    decimals = len(digits.rstrip("%xpK MBT"))
    return 0.5 * 10 ** -decimals


class _Builder:
    def __init__(self) -> None:
        self.facts: list[Fact] = []
        self.subjects: dict[str, Subject] = {}
        self.market_of: dict[str, str] = {}  # subject key → its market subject key

    def subject(self, key: str, names: Iterable[str], move: float | None = None,
                unit: Unit | None = None, display: str = "", flat_band: float = 0.0) -> str:
        if key not in self.subjects:
            self.subjects[key] = Subject(key, _names(names), move, unit if move is not None
                                         else None, display, flat_band)
        return key

    def fact(self, key: str, label: str, value: float | int | None, unit: Unit, display: str,
             subjects: Iterable[str], signed: bool = True) -> None:
        if value is None or display == fmt.MISSING:
            return
        self.facts.append(Fact(key, label, float(value), unit, display, tuple(subjects),
                               _resolution(display), signed))

    def spread(self, key: str, label: str, value: float | None, unit: Unit, display: str,
               a: str, b: str, *more: str) -> None:
        """A figure of ``a`` against ``b`` (``a`` minus ``b``, or ``a``/``b``); it also belongs
        to the markets of both sides."""
        if value is None or display == fmt.MISSING:
            return
        markets = [m for k in (a, b) if (m := self.market_of.get(k))]
        subjects = tuple(dict.fromkeys((a, b, *more, *markets)))
        self.facts.append(Fact(key, label, float(value), unit, display, subjects,
                               _resolution(display), True, (a, b)))

    def sheet(self) -> FactSheet:
        return FactSheet(tuple(self.facts), tuple(self.subjects.values()))


def _all_moves(a: Analysis) -> list[Move]:
    seen: dict[str, Move] = {}
    rows = [r.move for r in a.sentiment.rows if r.move is not None]
    crypto = [m for m in (a.crypto.btc, a.crypto.eth, *a.crypto.others) if m is not None]
    for m in (*rows, *a.us.moves, *a.hk.moves, *a.cn.moves, *crypto):
        seen.setdefault(m.id, m)
    return list(seen.values())


def quote_key(move: Move) -> str:
    return f"quote:{move.id}"


def _markets(b: _Builder, a: Analysis) -> None:
    headline = {"US": a.us.headline, "HK": a.hk.headline, "CN": a.cn.headline}
    for market, names in MARKET_ALIASES.items():
        if market == "CRYPTO":
            change = a.crypto.market_cap_change_pct
            b.subject("market:CRYPTO", names, change, Unit.PCT, fmt.pct(change), rules.FLAT_PCT)
            continue
        move = headline[market]
        change = move.change_pct if move is not None else None
        b.subject(f"market:{market}", names, change, Unit.PCT, fmt.pct(change), rules.FLAT_PCT)


def _quotes(b: _Builder, a: Analysis) -> None:
    for m in _all_moves(a):
        key = b.subject(quote_key(m), (*QUOTE_ALIASES.get(m.id, ()), m.id, short_name(m),
                                       m.name), m.change_pct, Unit.PCT, fmt.pct(m.change_pct),
                        rules.FLAT_PCT)
        subjects = (key, f"market:{m.market}")
        b.market_of[key] = f"market:{m.market}"
        name = short_name(m)
        b.fact(f"quote.{m.id}.change_pct", f"{name} change", m.change_pct, Unit.PCT,
               fmt.pct(m.change_pct), subjects)
        if m.market == "CRYPTO":
            b.fact(f"quote.{m.id}.price", f"{name} price", m.close, Unit.USD,
                   fmt.price_usd(m.close), subjects, signed=False)
        else:
            b.fact(f"quote.{m.id}.close", f"{name} close", m.close, Unit.LEVEL,
                   fmt.level(m.close), subjects, signed=False)


def _sentiment(b: _Builder, a: Analysis) -> None:
    s = a.sentiment
    for link in s.links:
        if link.leader is None or link.follower is None:
            continue
        lead, follow = quote_key(link.leader), quote_key(link.follower)
        names = f"{short_name(link.follower)} minus {short_name(link.leader)}"
        b.spread(f"chain.{link.key}.spread_pp", names, link.spread_pp, Unit.PP,
                 fmt.pp(link.spread_pp), follow, lead)
        b.spread(f"chain.{link.key}.ratio",
                 f"{short_name(link.follower)}/{short_name(link.leader)} move ratio", link.ratio,
                 Unit.RATIO, fmt.ratio(link.ratio), follow, lead)
    for market in (a.us, a.hk, a.cn):
        for sp in market.splits:
            b.spread(f"split.{sp.key}.spread_pp", f"{short_name(sp.a)} minus {short_name(sp.b)}",
                     sp.spread_pp, Unit.PP, fmt.pp(sp.spread_pp), quote_key(sp.a),
                     quote_key(sp.b))
    for cl in s.crypto_links:
        btc, equity = quote_key(cl.btc), quote_key(cl.equity)
        eq = short_name(cl.equity)
        b.spread(f"btc_vs.{cl.equity.id}.spread_pp", f"BTC minus {eq}", cl.spread_pp, Unit.PP,
                 fmt.pp(cl.spread_pp), btc, equity)
        b.spread(f"btc_vs.{cl.equity.id}.move_ratio", f"BTC/{eq} one-day move ratio",
                 cl.move_ratio, Unit.RATIO, fmt.ratio(cl.move_ratio), btc, equity)
        if cl.matched:  # BTC over the window matched to this session, as the link reads it
            b.fact(f"btc_vs.{cl.equity.id}.btc_change_pct",
                   f"BTC change over {cl.window or 'the window matched to ' + eq}",
                   cl.btc.change_pct, Unit.PCT, fmt.pct(cl.btc.change_pct),
                   (btc, "market:CRYPTO"))


def _crypto(b: _Builder, a: Analysis) -> None:
    c = a.crypto
    market = ("market:CRYPTO",)
    b.fact("crypto.total_market_cap_usd", "total crypto market cap", c.total_market_cap_usd,
           Unit.USD, fmt.usd(c.total_market_cap_usd), market, signed=False)
    b.fact("crypto.market_cap_change_pct", "total crypto market cap change",
           c.market_cap_change_pct, Unit.PCT, fmt.pct(c.market_cap_change_pct), market)
    b.fact("crypto.total_volume_usd", "crypto 24 h volume", c.total_volume_usd, Unit.USD,
           fmt.usd(c.total_volume_usd), market, signed=False)
    if c.eth is not None and c.btc is not None:
        b.spread("crypto.eth_btc_spread_pp", "ETH minus BTC", c.eth_btc_spread_pp, Unit.PP,
                 fmt.pp(c.eth_btc_spread_pp), quote_key(c.eth), quote_key(c.btc))


def _stablecoins(b: _Builder, a: Analysis) -> None:
    s = a.crypto.stablecoins
    net = s.net_change_usd
    stables = b.subject("stablecoins", STABLECOIN_NAMES, net, Unit.USD,
                        fmt.usd(net, signed=True), rules.STABLE_FLAT_USD)
    b.fact("stablecoins.net_change_usd", "net stablecoin supply change", net, Unit.USD,
           fmt.usd(net, signed=True), (stables,))
    b.fact("stablecoins.gross_change_usd", "gross stablecoin supply moves", s.gross_change_usd,
           Unit.USD, fmt.usd(s.gross_change_usd), (stables,), signed=False)
    b.fact("stablecoins.total_supply_usd", "tracked stablecoin supply", s.total_supply_usd,
           Unit.USD, fmt.usd(s.total_supply_usd, digits=2), (stables,), signed=False)
    for f in s.flows:
        key = b.subject(f"coin:{f.symbol}", (f.symbol, *COIN_ALIASES.get(f.symbol, ())),
                        f.change_pct, Unit.PCT, fmt.pct(f.change_pct, 3))
        subjects = (key, stables)
        b.fact(f"stablecoin.{f.symbol}.supply_usd", f"{f.symbol} supply", f.supply_usd,
               Unit.USD, fmt.usd(f.supply_usd, digits=2), subjects, signed=False)
        b.fact(f"stablecoin.{f.symbol}.change_pct", f"{f.symbol} supply change", f.change_pct,
               Unit.PCT, fmt.pct(f.change_pct, 3), subjects)
        b.fact(f"stablecoin.{f.symbol}.prior_usd", f"{f.symbol} supply a day earlier",
               f.prior_usd, Unit.USD, fmt.usd(f.prior_usd, digits=2), subjects, signed=False)
        b.fact(f"stablecoin.{f.symbol}.change_usd", f"{f.symbol} supply change in USD",
               f.change_usd, Unit.USD, fmt.usd(f.change_usd, signed=True), subjects)


def _mover(b: _Builder, kind: str, m: Mover, what: str) -> None:
    key = b.subject(f"{kind}:{m.name}", (m.name,), m.change_pct, Unit.PCT,
                    fmt.pct(m.change_pct, 1))
    subjects = (key, "market:CRYPTO")
    b.fact(f"{kind}.{m.name}.value_usd", f"{m.name} {what}", m.value_usd, Unit.USD,
           fmt.usd(m.value_usd), subjects, signed=False)
    b.fact(f"{kind}.{m.name}.change_pct", f"{m.name} {what} change", m.change_pct, Unit.PCT,
           fmt.pct(m.change_pct, 1), subjects)
    b.fact(f"{kind}.{m.name}.prior_usd", f"{m.name} {what} a day earlier", m.prior_usd,
           Unit.USD, fmt.usd(m.prior_usd), subjects, signed=False)
    b.fact(f"{kind}.{m.name}.change_usd", f"{m.name} {what} change in USD", m.change_usd,
           Unit.USD, fmt.usd(m.change_usd, signed=True), subjects)


def _defi(b: _Builder, a: Analysis) -> None:
    c = a.crypto
    for cat in c.categories:
        key = b.subject(f"category:{cat.category}", (cat.category,), cat.avg_change_pct,
                        Unit.PCT, fmt.pct(cat.avg_change_pct, 1))
        subjects = (key, "market:CRYPTO")
        b.fact(f"category.{cat.category}.avg_change_pct",
               f"{cat.category} {'TVL-weighted' if cat.weighted else 'average'} TVL change",
               cat.avg_change_pct, Unit.PCT, fmt.pct(cat.avg_change_pct, 1), subjects)
        b.fact(f"category.{cat.category}.tvl_usd", f"{cat.category} TVL", cat.tvl_usd, Unit.USD,
               fmt.usd(cat.tvl_usd), subjects, signed=False)
        b.fact(f"category.{cat.category}.change_usd", f"{cat.category} TVL change in USD",
               cat.change_usd, Unit.USD, fmt.usd(cat.change_usd, signed=True), subjects)
        b.fact(f"category.{cat.category}.count", f"{cat.category} protocols listed", cat.count,
               Unit.COUNT, fmt.count(cat.count), subjects, signed=False)
        b.fact(f"category.{cat.category}.counted", f"{cat.category} protocols averaged",
               cat.counted, Unit.COUNT, fmt.count(cat.counted), subjects, signed=False)
    for m in c.protocols:
        _mover(b, "protocol", m, "TVL")
    for m in c.dexes:
        _mover(b, "dex", m, "24 h volume")
    b.fact("defi.protocols_listed", "protocols listed", len(c.protocols), Unit.COUNT,
           fmt.count(len(c.protocols)), ("market:CRYPTO",), signed=False)
    b.fact("defi.dexes_listed", "DEXes listed", len(c.dexes), Unit.COUNT,
           fmt.count(len(c.dexes)), ("market:CRYPTO",), signed=False)


def _equity_internals(b: _Builder, m: EquityMarket) -> None:
    market = f"market:{m.market}"
    br = m.breadth
    if br is not None:
        breadth = b.subject("breadth", BREADTH_NAMES)
        subjects = (breadth, market)
        for name, value in (("advancers", br.advancers), ("decliners", br.decliners),
                            ("flat", br.flat), ("total", br.total)):
            b.fact(f"breadth.{name}", f"A-share {name}", value, Unit.COUNT, fmt.count(value),
                   subjects, signed=False)
        share = br.advance_share_pct
        b.fact("breadth.advance_share_pct", "A-shares advancing", share, Unit.PCT,
               fmt.pct(share, 1, signed=False), subjects, signed=False)
        decline = None if share is None else 100.0 - share
        b.fact("breadth.decline_share_pct", "A-shares declining", decline, Unit.PCT,
               fmt.pct(decline, 1, signed=False), subjects, signed=False)
        b.fact("breadth.ad_ratio", "advance/decline ratio", br.ad_ratio, Unit.RATIO,
               fmt.ratio(br.ad_ratio), subjects, signed=False)
    if m.turnover_cny is not None:
        turnover = b.subject("turnover", ("turnover",))
        b.fact("cn.turnover_cny", "A-share turnover", m.turnover_cny, Unit.CNY,
               fmt.cny(m.turnover_cny), (turnover, market), signed=False)
    if m.northbound_net_cny is not None:
        north = b.subject("northbound", ("northbound", "Northbound Connect"),
                          m.northbound_net_cny, Unit.CNY, fmt.cny(m.northbound_net_cny, True))
        b.fact("cn.northbound_net_cny", "northbound net flow", m.northbound_net_cny, Unit.CNY,
               fmt.cny(m.northbound_net_cny, signed=True), (north, market))
    r = m.sectors
    if r is not None:
        defensive = b.subject("sectors:defensive", ("defensive sectors", "defensives"),
                              r.defensive_avg_pct, Unit.PCT, fmt.pct(r.defensive_avg_pct),
                              rules.FLAT_PCT)
        growth = b.subject("sectors:growth", ("growth sectors",), r.growth_avg_pct, Unit.PCT,
                           fmt.pct(r.growth_avg_pct), rules.FLAT_PCT)
        b.fact("sectors.defensive_avg_pct", "defensive sectors average", r.defensive_avg_pct,
               Unit.PCT, fmt.pct(r.defensive_avg_pct), (defensive, market))
        b.fact("sectors.growth_avg_pct", "growth sectors average", r.growth_avg_pct, Unit.PCT,
               fmt.pct(r.growth_avg_pct), (growth, market))
        b.spread("sectors.spread_pp", "defensive minus growth", r.spread_pp, Unit.PP,
                 fmt.pp(r.spread_pp), defensive, growth, market)


def _subject_named(b: _Builder, label: str) -> str | None:
    first = label.split(" ")[0]
    for s in b.subjects.values():
        if label in s.names or first in s.names:
            return s.key
    return None


def _divergences(b: _Builder, a: Analysis) -> None:
    for d in a.divergences:
        ka, kb = _subject_named(b, d.a_label), _subject_named(b, d.b_label)
        label = f"{d.a_label} minus {d.b_label}"
        if ka is None or kb is None:
            sides = tuple(k for k in (ka, kb) if k)
            b.fact(f"divergence.{d.key}.spread_pp", label, d.spread_pp, Unit.PP,
                   fmt.pp(d.spread_pp), sides)
            continue
        b.spread(f"divergence.{d.key}.spread_pp", label, d.spread_pp, Unit.PP,
                 fmt.pp(d.spread_pp), ka, kb)
        b.spread(f"divergence.{d.key}.spread_usd", f"{label} in USD", d.spread_usd, Unit.USD,
                 fmt.usd(d.spread_usd, signed=True), ka, kb)


def _rank(b: _Builder, key: str, label: str, value: int, display: str,
          subjects: tuple[str, ...]) -> None:
    """A rank is exact: half a rank either way."""
    b.facts.append(Fact(key, label, float(value), Unit.RANK, display, subjects, 0.5, True))


def _evidence(b: _Builder, a: Analysis) -> None:
    """Each move against its own year: its σ, its rank and percentile, and the n behind them."""
    for quote_id, e in a.evidence.items():
        key = f"quote:{quote_id}"
        if key not in b.subjects:
            continue
        subjects = (key, b.market_of.get(key, key))
        name = b.subjects[key].label
        b.fact(f"evidence.{quote_id}.z", f"{name} move in its own σ", e.z, Unit.SIGMA,
               fmt.sigma(e.z), subjects)
        b.fact(f"evidence.{quote_id}.vol_pct", f"{name} 60-session daily volatility", e.vol_pct,
               Unit.PCT, fmt.pct(e.vol_pct, signed=False), subjects, signed=False)
        b.fact(f"evidence.{quote_id}.n", f"{name} returns behind the σ", e.n, Unit.COUNT,
               fmt.count(e.n), subjects, signed=False)
        if e.percentile is None or e.worst_rank is None or e.best_rank is None:
            continue
        b.fact(f"evidence.{quote_id}.n_year", f"{name} sessions in the year", e.n_year,
               Unit.COUNT, fmt.count(e.n_year), subjects, signed=False)
        b.fact(f"evidence.{quote_id}.percentile", f"{name} percentile in the year", e.percentile,
               Unit.PCT, fmt.pct(e.percentile, 0, signed=False), subjects, signed=False)
        b.fact(f"evidence.{quote_id}.worse_than_pct", f"{name} worse than this share of the "
               f"year's sessions", 100 - e.percentile, Unit.PCT,
               fmt.pct(100 - e.percentile, 0, signed=False), subjects, signed=False)
        _rank(b, f"evidence.{quote_id}.worst_rank", f"{name} rank in the year,",
              -e.worst_rank, f"{fmt.ordinal(e.worst_rank)}-worst", subjects)
        _rank(b, f"evidence.{quote_id}.best_rank", f"{name} rank in the year,",
              e.best_rank, f"{fmt.ordinal(e.best_rank)}-best", subjects)


def _levels(b: _Builder, a: Analysis) -> None:
    for quote_id, lv in a.levels.items():
        key = f"quote:{quote_id}"
        if key not in b.subjects:
            continue
        subjects = (key, b.market_of.get(key, key))
        name = b.subjects[key].label
        level = fmt.price_usd if quote_id in ("BTC", "ETH") else fmt.level
        unit = Unit.USD if quote_id in ("BTC", "ETH") else Unit.LEVEL
        b.fact(f"levels.{quote_id}.high", f"{name} 52-week high", lv.high, unit, level(lv.high),
               subjects, signed=False)
        b.fact(f"levels.{quote_id}.low", f"{name} 52-week low", lv.low, unit, level(lv.low),
               subjects, signed=False)
        b.fact(f"levels.{quote_id}.from_high_pct", f"{name} from its 52-week high",
               lv.from_high_pct, Unit.PCT, fmt.pct(lv.from_high_pct, 1), subjects)
        b.fact(f"levels.{quote_id}.from_low_pct", f"{name} above its 52-week low",
               lv.from_low_pct, Unit.PCT, fmt.pct(lv.from_low_pct, 1), subjects)
        for n, ma in ((50, lv.ma50), (200, lv.ma200)):
            b.fact(f"levels.{quote_id}.ma{n}", f"{name} {n}-session average", ma, unit,
                   level(ma), subjects, signed=False)
        b.fact(f"levels.{quote_id}.streak", f"{name} sessions in a row", abs(lv.streak),
               Unit.COUNT, fmt.count(abs(lv.streak)), subjects, signed=False)


COMOVE_LABELS = {"btc_spx": "BTC on the S&P 500", "hsi_us": "HSI on the US session before it",
                 "chinext_sse": "ChiNext on the SSE"}


def _comovement(b: _Builder, a: Analysis) -> None:
    for key, c in a.comovement.items():
        asset, base = f"quote:{c.asset}", f"quote:{c.base}"
        label = COMOVE_LABELS.get(key, key)
        if asset in b.subjects and base in b.subjects:
            b.spread(f"comove.{key}.correlation", f"{label}, 60-session correlation",
                     c.correlation, Unit.RATIO, fmt.ratio(c.correlation), asset, base)
            b.spread(f"comove.{key}.beta", f"{label}, 60-session beta", c.beta, Unit.RATIO,
                     fmt.ratio(c.beta), asset, base)
        b.fact(f"comove.{key}.n", f"{label}, sessions", c.n, Unit.COUNT, fmt.count(c.n),
               tuple(k for k in (asset, base) if k in b.subjects), signed=False)


def _base_rates(b: _Builder, a: Analysis) -> None:
    """What followed such days: shown rates only (n ≥ 20), every n."""
    for key, rate in a.base_rates.items():
        target = f"quote:{rate.target}"
        subjects = (target,) if target in b.subjects else ()
        b.fact(f"base_rate.{key}.n", f"{rate.label}: cases", rate.n, Unit.COUNT,
               fmt.count(rate.n), subjects, signed=False)
        if not rate.shown:
            continue
        b.fact(f"base_rate.{key}.up_share_pct", f"{rate.label}: next sessions up",
               rate.up_share_pct, Unit.PCT, fmt.pct(rate.up_share_pct, 0, signed=False),
               subjects, signed=False)
        b.fact(f"base_rate.{key}.median_next_pct", f"{rate.label}: median next session",
               rate.median_next_pct, Unit.PCT, fmt.pct(rate.median_next_pct), subjects)


THRESHOLD_UNITS = (("_pct", Unit.PCT), ("_pp", Unit.PP), ("_usd", Unit.USD))


def _thresholds(b: _Builder, a: Analysis) -> None:
    for name, value in a.thresholds.items():
        unit = next((u for suffix, u in THRESHOLD_UNITS if name.endswith(suffix)), Unit.RATIO)
        display = {Unit.PCT: fmt.pct(value), Unit.PP: fmt.pp(value),
                   Unit.USD: fmt.usd(value)}.get(unit, fmt.ratio(value))
        b.fact(f"threshold.{name}", f"threshold {name}", value, unit, display, ("thresholds",))


def build_facts(analysis: Analysis) -> FactSheet:
    """Every figure of ``analysis`` a narrator may cite, and the subjects a text may name."""
    b = _Builder()
    _markets(b, analysis)
    _quotes(b, analysis)
    _sentiment(b, analysis)
    _crypto(b, analysis)
    _stablecoins(b, analysis)
    _defi(b, analysis)
    for market in (analysis.us, analysis.hk, analysis.cn):
        _equity_internals(b, market)
    _divergences(b, analysis)
    _evidence(b, analysis)
    _levels(b, analysis)
    _comovement(b, analysis)
    _base_rates(b, analysis)
    _thresholds(b, analysis)
    return b.sheet()
