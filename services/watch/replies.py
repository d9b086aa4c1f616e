"""The bot's answers about watchlists, as plain lines (the handlers escape and send them), in
the reader's language (``tr``; English by default).

``command`` is how the platform writes the command being answered (``/watch add`` on
Telegram and Discord alike), used in the examples and in what to send after an ask-back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from services import format as fmt
from services.i18n import N_, Translator, translator
from services.i18n.errors import render
from services.watch.block import price, when
from services.watch.instruments import Listing, exact_code
from services.watch.resolve import (
    Ambiguous,
    Option,
    Resolution,
    Resolved,
    Unknown,
    Unverified,
)
from services.watch.service import AddOutcome, RemoveOutcome

EXAMPLE = "AAPL 0700 600519 BTC"
# What an option is (``codes.Candidate.where``), as the ask-back names it: every description
# the codes make, a message each ("coin, rank 7" has its own below).
WHERE: frozenset[str] = frozenset({
    N_("US listing"), N_("Hong Kong listing"), N_("US index"), N_("US ETF"),
    N_("Hong Kong index"), N_("China index"), N_("crypto coin"), N_("coin"),
    N_("Shanghai index"), N_("Shanghai stock"), N_("Shenzhen index"), N_("Shenzhen stock"),
    N_("Beijing index"), N_("Beijing stock"),
})
_RANKED = re.compile(r"^coin, rank (\d+)$")


def where(text: str, tr: Translator) -> str:
    """``Shenzhen stock`` in ``tr``'s language (``深圳股票``); a description not listed is
    shown as written."""
    ranked = _RANKED.match(text)
    if ranked:
        return tr.gettext("coin, rank {rank}", rank=ranked.group(1))
    return tr.gettext(text) if text in WHERE else text


def figure(option: Option, tr: Translator | None = None) -> str:
    tr = tr or translator()
    quote = option.quote
    return tr.gettext("{price} {change} ({time}, {source})",
                      price=price(option.listing, quote.price, tr.language),
                      change=fmt.pct(quote.change_pct, language=tr.language),
                      time=when(quote, tr), source=quote.source)


def described(listing: Listing) -> str:
    return listing.label if listing.name == listing.label else f"{listing.label} {listing.name}"


def ask_back(resolution: Ambiguous, again: str, tr: Translator | None = None) -> list[str]:
    """``again`` is the command with ``{code}`` where the chosen code goes."""
    tr = tr or translator()
    lines = [tr.gettext("'{text}' is more than one instrument; send one of:",
                        text=resolution.text)]
    for option in resolution.options:
        lines.append(tr.gettext("• {command}: {name}, {where}, {figure}",
                                command=again.format(code=option.code),
                                name=option.listing.name, where=where(option.where, tr),
                                figure=figure(option, tr)))
    return lines


def not_resolved(resolution: Resolution, again: str, tr: Translator | None = None
                 ) -> list[str]:
    """An ask-back, a refusal with suggestions, or why nothing could be checked."""
    tr = tr or translator()
    if isinstance(resolution, Ambiguous):
        return ask_back(resolution, again, tr)
    if isinstance(resolution, Unknown):
        near = tr.join([f"{s.code} ({s.name})" if s.name else s.code
                        for s in resolution.suggestions])
        example = resolution.suggestions[0].code if resolution.suggestions else "AAPL"
        closest = tr.gettext(" Closest: {codes}.", codes=near) if near else ""
        return [tr.gettext("'{text}' is not an instrument we can find.{closest} Example: "
                           "{example}", text=resolution.text, closest=closest,
                           example=again.format(code=example))]
    if isinstance(resolution, Unverified):
        lookup = ([tr.gettext("the coin lookup ({problem})", problem=resolution.lookup)]
                  if resolution.lookup else [])
        reason = tr.gettext("could not check {what}",
                            what=tr.pgettext("list of problems", "; ").join(
                                [*resolution.failed, *lookup]))
        return [tr.gettext("Cannot check '{text}' right now: {reason}. Nothing was saved; try "
                           "again in a minute.", text=resolution.text, reason=reason)]
    return []


def added(outcomes: Sequence[AddOutcome], command: str, limit: int,
          tr: Translator | None = None) -> list[str]:
    tr = tr or translator()
    lines: list[str] = []
    again = command + " {code}"
    for outcome in outcomes:
        if outcome.error is not None:
            lines.append(tr.gettext("{problem} Example: {example}",
                                    problem=render(outcome.error, tr),
                                    example=f"{command} {EXAMPLE}"))
        elif outcome.full_at is not None:
            lines.append(tr.gettext("This chat's watchlist is full ({n} of {n}); '{text}' was "
                                    "not added. {command} CODE makes room.", n=outcome.full_at,
                                    text=outcome.text,
                                    command=command.replace("add", "remove")))
        elif outcome.added is not None and isinstance(outcome.resolution, Resolved):
            option = outcome.resolution.option
            what = described(option.listing)
            if outcome.added.added:
                lines.append(tr.gettext("Added {what}: {figure}. {count} of {limit} on this "
                                        "chat's watchlist.", what=what,
                                        figure=figure(option, tr), count=outcome.added.count,
                                        limit=limit))
            else:
                lines.append(tr.gettext("{what} is already on this chat's watchlist.",
                                        what=what))
        elif outcome.resolution is not None:
            lines.extend(not_resolved(outcome.resolution, again, tr))
    return lines


def removed(outcomes: Sequence[RemoveOutcome], command: str, tr: Translator | None = None
            ) -> list[str]:
    tr = tr or translator()
    lines: list[str] = []
    for outcome in outcomes:
        if outcome.error is not None:
            lines.append(tr.gettext("{problem} Example: {example}",
                                    problem=render(outcome.error, tr),
                                    example=f"{command} 0700"))
        elif outcome.removed:
            lines.append(tr.gettext("Removed {what} from this chat's watchlist.",
                                    what=described(outcome.removed[0])))
        elif outcome.matches:
            choices = tr.join([f"{command} {exact_code(li)}" for li in outcome.matches])
            lines.append(tr.gettext("'{text}' is more than one item here; send one of: "
                                    "{choices}", text=outcome.text, choices=choices))
        else:
            lines.append(tr.gettext("'{text}' is not on this chat's watchlist.",
                                    text=outcome.text))
    return lines


def listed(items: Sequence[Listing], limit: int, command: str, tr: Translator | None = None
           ) -> list[str]:
    tr = tr or translator()
    if not items:
        return [tr.gettext("This chat's watchlist is empty. Example: {example}",
                           example=f"{command} {EXAMPLE}")]
    return [tr.gettext("This chat's watchlist ({count} of {limit}):", count=len(items),
                       limit=limit),
            *(f"• {described(li)}" for li in items)]


def usage(command: str, tr: Translator | None = None) -> str:
    return (tr or translator()).gettext(
        "Use {command} add CODE…, {command} remove CODE… or {command} list. Example: "
        "{command} add {example}", command=command, example=EXAMPLE)
