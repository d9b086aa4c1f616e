"""``Translator``: one language's messages, plural forms and figures, passed in explicitly.

There is no current language anywhere in the process: a handler asks ``translator(language)``
for the chat it answers, a renderer reads the report's own ``language``, and two chats in two
languages never share state. The catalogs behind it are read once per process (they do not
change while it runs).

Messages are gettext ``msgid``s in English with ``{name}`` placeholders::

    tr = translator("zh")
    tr.gettext("Unsubscribed: no more daily editions here.")
    tr.gettext("Daily edition at {time} {zone}.", time="08:30", zone="Asia/Hong_Kong")
    tr.ngettext("{n} answer", "{n} answers", 3)          # plural form from the catalog
    tr.pgettext("verdict", "risk-on")                    # the same word in another role

A message missing from a catalog falls back to its English ``msgid`` (a test fails the build
before that can ship: every message has both translations and keeps every placeholder).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.support import NullTranslations, Translations

from services.i18n import catalogs, numbers
from services.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES, normalise


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined; translate it where it is shown."""
    return message


@dataclass(frozen=True)
class Translator:
    language: str
    translations: NullTranslations

    @property
    def locale(self) -> Locale:
        return numbers.locale(self.language)

    def gettext(self, message: str, /, **params: object) -> str:
        text = self.translations.gettext(message)
        return text.format(**params) if params else text

    def ngettext(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        """The plural form the language uses for ``n``; ``{n}`` is ``n`` with grouping."""
        text = self.translations.ngettext(singular, plural, n)
        return text.format(n=numbers.grouped(n, self.language), **params)

    def pgettext(self, context: str, message: str, /, **params: object) -> str:
        text = str(self.translations.pgettext(context, message))
        return text.format(**params) if params else text

    def count(self, value: int) -> str:
        return numbers.grouped(value, self.language)

    def join(self, items: list[str] | tuple[str, ...]) -> str:
        """``a, b, c`` in English, ``a、b、c`` in Chinese (an enumeration, not prose: CLDR's
        list patterns would add "and")."""
        return self.pgettext("list separator", ", ").join(items)


def translator(language: str | None = None) -> Translator:
    """The translator for ``language`` (a tag such as ``zh-CN`` is understood; anything the
    bot does not speak gets the default language). One per language per process."""
    wanted = normalise(language) or DEFAULT_LANGUAGE
    return _translator(wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE)


@cache
def _translator(language: str) -> Translator:
    translations: NullTranslations = catalogs.load(language)
    assert isinstance(translations, Translations)
    return Translator(language, translations)
