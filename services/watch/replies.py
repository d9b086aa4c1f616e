"""The bot's answers about watchlists, as plain lines (the handlers escape and send them).

``command`` is how the platform writes the command being answered (``/watch add`` on
Telegram and Discord alike), used in the examples and in what to send after an ask-back.
"""

from __future__ import annotations

from collections.abc import Sequence

from services import format as fmt
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


def figure(option: Option) -> str:
    quote = option.quote
    return (f"{price(option.listing, quote.price)} {fmt.pct(quote.change_pct)} "
            f"({when(quote)}, {quote.source})")


def described(listing: Listing) -> str:
    return listing.label if listing.name == listing.label else f"{listing.label} {listing.name}"


def ask_back(resolution: Ambiguous, again: str) -> list[str]:
    """``again`` is the command with ``{code}`` where the chosen code goes."""
    lines = [f"'{resolution.text}' is more than one instrument; send one of:"]
    for option in resolution.options:
        lines.append(f"• {again.format(code=option.code)}: {option.listing.name}, "
                     f"{option.where}, {figure(option)}")
    return lines


def not_resolved(resolution: Resolution, again: str) -> list[str]:
    """An ask-back, a refusal with suggestions, or why nothing could be checked."""
    if isinstance(resolution, Ambiguous):
        return ask_back(resolution, again)
    if isinstance(resolution, Unknown):
        near = ", ".join(f"{s.code} ({s.name})" if s.name else s.code
                         for s in resolution.suggestions)
        closest = f" Closest: {near}." if near else ""
        example = resolution.suggestions[0].code if resolution.suggestions else "AAPL"
        return [f"'{resolution.text}' is not an instrument we can find.{closest} "
                f"Example: {again.format(code=example)}"]
    if isinstance(resolution, Unverified):
        return [f"Cannot check '{resolution.text}' right now: {resolution.reason}. Nothing "
                "was saved; try again in a minute."]
    return []


def added(outcomes: Sequence[AddOutcome], command: str, limit: int) -> list[str]:
    lines: list[str] = []
    again = command + " {code}"
    for outcome in outcomes:
        if outcome.error is not None:
            lines.append(f"{outcome.error} Example: {command} {EXAMPLE}")
        elif outcome.full_at is not None:
            lines.append(f"This chat's watchlist is full ({outcome.full_at} of "
                         f"{outcome.full_at}); '{outcome.text}' was not added. "
                         f"{command.replace('add', 'remove')} CODE makes room.")
        elif outcome.added is not None and isinstance(outcome.resolution, Resolved):
            option = outcome.resolution.option
            what = described(option.listing)
            if outcome.added.added:
                lines.append(f"Added {what}: {figure(option)}. {outcome.added.count} of "
                             f"{limit} on this chat's watchlist.")
            else:
                lines.append(f"{what} is already on this chat's watchlist.")
        elif outcome.resolution is not None:
            lines.extend(not_resolved(outcome.resolution, again))
    return lines


def removed(outcomes: Sequence[RemoveOutcome], command: str) -> list[str]:
    lines: list[str] = []
    for outcome in outcomes:
        if outcome.error is not None:
            lines.append(f"{outcome.error} Example: {command} 0700")
        elif outcome.removed:
            lines.append(f"Removed {described(outcome.removed[0])} from this chat's watchlist.")
        elif outcome.matches:
            choices = ", ".join(f"{command} {exact_code(li)}" for li in outcome.matches)
            lines.append(f"'{outcome.text}' is more than one item here; send one of: {choices}")
        else:
            lines.append(f"'{outcome.text}' is not on this chat's watchlist.")
    return lines


def listed(items: Sequence[Listing], limit: int, command: str) -> list[str]:
    if not items:
        return [f"This chat's watchlist is empty. Example: {command} {EXAMPLE}"]
    return [f"This chat's watchlist ({len(items)} of {limit}):",
            *(f"• {described(li)}" for li in items)]


def usage(command: str) -> str:
    return (f"Use {command} add CODE…, {command} remove CODE… or {command} list. "
            f"Example: {command} add {EXAMPLE}")
