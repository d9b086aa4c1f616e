"""One function per report section: analysis values → typed blocks. Formatting via ``format``."""

from __future__ import annotations

from services import format as fmt
from services.analysis import rules
from services.analysis.moves import short_name, table_name
from services.analysis.plan import DISCLAIMER
from services.models.analysis import (
    Analysis,
    ChainLink,
    CryptoLink,
    EquityMarket,
    LinkState,
    MacroReading,
    Move,
    Mover,
    Split,
    Timing,
)
from services.models.report import Block, Bullets, Heading, Paragraph, Table, Tree
from services.models.snapshot import BREADTH_SCOPE
from services.report.evidence_text import (
    COMOVE_NAMES,
    base_rate_words,
    comovement_words,
    evidence_of,
    level_words,
    sigma_words,
)

TOP_PROTOCOLS = 8
TOP_DEXES = 6


def _missing(items: list[str] | tuple[str, ...]) -> tuple[Block, ...]:
    return (Paragraph(", ".join(items), lead="Missing:", note=True),) if items else ()


def _signal_or_session(move: Move, a: Analysis | None = None) -> str:
    """The signal column: in the move's own σ when its history gives one (``-2.0σ, strong
    risk-off``), else by the fixed thresholds."""
    if move.closed:
        return f"closed - last session {fmt.day(move.session)}"
    if move.stale:
        return f"stale - {fmt.day(move.session)}"
    e = evidence_of(a, move) if a is not None else None
    if e is not None and e.z is not None:
        return f"{fmt.sigma(e.z)} {rules.z_signal(e.z)}"
    return rules.signal(move.change_pct)


# --- 2. risk sentiment ---------------------------------------------------------------------

LINK_NAME = {"us_hk": "US → HK", "hk_cn": "HK and A-shares"}


def _moved(move: Move, z: float | None, with_session: bool = False) -> str:
    """``S&P 500 -0.27% (-0.4σ)``, with its session when asked."""
    when = f" {fmt.day(move.session)}" if with_session and move.session else ""
    sigma = f" ({fmt.sigma(z)})" if z is not None else ""
    return f"{short_name(move)}{when} {fmt.pct(move.change_pct)}{sigma}"


def _base_rate_clause(a: Analysis | None, key: str, what: str) -> str:
    rate = a.base_rates.get(key) if a is not None else None
    if rate is None:
        return ""
    return f" {what}: {base_rate_words(rate)}"


def link_line(link: ChainLink, a: Analysis | None = None) -> Paragraph:
    name = LINK_NAME.get(link.key, link.key)
    lead, follow = link.leader, link.follower
    if link.state is LinkState.NOT_COMPARABLE:
        return Paragraph(f"not comparable: {link.note}.", lead=f"{name}:")
    assert lead is not None and follow is not None
    if link.timing is Timing.SAME_HOURS:
        text = (f"{link.state.value} (same hours, neither leads). "
                f"{_moved(lead, link.leader_z)}, {_moved(follow, link.follower_z)}")
    else:
        text = (f"{link.state.value}. {_moved(lead, link.leader_z, True)}, then "
                f"{_moved(follow, link.follower_z, True)}")
        if link.ratio is not None and link.state in (LinkState.FOLLOWED, LinkState.AMPLIFIED):
            text += f" (move ratio {fmt.ratio(link.ratio)})"
        elif link.spread_pp is not None and link.state is LinkState.BROKEN:
            text += f" (a {fmt.gap(link.spread_pp)} gap)"
        if link.timing is Timing.NEXT_SESSION:
            text += ": the US session closed before HK opened"
    text += "." + _base_rate_clause(a, f"chain.{link.key}.{link.state.value}",
                                    "Before, on such days")
    return Paragraph(text.rstrip(".") + ".", lead=f"{name}:")


