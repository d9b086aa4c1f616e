"""One function per report section: analysis values → typed blocks. Formatting via ``format``."""

from __future__ import annotations

import re

from services import format as fmt
from services.analysis import rules, sessions
from services.analysis.moves import short_name, table_name
from services.analysis.plan import DISCLAIMER
from services.analysis.trading_days import counted, listed_dates
from services.models.analysis import (
    Analysis,
    BaseRate,
    ChainLink,
    CryptoLink,
    EquityMarket,
    Idea,
    LinkState,
    MacroReading,
    Move,
    Mover,
    Risk,
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
    rank_words,
    sigma_words,
)
from services.report.said import Said, move_key


def absent(why: str) -> str:
    """The one wording for something missing, with why: ``n/a (not in this snapshot)``."""
    return f"{fmt.MISSING} ({why})"


NO_QUOTE = absent("no quote for this market in this snapshot")
TOP_PROTOCOLS = 8
TOP_DEXES = 6


def _missing(items: list[str] | tuple[str, ...]) -> tuple[Block, ...]:
    return (Paragraph(", ".join(items), lead="Missing:", note=True),) if items else ()


def closed_label(move: Move, a: Analysis | None) -> str:
    """An older session's label, with what the calendar says about today: a market that
    reopens today is not closed; one shut for a holiday says until when."""
    day = a.trading_days.get(move.market) if a is not None else None
    last = fmt.day(move.session)
    if day is not None and day.reopens_today:
        return f"trades today - last session {last}"
    if day is not None and day.closed_today and day.next_session is not None:
        return f"closed until {fmt.day(day.next_session)} - last session {last}"
    return f"closed - last session {last}"


def _signal_or_session(move: Move, a: Analysis | None = None) -> str:
    """The signal column: in the move's own σ when its history gives one (``-2.0σ, strong
    risk-off``), else by the fixed thresholds."""
    if move.closed:
        return closed_label(move, a)
    if move.stale:
        return f"stale - {fmt.day(move.session)}"
    e = evidence_of(a, move) if a is not None else None
    if e is not None and e.z is not None:
        return f"{fmt.sigma(e.z)} {rules.z_signal(e.z)}"
    return rules.signal(move.change_pct)


# --- 2. risk sentiment ---------------------------------------------------------------------

LINK_NAME = {"us_hk": "US → HK", "hk_cn": "HK and A-shares"}


def _base_rate_clause(a: Analysis | None, key: str, what: str) -> str:
    rate = a.base_rates.get(key) if a is not None else None
    if rate is None:
        return ""
    return f" {what}: {base_rate_words(rate)}"


def link_line(link: ChainLink, a: Analysis | None = None, said: Said | None = None
              ) -> Paragraph:
    """One link of the chain in full: both sessions, the state and what followed such days.
    A reading the section already printed twice is named, not reprinted."""
    said = said or Said()
    name = LINK_NAME.get(link.key, link.key)
    lead, follow = link.leader, link.follower
    if link.state is LinkState.NOT_COMPARABLE:
        return Paragraph(f"not comparable: {link.note}.", lead=f"{name}:")
    assert lead is not None and follow is not None
    if link.timing is Timing.SAME_HOURS:
        text = (f"{link.state.value} (same hours, neither leads). "
                f"{said.move(lead, link.leader_z)}, {said.move(follow, link.follower_z)}")
    else:
        text = (f"{link.state.value}. {said.move(lead, link.leader_z, True)}, then "
                f"{said.move(follow, link.follower_z, True)}")
        if link.ratio is not None and link.state in (LinkState.FOLLOWED, LinkState.AMPLIFIED):
            text += f" (move ratio {fmt.ratio(link.ratio)})"
        elif link.spread_pp is not None and link.state is LinkState.BROKEN:
            text += f" (a {fmt.gap(link.spread_pp)} gap)"
        if link.timing is Timing.NEXT_SESSION:
            text += ": the US session closed before HK opened"
    text += "." + _base_rate_clause(a, f"chain.{link.key}.{link.state.value}",
                                    "Before, on such days")
    return Paragraph(text.rstrip(".") + ".", lead=f"{name}:")


