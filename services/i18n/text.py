"""Sentences the analysis writes once and a report shows in its reader's language. Pure.

The analysis knows no language. Where it writes a sentence for the report (a divergence's
explanation, a risk's evidence, the verdict's reason), it writes a ``Text``: a ``str`` whose
value is the English sentence, as before, which also keeps the sentence's gettext template
and its values (``services.errors.Say``). So everything that reads the English text (the
English report, the fact sheet, JSON, the tests) reads exactly what it read, and a renderer
that writes another language asks ``localise(text, tr)`` for the same sentence translated.

Values are written in the reader's language where the sentence is shown:

- a ``Fig`` is a figure: its kind (``"pct"``, ``"usd"`` …, a function of
  ``services.format.Figures``) and its value; English writes ``+$563M``, Chinese ``+5.63亿美元``,
  from the same number rounded the same way;
- a ``Name`` is an instrument or a market: ``S&P 500`` in English, ``标普500`` in Chinese
  (``services.i18n.names``);
- another ``Say`` or ``Text`` is translated in its turn; an int is a count; any other value
  (a protocol's name, the data's own words) is shown as it is.

    text = said(N_("{name} fell {change}"), name=Name("SPX", "S&P 500"), change=pct(-1.51))
    str(text)                      # "S&P 500 fell -1.51%"
    localise(text, translator("zh"))   # "标普500下跌-1.51%" (the catalog's sentence)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol, runtime_checkable

from services.errors import Say
from services.i18n.names import market_name, quote_name
from services.i18n.translator import N_, Translator


@runtime_checkable
class Written(Protocol):
    """A value written differently per language."""

    def write(self, language: str) -> str: ...


@dataclass(frozen=True)
class Fig:
    """A figure, written by ``services.format`` in the reader's language."""

    kind: str  # a function of services.format.Figures: pct, pp, gap, bp, usd, cny, level, ...
    value: float | int | date | datetime | None
    options: tuple[tuple[str, Any], ...] = ()

    def write(self, language: str) -> str:
        from services.format import figures  # services.format imports this package

        return str(getattr(figures(language), self.kind)(self.value, **dict(self.options)))

    def __str__(self) -> str:
        return self.write("en")


@dataclass(frozen=True)
class Name:
    """An instrument (by quote id) or a market (``market:US``), with its English name."""

    key: str
    english: str

    def write(self, language: str) -> str:
        if self.key.startswith("market:"):
            return market_name(self.key.removeprefix("market:"), language) or self.english
        return quote_name(self.key, language) or self.english

    def __str__(self) -> str:
        return self.english


@dataclass(frozen=True)
class Source:
    """A source's name: the data's own as it is, the bot's history store in the reader's
    words (``history, Yahoo ^GSPC`` → ``历史数据，Yahoo ^GSPC``)."""

    name: str

    def write(self, language: str) -> str:
        from services.i18n.translator import translator
        from services.i18n.vocabulary import source

        return source(self.name, translator(language))

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Missing:
    """The one word for a missing figure: ``n/a`` in English, ``暂无`` in Chinese."""

    def write(self, language: str) -> str:
        from services.format import missing

        return missing(language)

    def __str__(self) -> str:
        return self.write("en")


MISSING = Missing()


class Text(str):
    """An English sentence that keeps its template and values (see the module's doc)."""

    say: Say

    def __new__(cls, say: Say) -> Text:
        made = super().__new__(cls, str(say))
        made.say = say
        return made

    def __reduce__(self) -> tuple[Any, ...]:  # pickled for the chart workers
        return (Text, (self.say,))


def said(template: str, /, **params: object) -> Text:
    """``Text`` of ``template``, a msgid (``python -m services.i18n extract`` finds it)."""
    return Text(Say(template, params))


def said_counted(singular: str, plural: str, n: int, /, **params: object) -> Text:
    """``Text`` with a count: the plural form the reader's language uses for ``n``."""
    return Text(Say.counted(singular, plural, n, **params))


# How ``joined`` puts parts together (clauses: "a; b"; items: "a, b"); each language its way.
JOINS = {"; ": N_("{a}; {b}"), ", ": N_("{a}, {b}")}


def joined(parts: list[Text] | tuple[Text, ...], separator: str = "; ") -> Text:
    """Several sentences as one ``Text`` (``a; b; c``), each part translated in its turn."""
    if not parts:
        return Text(Say(""))
    head: Text = parts[0]
    for part in parts[1:]:
        head = said(JOINS[separator], a=head, b=part)
    return head


def localise(text: object, tr: Translator) -> str:
    """``text`` in ``tr``'s language: a ``Text`` or a ``Say`` translated, a ``Fig`` or a
    ``Name`` written for it, anything else as it is."""
    from services.i18n.errors import value  # it reads Text and Written in turn

    return value(text, tr)


def fig(kind: str, value: float | int | date | datetime | None, **options: Any) -> Fig:
    return Fig(kind, value, tuple(sorted(options.items())))


def pct(value: float | None, digits: int = 2, signed: bool = True) -> Fig:
    return fig("pct", value, **_non_default(digits=(digits, 2), signed=(signed, True)))


def pp(value: float | None, digits: int = 2) -> Fig:
    return fig("pp", value, **_non_default(digits=(digits, 2)))


def gap(value: float | None, digits: int = 2) -> Fig:
    return fig("gap", value, **_non_default(digits=(digits, 2)))


def bp(value: float | None) -> Fig:
    return fig("bp", value)


def usd(value: float | None, signed: bool = False, digits: int | None = None) -> Fig:
    return fig("usd", value, **_non_default(signed=(signed, False), digits=(digits, None)))


def cny(value: float | None, signed: bool = False) -> Fig:
    return fig("cny", value, **_non_default(signed=(signed, False)))


def level(value: float | None) -> Fig:
    return fig("level", value)


def price_usd(value: float | None) -> Fig:
    return fig("price_usd", value)


def count(value: int | None) -> Fig:
    return fig("count", value)


def ratio(value: float | None, digits: int = 2) -> Fig:
    return fig("ratio", value, **_non_default(digits=(digits, 2)))


def day(value: date | datetime | None) -> Fig:
    return fig("day", value)


def sigma(value: float | None, digits: int = 1, signed: bool = True) -> Fig:
    return fig("sigma", value, **_non_default(digits=(digits, 1), signed=(signed, True)))


def ordinal(value: int | None) -> Fig:
    return fig("ordinal", value)


def _non_default(**pairs: tuple[Any, Any]) -> dict[str, Any]:
    return {k: given for k, (given, default) in pairs.items() if given != default}


def params_of(text: str) -> Mapping[str, object]:
    """The values a ``Text`` was written with (empty for plain text)."""
    say = getattr(text, "say", None)
    return say.params if isinstance(say, Say) else {}
