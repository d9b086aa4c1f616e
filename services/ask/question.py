"""A reader's question: tidied, its length checked, its language told. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from services.errors import InputError


class Language(StrEnum):
    EN = "en"
    ZH = "zh"


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_TRAILING = re.compile(r"[\s?？!！.。,，;；:：]+$")
EXAMPLE = "/ask How much did stablecoin supply change?"


def language_of(text: str) -> Language:
    """Chinese when Chinese characters outnumber a third of the letters, else English (a
    ticker or "BTC" inside a Chinese question keeps it Chinese)."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    return Language.ZH if cjk and cjk * 3 >= latin else Language.EN


def tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Question:
    text: str
    language: Language

    @property
    def key(self) -> str:
        """The same question however it is capitalised, spaced or punctuated at the end."""
        return _TRAILING.sub("", self.text.casefold())


class QuestionError(InputError):
    """An empty or overlong question (one line saying which)."""


def parse_question(raw: str | None, max_chars: int) -> Question:
    text = tidy(raw or "")
    if not text:
        raise QuestionError.saying("Ask a question after the command, for example: {example}",
                                   example=EXAMPLE)
    if len(text) > max_chars:
        raise QuestionError.saying("That question is {length} characters long; please keep "
                                   "it under {limit}.", length=len(text), limit=max_chars)
    return Question(text, language_of(text))
