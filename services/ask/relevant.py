"""Which facts of the edition a question is about, and which section holds each fact. Pure.

Works on any ``FactSheet``: a fact added later (history, z-scores) finds its section through
its key's prefix or its subjects' market, with no change here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from services.narration.factcheck import find_mentions
from services.narration.facts import Fact, FactSheet

PREFIX_SECTION: dict[str, str] = {
    "chain": "risk_sentiment", "btc_vs": "risk_sentiment",
    "crypto": "crypto_defi", "stablecoins": "crypto_defi", "stablecoin": "crypto_defi",
    "protocol": "crypto_defi", "dex": "crypto_defi", "category": "crypto_defi",
    "defi": "crypto_defi", "breadth": "a_shares", "cn": "a_shares",
    "divergence": "divergences", "threshold": "risk_matrix",
}
MARKET_SECTION = {"US": "us", "HK": "hk", "CN": "a_shares", "CRYPTO": "crypto_defi"}
SUBJECT_SECTION = {"stablecoins": "crypto_defi", "coin": "crypto_defi",
                   "protocol": "crypto_defi", "dex": "crypto_defi", "category": "crypto_defi",
                   "breadth": "a_shares", "turnover": "a_shares", "northbound": "a_shares"}
MAX_FACTS = 8


def section_of(fact: Fact) -> str | None:
    """The report section that shows ``fact`` (by its key, else by its subjects)."""
    head = fact.key.split(".", 1)[0]
    if head in PREFIX_SECTION:
        return PREFIX_SECTION[head]
    for subject in fact.subjects:
        kind, _, name = subject.partition(":")
        if kind == "market" and name in MARKET_SECTION:
            return MARKET_SECTION[name]
        if kind in SUBJECT_SECTION:
            return SUBJECT_SECTION[kind]
    return None


def _priority(fact: Fact) -> int:
    """Changes before levels before the rest; "a day earlier" figures last."""
    key = fact.key
    if "prior" in key:
        return 4
    if key.endswith(("change_usd", "change_cny", "net_cny")):
        return 0
    if key.endswith(("change_pct", "spread_pp")):
        return 1
    if key.endswith(("close", "price", "supply_usd", "tvl_usd", "value_usd", "turnover_cny")):
        return 2
    return 3


def _rank(groups: Iterable[Sequence[Fact]]) -> list[Fact]:
    ranked: list[tuple[int, int, int, Fact]] = []
    seen: set[str] = set()
    for g, group in enumerate(groups):
        for i, fact in enumerate(group):
            if fact.key not in seen:
                seen.add(fact.key)
                ranked.append((g, _priority(fact), i, fact))
    return [f for *_, f in sorted(ranked, key=lambda r: r[:3])]


def relevant_facts(question: str, sheet: FactSheet, sections: Sequence[str],
                   cited: Sequence[str] = (), limit: int = MAX_FACTS) -> tuple[Fact, ...]:
    """The facts to quote for ``question``: those ``cited`` (ids that exist), else those of the
    subjects it names (each subject's own figures first), else the headline figures of
    ``sections``."""
    by_key = {f.key: f for f in sheet.facts}
    chosen = list(dict.fromkeys(by_key[k] for k in cited if k in by_key))
    if chosen:
        return tuple(chosen[:limit])
    subjects = list(dict.fromkeys(m.subject.key for m in find_mentions(question, sheet)))
    if subjects:
        own = [f for f in sheet.facts if f.subjects and f.subjects[0] in subjects]
        related = [f for f in sheet.facts if set(f.subjects) & set(subjects)]
        return tuple(_rank([own, related])[:limit])
    in_sections = [[f for f in sheet.facts if section_of(f) == s] for s in sections]
    return tuple(_rank(in_sections)[:limit])
