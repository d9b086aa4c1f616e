"""The "Since the previous edition" block of the Key Insight, in the report's language."""

from __future__ import annotations

from services import format as fmt
from services.i18n import N_, Translator
from services.i18n.text import localise
from services.models.analysis import SincePrevious, StateChange
from services.models.report import Block, Bullets, Heading, Paragraph

HEADING = N_("Since the previous edition")
# Chain states and verdicts as words of the report's language.
STATES: dict[str, str] = {
    "risk-on": N_("risk-on"), "risk-off": N_("risk-off"), "fragmented": N_("fragmented"),
    "neutral": N_("neutral"), "unknown": N_("unknown"),
}
LINK_STATES: dict[str, str] = {
    "followed": N_("followed"), "amplified": N_("amplified"), "broken": N_("broken"),
    "muted": N_("muted"), "no lead": N_("no lead"), "not comparable": N_("not comparable"),
    "moved together": N_("moved together"), "moved apart": N_("moved apart"),
    "amplifying": N_("amplifying"), "tracking": N_("tracking"), "decoupled": N_("decoupled"),
    "reversed": N_("reversed"),
}


def _word(value: str | None, tr: Translator) -> str:
    if value is None:
        return fmt.missing(tr.language)
    if value in STATES:
        return tr.gettext(STATES[value])
    if value in LINK_STATES:
        return tr.gettext(LINK_STATES[value])
    return value


def _change(change: StateChange, tr: Translator) -> str:
    return tr.gettext("{label}: {before} → {now}", label=localise(change.label, tr),
                      before=_word(change.before, tr), now=_word(change.now, tr))


def _titles(titles: tuple[str, ...], tr: Translator) -> str:
    return tr.join([localise(t, tr) for t in titles])


def since_blocks(since: SincePrevious, tr: Translator) -> tuple[Block, ...]:
    heading = Heading(tr.gettext(HEADING))
    if since.previous_as_of is None:
        return (heading, Paragraph(tr.gettext("No previous edition: this is the first one, so "
                                              "there is nothing to compare yet.")))
    items: list[Paragraph] = []
    verdict = since.verdict
    if verdict is not None:
        text = (tr.gettext("{before} → {now}", before=_word(verdict.before, tr),
                           now=_word(verdict.now, tr)) if verdict.changed else
                tr.gettext("unchanged, still {now}", now=_word(verdict.now, tr)))
        items.append(Paragraph(text, lead=tr.gettext("Verdict:")))
    moved = [c for c in since.chain if c.changed]
    kept = [c for c in since.chain if not c.changed]
    parts = [_change(c, tr) for c in moved]
    if kept:
        parts.append(tr.gettext("unchanged: {links}", links=tr.join(
            [tr.gettext("{label} ({state})", label=localise(c.label, tr),
                        state=_word(c.now, tr)) for c in kept])))
    if parts:
        items.append(Paragraph("; ".join(parts), lead=tr.gettext("Chain:")))
    risks = []
    if since.risks_new:
        risks.append(tr.gettext("new: {titles}", titles=_titles(since.risks_new, tr)))
    if since.risks_gone:
        risks.append(tr.gettext("gone: {titles}", titles=_titles(since.risks_gone, tr)))
    if since.risks_kept:
        risks.append(tr.gettext("still there: {titles}",
                                titles=_titles(since.risks_kept, tr)))
    items.append(Paragraph("; ".join(risks) if risks else
                           tr.gettext("none triggered then or now"), lead=tr.gettext("Risks:")))
    when = fmt.day(since.previous_as_of, tr.language)
    note = (tr.gettext("Compared with the edition of {when}; it read the same equity "
                       "sessions, so only crypto and DeFi figures can have moved.", when=when)
            if since.same_sessions else
            tr.gettext("Compared with the edition of {when}.", when=when))
    return (heading, Bullets(tuple(items)), Paragraph(note, note=True))
