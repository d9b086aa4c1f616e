"""One function per report section: analysis values → typed blocks, in the report's language.

Every sentence is a gettext message (``tr``), its figures written by ``services.format`` for
the language (the same digits in every language), its names the language's own
(``services.i18n.text.Name``), and the analysis' sentences shown translated (``localise``).
Table headers and headings are written in English and translated after the blocks are built
(``services.report.labels``).
"""

from __future__ import annotations

import re

from services import format as fmt
from services.analysis import rules, sessions
from services.analysis.moves import short_name, table_name
from services.analysis.plan import DISCLAIMER
from services.analysis.trading_days import counted, listed_dates, weekday
from services.i18n import N_, Translator, translator, vocabulary
from services.i18n.names import quote_name
from services.i18n.text import Name, localise
from services.models.analysis import (
    Analysis,
    BaseRate,
    ChainLink,
    CryptoLink,
    EquityMarket,
    FlowNode,
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

TOP_PROTOCOLS = 8
TOP_DEXES = 6
EN = translator("en")


def _f(tr: Translator) -> fmt.Figures:
    return fmt.figures(tr.language)


def _l(value: object, tr: Translator) -> str:
    """An analysis sentence, name or word in ``tr``'s language."""
    if isinstance(value, str) and not hasattr(value, "say"):
        return vocabulary.word(value, tr)
    return localise(value, tr)


def name_of(move: Move, tr: Translator) -> str:
    """``S&P 500`` (``标普500``)."""
    return Name(move.id, short_name(move)).write(tr.language)


def index_name(move: Move, tr: Translator) -> str:
    """A table's index name: the language's own (``上证指数``), else ``上证指数 SSE``."""
    return quote_name(move.id, tr.language) or table_name(move)


def absent(why: str, tr: Translator = EN) -> str:
    """The one wording for something missing, with why: ``n/a (not in this snapshot)``."""
    return tr.gettext("{missing} ({why})", missing=fmt.missing(tr.language), why=why)


def _missing(items: list[str] | tuple[str, ...], tr: Translator) -> tuple[Block, ...]:
    """The quotes a market section lacks, by id (``HSCEI``) or the language's name."""
    names = [quote_name(i, tr.language) or i for i in items]
    return (Paragraph(tr.join(names), lead=tr.gettext("Missing:"), note=True),) if items else ()


def closed_label(move: Move, a: Analysis | None, tr: Translator = EN) -> str:
    """An older session's label, with what the calendar says about today: a market that
    reopens today is not closed; one shut for a holiday says until when."""
    day = a.trading_days.get(move.market) if a is not None else None
    last = _f(tr).day(move.session)
    if day is not None and day.reopens_today:
        return tr.gettext("trades today - last session {day}", day=last)
    if day is not None and day.closed_today and day.next_session is not None:
        return tr.gettext("closed until {until} - last session {day}",
                          until=_f(tr).day(day.next_session), day=last)
    return tr.gettext("closed - last session {day}", day=last)


def _signal_or_session(move: Move, a: Analysis | None = None, tr: Translator = EN) -> str:
    """The signal column: in the move's own σ when its history gives one (``-2.0σ, strong
    risk-off``), else by the fixed thresholds."""
    if move.closed:
        return closed_label(move, a, tr)
    if move.stale:
        return tr.gettext("stale - {day}", day=_f(tr).day(move.session))
    e = evidence_of(a, move) if a is not None else None
    if e is not None and e.z is not None:
        return tr.gettext("{sigma} {signal}", sigma=_f(tr).sigma(e.z),
                          signal=_l(rules.z_signal(e.z), tr))
    return _l(rules.signal(move.change_pct), tr)


# --- 2. risk sentiment ---------------------------------------------------------------------

LINK_NAME = {"us_hk": N_("US → HK"), "hk_cn": N_("HK and A-shares")}


def _link_name(link: ChainLink, tr: Translator) -> str:
    return tr.gettext(LINK_NAME[link.key]) if link.key in LINK_NAME else link.key


def _lead(name: str, tr: Translator) -> str:
    """A bullet's bold lead: ``US → HK:`` (``美股 → 港股：``)."""
    return tr.gettext("{name}:", name=name)


def _sentence(text: str, tr: Translator) -> str:
    """``text`` ended as a sentence (``.``, ``。``)."""
    return tr.gettext("{sentence}.", sentence=text)


def _then(first: str, second: str, tr: Translator) -> str:
    """Two sentences, one after the other (a space between them in English)."""
    if not first or not second:
        return first or second
    return tr.gettext("{first} {second}", first=first, second=second)


def _base_rate_clause(a: Analysis | None, key: str, tr: Translator) -> str:
    rate = a.base_rates.get(key) if a is not None else None
    if rate is None:
        return ""
    return tr.gettext("Before, on such days: {rate}.", rate=_l(base_rate_words(rate), tr))


def link_line(link: ChainLink, a: Analysis | None = None, said: Said | None = None,
              tr: Translator = EN) -> Paragraph:
    """One link of the chain in full: both sessions, the state and what followed such days.
    A reading the section already printed twice is named, not reprinted."""
    said = said or Said(tr=tr)
    f = _f(tr)
    name = _link_name(link, tr)
    lead, follow = link.leader, link.follower
    if link.state is LinkState.NOT_COMPARABLE:
        return Paragraph(tr.gettext("not comparable: {why}.", why=_l(link.note, tr)),
                         lead=_lead(name, tr))
    assert lead is not None and follow is not None
    state = _l(link.state.value, tr)
    if link.timing is Timing.SAME_HOURS:
        text = tr.gettext("{state} (same hours, neither leads). {a}, {b}", state=state,
                          a=said.move(lead, link.leader_z), b=said.move(follow, link.follower_z))
    else:
        text = tr.gettext("{state}. {a}, then {b}", state=state,
                          a=said.move(lead, link.leader_z, True),
                          b=said.move(follow, link.follower_z, True))
        if link.ratio is not None and link.state in (LinkState.FOLLOWED, LinkState.AMPLIFIED):
            text = tr.gettext("{text} (move ratio {ratio})", text=text, ratio=f.ratio(link.ratio))
        elif link.spread_pp is not None and link.state is LinkState.BROKEN:
            text = tr.gettext("{text} (a {gap} gap)", text=text, gap=f.gap(link.spread_pp))
        if link.timing is Timing.NEXT_SESSION:
            text = tr.gettext("{text}: the US session closed before HK opened", text=text)
    rate = _base_rate_clause(a, f"chain.{link.key}.{link.state.value}", tr)
    return Paragraph(_then(_sentence(text, tr), rate, tr), lead=_lead(name, tr))


# What a US session's band is called (``base_rates.US_BANDS``).
BANDS = {"strong_down": N_("strong down"), "down": N_("down"), "quiet": N_("quiet"),
         "up": N_("up"), "strong_up": N_("strong up")}
# Asia's markets as owners of the next session, and as the subject of a sentence.
NEXT_OF = {"HK": N_("Hong Kong's"), "CN": N_("the A-shares'")}
NEXT_SUBJECT = {"HK": N_("Hong Kong's"), "CN": N_("The A-shares'")}


def setup_line(a: Analysis, with_rank: bool = True, said: Said | None = None,
               tr: Translator = EN) -> Paragraph | None:
    """Today's US session sets up Asia's next session, with what followed such sessions (its
    move is in the table above it)."""
    setup = a.sentiment.setup
    if setup is None or not setup.followers:
        return None
    said = said or Said(tr=tr)
    f = _f(tr)
    later = [m for m in setup.followers if _led_by_a_later_us_session(a, m)]
    followers = [m for m in setup.followers if m not in later]
    sigma = sigma_words(evidence_of(a, setup.us), with_rank) \
        if said.again(move_key(setup.us)) else None
    head = (tr.gettext("the S&P 500's {day} session ({sigma})", day=f.day(setup.us.session),
                       sigma=_l(sigma, tr)) if sigma else
            tr.gettext("the S&P 500's {day} session", day=f.day(setup.us.session)))
    if followers:
        markets = tr.gettext(NEXT_OF[followers[0]])
        for m in followers[1:]:
            markets = tr.gettext("{a} and {b}", a=markets, b=tr.gettext(NEXT_OF[m]))
        text = tr.gettext("{head} sets up {markets} next session.", head=head, markets=markets)
    else:
        text = tr.gettext("{head} leads no Asian session directly.", head=head)
    us_next = a.trading_days["US"].next_session if later else None
    for market in later:
        day = a.trading_days[market]
        text = _then(text, tr.gettext(
            "{market} next session ({weekday} {date}) comes after the US session of {us_day} "
            "too.", market=tr.gettext(NEXT_SUBJECT[market]),
            weekday=weekday(day.next_session, tr) if day.next_session else "",
            date=f.day(day.next_session), us_day=f.day(us_next)), tr)
    if setup.base_rate_key and setup.base_rate_key in a.base_rates:
        rate = a.base_rates[setup.base_rate_key]
        band = setup.base_rate_key.rsplit(".", 1)[-1]
        rates = _l(base_rate_words(rate), tr)
        cn = a.base_rates.get(setup.base_rate_key + ".cn")
        if cn is not None and "CN" in setup.followers and cn.shown:
            rates = tr.pgettext("list of problems", "; ").join([rates,
                                                                _l(base_rate_words(cn), tr)])
        text = _then(text, tr.gettext("After US sessions like it ({band}): {rates}.",
                                      band=tr.gettext(BANDS[band]) if band in BANDS else band,
                                      rates=rates), tr)
    return Paragraph(text, lead=tr.gettext("US → Asia next:"))


def _led_by_a_later_us_session(a: Analysis, market: str) -> bool:
    """Whether ``market``'s next session opens after the next US session closes (a holiday in
    Asia): then today's US session is not the one that leads it."""
    us, asia = a.trading_days.get("US"), a.trading_days.get(market)
    if us is None or asia is None or us.next_session is None or asia.next_session is None:
        return False
    return (sessions.session_close("US", us.next_session)
            <= sessions.session_open(market, asia.next_session))


def comovement_line(a: Analysis, tr: Translator = EN) -> Paragraph | None:
    if not a.comovement:
        return None
    parts = [tr.gettext("{name} {words}", name=_l(COMOVE_NAMES[key], tr),
                        words=_l(comovement_words(c), tr)) for key, c in a.comovement.items()]
    return Paragraph(_sentence(tr.pgettext("list of problems", "; ").join(parts), tr),
                     lead=tr.gettext("60-session co-movement:"))


def split_line(split: Split | None, label: str, said: Said | None = None, tr: Translator = EN,
               names_pair: bool = False) -> Paragraph | None:
    """The two moves of a split and their gap; when the lead names the pair (``names_pair``)
    and both moves were said already, only the shape and the gap."""
    if split is None:
        return None
    said = said or Said(tr=tr)
    shape = tr.gettext("split") if split.opposite else tr.gettext("same direction")
    (a, a_ref), (b, b_ref) = said.move_said(split.a), said.move_said(split.b)
    pair = "" if names_pair and a_ref and b_ref else tr.gettext("{a} vs {b}: ", a=a, b=b)
    return Paragraph(tr.gettext("{pair}{shape}, {spread}.", pair=pair, shape=shape,
                                spread=_f(tr).pp(split.spread_pp)), lead=label)


def crypto_link_line(links: tuple[CryptoLink, ...], said: Said | None = None,
                     tr: Translator = EN) -> Paragraph:
    """BTC against each equity session, grouped by the window BTC's move covers; an equity
    move the section already printed twice is named, not reprinted."""
    said = said or Said(tr=tr)
    lead = tr.gettext("Crypto vs equities:")
    if not links:
        return Paragraph(tr.gettext("not comparable: BTC or every equity headline is missing or "
                                    "closed."), lead=lead)
    f = _f(tr)
    by_window: dict[tuple[str, float | None], list[CryptoLink]] = {}
    for link in links:
        by_window.setdefault((link.window, link.btc.change_pct), []).append(link)
    groups = []
    for (window, change), group in by_window.items():
        parts = [tr.gettext("{state} against {equity}, {spread} apart",
                            state=_l(link.state.value, tr), equity=said.move(link.equity),
                            spread=f.pp(link.spread_pp)) for link in group]
        groups.append(tr.gettext("BTC {change} ({window}): {links}", change=f.pct(change),
                                 window=_l(window, tr), links=tr.pgettext(
                                     "list of problems", "; ").join(parts)))
    return Paragraph(_sentence(tr.pgettext("between sentences", ". ").join(groups), tr),
                     lead=lead)


def link_brief(link: ChainLink, said: Said, tr: Translator = EN) -> Paragraph:
    """The link as a market section states it: the state and both moves, once; what followed
    such days is in the chain (section 2)."""
    name = _link_name(link, tr)
    if link.state is LinkState.NOT_COMPARABLE or link.leader is None or link.follower is None:
        return Paragraph(tr.gettext("not comparable: {why}.", why=_l(link.note, tr)),
                         lead=_lead(name, tr))
    timed = link.timing is not Timing.SAME_HOURS
    follower = said.move(link.follower, link.follower_z, timed)
    leader = said.move(link.leader, link.leader_z, timed)
    state = _l(link.state.value, tr)
    text = (tr.gettext("{follower} after {leader}: {state}; the chain has what followed such "
                       "days.", follower=follower, leader=leader, state=state) if timed else
            tr.gettext("{follower} with {leader}: {state}; the chain has what followed such "
                       "days.", follower=follower, leader=leader, state=state))
    return Paragraph(text, lead=_lead(name, tr))


_FIGURE_AFTER_NAME = re.compile(r" [+-]?\d[\d,]*(?:\.\d+)?(?:σ|%| pp|个百分点)")


def named_only(text: str) -> str:
    """A reason that lists markets with their figures, named only (the table above has each
    figure): ``down: US S&P 500 -2.0σ, CN SSE -1.6σ`` → ``down: US S&P 500, CN SSE``."""
    return _FIGURE_AFTER_NAME.sub("", text)


def risk_sentiment(a: Analysis, tr: Translator = EN) -> tuple[Block, ...]:
    s = a.sentiment
    f = _f(tr)
    said = Said(tr=tr)
    rows = []
    for row in s.rows:
        m = row.move
        close = f.price_usd(m.close) if m and row.market == "CRYPTO" else \
            f.level(m.close if m else None)
        e = evidence_of(a, m)
        signal = tr.gettext("{sigma} {signal}", sigma=f.sigma(e.z), signal=_l(row.signal, tr)) \
            if e is not None and e.z is not None and not (m and (m.closed or m.stale)) \
            else _l(row.signal, tr)
        if m is not None and m.closed:
            signal = closed_label(m, a, tr)
        rows.append((_l(row.label, tr), close, f.pct(m.change_pct if m else None), signal))
        if m is not None:
            said.shown(move_key(m))
    rows += [(*macro_figures(r, tr), "") for r in a.macro
             if any(m.close is not None for m in a.macro)]  # no rows of n/a alone
    chain: list[Paragraph] = [link_line(link, a, said, tr) for link in s.links]
    setup = setup_line(a, said=said, tr=tr)
    if setup:
        chain.append(setup)
    cn_split = split_line(s.cn_split, tr.gettext("Inside A-shares:"), said, tr)
    if cn_split:
        chain.append(cn_split)
    chain.append(crypto_link_line(s.crypto_links, said, tr))
    comove = comovement_line(a, tr)
    if comove:
        chain.append(comove)
    note = tr.gettext("{crypto}; equity changes are session over session.",
                      crypto=crypto_window_note(a, tr))
    if a.evidence:
        note = _then(note, tr.gettext(SCALE_NOTE), tr)
    if a.scale_note:
        note = _then(note, _l(a.scale_note, tr), tr)
    blocks: list[Block] = [
        Table(("Market", "Close", "Change", "Signal"), tuple(rows), "lrrl"),
        *macro_history_note(a, tr),
        Heading("Transmission chain"), Bullets(tuple(chain)),
        Paragraph(tr.gettext("{verdict} - {reason}.", verdict=_l(s.verdict.value, tr),
                             reason=named_only(_l(s.verdict_reason, tr))),
                  lead=tr.gettext("Verdict:")),
        Paragraph(note, note=True),
    ]
    return tuple(blocks)


SCALE_NOTE = N_("σ is a move over its instrument's volatility of daily returns in the 60 "
                "sessions before it (strong at 2σ, quiet under 0.5σ); ranks are among the last "
                "year's sessions; a beta is cov/var over 60 matched sessions, never one day's "
                "ratio.")
# The source of a figure taken from the history's closes because the snapshot has none.
FROM_HISTORY = vocabulary.HISTORY_SOURCE


def macro_history_note(a: Analysis, tr: Translator = EN) -> tuple[Block, ...]:
    """Under the risk table: which macro figures are the history's closes (no live quote)."""
    taken = [r for r in a.macro if r.from_history and r.close is not None]
    if not taken:
        return ()
    names = tr.join([tr.gettext(r.label) for r in taken])
    return (Paragraph(tr.gettext("{names}: closes of {day} (source: history).", names=names,
                                 day=_f(tr).day(taken[0].session)), note=True),)


def macro_figures(r: MacroReading, tr: Translator = EN) -> tuple[str, str, str]:
    """Label, close and day change of one macro figure: a yield in percent and its move in
    bp, an exchange rate to four decimals, the rest as levels (the label is translated with
    the table's words, ``labels.CELLS``)."""
    f = _f(tr)
    if r.id == "TNX":
        close = f.pct(r.close, signed=False)
        change = f.bp(r.change_bp)
    else:
        close = f.ratio(r.close, 4) if r.kind == "fx" and r.id != "DXY" else f.level(r.close)
        change = f.pct(r.change_pct)
    return r.label, close, change


def macro_block(a: Analysis, tr: Translator = EN) -> tuple[Block, ...]:
    """The macro figures of the US section: close, day change and where each came from (one
    line when every one is missing)."""
    if not a.macro:
        return ()
    if all(r.close is None for r in a.macro):
        return (Paragraph(absent(tr.gettext("no macro quote in this snapshot and no history to "
                                            "read them from"), tr), lead=tr.gettext("Macro:")),)
    missing = fmt.missing(tr.language)
    rows = tuple((*macro_figures(r, tr), vocabulary.source(FROM_HISTORY, tr) if r.from_history
                  else (r.source or missing) if r.close is not None else missing)
                 for r in a.macro)
    return (Heading("Macro"), Table(("Macro", "Close", "Change", "Source"), rows, "lrrl"))


# --- 3. crypto and DeFi --------------------------------------------------------------------

def _mover_row(m: Mover, with_group: bool, with_value: bool = True, tr: Translator = EN
               ) -> tuple[str, ...]:
    f = _f(tr)
    cells = [tr.gettext("{name} (anomaly)", name=m.name) if m.anomaly else m.name]
    if with_group:
        cells.append(m.group or f.missing)
    if with_value:
        cells.append(f.usd(m.value_usd))
    cells.append(f.pct(m.change_pct, 1))
    return tuple(cells)


def breadth_lead(tr: Translator = EN) -> str:
    return tr.gettext("Breadth, {scope}:", scope=tr.gettext(BREADTH_SCOPE))


def crypto_window_note(a: Analysis, tr: Translator = EN) -> str:
    """What the crypto changes measure: rolling 24 h, unless a coin says otherwise."""
    by_window: dict[str, list[str]] = {}
    for coin in (a.crypto.btc, a.crypto.eth, *a.crypto.others):
        if coin is not None and coin.window:
            by_window.setdefault(coin.window, []).append(name_of(coin, tr))
    if not by_window:
        return tr.gettext("Crypto changes are rolling 24 h")
    other = [tr.gettext("{names} {window}", names=tr.join(names), window=_l(window, tr))
             for window, names in by_window.items()]
    return tr.gettext("Crypto changes are rolling 24 h ({coins}: only a daily bar was "
                      "available)", coins=tr.pgettext("list of problems", "; ").join(other))


NOT_DEFI_NOTE = N_("CEX and Chain rows of DefiLlama (exchange reserves, whole chains) are not "
                   "DeFi and are left out.")


def crypto_defi(a: Analysis, tr: Translator = EN) -> tuple[Block, ...]:
    c = a.crypto
    f = _f(tr)
    price: list[Paragraph] = []
    for m in (c.btc, c.eth, *c.others):
        if m is not None:
            price.append(Paragraph(tr.gettext("{price}, {change} ({window})",
                                              price=f.price_usd(m.close),
                                              change=f.pct(m.change_pct),
                                              window=_l(m.window, tr) if m.window
                                              else tr.gettext("24 h")),
                                   lead=_lead(name_of(m, tr), tr)))
    cap, cap_change = f.usd(c.total_market_cap_usd), f.pct(c.market_cap_change_pct)
    if cap_change != f.missing:
        cap = tr.gettext("{value} ({change})", value=cap, change=cap_change)
    price.append(Paragraph(tr.gettext("{cap}, 24 h volume {volume}", cap=cap,
                                      volume=f.usd(c.total_volume_usd)),
                           lead=tr.gettext("Total market cap:")))
    if c.eth_btc_spread_pp is not None:
        price.append(Paragraph(f.pp(c.eth_btc_spread_pp), lead=tr.gettext("ETH minus BTC:")))
    blocks: list[Block] = [Heading("Price action"), Bullets(tuple(price))]

    s = c.stablecoins
    blocks.append(Heading("Stablecoin supply"))
    if s.flows:
        blocks.append(Table(("Coin", "Supply", "1d %", "1d USD"), tuple(
            (x.symbol, f.usd(x.supply_usd, digits=2), f.pct(x.change_pct, 3),
             f.usd(x.change_usd, signed=True)) for x in s.flows)))
        if s.net_change_usd is not None:
            net, reading = f.usd(s.net_change_usd, signed=True), _l(s.reading, tr)
            blocks.append(Paragraph(
                tr.gettext("{net} - {reading} (coins moved in opposite directions). Each coin's "
                           "change is its supply now minus the supply a day earlier implied by "
                           "its 1-day %.", net=net, reading=reading) if s.mixed else
                tr.gettext("{net} - {reading}. Each coin's change is its supply now minus the "
                           "supply a day earlier implied by its 1-day %.", net=net,
                           reading=reading), lead=tr.gettext("Net change:")))
        else:
            blocks.append(Paragraph(absent(tr.gettext("{coins} without a supply or a change",
                                                      coins=tr.join(list(s.missing))), tr),
                                    lead=tr.gettext("Net change:")))
    else:
        blocks.append(Paragraph(absent(tr.gettext("not in this snapshot"), tr), note=True))

    blocks.append(Heading("TVL by category"))
    cats = [cat for cat in c.categories]
    if cats:
        weighted = all(cat.weighted for cat in cats)
        if weighted:
            blocks.append(Table(("Category", "TVL", "1d", "Leader"), tuple(
                (cat.category, f.usd(cat.tvl_usd), f.pct(cat.avg_change_pct, 1),
                 cat.leader or f.missing) for cat in cats), "lrrl"))
        else:
            blocks.append(Table(("Category", "Avg 1d", "Listed", "Leader"), tuple(
                (cat.category, f.pct(cat.avg_change_pct, 1), str(cat.count),
                 cat.leader or f.missing) for cat in cats), "lrrl"))
        top = [m for m in c.protocols[:TOP_PROTOCOLS]]
        with_tvl = any(m.value_usd is not None for m in top)  # else the column is all n/a
        blocks.append(Table(("Protocol", "Category", *(("TVL",) if with_tvl else ()), "1d"),
                            tuple(_mover_row(m, True, with_tvl, tr) for m in top),
                            "llrr" if with_tvl else "llr"))
        how = (tr.gettext("Each category's 1-day move is TVL-weighted over every protocol "
                          "DefiLlama lists in it (the largest categories by TVL are shown).")
               if weighted else
               tr.gettext("Category averages are unweighted means of the listed protocols, "
                          "anomalies excluded."))
        blocks.append(Paragraph(_then(how, tr.gettext(NOT_DEFI_NOTE), tr), note=True))
    else:
        blocks.append(Paragraph(absent(tr.gettext("not in this snapshot"), tr), note=True))

    blocks.append(Heading("DEX volume"))
    if c.dexes:
        blocks.append(Table(("DEX", "Volume 24h", "1d"),
                            tuple(_mover_row(m, False, tr=tr) for m in c.dexes[:TOP_DEXES])))
        prior = [d for d in c.dexes[:TOP_DEXES] if d.prior_usd is not None and not d.anomaly]
        if prior:
            blocks.append(Bullets(tuple(
                Paragraph(tr.gettext("{before} a day earlier → {now} ({change})",
                                     before=f.usd(d.prior_usd), now=f.usd(d.value_usd),
                                     change=f.usd(d.change_usd, signed=True)),
                          lead=_lead(d.name, tr))
                for d in prior)))
    else:
        blocks.append(Paragraph(absent(tr.gettext("not in this snapshot"), tr), note=True))

    if c.anomalies:
        blocks.append(Heading("Anomalies (not read as signals)"))
        blocks.append(Bullets(tuple(
            Paragraph(tr.gettext("{change} - {reason}", change=f.pct(m.change_pct, 1),
                                 reason=_l(m.anomaly_reason, tr)), lead=_lead(m.name, tr))
            for m in c.anomalies)))
    return tuple(blocks)


# --- 4-6. equity markets -------------------------------------------------------------------

def index_table(market: EquityMarket, a: Analysis | None = None, said: Said | None = None,
                tr: Translator = EN) -> Table | Paragraph:
    """The market's indices, or one line saying there is none (never an empty table)."""
    shown = [m for m in market.moves if m.kind in (None, "index")]
    if not shown:
        return Paragraph(absent(tr.gettext("no quote for this market in this snapshot"), tr),
                         lead=tr.gettext("Indices:"))
    for m in shown:
        if said is not None:
            said.shown(move_key(m))
    f = _f(tr)
    return Table(("Index", "Close", "Change", "Signal"), tuple(
        (index_name(m, tr), f.level(m.close), f.pct(m.change_pct),
         _signal_or_session(m, a, tr)) for m in shown), "lrrl")


def checked_notes(a: Analysis, market: EquityMarket, said: Said | None = None,
                  tr: Translator = EN) -> tuple[Block, ...]:
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
            Bullets(tuple(Paragraph(_sentence(_l(line, tr), tr)) for line in lines)))


