"""The template narrator: the day's strongest signal, in one or two sentences, from rules."""

from __future__ import annotations

from services import format as fmt
from services.analysis.moves import short_name
from services.models.analysis import Analysis, CryptoState, Divergence, Move, Verdict
from services.models.report import Narration


def _move(move: Move | None) -> str | None:
    if move is None or move.change_pct is None or move.closed:
        return None
    return f"{short_name(move)} {fmt.pct(move.change_pct)}"


def verdict_sentence(a: Analysis) -> str:
    s = a.sentiment
    moves = [text for r in s.rows if (text := _move(r.move))]
    listing = ", ".join(moves) if moves else "no current market moves"
    older = [r for r in s.rows if r.move is not None and r.move.closed]
    reopening = [r.label for r in older
                 if (day := a.trading_days.get(r.market)) is not None and day.reopens_today]
    closed = [r.label for r in older if r.label not in reopening]
    tail = (f"; closed: {', '.join(closed)}" if closed else "") + (
        f"; trading again today after a holiday: {', '.join(reopening)}" if reopening else "")
    if s.verdict is Verdict.UNKNOWN:
        return f"Risk sentiment cannot be read: {listing}{tail}."
    return f"Risk sentiment is {s.verdict.value} ({listing}{tail})."


def divergence_sentence(a: Analysis, d: Divergence) -> str:
    text = (f"The widest gap is {d.a_label} {fmt.pct(d.a_pct)} against {d.b_label} "
            f"{fmt.pct(d.b_pct)} ({fmt.pp(d.spread_pp)})")
    b = a.cn.breadth
    if d.key == "chinext_sse" and b and b.advancers is not None and b.total:
        text += f", with only {fmt.count(b.advancers)} of {fmt.count(b.total)} A-shares up"
    elif d.kind in ("crypto_equity", "stablecoin_supply") and (stable := stablecoin_clause(a)):
        text += f", as {stable}"
    return text


CRYPTO_VERB = {CryptoState.AMPLIFYING: "amplified", CryptoState.TRACKING: "tracked",
               CryptoState.DECOUPLED: "decoupled from", CryptoState.REVERSED: "moved against"}


def stablecoin_clause(a: Analysis) -> str | None:
    net = a.crypto.stablecoins.net_change_usd
    if net is None:
        return None
    verb = "rose" if net > 0 else "fell" if net < 0 else "was unchanged at"
    return f"net stablecoin supply {verb} {fmt.usd(abs(net))}" if net else None


def crypto_clause(a: Analysis) -> str | None:
    spx = next((link for link in a.sentiment.crypto_links if link.equity.id == "SPX"), None)
    if spx is None or spx.state not in CRYPTO_VERB:
        return None
    text = (f"BTC {fmt.pct(spx.btc.change_pct)} {CRYPTO_VERB[spx.state]} the S&P 500 "
            f"({fmt.pp(spx.spread_pp)})")
    stable = stablecoin_clause(a)
    return f"{text} while {stable}" if stable else text


class TemplateNarrator:
    """Rule-based narration; needs no key and no network."""

    name = "template"

    def compose(self, analysis: Analysis, language: str = "en") -> Narration:
        """The Key Insight from rules. Its sentences are English in every language for now
        (``language`` is accepted so the callers are ready for the translated sentences)."""
        sentences = [verdict_sentence(analysis)]
        if analysis.divergences:
            top = analysis.divergences[0]
            second = divergence_sentence(analysis, top)
            if top.kind not in ("crypto_equity", "stablecoin_supply") and (
                    extra := crypto_clause(analysis)):
                second += f"; {extra}"
            sentences.append(second + ".")
        elif extra := crypto_clause(analysis):
            sentences.append(extra[0].upper() + extra[1:] + ".")
        return Narration(key_insight=" ".join(sentences), narrator=self.name)

    async def narrate(self, analysis: Analysis, language: str = "en") -> Narration:
        return self.compose(analysis, language)