def setup_line(a: Analysis, with_rank: bool = True) -> Paragraph | None:
    """Today's US session sets up Asia's next session, with what followed such sessions (its
    move is in the table above it)."""
    setup = a.sentiment.setup
    if setup is None or not setup.followers:
        return None
    sigma = sigma_words(evidence_of(a, setup.us), with_rank)
    asia = " and ".join({"HK": "Hong Kong's", "CN": "the A-shares'"}[m]
                        for m in setup.followers)
    text = (f"the S&P 500's {fmt.day(setup.us.session)} session"
            f"{f' ({sigma})' if sigma else ''} sets up {asia} next session.")
    if setup.base_rate_key and setup.base_rate_key in a.base_rates:
        rate = a.base_rates[setup.base_rate_key]
        text += f" After US sessions like it ({rate.label.split('session ')[-1]}): "
        text += base_rate_words(rate)
        cn = a.base_rates.get(setup.base_rate_key + ".cn")
        if cn is not None and "CN" in setup.followers and cn.shown:
            text += f"; {base_rate_words(cn)}"
        text += "."
    return Paragraph(text, lead="US → Asia next:")


def comovement_line(a: Analysis) -> Paragraph | None:
    if not a.comovement:
        return None
    parts = [f"{COMOVE_NAMES[key]} {comovement_words(c)}" for key, c in a.comovement.items()]
    return Paragraph("; ".join(parts) + ".", lead="60-session co-movement:")


def split_line(split: Split | None, label: str) -> Paragraph | None:
    if split is None:
        return None
    shape = "split" if split.opposite else "same direction"
    return Paragraph(f"{short_name(split.a)} {fmt.pct(split.a.change_pct)} vs "
                     f"{short_name(split.b)} {fmt.pct(split.b.change_pct)}: {shape}, "
                     f"{fmt.pp(split.spread_pp)}.", lead=label)


def crypto_link_line(links: tuple[CryptoLink, ...]) -> Paragraph:
    """BTC against each equity session, grouped by the window BTC's move covers."""
    if not links:
        return Paragraph("not comparable: BTC or every equity headline is missing or closed.",
                         lead="Crypto vs equities:")
    by_window: dict[tuple[str, float | None], list[CryptoLink]] = {}
    for link in links:
        by_window.setdefault((link.window, link.btc.change_pct), []).append(link)
    groups = []
    for (window, change), group in by_window.items():
        parts = [f"{link.state.value} against {short_name(link.equity)} "
                 f"({fmt.pct(link.equity.change_pct)}; BTC {fmt.pp(link.spread_pp)})"
                 for link in group]
        groups.append(f"BTC {fmt.pct(change)} ({window}): " + "; ".join(parts))
    return Paragraph(". ".join(groups) + ".", lead="Crypto vs equities:")


def risk_sentiment(a: Analysis) -> tuple[Block, ...]:
    s = a.sentiment
    rows = []
    for row in s.rows:
        m = row.move
        close = fmt.price_usd(m.close) if m and row.market == "CRYPTO" else \
            fmt.level(m.close if m else None)
        e = evidence_of(a, m)
        signal = f"{fmt.sigma(e.z)} {row.signal}" if e is not None and e.z is not None \
            and not (m and (m.closed or m.stale)) else row.signal
        rows.append((row.label, close, fmt.pct(m.change_pct if m else None), signal))
    rows += [(*macro_figures(r), "") for r in a.macro]
    chain: list[Paragraph] = [link_line(link, a) for link in s.links]
    setup = setup_line(a)
    if setup:
        chain.append(setup)
    cn_split = split_line(s.cn_split, "Inside A-shares:")
    if cn_split:
        chain.append(cn_split)
    chain.append(crypto_link_line(s.crypto_links))
    comove = comovement_line(a)
    if comove:
        chain.append(comove)
    blocks: list[Block] = [
        *((Paragraph(a.session_note, note=True),) if a.session_note else ()),
        Table(("Market", "Close", "Change", "Signal"), tuple(rows), "lrrl"),
        *macro_history_note(a),
        Heading("Transmission chain"), Bullets(tuple(chain)),
        Paragraph(f"{s.verdict.value} - {s.verdict_reason}.", lead="Verdict:"),
        Paragraph(f"{crypto_window_note(a)}; equity changes are session over session. "
                  f"{SCALE_NOTE if a.evidence else ''}{a.scale_note or ''}".strip(), note=True),
    ]
    return tuple(blocks)


SCALE_NOTE = ("σ is a move over its instrument's volatility of daily returns in the 60 sessions "
              "before it (strong at 2σ, quiet under 0.5σ); ranks are among the last year's "
              "sessions; a beta is cov/var over 60 matched sessions, never one day's ratio. ")
# The source of a figure taken from the history's closes because the snapshot has none.
FROM_HISTORY = "history"