def dispersion(market: EquityMarket, said: Said | None = None, tr: Translator = EN
               ) -> tuple[Block, ...]:
    lines = [p for s in market.splits
             if (p := split_line(s, tr.gettext("{a} - {b}:", a=name_of(s.a, tr),
                                               b=name_of(s.b, tr)), said, tr, names_pair=True))]
    return (Heading("Dispersion"), Bullets(tuple(lines))) if lines else ()


def levels_block(a: Analysis, market: EquityMarket, said: Said | None = None,
                 tr: Translator = EN) -> tuple[Block, ...]:
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
        levels = _l(level_words(lv), tr)
        text = (tr.gettext("{today}; {levels}.", today=_l(words, tr), levels=levels) if words
                else _sentence(levels, tr))
        lines.append(Paragraph(text, lead=_lead(name_of(m, tr), tr)))
    return (Heading("Levels and trend"), Bullets(tuple(lines))) if lines else ()


OLDER = N_("its moves are from that session and are not compared with today's lead")


def session_note(market: EquityMarket, a: Analysis | None = None, tr: Translator = EN
                 ) -> tuple[Block, ...]:
    h = market.headline
    if h is None:
        return ()
    f = _f(tr)
    lead = tr.gettext("Session:")
    day = a.trading_days.get(market.market) if a is not None else None
    if market.closed:
        older = tr.gettext(OLDER)
        if day is not None and day.reopens_today:
            return (Paragraph(tr.gettext("last {last}; it trades again today ({today}) after a "
                                         "holiday, so it is not closed, but {older}.",
                                         last=f.day(h.session), today=f.day(day.today),
                                         older=older), lead=lead),)
        if day is not None and day.closed_today and day.next_session is not None:
            text = tr.gettext("closed for a holiday until {weekday} {date} - last session "
                              "{last}; {older}.", weekday=weekday(day.next_session, tr),
                              date=f.day(day.next_session), last=f.day(h.session), older=older)
            if day.absorbs:
                text = _then(text, tr.gettext("Its next session follows {sessions}: {dates}.",
                                              sessions=counted(len(day.absorbs), tr),
                                              dates=listed_dates(day.absorbs, tr)), tr)
            return (Paragraph(text, lead=lead),)
        return (Paragraph(tr.gettext("closed - last session {day}; {older}.",
                                     day=f.day(h.session), older=older), lead=lead),)
    return (Paragraph(f.day(h.session), lead=lead),)


