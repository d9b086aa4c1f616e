"""Alert rules: the text a user types, the figure each kind reads, and when it fires and
re-arms. Pure: no clock, no I/O.

Kinds, the figure they read, and when they fire (threshold ``t``):

    move    the change: a coin's 24 h, a listing's session over session    |change| ≥ t %
    above   the price                                                       price ≥ t
    below   the price                                                       price ≤ t
    spread  the gap between two changes (a − b), in percentage points      |gap| ≥ t pp
    depeg   how far a dollar stablecoin is from $1, in percent             |off| ≥ t %
    z       the change over its trailing 60-session volatility            |z| ≥ t

An alert fires once per crossing: when armed and its condition holds it fires and disarms;
it re-arms only once the figure has cleared the condition by the hysteresis margin: back
under ``t × (1 − rearm_fraction)`` for move, spread, depeg and z, and back beyond the level by
``rearm_level_pct`` percent of it for above and below.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, cast

from services.errors import InputError, Say
from services.i18n import N_, Translator, translator
from services.i18n.errors import render

Kind = Literal["move", "above", "below", "spread", "depeg", "z"]
KINDS: tuple[Kind, ...] = ("move", "above", "below", "spread", "depeg", "z")
Decision = Literal["fire", "rearm"]

EXAMPLES: dict[Kind, str] = {
    "move": "BTC move 5%", "above": "HSI above 26000", "below": "HSI below 24000",
    "spread": "spread BTC SPX 3pp", "depeg": "depeg USDC 0.5%", "z": "z HSTECH 2",
}
# sensible bounds: outside them a threshold can never (or always) hold
BOUNDS: dict[Kind, tuple[float, float]] = {
    "move": (0.1, 50.0), "spread": (0.1, 50.0), "depeg": (0.05, 20.0), "z": (0.5, 10.0)}
UNITS: dict[Kind, str] = {"move": "%", "spread": "pp", "depeg": "%", "z": "", "above": "",
                          "below": ""}

_NUMBER = re.compile(r"^([+-]?\d[\d,]*(?:\.\d+)?|[+-]?\.\d+)\s*(%|pp|σ|sigma|sd)?$",
                     re.IGNORECASE)


class AlertInputError(InputError):
    """An alert rule that cannot be used; ``str()`` is one line with an example (``say``: the
    same line for any language)."""


@dataclass(frozen=True)
class RuleText:
    """A rule as typed, its codes not yet resolved."""

    kind: Kind
    codes: tuple[str, ...]  # one; two for spread
    threshold: float


@dataclass(frozen=True)
class Margins:
    rearm_fraction: float = 0.2  # move, spread, depeg, z: re-arm under t × (1 − this)
    rearm_level_pct: float = 0.5  # above, below: re-arm this % of the level back


def example_say(kind: Kind | None, command: str = "/alert add") -> Say:
    return Say("Example: {command} {rule}", {"command": command,
                                              "rule": EXAMPLES[kind or "move"]})


def example(kind: Kind | None, command: str = "/alert add", tr: Translator | None = None
            ) -> str:
    return render(example_say(kind, command), tr or translator())


def parse_rule(args: Sequence[str], command: str = "/alert add") -> RuleText:
    """``BTC move 5%``, ``HSI below 24000``, ``spread BTC SPX 3pp``, ``depeg USDC 0.5%``,
    ``z HSTECH 2`` (the kind first or after the code)."""
    tokens = _tokens(args)
    if not tokens:
        raise AlertInputError.saying("Say what to watch. {example}",
                                     example=example_say(None, command))
    first = tokens[0].lower()
    if first in KINDS:
        kind = cast(Kind, first)
        wanted = 2 if kind == "spread" else 1
        codes, rest = tuple(tokens[1:1 + wanted]), tokens[1 + wanted:]
        if len(codes) < wanted or any(_has_unit(code) for code in codes):
            if kind == "spread":
                raise AlertInputError.saying("{kind} needs two instruments and a threshold. "
                                             "{example}", kind=kind,
                                             example=example_say(kind, command))
            raise AlertInputError.saying("{kind} needs an instrument and a threshold. "
                                         "{example}", kind=kind,
                                         example=example_say(kind, command))
    else:
        if len(tokens) < 2:
            raise AlertInputError.saying("Say which kind of alert: move, above, below, "
                                         "spread, depeg or z. {example}",
                                         example=example_say(None, command))
        named = tokens[1].lower()
        if named not in KINDS:
            raise AlertInputError.saying("'{typed}' is not an alert kind; use move, above, "
                                         "below, spread, depeg or z. {example}",
                                         typed=tokens[1], example=example_say(None, command))
        kind = cast(Kind, named)
        if kind == "spread":
            raise AlertInputError.saying("spread names two instruments first. {example}",
                                         example=example_say("spread", command))
        codes, rest = (tokens[0],), tokens[2:]
    if len(rest) != 1:
        problem = Say(N_("a threshold is missing") if not rest else N_("too many values"))
        raise AlertInputError.saying("{kind}: {problem}. {example}", kind=kind,
                                     problem=problem, example=example_say(kind, command))
    return RuleText(kind, codes, threshold(kind, rest[0], command))


def _has_unit(text: str) -> bool:
    """A threshold with its unit (``3pp``, ``5%``) where a code was expected."""
    match = _NUMBER.match(text)
    return match is not None and match.group(2) is not None


def _tokens(args: Sequence[str]) -> list[str]:
    """Words, with a unit written apart glued back to its number (``5 %``, ``3 pp``)."""
    out: list[str] = []
    for word in " ".join(args).split():
        if out and word.lower() in ("%", "pp", "σ") and _NUMBER.match(out[-1]):
            out[-1] += word
        else:
            out.append(word)
    return out


def threshold(kind: Kind, text: str, command: str = "/alert add") -> float:
    match = _NUMBER.match(text.strip())
    if not match:
        raise AlertInputError.saying("'{text}' is not a number. {example}", text=text,
                                     example=example_say(kind, command))
    value = float(match.group(1).replace(",", ""))
    unit = (match.group(2) or "").lower()
    if kind in ("above", "below"):
        if unit:
            raise AlertInputError.saying("{kind} takes a price level, not {unit}. {example}",
                                         kind=kind, unit=unit,
                                         example=example_say(kind, command))
        if value <= 0:
            raise AlertInputError.saying("A price level must be above 0, not {text}. "
                                         "{example}", text=text,
                                         example=example_say(kind, command))
        return value
    if kind == "spread" and unit not in ("", "pp", "%"):
        raise AlertInputError.saying("spread takes percentage points, e.g. 3pp. {example}",
                                     example=example_say(kind, command))
    if kind in ("move", "depeg") and unit not in ("", "%"):
        raise AlertInputError.saying("{kind} takes a percent, e.g. 5%. {example}", kind=kind,
                                     example=example_say(kind, command))
    if kind == "z" and unit not in ("", "σ", "sigma", "sd"):
        raise AlertInputError.saying("z takes a number of standard deviations, e.g. 2. "
                                     "{example}", example=example_say(kind, command))
    low, high = BOUNDS[kind]
    if not low <= abs(value) <= high or value < 0:
        shown = f"{text}" if unit else f"{value:g}{UNITS[kind]}"
        span = f"{low:g}"
        top = f"{high:g}{UNITS[kind]}"
        raise AlertInputError.saying("{kind} {shown} makes no sense: use {low} to {high}. "
                                     "{example}", kind=kind, shown=shown, low=span, high=top,
                                     example=example_say(kind, command))
    return value


def rule_key(kind: Kind, instrument_id: str, other_id: str | None, limit: float) -> str:
    """What makes two alerts of a chat the same one."""
    return f"{kind} {instrument_id} {other_id or '-'} {limit:g}"


# --- evaluation ---------------------------------------------------------------------------------

def holds(kind: str, value: float, limit: float) -> bool:
    if kind == "above":
        return value >= limit
    if kind == "below":
        return value <= limit
    return abs(value) >= limit


def cleared(kind: str, value: float, limit: float, margins: Margins) -> bool:
    """Whether the figure is back past the hysteresis margin: the alert may fire again."""
    if kind == "above":
        return value < limit * (1 - margins.rearm_level_pct / 100)
    if kind == "below":
        return value > limit * (1 + margins.rearm_level_pct / 100)
    return abs(value) < limit * (1 - margins.rearm_fraction)


def rearm_at(kind: str, limit: float, margins: Margins) -> float:
    """The figure past which a fired alert re-arms (for the message; rounded so that
    25,000 × 1.005 reads 25,125, not 25,124.999…)."""
    if kind == "above":
        return round(limit * (1 - margins.rearm_level_pct / 100), 8)
    if kind == "below":
        return round(limit * (1 + margins.rearm_level_pct / 100), 8)
    return round(limit * (1 - margins.rearm_fraction), 8)


def decide(kind: str, armed: bool, value: float | None, limit: float,
           margins: Margins) -> Decision | None:
    """``fire`` (armed, the condition holds), ``rearm`` (disarmed, cleared by the margin), or
    nothing. An unknown figure changes nothing."""
    if value is None:
        return None
    if armed:
        return "fire" if holds(kind, value, limit) else None
    return "rearm" if cleared(kind, value, limit, margins) else None
