"""Which fonts the charts use, resolved once per process through matplotlib's font_manager.

Latin text uses DejaVu Sans, which ships with matplotlib. Chinese names such as 上证指数 need a
CJK font (``scripts/install-system-deps.sh`` installs Noto Sans CJK). When none is installed the
charts still render: characters no font can draw are dropped from labels (so "上证指数 SSE"
becomes "SSE") and one warning is logged, instead of drawing boxes.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Literal

from matplotlib import font_manager, ft2font
from matplotlib.font_manager import FontProperties

log = logging.getLogger(__name__)

LATIN_FAMILY = "DejaVu Sans"

# Simplified Chinese first: the quote names are mainland index names.
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK TC", "Noto Sans CJK HK",
    "Noto Sans CJK JP", "Droid Sans Fallback", "AR PL UMing CN",
)
# Font files worth adding when matplotlib's cached font list predates their install.
_CJK_FILE_HINT = re.compile(r"cjk|wqy|wenquanyi|sourcehan|droidsansfallback|uming|ukai",
                            re.IGNORECASE)
PROBE = "上证指数"
FontStyle = Literal["normal", "italic", "oblique"]


@dataclass(frozen=True)
class Fonts:
    families: tuple[str, ...]  # the fallback chain every text is drawn with
    cjk: str | None  # the CJK family, None when no CJK font is installed

    def props(self, size: float, weight: str = "normal", style: FontStyle = "normal",
              cjk: bool = False) -> FontProperties:
        """Font properties for one text; the CJK fallback only where the text needs it, since
        laying out text through a CJK font's large tables is several times slower."""
        family = list(self.families) if cjk else [LATIN_FAMILY]
        return FontProperties(family=family, size=size, weight=weight, style=style)


def _draws(family: str, text: str) -> bool:
    try:
        path = font_manager.findfont(FontProperties(family=family), fallback_to_default=False)
    except ValueError:
        return False
    font = font_manager.get_font(path)
    return font.family_name == family and all(font.get_char_index(ord(c)) for c in text)


def _installed_families() -> set[str]:
    return {entry.name for entry in font_manager.fontManager.ttflist}


def _add_uncached_cjk_files() -> None:
    """Register CJK font files installed after matplotlib built its font cache."""
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in sorted(font_manager.findSystemFonts()):
        if path not in known and _CJK_FILE_HINT.search(path):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                log.debug("cannot read font file %s", path)


def find_cjk_family() -> str | None:
    for attempt in range(2):
        installed = _installed_families()
        for family in CJK_FAMILIES:
            if family in installed and _draws(family, PROBE):
                return family
        if attempt == 0:
            _add_uncached_cjk_files()
    return None


@cache
def fonts() -> Fonts:
    """The fonts of this process, resolved on first use."""
    cjk = find_cjk_family()
    if cjk is None:
        log.warning("no CJK font found (tried %s); charts show Chinese names in Latin only. "
                    "Install one with scripts/install-system-deps.sh", ", ".join(CJK_FAMILIES))
        return Fonts((LATIN_FAMILY,), None)
    return Fonts((LATIN_FAMILY, cjk), cjk)


@cache
def _drawable(char: str, families: tuple[str, ...]) -> bool:
    if char == " ":
        return True
    if unicodedata.category(char)[0] in "CZ":  # controls, line breaks, odd spaces
        return False
    for family in families:
        path = font_manager.findfont(FontProperties(family=family))
        if font_manager.get_font(path).get_char_index(ord(char)):
            return True
    return False


_SPACES = re.compile(r"\s{2,}")


def drawable(text: str, chain: Fonts | None = None) -> str:
    """``text`` on one line, without the characters no font in the chain can draw: controls
    and line breaks become spaces, the rest is dropped; "?" if nothing is left."""
    families = (chain or fonts()).families
    kept = "".join(c if _drawable(c, families) else (" " if c.isspace() else "")
                   for c in text)
    if kept == text:
        return text
    cleaned = _SPACES.sub(" ", kept).strip(" ·")
    return cleaned or "?"


def has_cjk(text: str) -> bool:
    """Whether ``text`` needs the fallback chain: a CJK character, or any other the Latin face
    cannot draw (Hangul jamo, say, which the CJK font has)."""
    return any(_is_cjk(c) or not _drawable(c, (LATIN_FAMILY,)) for c in text)


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (0x2E80 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF or 0xF900 <= code <= 0xFAFF
            or 0xFF00 <= code <= 0xFFEF or 0x20000 <= code <= 0x2FA1F)


@cache
def _latin_face(bold: bool) -> ft2font.FT2Font:
    """A private FT2Font (matplotlib's shared ones are resized while drawing)."""
    path = font_manager.findfont(FontProperties(family=LATIN_FAMILY,
                                                weight="bold" if bold else "normal"))
    face = ft2font.FT2Font(path)
    face.set_size(100, 72)
    return face


@cache
def advance_em(char: str, bold: bool = False) -> float:
    """How far ``char`` advances the pen, in em: from the Latin font, or one em for characters
    it lacks (CJK is square)."""
    face = _latin_face(bold)
    if not face.get_char_index(ord(char)):
        return 1.0
    glyph = face.load_char(ord(char), flags=ft2font.LoadFlags.NO_HINTING)
    return glyph.linearHoriAdvance / 65536 / 100
