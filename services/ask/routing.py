"""Keyword routing: the report sections a question is about. Pure.

Used when Claude does not answer (no key, the day's budget spent) to show the sections that
hold the answer, and to pick the facts a template answer quotes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from services.models.report import SECTION_KEYS

# Words (matched whole, case-insensitively) and Chinese terms (matched anywhere) per section.
KEYWORDS: Mapping[str, tuple[str, ...]] = {
    "crypto_defi": (
        "crypto", "cryptocurrency", "cryptocurrencies", "coin", "coins", "token", "tokens",
        "stablecoin", "stablecoins", "usdt", "usdc", "dai", "tether", "btc", "bitcoin", "eth",
        "ether", "ethereum", "defi", "tvl", "dex", "dexes", "protocol", "protocols", "rwa",
        "lending", "bridge", "bridges", "market cap",
        "加密", "币", "稳定币", "比特币", "以太坊", "协议", "锁仓"),
    "us": (
        "US", "U.S.", "USA", "america", "american", "wall street", "s&p", "s&p 500", "spx",
        "nasdaq", "dow", "djia", "sector", "sectors", "defensive", "defensives",
        "美股", "美国", "标普", "纳斯达克", "纳指", "道琼斯", "道指"),
    "hk": (
        "hong kong", "hk", "hsi", "hang seng", "hstech", "hscei", "h-shares",
        "港股", "香港", "恒生", "恒指", "恒生科技"),
    "a_shares": (
        "a-share", "a-shares", "a share", "a shares", "china", "chinese", "mainland",
        "shanghai", "shenzhen", "sse", "szse", "chinext", "csi", "breadth", "advancers",
        "decliners", "turnover", "northbound", "connect",
        "a股", "沪", "深", "上证", "深证", "创业板", "成交额", "北向", "涨跌家数", "大陆", "中国"),
    "risk_sentiment": (
        "sentiment", "risk-on", "risk-off", "risk on", "risk off", "mood", "appetite",
        "chain", "transmission", "verdict", "lead", "global",
        "情绪", "风险偏好", "传导"),
    "divergences": (
        "divergence", "divergences", "diverge", "diverged", "gap", "gaps", "spread",
        "spreads", "decouple", "decoupled", "outperform", "outperformed", "underperform",
        "underperformed", "while", "versus", "vs",
        "背离", "分化", "差距"),
    "capital_flows": (
        "flow", "flows", "inflow", "inflows", "outflow", "outflows", "money", "capital",
        "funds", "rotation",
        "资金", "流入", "流出", "流向"),
    "risk_matrix": (
        "risk", "risks", "danger", "threat", "trigger", "triggers", "warning", "watch",
        "风险", "预警"),
    "action_plan": (
        "plan", "trade", "trades", "idea", "ideas", "position", "positions", "hedge", "buy",
        "sell", "strategy", "should",
        "策略", "操作", "买", "卖", "仓位", "对冲"),
    "key_insight": (
        "summary", "insight", "overall", "today", "headline", "big picture",
        "总结", "概况", "今天", "要点"),
}

_ASCII = re.compile(r"^[\x00-\x7f]+$")
CASED = frozenset({"US", "U.S.", "USA"})  # "us" the pronoun is not the market


def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    latin = sorted((t for t in terms if _ASCII.match(t)), key=len, reverse=True)
    cjk = sorted((t for t in terms if not _ASCII.match(t)), key=len, reverse=True)
    parts = []
    words = [re.escape(t) if t not in CASED else f"(?-i:{re.escape(t)})" for t in latin]
    if words:
        parts.append(r"(?<![\w&.-])(?:" + "|".join(words) + r")(?![\w&-])")
    if cjk:
        parts.append("|".join(re.escape(t) for t in cjk))
    return re.compile("|".join(parts), re.IGNORECASE)


PATTERNS: Mapping[str, re.Pattern[str]] = {key: _pattern(terms) for key, terms in
                                           KEYWORDS.items()}
MAX_SECTIONS = 2


def route(question: str, limit: int = MAX_SECTIONS) -> tuple[str, ...]:
    """The sections ``question`` is about, most hits first (report order on ties), at most
    ``limit``; the Key Insight only when nothing more specific matched; empty when no keyword
    matches at all."""
    hits = {key: len(PATTERNS[key].findall(question)) for key in SECTION_KEYS}
    if any(hits[k] for k in SECTION_KEYS if k != "key_insight"):
        hits["key_insight"] = 0
    ranked = sorted((k for k in SECTION_KEYS if hits[k]),
                    key=lambda k: (-hits[k], SECTION_KEYS.index(k)))
    return tuple(ranked[:limit])