def us(a: Analysis, tr: Translator = EN) -> tuple[Block, ...]:
    m = a.us
    f = _f(tr)
    said = Said(tr=tr)
    blocks: list[Block] = [index_table(m, a, said, tr), *checked_notes(a, m, said, tr),
                           *session_note(m, a, tr), *dispersion(m, said, tr)]
    r = m.sectors
    if r is not None:
        blocks += [Heading("Sector rotation"), Paragraph(
            tr.gettext("defensive ({defensive_ids}) {defensive} vs growth ({growth_ids}) "
                       "{growth}: {spread}, {leader} leading.",
                       defensive_ids=tr.join([x.id for x in r.defensive]),
                       defensive=f.pct(r.defensive_avg_pct),
                       growth_ids=tr.join([x.id for x in r.growth]),
                       growth=f.pct(r.growth_avg_pct), spread=f.pp(r.spread_pp),
                       leader=_l(r.leader, tr)),
            lead=tr.gettext("Defensive vs growth:"))]
    else:
        blocks.append(Paragraph(absent(tr.gettext("no sector ETF moves in this snapshot, so no "
                                                  "defensive-vs-growth reading"), tr),
                                lead=tr.gettext("Sectors:"), note=True))
    blocks += macro_block(a, tr)
    blocks += levels_block(a, m, said, tr)
    setup = setup_line(a, with_rank=False, said=said, tr=tr)  # the rank is in the levels above
    if setup is not None:
        blocks += [Heading("The lead for Asia"), Bullets((setup,))]
    return tuple(blocks) + _missing(m.missing, tr)


