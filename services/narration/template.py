"""The template narrator: the day's strongest signal, in one or two sentences, from rules, in
the reader's language (the sentences are gettext messages; the figures are written by
``services.format`` for that language, so both languages state the same figures)."""

from __future__ import annotations

from services import format as fmt
from services.analysis.moves import short_name
from services.i18n import N_, Translator, translator
from services.i18n.text import Name, localise
from services.models.analysis import Analysis, CryptoState, Divergence, MarketRow, Move, Verdict
from services.models.report import Narration
from services.renderers.words import VERDICTS


def name(move: Move, language: str = "en") -> str:
    """``S&P 500`` (``标普500``): the name the report writes for ``move``."""
    return Name(move.id, short_name(move)).write(language)


def _move(move: Move | None, tr: Translator) -> str | None:
    if move is None or move.change_pct is None or move.closed:
        return None
    return f"{name(move, tr.language)} {fmt.pct(move.change_pct, language=tr.language)}"


def row_label(row: MarketRow, tr: Translator) -> str:
    """A market's row as the sentiment table names it: ``US S&P 500`` (``美股 标普500``)."""
    if tr.language == "en" or row.move is None:
        return row.label
    market = Name(f"market:{row.market}", row.market).write(tr.language)
    own = name(row.move, tr.language)
    return own if row.market == "CRYPTO" else f"{market} {own}"


def verdict_sentence(a: Analysis, tr: Translator | None = None) -> str:
    tr = tr or translator("en")
    s = a.sentiment
    moves = [text for r in s.rows if (text := _move(r.move, tr))]
    listing = tr.join(moves) if moves else tr.gettext("no current market moves")
    older = [r for r in s.rows if r.move is not None and r.move.closed]
    again = {r.market for r in older
             if (day := a.trading_days.get(r.market)) is not None and day.reopens_today}
    closed = [row_label(r, tr) for r in older if r.market not in again]
    reopening = [row_label(r, tr) for r in older if r.market in again]
    tail = (tr.gettext("; closed: {markets}", markets=tr.join(closed)) if closed else "") + (
        tr.gettext("; trading again today after a holiday: {markets}",
                   markets=tr.join(reopening)) if reopening else "")
    if s.verdict is Verdict.UNKNOWN:
        return tr.gettext("Risk sentiment cannot be read: {moves}{closed}.", moves=listing,
                          closed=tail)
    verdict = s.verdict.value
    return tr.gettext("Risk sentiment is {verdict} ({moves}{closed}).",
                      verdict=tr.gettext(VERDICTS[verdict]) if verdict in VERDICTS else verdict,
                      moves=listing, closed=tail)


def divergence_sentence(a: Analysis, d: Divergence, tr: Translator | None = None) -> str:
    tr = tr or translator("en")
    f = fmt.figures(tr.language)
    text = tr.gettext("The widest gap is {a} {a_change} against {b} {b_change} ({spread})",
                      a=localise(d.a_label, tr), a_change=f.pct(d.a_pct),
                      b=localise(d.b_label, tr), b_change=f.pct(d.b_pct),
                      spread=f.pp(d.spread_pp))
    b = a.cn.breadth
    if d.key == "chinext_sse" and b and b.advancers is not None and b.total:
        text += tr.gettext(", with only {up} of {total} A-shares up", up=f.count(b.advancers),
                           total=f.count(b.total))
    elif d.kind in ("crypto_equity", "stablecoin_supply") and (stable := stablecoin_clause(a,
                                                                                           tr)):
        text += tr.gettext(", as {stablecoins}", stablecoins=stable)
    return text


CRYPTO_VERB = {CryptoState.AMPLIFYING: N_("BTC {change} amplified the S&P 500 ({spread})"),
               CryptoState.TRACKING: N_("BTC {change} tracked the S&P 500 ({spread})"),
               CryptoState.DECOUPLED: N_("BTC {change} decoupled from the S&P 500 ({spread})"),
               CryptoState.REVERSED: N_("BTC {change} moved against the S&P 500 ({spread})")}


def stablecoin_clause(a: Analysis, tr: Translator | None = None) -> str | None:
    tr = tr or translator("en")
    net = a.crypto.stablecoins.net_change_usd
    if not net:
        return None
    amount = fmt.usd(abs(net), language=tr.language)
    return (tr.gettext("net stablecoin supply rose {amount}", amount=amount) if net > 0 else
            tr.gettext("net stablecoin supply fell {amount}", amount=amount))


def crypto_clause(a: Analysis, tr: Translator | None = None) -> str | None:
    tr = tr or translator("en")
    spx = next((link for link in a.sentiment.crypto_links if link.equity.id == "SPX"), None)
    if spx is None or spx.state not in CRYPTO_VERB:
        return None
    text = tr.gettext(CRYPTO_VERB[spx.state],
                      change=fmt.pct(spx.btc.change_pct, language=tr.language),
                      spread=fmt.pp(spx.spread_pp, language=tr.language))
    stable = stablecoin_clause(a, tr)
    return tr.gettext("{crypto} while {stablecoins}", crypto=text, stablecoins=stable) \
        if stable else text


def key_insight(analysis: Analysis, tr: Translator) -> str:
    """The verdict, then the widest gap (or BTC against the S&P 500), each a sentence."""
    sentences = [verdict_sentence(analysis, tr)]
    if analysis.divergences:
        top = analysis.divergences[0]
        second = divergence_sentence(analysis, top, tr)
        if top.kind not in ("crypto_equity", "stablecoin_supply") and (
                extra := crypto_clause(analysis, tr)):
            second += tr.gettext("; {more}", more=extra)
        sentences.append(tr.gettext("{sentence}.", sentence=second))
    elif extra := crypto_clause(analysis, tr):
        sentences.append(tr.gettext("{sentence}.", sentence=extra[0].upper() + extra[1:]))
    text = sentences[0]
    for sentence in sentences[1:]:
        text = tr.gettext("{first} {second}", first=text, second=sentence)
    return text


class TemplateNarrator:
    """Rule-based narration; needs no key and no network."""

    name = "template"

    def compose(self, analysis: Analysis, language: str = "en") -> Narration:
        """The Key Insight from rules, in ``language``."""
        return Narration(key_insight=key_insight(analysis, translator(language)),
                         narrator=self.name)

    async def narrate(self, analysis: Analysis, language: str = "en") -> Narration:
        return self.compose(analysis, language)