def macro_history_note(a: Analysis) -> tuple[Block, ...]:
    """Under the risk table: which macro figures are the history's closes (no live quote)."""
    taken = [r for r in a.macro if r.from_history and r.close is not None]
    if not taken:
        return ()
    names = ", ".join(r.label for r in taken)
    return (Paragraph(f"{names}: closes of {fmt.day(taken[0].session)} (source: history).",
                      note=True),)


def macro_figures(r: MacroReading) -> tuple[str, str, str]:
    """Label, close and day change of one macro figure: a yield in percent and its move in
    bp, an exchange rate to four decimals, the rest as levels."""
    if r.id == "TNX":
        close = fmt.pct(r.close, signed=False)
        change = fmt.bp(r.change_bp)
    else:
        close = fmt.ratio(r.close, 4) if r.kind == "fx" and r.id != "DXY" else fmt.level(r.close)
        change = fmt.pct(r.change_pct)
    return r.label, close, change


def macro_block(a: Analysis) -> tuple[Block, ...]:
    """The macro figures of the US section: close, day change and where each came from."""
    if not a.macro:
        return ()
    rows = tuple((*macro_figures(r), FROM_HISTORY if r.from_history else
                  (r.source or fmt.missing()) if r.close is not None else fmt.missing())
                 for r in a.macro)
    return (Heading("Macro"), Table(("Macro", "Close", "Change", "Source"), rows, "lrrl"))


# --- 3. crypto and DeFi --------------------------------------------------------------------

def _mover_row(m: Mover, with_group: bool, with_value: bool = True) -> tuple[str, ...]:
    flag = " (anomaly)" if m.anomaly else ""
    cells = [m.name + flag]
    if with_group:
        cells.append(m.group or "n/a")
    if with_value:
        cells.append(fmt.usd(m.value_usd))
    cells.append(fmt.pct(m.change_pct, 1))
    return tuple(cells)


BREADTH_LEAD = f"Breadth, {BREADTH_SCOPE}:"


def crypto_window_note(a: Analysis) -> str:
    """What the crypto changes measure: rolling 24 h, unless a coin says otherwise."""
    by_window: dict[str, list[str]] = {}
    for coin in (a.crypto.btc, a.crypto.eth, *a.crypto.others):
        if coin is not None and coin.window:
            by_window.setdefault(coin.window, []).append(short_name(coin))
    other = [f"{', '.join(names)} {window}" for window, names in by_window.items()]
    return "Crypto changes are rolling 24 h" + (
        f" ({'; '.join(other)}: only a daily bar was available)" if other else "")
NOT_DEFI_NOTE = ("CEX and Chain rows of DefiLlama (exchange reserves, whole chains) are not DeFi "
                 "and are left out.")


