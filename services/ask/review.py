"""Whether an answer Claude drafted may be shown: its figures and direction words checked
against the edition's facts, its length, and no advice or markup. Pure."""

from __future__ import annotations

import re

from services.ask.question import Language
from services.narration.factcheck import Rejection, check
from services.narration.facts import FactSheet
from services.narration.figures import read_figures

MAX_WORDS = 140  # the prompt asks for at most 120; a little slack before rejecting
MAX_ZH_CHARS = 260  # Chinese: characters, Latin words and figures counted one each
# Advice the bot never gives, whatever the question asked for.
ADVICE = re.compile(
    r"\b(?:I|we)\s+(?:would\s+)?(?:recommend|suggest|advise)\b"
    r"|\byou\s+(?:should|must|could|might\s+want\s+to)\s+(?:buy|sell|short|hold|add|go\s+long)"
    r"|\b(?:buy|sell|short)\s+(?:now|it|this|them|more)\b"
    r"|(?:^|[.!?:;]\s+)(?:buy|sell|short|go\s+long|go\s+short)\b"
    r"|\b(?:price\s+target|target\s+price)\b"
    r"|建议(?:买入|卖出|持有|做空)|买入|卖出|做空|目标价", re.IGNORECASE)
# A figure in a sentence about the future is a forecast, even if it matches a fact ("Dinari will
# rise 20% tomorrow" passes the figure check: Dinari's TVL rose +20.6% today).
FORECAST = re.compile(
    r"\b(?:tomorrow|next\s+(?:week|month|year|session|day)|will|should\s+(?:rise|fall|close|"
    r"reach|hit|gain|drop|climb)|(?:is|are)\s+(?:expected|likely|set)\s+to|forecasts?|"
    r"targets?|outlook)\b|明天|明日|下周|预计|将会|预测|目标", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])")
MARKUP = re.compile(r"<[^>]*>|\*\*|__|`|\[[^\]]*\]\([^)]*\)|@(?:everyone|here)\b|<@")


def size(text: str, language: Language) -> tuple[int, int]:
    """(the text's size, its limit) in words, or for Chinese in characters."""
    if language is Language.ZH:
        units = len(re.findall(r"[\u3400-\u9fff]|[A-Za-z0-9$%.+\-]+", text))
        return units, MAX_ZH_CHARS
    return len(text.split()), MAX_WORDS


def review_answer(text: str, sheet: FactSheet, language: Language) -> list[Rejection]:
    """Why ``text`` cannot be shown; empty when it can."""
    text = tidy(text)
    if not text:
        return [Rejection("(empty)", "no answer")]
    found = check(text, sheet, language.value)
    used, limit = size(text, language)
    if used > limit:
        unit = "characters" if language is Language.ZH else "words"
        found.append(Rejection(f"({used} {unit})", f"too long: the limit is {limit}"))
    found += [Rejection(m.group(0), "investment advice is not given")
              for m in ADVICE.finditer(text)]
    found += forecasts(text, sheet, language)
    found += [Rejection(m.group(0), "plain text only: no markup, links or mentions")
              for m in MARKUP.finditer(text)]
    return found


def forecasts(text: str, sheet: FactSheet, language: Language = Language.EN) -> list[Rejection]:
    """Each figure stated in a sentence about the future: the edition holds no forecasts."""
    found = []
    for sentence in _SENTENCE_END.split(text):
        future = FORECAST.search(sentence)
        if future is None:
            continue
        found += [Rejection(w.text, f"a forecast (\"{future.group(0)}\"): the edition holds "
                                    "no forecasts")
                  for w in read_figures(sentence, sheet.names(), language.value)]
    return found


def tidy(text: str) -> str:
    """Paragraphs kept (at most one blank line between them), spaces inside lines collapsed."""
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text.strip())]
    return "\n\n".join(p for p in paragraphs if p)
