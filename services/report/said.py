"""What a section has already said: a reading is printed at most ``LIMIT`` times in one
section (its table row counts as one), and after that it is referred to by name, not
reprinted. One ``Said`` per section build."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable

from services import format as fmt
from services.analysis.moves import short_name
from services.i18n import Translator, translator
from services.i18n.text import Name
from services.models.analysis import Move

LIMIT = 2


def move_key(move: Move) -> Hashable:
    """One reading: the instrument's move of one session (its % and its σ go together)."""
    return (short_name(move), move.session, move.change_pct)


class Said:
    def __init__(self, limit: int = LIMIT, tr: Translator | None = None) -> None:
        self.limit = limit
        self.tr = tr or translator("en")
        self._count: Counter[Hashable] = Counter()

    def shown(self, key: Hashable) -> None:
        """``key`` was printed (a table row)."""
        self._count[key] += 1

    def again(self, key: Hashable) -> bool:
        """Whether ``key`` may be printed once more (and count it if so)."""
        if self._count[key] >= self.limit:
            return False
        self._count[key] += 1
        return True

    def figure(self, key: Hashable, text: str, reference: str = "") -> str:
        """``text`` while the reading may still be printed, else ``reference``."""
        return text if self.again(key) else reference

    def move(self, move: Move, z: float | None = None, with_session: bool = False) -> str:
        """``S&P 500 2026-03-19 -0.27% (-0.4σ)``, or ``S&P 500 (above)`` once it was said."""
        return self.move_said(move, z, with_session)[0]

    def move_said(self, move: Move, z: float | None = None, with_session: bool = False
                  ) -> tuple[str, bool]:
        """``move``'s words and whether they only refer to it (it was said already)."""
        tr = self.tr
        f = fmt.figures(tr.language)
        name = Name(move.id, short_name(move)).write(tr.language)
        when = f" {f.day(move.session)}" if with_session and move.session else ""
        if not self.again(move_key(move)):
            return tr.gettext("{name} (above)", name=f"{name}{when}"), True
        if z is not None:
            return tr.gettext("{name} {change} ({sigma})", name=f"{name}{when}",
                              change=f.pct(move.change_pct), sigma=f.sigma(z)), False
        return tr.gettext("{name} {change}", name=f"{name}{when}",
                          change=f.pct(move.change_pct)), False