def hk(a: Analysis, tr: Translator = EN) -> tuple[Block, ...]:
    m = a.hk
    said = Said(tr=tr)
    link = next(link for link in a.sentiment.links if link.key == "us_hk")
    table = index_table(m, a, said, tr)
    before = [*checked_notes(a, m, said, tr), *session_note(m, a, tr), *dispersion(m, said, tr),
              *levels_block(a, m, said, tr)]
    against = [link_brief(link, said, tr)]
    if (co := a.comovement.get("hsi_us")) is not None:
        against.append(Paragraph(_sentence(_l(comovement_words(co), tr), tr),
                                 lead=tr.gettext("HSI on the US lead, 60 sessions:")))
    blocks: list[Block] = [table, *before, Heading("Against the US"), Bullets(tuple(against))]
    return tuple(blocks) + _missing(m.missing, tr)


def a_shares(a: Analysis, tr: Translator = EN) -> tuple[Block, ...]:
    m = a.cn
    f = _f(tr)
    said = Said(tr=tr)
    blocks: list[Block] = [index_table(m, a, said, tr), *checked_notes(a, m, said, tr),
                           *session_note(m, a, tr), *dispersion(m, said, tr),
                           Heading("Internals")]
    b = m.breadth
    internals: list[Paragraph] = []
    lead = breadth_lead(tr)
    if b is not None and b.advancers is not None and b.decliners is not None:
        share, reading = f.pct(b.advance_share_pct, 1, signed=False), _l(b.reading, tr)
        text = (tr.gettext("{up} up / {down} down / {flat} flat: {share} advancing, {reading}",
                           up=f.count(b.advancers), down=f.count(b.decliners),
                           flat=f.count(b.flat), share=share, reading=reading)
                if b.flat is not None else
                tr.gettext("{up} up / {down} down: {share} advancing, {reading}",
                           up=f.count(b.advancers), down=f.count(b.decliners), share=share,
                           reading=reading))
        if b.divergence and b.divergence_with:
            index = next(x for x in m.moves if x.id == b.divergence_with)
            text = tr.gettext("{text}. Breadth divergence: {index} while most stocks moved the "
                              "other way", text=text, index=said.move(index))
        internals.append(Paragraph(_sentence(text, tr), lead=lead))
    else:
        internals.append(Paragraph(f.missing, lead=lead))
    internals.append(Paragraph(f.cny(m.turnover_cny), lead=tr.gettext("Turnover:")))
    north = tr.gettext("Northbound net:")
    if m.northbound_net_cny is not None:
        internals.append(Paragraph(f.cny(m.northbound_net_cny, signed=True), lead=north))
    else:
        internals.append(Paragraph(_sentence(_l(m.northbound_note, tr), tr), lead=north))
    link = next(link for link in a.sentiment.links if link.key == "hk_cn")
    together = [link_brief(link, said, tr)]
    if (co := a.comovement.get("chinext_sse")) is not None:
        together.append(Paragraph(_sentence(_l(comovement_words(co), tr), tr),
                                  lead=tr.gettext("ChiNext on SSE, 60 sessions:")))
    blocks += [Bullets(tuple(internals)), *levels_block(a, m, said, tr),
               Heading("With Hong Kong"), Bullets(tuple(together))]
    return tuple(blocks) + _missing(m.missing, tr)


