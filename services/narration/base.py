"""The narrator port: computed facts in, a ``Narration`` out."""

from __future__ import annotations

from typing import Protocol

from services.models.analysis import Analysis
from services.models.report import Narration


class Narrator(Protocol):
    name: str

    async def narrate(self, analysis: Analysis, language: str = "en") -> Narration:
        """Write the Key Insight (and optionally per-section commentary) for ``analysis``,
        in ``language``."""
        ...


async def narrate_in(narrator: Narrator, analysis: Analysis, language: str) -> Narration:
    """``narrator``'s narration in ``language``; an English one is asked for without the
    argument, so a narrator written before languages existed still serves English."""
    if language == "en":
        return await narrator.narrate(analysis)
    return await narrator.narrate(analysis, language)
