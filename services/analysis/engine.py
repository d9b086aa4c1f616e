"""``analyze``: one snapshot in, every computed fact of the day out. Pure: no I/O, no clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, tzinfo

from services import format as fmt
from services.analysis import rules
from services.analysis.crosscheck import CrossChecked, cross_check
from services.analysis.crypto import analyze_crypto
from services.analysis.divergences import rank_divergences
from services.analysis.evidence import evidence_for
from services.analysis.flows import flow_map
from services.analysis.history_read import read_history, scale_note
from services.analysis.macro import macro_readings
from services.analysis.markets import INDICES, equity_market
from services.analysis.moves import (
    SHORT_NAME,
    all_moves,
    latest_equity_session,
    market_session,
)
from services.analysis.plan import PlanInputs, action_plan
from services.analysis.risk import RiskInputs, risk_matrix
from services.analysis.risk_history import mark_today, stablecoin_readings
from services.analysis.sentiment import Readings, analyze_sentiment
from services.analysis.since import compare
from services.analysis.tape import Tape
from services.analysis.trading_days import holiday_note, trading_days
from services.i18n import Translator, text, translator
from services.i18n.text import Name, Source, said
from services.models.analysis import Analysis, EquityMarket, Finding, Move, QuoteCheck
from services.models.history import EMPTY_HISTORY, History
from services.models.snapshot import BREADTH_SCOPE, MarketSnapshot

WEEKEND_START = 5  # Saturday

# Blocks whose absence is worth a line in the report.
EXPECTED_BLOCKS = (("crypto_market", "crypto market totals"), ("stablecoins", "stablecoin supply"),
                   ("protocols", "DeFi TVL"), ("dexes", "DEX volume"),
                   ("a_share_breadth", f"A-share breadth ({BREADTH_SCOPE})"))


def coverage_warnings(snapshot: MarketSnapshot) -> tuple[str, ...]:
    """The snapshot's own warnings, then every expected figure that is absent."""
    found = [f"{w.source}: {w.reason}" for w in snapshot.warnings]
    for field, label in EXPECTED_BLOCKS:
        if not getattr(snapshot, field):
            found.append(f"{label}: not in this snapshot")
    ids = {q.id for q in snapshot.quotes if q.change_pct is not None}
    absent = [i for market in ("US", "HK", "CN") for i in INDICES[market] if i not in ids]
    absent += [i for i in ("BTC", "ETH") if i not in ids]
    if absent:
        found.append(f"quotes without a move: {', '.join(absent)}")
    return tuple(found)


def source_times(snapshot: MarketSnapshot) -> tuple[tuple[str, str], ...]:
    """Each source with its as-of time: declared ``sources`` first, else read off the records."""
    declared = [s for s in snapshot.sources if not s.note]  # notes are not sources
    if declared:
        return tuple((s.name, fmt.day(s.as_of) if s.ok else f"failed: {s.reason or 'unknown'}")
                     for s in declared)
    latest: dict[str, str] = {}

    def note(label: str, when: date | datetime | None) -> None:
        text = fmt.day(when) if when is not None else "as-of time not given"
        latest[label] = max(latest.get(label, text), text)

    for q in snapshot.quotes:
        if q.source:
            note(f"{q.source} · {q.market}", q.session)
    if snapshot.crypto_market and snapshot.crypto_market.source:
        note(f"{snapshot.crypto_market.source} · crypto market", snapshot.crypto_market.as_of)
    if snapshot.a_share_breadth and snapshot.a_share_breadth.source:
        note(f"{snapshot.a_share_breadth.source} · A-share breadth",
             snapshot.a_share_breadth.session)
    for label, block in (("stablecoins", snapshot.stablecoins), ("DeFi TVL", snapshot.protocols),
                         ("DEX volume", snapshot.dexes)):
        for source in sorted({item.source for item in block if item.source}):
            note(f"{source} · {label}", snapshot.generated_at)
    return tuple(latest.items())


def weekend_note(edition: date, markets: tuple[EquityMarket, ...],
                 tr: Translator | None = None) -> str | None:
    """On a Saturday or Sunday edition the stock markets are closed: say so, with the dates of
    the sessions the equity figures come from. Crypto trades around the clock."""
    if edition.weekday() < WEEKEND_START:
        return None
    tr = tr or translator("en")
    last = [f"{Name('market:' + m.market, m.market).write(tr.language)} "
            f"{fmt.day(m.headline.session)}" for m in markets
            if m.headline is not None and m.headline.session is not None]
    if not last:
        return tr.gettext("Weekend edition: stock markets are closed; crypto trades around the "
                          "clock, so crypto and DeFi carry today's news.")
    return tr.gettext("Weekend edition: stock markets are closed (last sessions: {sessions}); "
                      "crypto trades around the clock, so crypto and DeFi carry today's news.",
                      sessions=tr.join(last))


