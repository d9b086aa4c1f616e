"""The narrator port: computed facts in, a ``Narration`` out."""

from __future__ import annotations

from typing import Protocol

from services.models.analysis import Analysis
from services.models.report import Narration


class Narrator(Protocol):
    name: str

    async def narrate(self, analysis: Analysis) -> Narration:
        """Write the Key Insight (and optionally per-section commentary) for ``analysis``."""
        ...
