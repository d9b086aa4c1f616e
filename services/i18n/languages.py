"""The languages the bot speaks, and how a user or a platform may name them. Pure."""

from __future__ import annotations

from babel import Locale

from services.errors import InputError

EN, ZH = "en", "zh"
LANGUAGES: tuple[str, ...] = (EN, ZH)
DEFAULT_LANGUAGE = EN
# How each language names itself (the /lang reply and menus show these), from CLDR.
NATIVE_NAMES: dict[str, str] = {code: Locale.parse(code).get_display_name(code) or code
                                for code in LANGUAGES}

# What a user may type after /lang, and what a platform may report (Telegram's language_code,
# Discord's locale, a BCP 47 tag), mapped to a language. Chinese means Simplified Chinese: a
# Traditional-script tag (zh-TW, zh-HK, zh-Hant) is not taken for it.
_ALIASES: dict[str, str] = {
    "en": EN, "eng": EN, "english": EN, "英文": EN, "英语": EN,
    "zh": ZH, "cn": ZH, "zho": ZH, "chi": ZH, "chinese": ZH, "中文": ZH, "汉语": ZH, "简体": ZH,
    "简体中文": ZH, "zh-cn": ZH, "zh-sg": ZH, "zh-hans": ZH, "zh-hans-cn": ZH,
}


class UnknownLanguageError(InputError):
    """``/lang`` with a language the bot does not speak."""

    def __init__(self, given: str) -> None:
        self.given = given
        super().__init__(f"'{given}' is not a language this bot speaks; use one of: "
                         f"{', '.join(LANGUAGES)}.")


def normalise(tag: str | None) -> str | None:
    """``"zh-CN"``, ``"zh_Hans"``, ``"Chinese"`` → ``"zh"``; ``"en-GB"`` → ``"en"``; a
    language the bot does not speak (or Traditional Chinese) → ``None``."""
    if not tag:
        return None
    wanted = tag.strip().lower().replace("_", "-")
    if wanted in _ALIASES:
        return _ALIASES[wanted]
    head = wanted.split("-")[0]
    if head == "en":
        return EN
    return None


def parse_language(text: str) -> str:
    """A language a user typed (``/lang zh``); ``UnknownLanguageError`` otherwise."""
    found = normalise(text)
    if found is None:
        raise UnknownLanguageError(text.strip()[:40])
    return found


def language_or_default(tag: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    return normalise(tag) or default
