"""Inline keyboards and their callback data (≤ 64 bytes, checked when built)."""

from __future__ import annotations

from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from services.models.report import SECTION_KEYS, resolve_section
from services.renderers.limits import TELEGRAM_CALLBACK_DATA_BYTES

SECTION_PREFIX = "s:"
FULL = "full"
PATTERN = rf"^({SECTION_PREFIX}[a-z_]+|{FULL})$"
LABELS: dict[str, str] = {
    "key_insight": "Insight", "risk_sentiment": "Sentiment", "crypto_defi": "Crypto",
    "us": "US", "hk": "HK", "a_shares": "A-shares", "divergences": "Divergences",
    "capital_flows": "Flows", "risk_matrix": "Risks", "action_plan": "Plan",
}
PER_ROW = 3


def button(label: str, data: str) -> InlineKeyboardButton:
    if len(data.encode()) > TELEGRAM_CALLBACK_DATA_BYTES:
        raise ValueError(f"callback data {data!r} is over {TELEGRAM_CALLBACK_DATA_BYTES} bytes")
    return InlineKeyboardButton(label, callback_data=data)


@lru_cache(maxsize=len(SECTION_KEYS) + 1)
def sections(current: str | None = None) -> InlineKeyboardMarkup:
    """A button per section (the one shown marked), then "Full report"."""
    buttons = [button(f"▸ {LABELS[key]}" if key == current else LABELS[key],
                      SECTION_PREFIX + key) for key in SECTION_KEYS]
    buttons.append(button("Full report", FULL))
    rows = [buttons[i:i + PER_ROW] for i in range(0, len(buttons), PER_ROW)]
    return InlineKeyboardMarkup(rows)


def parse(data: str | None) -> str | None:
    """The section key a button asks for, or ``None`` for the full report."""
    if data == FULL:
        return None
    return resolve_section((data or "").removeprefix(SECTION_PREFIX))


def full_report() -> InlineKeyboardMarkup:
    """The daily push's single "Full report" button (answered by the section-button handler)."""
    return InlineKeyboardMarkup([[button("Full report", FULL)]])
