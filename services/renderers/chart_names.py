"""What each chart is called where a user picks or sees it (``/chart``, captions), without
importing the charts themselves (matplotlib is heavy)."""

from __future__ import annotations

from services.i18n import N_

CHART_TITLES: dict[str, str] = {
    "dashboard": N_("Dashboard"),
    "details": N_("Market details"),
    "sentiment": N_("Risk sentiment"),
    "crypto": N_("Crypto & DeFi"),
    "breadth": N_("A-share breadth"),
    "divergences": N_("Divergences"),
    "flows": N_("Capital flows"),
}