def setup_line(a: Analysis, with_rank: bool = True, said: Said | None = None
               ) -> Paragraph | None:
    """Today's US session sets up Asia's next session, with what followed such sessions (its
    move is in the table above it)."""
    setup = a.sentiment.setup
    if setup is None or not setup.followers:
        return None
    said = said or Said()
    later = [m for m in setup.followers if _led_by_a_later_us_session(a, m)]
    followers = [m for m in setup.followers if m not in later]
    sigma = sigma_words(evidence_of(a, setup.us), with_rank) \
        if said.again(move_key(setup.us)) else None
    names = {"HK": "Hong Kong's", "CN": "the A-shares'"}
    subjects = {"HK": "Hong Kong's", "CN": "The A-shares'"}
    text = f"the S&P 500's {fmt.day(setup.us.session)} session{f' ({sigma})' if sigma else ''}"
    text += (f" sets up {' and '.join(names[m] for m in followers)} next session."
             if followers else " leads no Asian session directly.")
    us_next = a.trading_days["US"].next_session if later else None
    for market in later:
        day = a.trading_days[market]
        text += (f" {subjects[market]} next session "
                 f"({day.next_session.strftime('%A') if day.next_session else ''} "
                 f"{fmt.day(day.next_session)}) comes after the US session of "
                 f"{fmt.day(us_next)} too.")
    if setup.base_rate_key and setup.base_rate_key in a.base_rates:
        rate = a.base_rates[setup.base_rate_key]
        text += f" After US sessions like it ({rate.label.split('session ')[-1]}): "
        text += base_rate_words(rate)
        cn = a.base_rates.get(setup.base_rate_key + ".cn")
        if cn is not None and "CN" in setup.followers and cn.shown:
            text += f"; {base_rate_words(cn)}"
        text += "."
    return Paragraph(text, lead="US → Asia next:")


def _led_by_a_later_us_session(a: Analysis, market: str) -> bool:
    """Whether ``market``'s next session opens after the next US session closes (a holiday in
    Asia): then today's US session is not the one that leads it."""
    us, asia = a.trading_days.get("US"), a.trading_days.get(market)
    if us is None or asia is None or us.next_session is None or asia.next_session is None:
        return False
    return (sessions.session_close("US", us.next_session)
            <= sessions.session_open(market, asia.next_session))


def comovement_line(a: Analysis) -> Paragraph | None:
    if not a.comovement:
        return None
    parts = [f"{COMOVE_NAMES[key]} {comovement_words(c)}" for key, c in a.comovement.items()]
    return Paragraph("; ".join(parts) + ".", lead="60-session co-movement:")


def split_line(split: Split | None, label: str, said: Said | None = None) -> Paragraph | None:
    if split is None:
        return None
    said = said or Said()
    shape = "split" if split.opposite else "same direction"
    a, b = said.move(split.a), said.move(split.b)
    named = a == f"{short_name(split.a)} (above)" and b == f"{short_name(split.b)} (above)" \
        and label.startswith(short_name(split.a))
    pair = "" if named else f"{a} vs {b}: "  # the lead names them and their moves were said
    return Paragraph(f"{pair}{shape}, {fmt.pp(split.spread_pp)}.", lead=label)


def crypto_link_line(links: tuple[CryptoLink, ...], said: Said | None = None) -> Paragraph:
    """BTC against each equity session, grouped by the window BTC's move covers; an equity
    move the section already printed twice is named, not reprinted."""
    said = said or Said()
    if not links:
        return Paragraph("not comparable: BTC or every equity headline is missing or closed.",
                         lead="Crypto vs equities:")
    by_window: dict[tuple[str, float | None], list[CryptoLink]] = {}
    for link in links:
        by_window.setdefault((link.window, link.btc.change_pct), []).append(link)
    groups = []
    for (window, change), group in by_window.items():
        parts = [f"{link.state.value} against {said.move(link.equity)}, "
                 f"{fmt.pp(link.spread_pp)} apart" for link in group]
        groups.append(f"BTC {fmt.pct(change)} ({window}): " + "; ".join(parts))
    return Paragraph(". ".join(groups) + ".", lead="Crypto vs equities:")