def crypto_defi(a: Analysis) -> tuple[Block, ...]:
    c = a.crypto
    price: list[Paragraph] = []
    for m in (c.btc, c.eth, *c.others):
        if m is not None:
            price.append(Paragraph(f"{fmt.price_usd(m.close)}, {fmt.pct(m.change_pct)} "
                                   f"({m.window or '24 h'})", lead=f"{short_name(m)}:"))
    price.append(Paragraph(f"{fmt.usd(c.total_market_cap_usd)} "
                           f"({fmt.pct(c.market_cap_change_pct)}), 24 h volume "
                           f"{fmt.usd(c.total_volume_usd)}", lead="Total market cap:"))
    if c.eth_btc_spread_pp is not None:
        price.append(Paragraph(fmt.pp(c.eth_btc_spread_pp), lead="ETH minus BTC:"))
    blocks: list[Block] = [Heading("Price action"), Bullets(tuple(price))]

    s = c.stablecoins
    blocks.append(Heading("Stablecoin supply"))
    if s.flows:
        blocks.append(Table(("Coin", "Supply", "1d %", "1d USD"), tuple(
            (f.symbol, fmt.usd(f.supply_usd, digits=2), fmt.pct(f.change_pct, 3),
             fmt.usd(f.change_usd, signed=True)) for f in s.flows)))
        if s.net_change_usd is not None:
            mixed = " (coins moved in opposite directions)" if s.mixed else ""
            blocks.append(Paragraph(f"{fmt.usd(s.net_change_usd, signed=True)} - "
                                    f"{s.reading}{mixed}. Each coin's change is its supply now "
                                    f"minus the supply a day earlier implied by its 1-day %.",
                                    lead="Net change:"))
        else:
            blocks.append(Paragraph(f"not computed: {', '.join(s.missing)} lack supply or "
                                    f"change.", lead="Net change:"))
    else:
        blocks.append(Paragraph("stablecoin supply is not in this snapshot.", lead="Missing:",
                                note=True))

    blocks.append(Heading("TVL by category"))
    cats = [cat for cat in c.categories]
    if cats:
        weighted = all(cat.weighted for cat in cats)
        if weighted:
            blocks.append(Table(("Category", "TVL", "1d", "Leader"), tuple(
                (cat.category, fmt.usd(cat.tvl_usd), fmt.pct(cat.avg_change_pct, 1),
                 cat.leader or "n/a") for cat in cats), "lrrl"))
        else:
            blocks.append(Table(("Category", "Avg 1d", "Listed", "Leader"), tuple(
                (cat.category, fmt.pct(cat.avg_change_pct, 1), str(cat.count),
                 cat.leader or "n/a") for cat in cats), "lrrl"))
        top = [m for m in c.protocols[:TOP_PROTOCOLS]]
        with_tvl = any(m.value_usd is not None for m in top)  # else the column is all n/a
        blocks.append(Table(("Protocol", "Category", *(("TVL",) if with_tvl else ()), "1d"),
                            tuple(_mover_row(m, True, with_tvl) for m in top),
                            "llrr" if with_tvl else "llr"))
        how = ("Each category's 1-day move is TVL-weighted over every protocol DefiLlama lists "
               "in it (the largest categories by TVL are shown)." if weighted else
               "Category averages are unweighted means of the listed protocols, anomalies "
               "excluded.")
        blocks.append(Paragraph(f"{how} {NOT_DEFI_NOTE}", note=True))
    else:
        blocks.append(Paragraph("DeFi TVL is not in this snapshot.", lead="Missing:", note=True))

    blocks.append(Heading("DEX volume"))
    if c.dexes:
        blocks.append(Table(("DEX", "Volume 24h", "1d"),
                            tuple(_mover_row(m, False) for m in c.dexes[:TOP_DEXES])))
        prior = [d for d in c.dexes[:TOP_DEXES] if d.prior_usd is not None and not d.anomaly]
        if prior:
            blocks.append(Bullets(tuple(
                Paragraph(f"{fmt.usd(d.prior_usd)} a day earlier → {fmt.usd(d.value_usd)} "
                          f"({fmt.usd(d.change_usd, signed=True)})", lead=f"{d.name}:")
                for d in prior)))
    else:
        blocks.append(Paragraph("DEX volume is not in this snapshot.", lead="Missing:", note=True))

    if c.anomalies:
        blocks.append(Heading("Anomalies (not read as signals)"))
        blocks.append(Bullets(tuple(
            Paragraph(f"{fmt.pct(m.change_pct, 1)} - {m.anomaly_reason}", lead=f"{m.name}:")
            for m in c.anomalies)))
    return tuple(blocks)


# --- 4-6. equity markets -------------------------------------------------------------------

def index_table(market: EquityMarket, a: Analysis | None = None) -> Table:
    return Table(("Index", "Close", "Change", "Signal"), tuple(
        (table_name(m), fmt.level(m.close), fmt.pct(m.change_pct), _signal_or_session(m, a))
        for m in market.moves if m.kind in (None, "index")), "lrrl")


def checked_notes(a: Analysis, market: EquityMarket) -> tuple[Block, ...]:
    """What the cross-check found about this market's quotes: both readings, both sources."""
    ids = {m.id for m in market.moves}
    lines = [line for check, line in zip(a.checks, a.history_notes, strict=False)
             if check.id in ids]
    if not lines:
        return ()
    return (Heading("Checked against history"),
            Bullets(tuple(Paragraph(line + ".") for line in lines)))


def dispersion(market: EquityMarket) -> tuple[Block, ...]:
    lines = [p for s in market.splits if (p := split_line(s, f"{short_name(s.a)} - "
                                                            f"{short_name(s.b)}:"))]
    return (Heading("Dispersion"), Bullets(tuple(lines))) if lines else ()