def day_note(a: Analysis, tr: Translator | None = None) -> str | None:
    """The weekend and holiday notes of the edition's day, in ``tr``'s language."""
    tr = tr or translator("en")
    notes = [n for n in (weekend_note(a.edition_date, (a.us, a.hk, a.cn), tr),
                         holiday_note(a.trading_days, tr)) if n]
    return tr.pgettext("sentence separator", " ").join(notes) or None


def check_warning(check: QuoteCheck) -> str:
    """One line per quote the history contradicted: both readings, both sources, the figure
    used ("S&P 500 stale: the feed (reference) gave 6,643.70, +0.59%, which equals the close
    of 2025-09-26; shown: 6,506.48, -1.51% for 2026-03-20 (source: history, Yahoo ^GSPC)")."""
    name = Name(check.id, SHORT_NAME.get(check.id, check.id))
    gave = [x for x in (text.level(check.quote_close) if check.quote_close is not None
                        else None, text.pct(check.quote_change_pct)) if x]
    feed = (said("the feed ({source})", source=Source(check.quote_source))
            if check.quote_source else said("the feed"))
    if check.finding is Finding.STALE:
        what = said("stale: {feed} gave {figures}, which equals the close of {day}", feed=feed,
                    figures=gave, day=text.day(check.earlier_session))
    else:
        what = said("conflict: {feed} gave {figures} for {day}", feed=feed, figures=gave,
                    day=text.day(check.session))
    if check.replaced:
        used = said("shown: {close}, {change} for {day} (source: {source})",
                    close=text.level(check.history_close),
                    change=text.pct(check.history_change_pct), day=text.day(check.session),
                    source=Source(check.history_source or ""))
    else:
        used = said("left out of today's reading (the history has no change for that session)")
    return said("{name} {what}; {used}", name=name, what=what, used=used)


def history_warnings(checked: CrossChecked) -> tuple[str, ...]:
    lines = [check_warning(c) for c in checked.checks]
    if checked.without_quote:
        lines.append(said("history kept for series without a quote today: {series}",
                          series=list(checked.without_quote)))
    return tuple(lines)


def _mark_checked(moves: dict[str, Move], checks: tuple[QuoteCheck, ...]) -> dict[str, Move]:
    found = {c.id: c.finding for c in checks}
    return {key: replace(m, checked=found[key]) if key in found else m
            for key, m in moves.items()}


def analyze(snapshot: MarketSnapshot, as_of: datetime, zone: tzinfo,
            history: History = EMPTY_HISTORY, previous: Analysis | None = None) -> Analysis:
    """Every figure of the report, computed from ``snapshot`` for an edition at ``as_of``.

    ``history`` holds the daily closes the day is read against (empty when none was given):
    each move's z and rank, the chain's leads, co-movement, levels and base rates. Every
    quote is first cross-checked against it: a stale or conflicting quote is read as the
    history's close for its session (``crosscheck``). ``previous`` is the previous edition's
    analysis, to say what changed since (None: there is none)."""
    checked = cross_check(snapshot, history)
    snapshot = checked.snapshot
    moves = _mark_checked(all_moves(snapshot), checked.checks)
    latest = latest_equity_session(snapshot)
    tape = Tape(history)
    readings = Readings(evidence_for(moves.values(), tape, as_of), tape)
    sentiment = analyze_sentiment(moves, latest, readings)
    crypto = analyze_crypto(snapshot, moves)
    us, hk, cn = (equity_market(m, snapshot, moves) for m in ("US", "HK", "CN"))
    divergences = rank_divergences(moves, crypto.stablecoins, readings.z)
    notes = history_warnings(checked)
    coverage = coverage_warnings(snapshot)
    warnings = coverage + notes
    found = read_history(moves, readings, sentiment)
    stable = stablecoin_readings(crypto, tape, as_of)
    watch = {**found.levels, **stable.levels}
    risks = risk_matrix(RiskInputs(sentiment, crypto, us, hk, cn, coverage, readings.evidence,
                                   watch, stable.net_z, stable.coin_z))
    ideas = action_plan(PlanInputs(sentiment, crypto, divergences, risks, readings.evidence,
                                   watch))
    edition = as_of.astimezone(zone).date()
    analysis = Analysis(
        as_of=as_of, edition_date=edition,
        trading_days=trading_days(snapshot, as_of, {"US": us, "HK": hk, "CN": cn}),
        generated_at=snapshot.generated_at, sentiment=sentiment, crypto=crypto,
        us=us, hk=hk, cn=cn, divergences=divergences, flows=flow_map(crypto, us, hk, cn),
        risks=risks, ideas=ideas, sources=source_times(snapshot),
        # a history that could not be read is named, and changes nothing else
        warnings=warnings + tuple(f"history: {gap}" for gap in history.gaps),
        macro=macro_readings(snapshot, history, market_session(snapshot, "US")),
        thresholds=dict(rules.THRESHOLDS), checks=checked.checks, history_notes=notes,
        evidence=readings.evidence, levels=found.levels, comovement=found.comovement,
        base_rates=mark_today(found.base_rates, risks),
        scale_note=scale_note(moves, readings.evidence, bool(history)))
    return replace(analysis, since_previous=compare(previous, analysis),
                   session_note=day_note(analysis))