# --- 7-10. cross-market --------------------------------------------------------------------

def divergences(a: Analysis, tr: Translator = EN) -> tuple[Block, ...]:
    f = _f(tr)
    if not a.divergences:
        return (Paragraph(absent(tr.gettext("no pair of markets has both moves in this "
                                            "snapshot"), tr), note=True),)
    scaled = any(d.spread_z is not None for d in a.divergences)

    def pair(d: object) -> str:
        assert hasattr(d, "a_label") and hasattr(d, "b_label")
        return tr.gettext("{a} vs {b}", a=_l(d.a_label, tr), b=_l(d.b_label, tr))

    table = Table(("#", "Pair", "Spread", *(("σ gap",) if scaled else ())), tuple(
        (str(i), pair(d), f.pp(d.spread_pp),
         *((f.sigma(d.spread_z) if d.spread_z is not None else f.missing,) if scaled else ()))
        for i, d in enumerate(a.divergences, 1)), "lllr" if scaled else "lll")
    said = Said(tr=tr)
    items = []
    for i, d in enumerate(a.divergences, 1):
        usd_gap = (tr.gettext("; {amount} apart in USD", amount=f.usd(d.spread_usd))
                   if d.spread_usd is not None else "")
        a_move = said.figure((d.a_label, d.a_pct), f.pct(d.a_pct),
                             tr.gettext("{name} as above", name=_l(d.a_label, tr)))
        b_move = said.figure((d.b_label, d.b_pct), f.pct(d.b_pct),
                             tr.gettext("{name} as above", name=_l(d.b_label, tr)))
        items.append(Paragraph(  # the spread and its σ gap are in the table
            tr.gettext("{a} vs {b}{usd_gap}. {explanation}. → {implication}.", a=a_move,
                       b=b_move, usd_gap=usd_gap, explanation=_l(d.explanation, tr),
                       implication=_l(d.implication, tr)),
            lead=tr.gettext("{i}. {pair}:", i=i, pair=pair(d))))
    note = tr.gettext("Spreads are the first move minus the second, in percentage points; pairs "
                      "under {gap} are listed only when always tracked (BTC against each "
                      "market, US vs HK, ChiNext vs SSE).",
                      gap=f.gap(rules.NOTABLE_SPREAD_PP))
    if scaled:
        note = _then(tr.gettext("Ranked by the σ gap (the first move's z minus the second's, each "
                                "against its own 60-session volatility) where both have "
                                "history, then by pp."), note, tr)
    return (table, Bullets(tuple(items)), Paragraph(note, note=True))