def levels_block(a: Analysis, market: EquityMarket) -> tuple[Block, ...]:
    """Each index against its own year: today's rank, the 52-week high and low, the 50- and
    200-session averages and the streak (from the history; nothing without it)."""
    lines = []
    for m in market.moves:
        lv = a.levels.get(m.id)
        if lv is None or m.kind not in (None, "index") or m.closed or m.stale:
            continue
        e = evidence_of(a, m)
        today = f"{sigma_words(e)}; " if sigma_words(e) else ""
        lines.append(Paragraph(f"{today}{level_words(lv)}.", lead=f"{short_name(m)}:"))
    return (Heading("Levels and trend"), Bullets(tuple(lines))) if lines else ()


def session_note(market: EquityMarket) -> tuple[Block, ...]:
    h = market.headline
    if h is None:
        return ()
    if market.closed:
        return (Paragraph(f"Closed - last session {fmt.day(h.session)}; its moves are from that "
                          f"session and are not compared with today's lead.", lead="Session:"),)
    return (Paragraph(fmt.day(h.session), lead="Session:"),)


def us(a: Analysis) -> tuple[Block, ...]:
    m = a.us
    blocks: list[Block] = [index_table(m, a), *checked_notes(a, m), *session_note(m),
                           *dispersion(m)]
    r = m.sectors
    if r is not None:
        blocks += [Heading("Sector rotation"), Paragraph(
            f"defensive ({', '.join(x.id for x in r.defensive)}) {fmt.pct(r.defensive_avg_pct)} "
            f"vs growth ({', '.join(x.id for x in r.growth)}) {fmt.pct(r.growth_avg_pct)}: "
            f"{fmt.pp(r.spread_pp)}, {r.leader} leading.", lead="Defensive vs growth:")]
    else:
        blocks.append(Paragraph("sector ETF moves are not in this snapshot, so no "
                                "defensive-vs-growth reading is made.", lead="Sectors:",
                                note=True))
    blocks += macro_block(a)
    blocks += levels_block(a, m)
    setup = setup_line(a, with_rank=False)  # the rank is in the levels above
    if setup is not None:
        blocks += [Heading("The lead for Asia"), Bullets((setup,))]
    return tuple(blocks) + _missing(m.missing)


def hk(a: Analysis) -> tuple[Block, ...]:
    m = a.hk
    link = next(link for link in a.sentiment.links if link.key == "us_hk")
    against = [link_line(link, a)]
    if (co := a.comovement.get("hsi_us")) is not None:
        against.append(Paragraph(comovement_words(co) + ".", lead="HSI on the US lead, 60 "
                                                                "sessions:"))
    blocks: list[Block] = [index_table(m, a), *checked_notes(a, m), *session_note(m),
                           *dispersion(m), *levels_block(a, m), Heading("Against the US"),
                           Bullets(tuple(against))]
    return tuple(blocks) + _missing(m.missing)


def a_shares(a: Analysis) -> tuple[Block, ...]:
    m = a.cn
    blocks: list[Block] = [index_table(m, a), *checked_notes(a, m), *session_note(m),
                           *dispersion(m), Heading("Internals")]
    b = m.breadth
    internals: list[Paragraph] = []
    if b is not None and b.advancers is not None and b.decliners is not None:
        flat = f" / {fmt.count(b.flat)} flat" if b.flat is not None else ""
        text = (f"{fmt.count(b.advancers)} up / {fmt.count(b.decliners)} down{flat}: "
                f"{fmt.pct(b.advance_share_pct, 1, signed=False)} advancing, {b.reading}")
        if b.divergence and b.divergence_with:
            index = next(x for x in m.moves if x.id == b.divergence_with)
            text += (f". Breadth divergence: {short_name(index)} {fmt.pct(index.change_pct)} "
                     f"while most stocks moved the other way")
        internals.append(Paragraph(text + ".", lead=BREADTH_LEAD))
    else:
        internals.append(Paragraph("missing.", lead=BREADTH_LEAD))
    internals.append(Paragraph(f"{fmt.cny(m.turnover_cny)}.", lead="Turnover:"))
    if m.northbound_net_cny is not None:
        internals.append(Paragraph(fmt.cny(m.northbound_net_cny, signed=True) + ".",
                                   lead="Northbound net:"))
    else:
        internals.append(Paragraph(f"{m.northbound_note}.", lead="Northbound net:"))
    link = next(link for link in a.sentiment.links if link.key == "hk_cn")
    together = [link_line(link, a)]
    if (co := a.comovement.get("chinext_sse")) is not None:
        together.append(Paragraph(comovement_words(co) + ".", lead="ChiNext on SSE, 60 sessions:"))
    blocks += [Bullets(tuple(internals)), *levels_block(a, m), Heading("With Hong Kong"),
               Bullets(tuple(together))]
    return tuple(blocks) + _missing(m.missing)


