"""The analysis: pure functions from a ``MarketSnapshot`` to an ``Analysis``."""

from services.analysis.engine import analyze

__all__ = ["analyze"]