def _tree(nodes: tuple[FlowNode, ...], tr: Translator) -> tuple[FlowNode, ...]:
    """The flow map in ``tr``'s language."""
    return tuple(FlowNode(_l(n.label, tr), _l(n.detail, tr) if n.detail else "",
                          _tree(n.children, tr)) for n in nodes)


def capital_flows(a: Analysis, tr: Translator = EN) -> tuple[Block, ...]:
    flows = a.flows if tr.language == "en" else _tree(a.flows, tr)
    return (Tree(flows), Paragraph(tr.gettext("Drawn only from the figures above; a branch "
                                              "without data says so."), note=True))


def severity_text(r: Risk, tr: Translator = EN) -> str:
    """What the severity rests on, unless the evidence already prints it: ``3.0x its fixed
    threshold`` without history, the reading's σ with it."""
    f = _f(tr)
    severity = _l(r.severity, tr)
    if r.scale != "z":
        return tr.gettext("Severity {severity}: {ratio}x its fixed threshold.",
                          severity=severity, ratio=f.ratio(r.intensity, 1))
    size = f.sigma(r.sigmas, signed=False)
    return "" if size in r.evidence else tr.gettext("Severity {severity}: a {size} reading.",
                                                    severity=severity, size=size)


def base_rate_cell(rate: BaseRate | None, tr: Translator = EN) -> str:
    f = _f(tr)
    if rate is None:
        return f.missing
    if not rate.shown:
        return tr.gettext("too few cases ({n})", n=rate.n)
    return tr.gettext("{share} up (n={n})", share=f.pct(rate.up_share_pct, 0, signed=False),
                      n=rate.n)


