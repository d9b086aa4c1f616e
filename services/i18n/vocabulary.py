"""The analysis' fixed words: values it hands the report as English words (a signal, a link's
state, a reading), each shown in the reader's language. Pure.

The analysis keeps writing these words in English (they are also its JSON values and what its
tests read); a renderer shows ``word(value, tr)``. A value that is not listed (the data's own
words, a name) is shown as it is.
"""

from __future__ import annotations

from services.i18n.translator import N_, Translator

WORDS: frozenset[str] = frozenset({
    # the signal of a move (rules.signal), a breadth reading (markets._breadth_words)
    N_("strong risk-on"), N_("risk-on"), N_("flat"), N_("quiet"), N_("risk-off"),
    N_("strong risk-off"),
    N_("missing"), N_("very weak"), N_("weak"), N_("balanced"), N_("strong"),
    N_("very strong"), N_("unknown"),
    # how a follower moved against its leader (LinkState), BTC against equities (CryptoState)
    N_("followed"), N_("amplified"), N_("broken"), N_("muted"), N_("no lead"),
    N_("not comparable"), N_("moved together"), N_("moved apart"),
    N_("amplifying"), N_("tracking"), N_("decoupled"), N_("reversed"),
    # the verdict (Verdict)
    N_("risk-on"), N_("fragmented"), N_("neutral"),
    # stablecoin supply (rules.stablecoin_reading)
    N_("inflow"), N_("outflow"), N_("rotation"),
    # why a DeFi figure is an anomaly (rules.anomaly_reason)
    N_("tiny base"), N_("implausible move, base unknown"),
    # a risk's impact and likelihood (rules.likelihood)
    N_("high"), N_("medium"), N_("low"),
    # the three tiers of the action plan
    N_("conservative"), N_("moderate"), N_("aggressive"),
})


def word(value: str, tr: Translator) -> str:
    """``value`` in ``tr``'s language when it is one of the analysis' words, else as it is."""
    return tr.gettext(value) if value in WORDS else value


# What a source's figures cover (``analysis.engine.source_times``), after the market codes.
SCOPES: frozenset[str] = frozenset({
    N_("crypto market"), N_("A-share breadth"), N_("stablecoins"), N_("DeFi TVL"),
    N_("DEX volume"), N_("as-of time not given"),
})
HISTORY_SOURCE = "history"  # the cross-check's and the macro layer's source for the history


def source(name: str, tr: Translator) -> str:
    """A source's name: the data's own (``reference``, ``Yahoo ^GSPC``) as it is, except the
    bot's history store, said in the reader's language (``history, Yahoo ^GSPC`` →
    ``历史数据，Yahoo ^GSPC``)."""
    if name == HISTORY_SOURCE:
        return tr.gettext("history")
    head, sep, rest = name.partition(", ")
    if sep and head == HISTORY_SOURCE:
        return tr.gettext("history, {source}", source=rest)
    return name


def scope(value: str, tr: Translator) -> str:
    """What a source covers: a market code (``US`` → ``美股``) or one of ``SCOPES``."""
    from services.i18n.names import market_name

    return market_name(value, tr.language) or (tr.gettext(value) if value in SCOPES else value)


def source_label(label: str, tr: Translator) -> str:
    """``history, Yahoo ^GSPC · US`` → ``历史数据，Yahoo ^GSPC · 美股``."""
    name, sep, covered = label.partition(" · ")
    return source(name, tr) + (sep + scope(covered, tr) if sep else "")


def as_of(value: str, tr: Translator) -> str:
    """A source's as-of time (a time, as it is) or why it has none, in the reader's words."""
    head, sep, reason = value.partition(": ")
    if sep and head == "failed":
        return tr.gettext("failed: {reason}", reason=word(reason, tr))
    return tr.gettext(value) if value in SCOPES else value
