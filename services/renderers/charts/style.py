"""Sizes, colours and type of every chart, in one place.

Charts are laid out in inches on a page ``WIDTH_IN`` wide and saved at ``DPI``: 4.8 in × 225 dpi
is 1080 px, the width of a phone screen. Type sizes are chosen so that a copy scaled down to
400 px wide still shows body text about 10 px high.

Sign is never carried by colour alone: every value is printed with its sign and an arrow
(▲ up, ▼ down). Which colours mean up and down is a convention chosen per language
(``PALETTES``; settings ``CHART_COLOURS_EN``/``CHART_COLOURS_ZH``): in English the Okabe-Ito
blue/vermillion pair, which stays distinct under the common forms of colour blindness (and
avoids the red/green convention that reads in opposite ways in US and Chinese markets); in
Chinese red for up and green for down, as Chinese markets print them.

The palette and the language of one render are its ``Look``, set for exactly that render
(``rendering(look)``, a context variable reset when the render ends: two renders in two
languages, in two threads or two worker processes, never see each other's). ``sign_colour``,
``up()`` and ``down()`` read it; ``UP`` and ``DOWN`` stay the English default.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

WIDTH_IN = 4.8
DPI = 225

# Okabe & Ito (2008), "Color Universal Design".
UP = "#0072B2"  # blue
DOWN = "#D55E00"  # vermillion
NEUTRAL = "#4D5B6A"  # slate, for magnitudes without a direction (gaps in pp)
MUTED = "#A0A7AF"  # closed or stale markets, unknown values
ANOMALY = "#8E44AD"  # flagged figures, marked with ⚠ as well
INK = "#1B1F24"
SOFT_INK = "#5F6B76"
RULE = "#D5DAE0"
PAPER = "#FFFFFF"
PANEL = "#EBEEF2"  # not within 16 of white in every channel: the PNG palette keeps it

# Red and green as Chinese markets print them, dark enough for 4.5:1 on white.
RED = "#D32F2F"
GREEN = "#2E7D32"


@dataclass(frozen=True)
class Palette:
    up: str
    down: str


PALETTES: dict[str, Palette] = {
    "blue-up": Palette(UP, DOWN),  # Okabe-Ito, colour-blind safe
    "red-up": Palette(RED, GREEN),  # Chinese markets
    "green-up": Palette(GREEN, RED),  # US markets
}
DEFAULT_COLOURS: dict[str, str] = {"en": "blue-up", "zh": "red-up"}


@dataclass(frozen=True)
class Look:
    """What one render is drawn in: the reader's language and the colours of up and down."""

    language: str = "en"
    colours: str = "blue-up"

    @property
    def palette(self) -> Palette:
        return PALETTES[self.colours]


def look_for(language: str, colours: dict[str, str] | None = None) -> Look:
    """The look of ``language``'s charts: its colour convention from ``colours`` (the
    settings), else the default (red for up in Chinese)."""
    chosen = (colours or {}).get(language) or DEFAULT_COLOURS.get(language, "blue-up")
    return Look(language, chosen if chosen in PALETTES else "blue-up")


ENGLISH = Look()
_LOOK: ContextVar[Look | None] = ContextVar("chart_look", default=None)


@contextmanager
def rendering(look: Look) -> Iterator[Look]:
    """Draw in ``look`` until the block ends (then whatever was before)."""
    token = _LOOK.set(look)
    try:
        yield look
    finally:
        _LOOK.reset(token)


def current() -> Look:
    return _LOOK.get() or ENGLISH


def up() -> str:
    return current().palette.up


def down() -> str:
    return current().palette.down


UP_ARROW = "▲"
DOWN_ARROW = "▼"
FLAT_MARK = "■"
WARN = "⚠"

# Type sizes in points.
TITLE_PT = 12.5
HEADING_PT = 10.0
BODY_PT = 9.0
SMALL_PT = 8.0
FOOT_PT = 7.0

# Vertical rhythm in inches.
MARGIN_IN = 0.14
ROW_IN = 0.205
ROW_WITH_SUB_IN = 0.36
GROUP_IN = 0.21
HEADING_IN = 0.30
GAP_IN = 0.12

# Columns of a bar panel, in inches from the left edge.
LABEL_RIGHT_IN = 1.58
BAR_LEFT_IN = 1.68
BAR_RIGHT_IN = 3.52
VALUE_LEFT_IN = 3.62

# The most rows one panel shows; the rest are counted in a note, so a picture stays a picture.
MAX_ROWS = 12


def direction(value: float | None, digits: int = 2) -> int:
    """The sign of ``value`` as printed with ``digits`` decimals: +0.001 shows as 0.00, flat."""
    if value is None:
        return 0
    shown = round(value, digits)
    return (shown > 0) - (shown < 0)


def sign_colour(value: float | None, digits: int = 2, muted: bool = False) -> str:
    if value is None or muted:
        return MUTED
    return {1: up(), -1: down(), 0: NEUTRAL}[direction(value, digits)]


def arrow(value: float | None, digits: int = 2) -> str:
    if value is None:
        return ""
    return {1: UP_ARROW, -1: DOWN_ARROW, 0: FLAT_MARK}[direction(value, digits)]