def base_rate_text(rate: BaseRate | None, tr: Translator = EN) -> str:
    if rate is None or rate.n == 0:
        return ""
    return tr.gettext("Base rate: after such days, {rate}.", rate=_l(base_rate_words(rate), tr))


def risk_line(r: Risk, rate: BaseRate | None, with_rates: bool, tr: Translator) -> str:
    text = _then(_sentence(_l(r.evidence, tr), tr), severity_text(r, tr), tr)
    text = _then(text, tr.gettext("Trigger to watch: {trigger}.", trigger=_l(r.trigger, tr)), tr)
    if rate is not None:
        return _then(text, base_rate_text(rate, tr), tr)
    if with_rates:
        return _then(text, tr.gettext("Base rate: {missing}.", missing=absent(
            tr.gettext("the history has no such days"), tr)), tr)
    return text


def risk_matrix(a: Analysis, tr: Translator = EN) -> tuple[Block, ...]:
    if not a.risks:
        return (Paragraph(tr.gettext("no risk condition triggered on today's figures."),
                          lead=tr.gettext("Clear:")),)
    rates = {r.key: a.base_rates.get(f"risk.{r.key}") for r in a.risks}
    with_rates = any(rate is not None for rate in rates.values())
    table = Table(("#", "Risk", "Impact", "Severity", *(("Base rate",) if with_rates else ())),
                  tuple((str(i), _l(r.title, tr), _l(r.impact, tr), _l(r.severity, tr),
                         *((base_rate_cell(rates[r.key], tr),) if with_rates else ()))
                        for i, r in enumerate(a.risks, 1)), "llll" + ("l" if with_rates else ""))
    items = tuple(Paragraph(risk_line(r, rates[r.key], with_rates, tr),
                            lead=tr.gettext("{i}. {title}:", i=i, title=_l(r.title, tr)))
                  for i, r in enumerate(a.risks, 1))
    note = tr.gettext("Severity grows with the reading's size in its own standard deviations (σ, "
                      "over 60 sessions; medium from 2σ, high from 3σ); a reading without "
                      "history is measured against its fixed threshold instead (x threshold; at "
                      "the threshold it is medium). Ranked by impact, then by that size.")
    if with_rates:
        note = _then(note, tr.gettext("Base rate: how often the next session rose after the "
                                      "same condition in the history, shown from 20 cases; it "
                                      "is a count of past days, not a probability."), tr)
    return (table, Bullets(items), Paragraph(note, note=True))