# --- 7-10. cross-market --------------------------------------------------------------------

def divergences(a: Analysis) -> tuple[Block, ...]:
    if not a.divergences:
        return (Paragraph("no pair of markets has both moves in this snapshot.",
                          lead="Missing:", note=True),)
    scaled = any(d.spread_z is not None for d in a.divergences)
    table = Table(("#", "Pair", "Spread", *(("σ gap",) if scaled else ())), tuple(
        (str(i), f"{d.a_label} vs {d.b_label}", fmt.pp(d.spread_pp),
         *((fmt.sigma(d.spread_z) if d.spread_z is not None else fmt.MISSING,) if scaled else ()))
        for i, d in enumerate(a.divergences, 1)), "lllr" if scaled else "lll")
    items = []
    for i, d in enumerate(a.divergences, 1):
        usd_gap = f"; {fmt.usd(d.spread_usd)} apart in USD" if d.spread_usd is not None else ""
        z_gap = f" ({fmt.sigma(d.spread_z)} in their own units)" if d.spread_z is not None else ""
        items.append(Paragraph(
            f"{fmt.pct(d.a_pct)} vs {fmt.pct(d.b_pct)} = {fmt.pp(d.spread_pp)}{z_gap}{usd_gap}. "
            f"{d.explanation}. → {d.implication}.",
            lead=f"{i}. {d.a_label} vs {d.b_label}:"))
    ranking = ("Ranked by the σ gap (the first move's z minus the second's, each against its own "
               "60-session volatility) where both have history, then by pp. " if scaled else "")
    return (table, Bullets(tuple(items)),
            Paragraph(f"{ranking}Spreads are the first move minus the second, in percentage "
                      f"points; pairs under {fmt.gap(rules.NOTABLE_SPREAD_PP)} are listed only "
                      f"when always tracked (BTC against each market, US vs HK, ChiNext vs "
                      f"SSE).", note=True))


def capital_flows(a: Analysis) -> tuple[Block, ...]:
    return (Tree(a.flows), Paragraph("Drawn only from the figures above; a branch without data "
                                     "says so.", note=True))


def risk_matrix(a: Analysis) -> tuple[Block, ...]:
    if not a.risks:
        return (Paragraph("no risk condition triggered on today's figures.", lead="Clear:"),)
    table = Table(("#", "Risk", "Impact", "Likelihood"), tuple(
        (str(i), r.title, r.impact, r.likelihood) for i, r in enumerate(a.risks, 1)), "llll")
    items = tuple(Paragraph(f"{r.evidence}. Trigger to watch: {r.trigger}.",
                            lead=f"{i}. {r.title}:") for i, r in enumerate(a.risks, 1))
    return (table, Bullets(items), Paragraph(
        "Likelihood is qualitative: how far past its threshold each condition is (at least 2x: "
        "high; at least 1.25x: medium; else low). No probability is computed. Ranked by impact "
        "weight times that intensity.", note=True))


def action_plan(a: Analysis) -> tuple[Block, ...]:
    blocks: list[Block] = []
    for tier in ("conservative", "moderate", "aggressive"):
        ideas = [i for i in a.ideas if i.tier == tier]
        blocks.append(Heading(tier.capitalize()))
        if ideas:
            blocks.append(Bullets(tuple(Paragraph(f"{i.text}. Evidence: {i.evidence}.")
                                        for i in ideas)))
        else:
            blocks.append(Paragraph("no idea triggered by today's figures.", note=True))
    blocks.append(Paragraph(DISCLAIMER, note=True))
    return tuple(blocks)


BUILDERS = {
    "risk_sentiment": risk_sentiment, "crypto_defi": crypto_defi, "us": us, "hk": hk,
    "a_shares": a_shares, "divergences": divergences, "capital_flows": capital_flows,
    "risk_matrix": risk_matrix, "action_plan": action_plan,
}
