"""Discord's command localisations from the gettext catalogs.

Every command and option description and every choice name is a ``locale_str`` whose message
is the English msgid; when the tree syncs, discord.py asks this translator for each Discord
locale, and Discord shows each user the text of their client's language. English is the
base text (returned as ``None``: nothing to add); Chinese (``zh-CN``) comes from the ``zh``
catalog. A string whose English text is not its msgid carries the msgid in its extras
(``locale_str("dashboard", msgid="Dashboard")``). Traditional Chinese (``zh-TW``) is left to
the English base rather than shown in Simplified script.
"""

from __future__ import annotations

import discord
from discord import app_commands

from services.i18n import EN, normalise, translator


class CatalogTranslator(app_commands.Translator):
    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        language = normalise(locale.value)
        if language is None or language == EN:
            return None
        msgid = str(string.extras.get("msgid", string.message))
        translated = translator(language).gettext(msgid)
        if translated == msgid:
            return None
        number = string.extras.get("number")
        return (f"{number}. {translated}" if number is not None else translated)[:100]