def link_brief(link: ChainLink, said: Said) -> Paragraph:
    """The link as a market section states it: the state and both moves, once; what followed
    such days is in the chain (section 2)."""
    name = LINK_NAME.get(link.key, link.key)
    if link.state is LinkState.NOT_COMPARABLE or link.leader is None or link.follower is None:
        return Paragraph(f"not comparable: {link.note}.", lead=f"{name}:")
    timed = link.timing is not Timing.SAME_HOURS
    order = "after" if timed else "with"
    return Paragraph(f"{said.move(link.follower, link.follower_z, timed)} {order} "
                     f"{said.move(link.leader, link.leader_z, timed)}: {link.state.value}; "
                     f"the chain has what followed such days.", lead=f"{name}:")


_FIGURE_AFTER_NAME = re.compile(r" [+-]?\d[\d,]*(?:\.\d+)?(?:σ|%| pp)")


def named_only(text: str) -> str:
    """A reason that lists markets with their figures, named only (the table above has each
    figure): ``down: US S&P 500 -2.0σ, CN SSE -1.6σ`` → ``down: US S&P 500, CN SSE``."""
    return _FIGURE_AFTER_NAME.sub("", text)


def risk_sentiment(a: Analysis) -> tuple[Block, ...]:
    s = a.sentiment
    said = Said()
    rows = []
    for row in s.rows:
        m = row.move
        close = fmt.price_usd(m.close) if m and row.market == "CRYPTO" else \
            fmt.level(m.close if m else None)
        e = evidence_of(a, m)
        signal = f"{fmt.sigma(e.z)} {row.signal}" if e is not None and e.z is not None \
            and not (m and (m.closed or m.stale)) else row.signal
        if m is not None and m.closed:
            signal = closed_label(m, a)
        rows.append((row.label, close, fmt.pct(m.change_pct if m else None), signal))
        if m is not None:
            said.shown(move_key(m))
    rows += [(*macro_figures(r), "") for r in a.macro
             if any(m.close is not None for m in a.macro)]  # no rows of n/a alone
    chain: list[Paragraph] = [link_line(link, a, said) for link in s.links]
    setup = setup_line(a, said=said)
    if setup:
        chain.append(setup)
    cn_split = split_line(s.cn_split, "Inside A-shares:", said)
    if cn_split:
        chain.append(cn_split)
    chain.append(crypto_link_line(s.crypto_links, said))
    comove = comovement_line(a)
    if comove:
        chain.append(comove)
    blocks: list[Block] = [
        Table(("Market", "Close", "Change", "Signal"), tuple(rows), "lrrl"),
        *macro_history_note(a),
        Heading("Transmission chain"), Bullets(tuple(chain)),
        Paragraph(f"{s.verdict.value} - {named_only(s.verdict_reason)}.", lead="Verdict:"),
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
    """The macro figures of the US section: close, day change and where each came from (one
    line when every one is missing)."""
    if not a.macro:
        return ()
    if all(r.close is None for r in a.macro):
        return (Paragraph(absent("no macro quote in this snapshot and no history to read them "
                                 "from"), lead="Macro:"),)
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
    cap = fmt.with_change(fmt.usd(c.total_market_cap_usd), fmt.pct(c.market_cap_change_pct))
    price.append(Paragraph(f"{cap}, 24 h volume {fmt.usd(c.total_volume_usd)}",
                           lead="Total market cap:"))
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
            blocks.append(Paragraph(absent(f"{', '.join(s.missing)} without a supply or a "
                                           f"change"), lead="Net change:"))
    else:
        blocks.append(Paragraph(absent("not in this snapshot"), note=True))

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
        blocks.append(Paragraph(absent("not in this snapshot"), note=True))

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
        blocks.append(Paragraph(absent("not in this snapshot"), note=True))

    if c.anomalies:
        blocks.append(Heading("Anomalies (not read as signals)"))
        blocks.append(Bullets(tuple(
            Paragraph(f"{fmt.pct(m.change_pct, 1)} - {m.anomaly_reason}", lead=f"{m.name}:")
            for m in c.anomalies)))
    return tuple(blocks)


# --- 4-6. equity markets -------------------------------------------------------------------

def index_table(market: EquityMarket, a: Analysis | None = None, said: Said | None = None
                ) -> Table | Paragraph:
    """The market's indices, or one line saying there is none (never an empty table)."""
    shown = [m for m in market.moves if m.kind in (None, "index")]
    if not shown:
        return Paragraph(NO_QUOTE, lead="Indices:")
    for m in shown:
        if said is not None:
            said.shown(move_key(m))
    return Table(("Index", "Close", "Change", "Signal"), tuple(
        (table_name(m), fmt.level(m.close), fmt.pct(m.change_pct), _signal_or_session(m, a))
        for m in shown), "lrrl")


def checked_notes(a: Analysis, market: EquityMarket, said: Said | None = None
                  ) -> tuple[Block, ...]:
    """What the cross-check found about this market's quotes: both readings, both sources
    (each reading it shows counts as said)."""
    ids = {m.id for m in market.moves}
    if said is not None:
        for m in market.moves:
            if any(check.id == m.id for check in a.checks):
                said.shown(move_key(m))
    lines = [line for check, line in zip(a.checks, a.history_notes, strict=False)
             if check.id in ids]
    if not lines:
        return ()
    return (Heading("Checked against history"),
            Bullets(tuple(Paragraph(line + ".") for line in lines)))


def dispersion(market: EquityMarket, said: Said | None = None) -> tuple[Block, ...]:
    lines = [p for s in market.splits if (p := split_line(s, f"{short_name(s.a)} - "
                                                            f"{short_name(s.b)}:", said))]
    return (Heading("Dispersion"), Bullets(tuple(lines))) if lines else ()


def levels_block(a: Analysis, market: EquityMarket, said: Said | None = None
                 ) -> tuple[Block, ...]:
    """Each index against its own year: today's rank, the 52-week high and low, the 50- and
    200-session averages and the streak (from the history; nothing without it)."""
    lines = []
    for m in market.moves:
        lv = a.levels.get(m.id)
        if lv is None or m.kind not in (None, "index") or m.closed or m.stale:
            continue
        e = evidence_of(a, m)
        words = sigma_words(e) if said is None or said.again(move_key(m)) else (
            rank_words(e) if e is not None else None)
        today = f"{words}; " if words else ""
        lines.append(Paragraph(f"{today}{level_words(lv)}.", lead=f"{short_name(m)}:"))
    return (Heading("Levels and trend"), Bullets(tuple(lines))) if lines else ()


def session_note(market: EquityMarket, a: Analysis | None = None) -> tuple[Block, ...]:
    h = market.headline
    if h is None:
        return ()
    day = a.trading_days.get(market.market) if a is not None else None
    if market.closed:
        older = "its moves are from that session and are not compared with today's lead"
        if day is not None and day.reopens_today:
            return (Paragraph(f"last {fmt.day(h.session)}; it trades again today "
                              f"({fmt.day(day.today)}) after a holiday, so it is not closed, "
                              f"but {older}.", lead="Session:"),)
        if day is not None and day.closed_today and day.next_session is not None:
            absorbs = (f" Its next session follows {counted(len(day.absorbs))}: "
                       f"{listed_dates(day.absorbs)}." if day.absorbs else "")
            return (Paragraph(f"closed for a holiday until {day.next_session.strftime('%A')} "
                              f"{fmt.day(day.next_session)} - last session "
                              f"{fmt.day(h.session)}; {older}.{absorbs}", lead="Session:"),)
        return (Paragraph(f"closed - last session {fmt.day(h.session)}; {older}.",
                          lead="Session:"),)
    return (Paragraph(fmt.day(h.session), lead="Session:"),)


def us(a: Analysis) -> tuple[Block, ...]:
    m = a.us
    said = Said()
    blocks: list[Block] = [index_table(m, a, said), *checked_notes(a, m, said), *session_note(m, a),
                           *dispersion(m, said)]
    r = m.sectors
    if r is not None:
        blocks += [Heading("Sector rotation"), Paragraph(
            f"defensive ({', '.join(x.id for x in r.defensive)}) {fmt.pct(r.defensive_avg_pct)} "
            f"vs growth ({', '.join(x.id for x in r.growth)}) {fmt.pct(r.growth_avg_pct)}: "
            f"{fmt.pp(r.spread_pp)}, {r.leader} leading.", lead="Defensive vs growth:")]
    else:
        blocks.append(Paragraph(absent("no sector ETF moves in this snapshot, so no "
                                       "defensive-vs-growth reading"), lead="Sectors:",
                                note=True))
    blocks += macro_block(a)
    blocks += levels_block(a, m, said)
    setup = setup_line(a, with_rank=False, said=said)  # the rank is in the levels above
    if setup is not None:
        blocks += [Heading("The lead for Asia"), Bullets((setup,))]
    return tuple(blocks) + _missing(m.missing)


def hk(a: Analysis) -> tuple[Block, ...]:
    m = a.hk
    said = Said()
    link = next(link for link in a.sentiment.links if link.key == "us_hk")
    table = index_table(m, a, said)
    before = [*checked_notes(a, m, said), *session_note(m, a), *dispersion(m, said),
              *levels_block(a, m, said)]
    against = [link_brief(link, said)]
    if (co := a.comovement.get("hsi_us")) is not None:
        against.append(Paragraph(comovement_words(co) + ".", lead="HSI on the US lead, 60 "
                                                                "sessions:"))
    blocks: list[Block] = [table, *before, Heading("Against the US"), Bullets(tuple(against))]
    return tuple(blocks) + _missing(m.missing)


def a_shares(a: Analysis) -> tuple[Block, ...]:
    m = a.cn
    said = Said()
    blocks: list[Block] = [index_table(m, a, said), *checked_notes(a, m, said), *session_note(m, a),
                           *dispersion(m, said), Heading("Internals")]
    b = m.breadth
    internals: list[Paragraph] = []
    if b is not None and b.advancers is not None and b.decliners is not None:
        flat = f" / {fmt.count(b.flat)} flat" if b.flat is not None else ""
        text = (f"{fmt.count(b.advancers)} up / {fmt.count(b.decliners)} down{flat}: "
                f"{fmt.pct(b.advance_share_pct, 1, signed=False)} advancing, {b.reading}")
        if b.divergence and b.divergence_with:
            index = next(x for x in m.moves if x.id == b.divergence_with)
            text += (f". Breadth divergence: {said.move(index)} while most stocks moved the "
                     f"other way")
        internals.append(Paragraph(text + ".", lead=BREADTH_LEAD))
    else:
        internals.append(Paragraph(fmt.MISSING, lead=BREADTH_LEAD))
    internals.append(Paragraph(fmt.cny(m.turnover_cny), lead="Turnover:"))
    if m.northbound_net_cny is not None:
        internals.append(Paragraph(fmt.cny(m.northbound_net_cny, signed=True),
                                   lead="Northbound net:"))
    else:
        internals.append(Paragraph(f"{m.northbound_note}.", lead="Northbound net:"))
    link = next(link for link in a.sentiment.links if link.key == "hk_cn")
    together = [link_brief(link, said)]
    if (co := a.comovement.get("chinext_sse")) is not None:
        together.append(Paragraph(comovement_words(co) + ".", lead="ChiNext on SSE, 60 sessions:"))
    blocks += [Bullets(tuple(internals)), *levels_block(a, m, said), Heading("With Hong Kong"),
               Bullets(tuple(together))]
    return tuple(blocks) + _missing(m.missing)


# --- 7-10. cross-market --------------------------------------------------------------------

def divergences(a: Analysis) -> tuple[Block, ...]:
    if not a.divergences:
        return (Paragraph(absent("no pair of markets has both moves in this snapshot"),
                          note=True),)
    scaled = any(d.spread_z is not None for d in a.divergences)
    table = Table(("#", "Pair", "Spread", *(("σ gap",) if scaled else ())), tuple(
        (str(i), f"{d.a_label} vs {d.b_label}", fmt.pp(d.spread_pp),
         *((fmt.sigma(d.spread_z) if d.spread_z is not None else fmt.MISSING,) if scaled else ()))
        for i, d in enumerate(a.divergences, 1)), "lllr" if scaled else "lll")
    said = Said()
    items = []
    for i, d in enumerate(a.divergences, 1):
        usd_gap = f"; {fmt.usd(d.spread_usd)} apart in USD" if d.spread_usd is not None else ""
        a_move = said.figure((d.a_label, d.a_pct), fmt.pct(d.a_pct), f"{d.a_label} as above")
        b_move = said.figure((d.b_label, d.b_pct), fmt.pct(d.b_pct), f"{d.b_label} as above")
        items.append(Paragraph(  # the spread and its σ gap are in the table
            f"{a_move} vs {b_move}{usd_gap}. {d.explanation}. → {d.implication}.",
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


def severity_text(r: Risk) -> str:
    """What the severity rests on, unless the evidence already prints it: ``3.0x its fixed
    threshold`` without history, the reading's σ with it."""
    if r.scale != "z":
        return f" Severity {r.severity}: {fmt.ratio(r.intensity, 1)}x its fixed threshold."
    size = fmt.sigma(r.sigmas, signed=False)
    return "" if size in r.evidence else f" Severity {r.severity}: a {size} reading."


def base_rate_cell(rate: BaseRate | None) -> str:
    if rate is None:
        return fmt.MISSING
    if not rate.shown:
        return f"too few cases ({rate.n})"
    return f"{fmt.pct(rate.up_share_pct, 0, signed=False)} up (n={rate.n})"


def base_rate_text(rate: BaseRate | None) -> str:
    if rate is None or rate.n == 0:
        return ""
    return f" Base rate: after such days, {base_rate_words(rate)}."


def risk_matrix(a: Analysis) -> tuple[Block, ...]:
    if not a.risks:
        return (Paragraph("no risk condition triggered on today's figures.", lead="Clear:"),)
    rates = {r.key: a.base_rates.get(f"risk.{r.key}") for r in a.risks}
    with_rates = any(rate is not None for rate in rates.values())
    table = Table(("#", "Risk", "Impact", "Severity", *(("Base rate",) if with_rates else ())),
                  tuple((str(i), r.title, r.impact, r.severity,
                         *((base_rate_cell(rates[r.key]),) if with_rates else ()))
                        for i, r in enumerate(a.risks, 1)), "llll" + ("l" if with_rates else ""))
    items = tuple(Paragraph(f"{r.evidence}.{severity_text(r)} Trigger to watch: {r.trigger}."
                            + (base_rate_text(rates[r.key]) if rates[r.key] is not None else
                               f" Base rate: {absent('the history has no such days')}."
                               if with_rates else ""), lead=f"{i}. {r.title}:")
                  for i, r in enumerate(a.risks, 1))
    note = ("Severity grows with the reading's size in its own standard deviations (σ, over "
            "60 sessions; medium from 2σ, high from 3σ); a reading without history is measured "
            "against its fixed threshold instead (x threshold; at the threshold it is medium). "
            "Ranked by impact, then by that size.")
    if with_rates:
        note += (" Base rate: how often the next session rose after the same condition in the "
                 "history, shown from 20 cases; it is a count of past days, not a probability.")
    return (table, Bullets(items), Paragraph(note, note=True))


TIERS = ("conservative", "moderate", "aggressive")


def idea_line(i: Idea) -> Paragraph:
    level = (f" Level: {i.level.label}'s {i.level.name}, {fmt.level(i.level.value)}."
             if i.level is not None else "")
    return Paragraph(f"{i.text}. Instrument: {i.instrument}.{level} Horizon: {i.horizon}. "
                     f"Evidence: {i.evidence}.")


def action_plan(a: Analysis) -> tuple[Block, ...]:
    blocks: list[Block] = []
    empty = []
    for tier in TIERS:
        ideas = [i for i in a.ideas if i.tier == tier]
        if ideas:
            blocks += [Heading(tier.capitalize()), Bullets(tuple(idea_line(i) for i in ideas))]
        else:
            empty.append(tier)
    if len(empty) == len(TIERS):
        blocks.append(Paragraph("no idea: none of the plan's conditions held today.", note=True))
    elif empty:
        blocks.append(Paragraph(f"No {' or '.join(empty)} idea today: none of their "
                                f"conditions held.", note=True))
    if a.ideas and all(i.level is None for i in a.ideas):
        blocks.append(Paragraph("No level is named: levels come from the history, and this "
                                "edition has none for these instruments.", note=True))
    blocks.append(Paragraph(DISCLAIMER, note=True))
    return tuple(blocks)


BUILDERS = {
    "risk_sentiment": risk_sentiment, "crypto_defi": crypto_defi, "us": us, "hk": hk,
    "a_shares": a_shares, "divergences": divergences, "capital_flows": capital_flows,
    "risk_matrix": risk_matrix, "action_plan": action_plan,
}
