"""What ``/ask`` says around an answer, in the question's language (English or Chinese)."""

from __future__ import annotations

from datetime import date

from services.ask.question import Language

EN, ZH = Language.EN, Language.ZH

TEXT: dict[str, dict[Language, str]] = {
    "not_configured": {
        EN: "Claude is not configured on this bot, so here is the part of the edition that "
            "matches your question.",
        ZH: "本机器人未配置 Claude，以下是本期报告中与您的问题相关的部分。"},
    "budget_spent": {
        EN: "Today's budget for Claude's answers is spent (it resets at 00:00 UTC), so here is "
            "the part of the edition that matches your question.",
        ZH: "今日 Claude 回答额度已用完（UTC 00:00 重置），以下是本期报告中与您的问题相关的部分。"},
    "unavailable": {
        EN: "Claude could not answer just now, so here are the edition's figures on that.",
        ZH: "Claude 暂时无法回答，以下是本期报告中的相关数字。"},
    "unchecked": {
        EN: "Claude's answer did not pass the fact-check, so here are the edition's figures "
            "on that, quoted directly.",
        ZH: "Claude 的回答未通过数字核对，以下直接引用本期报告中的相关数字。"},
    "no_section": {
        EN: "No section matched your question; here is the Key Insight. The edition covers "
            "US, Hong Kong and A-share indices, crypto, stablecoins and DeFi; /report full "
            "shows it all.",
        ZH: "没有与您的问题匹配的部分，以下是核心观点。本期报告涵盖美股、港股、A股指数、加密货币、"
            "稳定币和 DeFi；/report full 可查看全文。"},
    "facts_lead": {
        EN: "The edition's figures on that:",
        ZH: "本期报告中的相关数字："},
    "no_facts": {
        EN: "The edition holds no figures on that. It covers the latest session of US, Hong "
            "Kong and A-share indices, crypto prices, stablecoin supply and DeFi: no news, no "
            "forecasts, no other tickers.",
        ZH: "本期报告没有这方面的数字。报告涵盖美股、港股和 A 股指数最近一个交易日的表现、"
            "加密货币价格、稳定币供应和 DeFi，不含新闻、预测或其他个股。"},
}


def say(key: str, language: Language) -> str:
    return TEXT[key][language]


def checked_against(edition_date: date, language: Language) -> str:
    """The line every answer ends with: what its figures were checked against."""
    if language is ZH:
        return f"已对照 {edition_date.isoformat()} 版报告核对"
    return f"checked against the {edition_date.isoformat()} edition"


def from_edition(edition_date: date, language: Language) -> str:
    """The closing line of a keyword-routed answer: which edition the sections are from."""
    if language is ZH:
        return f"摘自 {edition_date.isoformat()} 版报告"
    return f"from the {edition_date.isoformat()} edition"
