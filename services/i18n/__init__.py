"""Languages: the door. ``translator(language)`` for messages, plural forms and figures;
``LANGUAGES`` and ``parse_language`` for what a user may choose; ``N_`` marks a message for the
catalogs where it is defined. Catalogs are ``locales/<language>/LC_MESSAGES/messages.po``,
compiled on first use (``catalogs``); ``python -m services.i18n`` extracts, updates, compiles
and checks them."""

from services.i18n.languages import (
    DEFAULT_LANGUAGE,
    EN,
    LANGUAGES,
    NATIVE_NAMES,
    ZH,
    UnknownLanguageError,
    language_or_default,
    normalise,
    parse_language,
)
from services.i18n.translator import N_, Translator, translator

__all__ = ["DEFAULT_LANGUAGE", "EN", "LANGUAGES", "NATIVE_NAMES", "N_", "ZH", "Translator",
           "UnknownLanguageError", "language_or_default", "normalise", "parse_language",
           "translator"]
