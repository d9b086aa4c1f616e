"""Inline keyboards and their callback data (≤ 64 bytes, checked when built)."""

from __future__ import annotations

from functools import lru_cache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from services.i18n import N_, translator
from services.models.report import SECTION_KEYS, resolve_section
from services.renderers.limits import TELEGRAM_CALLBACK_DATA_BYTES

SECTION_PREFIX = "s:"
FULL = "full"
PATTERN = rf"^({SECTION_PREFIX}[a-z_]+|{FULL})$"
LABELS: dict[str, str] = {
    "key_insight": N_("Insight"), "risk_sentiment": N_("Sentiment"),
    "crypto_defi": N_("Crypto"), "us": N_("US"), "hk": N_("HK"), "a_shares": N_("A-shares"),
    "divergences": N_("Divergences"), "capital_flows": N_("Flows"), "risk_matrix": N_("Risks"),
    "action_plan": N_("Plan"),
}
FULL_REPORT = N_("Full report")
PER_ROW = 3


def button(label: str, data: str) -> InlineKeyboardButton:
    if len(data.encode()) > TELEGRAM_CALLBACK_DATA_BYTES:
        raise ValueError(f"callback data {data!r} is over {TELEGRAM_CALLBACK_DATA_BYTES} bytes")
    return InlineKeyboardButton(label, callback_data=data)


@lru_cache(maxsize=4 * (len(SECTION_KEYS) + 1))
def sections(current: str | None = None, language: str = "en") -> InlineKeyboardMarkup:
    """A button per section (the one shown marked), then "Full report", in ``language``."""
    tr = translator(language)
    buttons = [button(f"▸ {tr.gettext(LABELS[key])}" if key == current
                      else tr.gettext(LABELS[key]), SECTION_PREFIX + key)
               for key in SECTION_KEYS]
    buttons.append(button(tr.gettext(FULL_REPORT), FULL))
    rows = [buttons[i:i + PER_ROW] for i in range(0, len(buttons), PER_ROW)]
    return InlineKeyboardMarkup(rows)


def parse(data: str | None) -> str | None:
    """The section key a button asks for, or ``None`` for the full report."""
    if data == FULL:
        return None
    return resolve_section((data or "").removeprefix(SECTION_PREFIX))


@lru_cache(maxsize=4)
def full_report(language: str = "en") -> InlineKeyboardMarkup:
    """The daily push's single "Full report" button (answered by the section-button handler),
    in ``language``."""
    return InlineKeyboardMarkup([[button(translator(language).gettext(FULL_REPORT), FULL)]])