TIERS = ("conservative", "moderate", "aggressive")


def idea_line(i: Idea, tr: Translator = EN) -> Paragraph:
    text = _then(_sentence(_l(i.text, tr), tr),
                 tr.gettext("Instrument: {instrument}.", instrument=_l(i.instrument, tr)), tr)
    if i.level is not None:
        text = _then(text, tr.gettext("Level: {label}'s {name}, {value}.",
                                      label=_l(i.level.label, tr), name=_l(i.level.name, tr),
                                      value=_f(tr).level(i.level.value)), tr)
    text = _then(text, tr.gettext("Horizon: {horizon}.", horizon=_l(i.horizon, tr)), tr)
    return Paragraph(_then(text, tr.gettext("Evidence: {evidence}.",
                                            evidence=_l(i.evidence, tr)), tr))


def action_plan(a: Analysis, tr: Translator = EN) -> tuple[Block, ...]:
    blocks: list[Block] = []
    empty = []
    for tier in TIERS:
        ideas = [i for i in a.ideas if i.tier == tier]
        if ideas:
            blocks += [Heading(tier.capitalize()),
                       Bullets(tuple(idea_line(i, tr) for i in ideas))]
        else:
            empty.append(tier)
    if len(empty) == len(TIERS):
        blocks.append(Paragraph(tr.gettext("no idea: none of the plan's conditions held today."),
                                note=True))
    elif empty:
        tiers = _l(empty[0], tr)
        for tier in empty[1:]:
            tiers = tr.gettext("{a} or {b}", a=tiers, b=_l(tier, tr))
        blocks.append(Paragraph(tr.gettext("No {tiers} idea today: none of their conditions "
                                           "held.", tiers=tiers), note=True))
    if a.ideas and all(i.level is None for i in a.ideas):
        blocks.append(Paragraph(tr.gettext("No level is named: levels come from the history, "
                                           "and this edition has none for these instruments."),
                                note=True))
    blocks.append(Paragraph(_l(DISCLAIMER, tr), note=True))
    return tuple(blocks)


BUILDERS = {
    "risk_sentiment": risk_sentiment, "crypto_defi": crypto_defi, "us": us, "hk": hk,
    "a_shares": a_shares, "divergences": divergences, "capital_flows": capital_flows,
    "risk_matrix": risk_matrix, "action_plan": action_plan,
}
