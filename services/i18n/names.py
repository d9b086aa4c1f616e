"""What Chinese readers call the instruments and markets the report covers. Pure data.

The first name of each entry is the one the bot writes (tables, charts, prompts); every name is
one a Chinese text may use, so the fact-checker knows the subject it names
(``services.narration.zh``).
"""

from __future__ import annotations

# By quote id (``services.market_data.instruments``): written name first.
QUOTES_ZH: dict[str, tuple[str, ...]] = {
    "SPX": ("标普500", "标普500指数", "标普"),
    "IXIC": ("纳斯达克", "纳斯达克指数", "纳斯达克综合指数", "纳指"),
    "DJI": ("道琼斯", "道琼斯指数", "道琼斯工业平均指数", "道指"),
    "HSI": ("恒生指数", "恒指"),
    "HSCEI": ("恒生中国企业指数", "国企指数", "H股指数"),
    "HSTECH": ("恒生科技指数", "恒生科技", "恒科指"),
    "SSE": ("上证指数", "上证综指", "沪指"),
    "SZSE": ("深证成指", "深成指"),
    "CHINEXT": ("创业板指", "创业板指数", "创业板"),
    "BTC": ("比特币",),
    "ETH": ("以太坊", "以太币"),
    "SOL": ("Solana",),
    # macro series
    "DXY": ("美元指数",),
    "TNX": ("美国10年期国债收益率", "10年期美债收益率", "美债收益率"),
    "GOLD_FUT": ("黄金期货", "金价", "黄金"),
    "WTI_FUT": ("WTI原油期货", "WTI原油", "原油"),
    "VIX": ("波动率指数", "VIX恐慌指数", "恐慌指数"),
    "USDCNH": ("离岸人民币", "美元兑离岸人民币"),
}

# By fact-sheet subject key (``services.narration.facts``).
SUBJECTS_ZH: dict[str, tuple[str, ...]] = {
    "market:US": ("美股", "美国股市", "美国市场"),
    "market:HK": ("港股", "香港股市", "香港市场"),
    "market:CN": ("A股", "A股市场", "沪深两市", "两市"),
    "market:CRYPTO": ("加密货币总市值", "加密货币市场", "加密市场", "加密货币", "总市值"),
    "stablecoins": ("稳定币净供应", "稳定币总供应", "稳定币供应量", "稳定币供应", "稳定币"),
    "breadth": ("上涨家数", "下跌家数", "涨跌家数", "市场宽度", "涨跌比"),
    "turnover": ("两市成交额", "成交额"),
    "northbound": ("北向资金",),
    "sectors:defensive": ("防御板块", "防御性板块"),
    "sectors:growth": ("成长板块",),
}


def quote_name_zh(quote_id: str) -> str | None:
    """The Chinese name the bot writes for a quote, or ``None`` (then its own short name)."""
    names = QUOTES_ZH.get(quote_id)
    return names[0] if names else None


# Markets by code (``services.analysis.moves.MARKET_LABEL``): what a Chinese text calls them.
MARKETS_ZH: dict[str, str] = {"US": "美股", "HK": "港股", "CN": "A股", "CRYPTO": "加密货币"}


def quote_name(quote_id: str, language: str) -> str | None:
    """The name the bot writes for a quote in ``language``, or ``None`` when the language has
    no name of its own for it (then the English short name is written)."""
    return quote_name_zh(quote_id) if language == "zh" else None


def market_name(market: str, language: str) -> str | None:
    """``US``, ``HK``, ``CN``, ``CRYPTO`` in ``language`` (``美股``, ``港股``, ``A股``,
    ``加密货币``), or ``None`` (then the English label)."""
    return MARKETS_ZH.get(market) if language == "zh" else None
