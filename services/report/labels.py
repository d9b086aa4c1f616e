"""The report's fixed labels (table headers, headings, word cells), marked for the catalogs,
and the pass that shows them in the report's language.

The section builders write these labels in English (``services.report.sections``); a report in
another language gets each one translated here, after the blocks are built. The sentences of
the sections are not labels and are not touched. A label that is not listed below stays as
written, and ``tests/i18n`` fails the build for it: add it here (and to the catalogs).
"""

from __future__ import annotations

from dataclasses import replace

from services.i18n import N_, Translator
from services.models.report import Block, Heading, Table

TABLE_HEADERS: frozenset[str] = frozenset({
    N_("Market"), N_("Close"), N_("Change"), N_("Signal"),
    N_("Coin"), N_("Supply"), N_("1d %"), N_("1d USD"),
    N_("Category"), N_("Avg 1d"), N_("Listed"), N_("Leader"),
    N_("Protocol"), N_("TVL"), N_("1d"), N_("DEX"), N_("Volume 24h"),
    N_("Index"), N_("#"), N_("Pair"), N_("Spread"),
    N_("Risk"), N_("Impact"), N_("Severity"), N_("Base rate"), N_("σ gap"),
    N_("Macro"), N_("Source"),
})
HEADINGS: frozenset[str] = frozenset({
    N_("Transmission chain"), N_("Price action"), N_("Stablecoin supply"),
    N_("TVL by category"), N_("DEX volume"), N_("Anomalies (not read as signals)"),
    N_("Dispersion"), N_("Sector rotation"), N_("The lead for Asia"), N_("Against the US"),
    N_("Internals"), N_("Against Hong Kong"), N_("With Hong Kong"), N_("Levels and trend"),
    N_("Conservative"), N_("Moderate"), N_("Aggressive"),
    N_("Since the previous edition"),
    N_("Macro"), N_("Checked against history"),
})
# Table cells that are words, not figures: the macro figures' names and where they came from.
CELLS: frozenset[str] = frozenset({
    N_("Dollar index"), N_("US 10-year"), N_("Gold"), N_("WTI crude"), N_("VIX"),
    N_("USD/CNH"), N_("history"),
})
# Leads the report builder writes itself (the section builders' leads are sentences' parts).
MISSING_INPUTS = N_("Missing inputs:")
READING = N_("Reading:")
CHECKED = N_("Checked against history:")


def localise(blocks: tuple[Block, ...], tr: Translator) -> tuple[Block, ...]:
    """``blocks`` with every listed table header and heading in ``tr``'s language."""
    if tr.language == "en":
        return blocks
    return tuple(_block(b, tr) for b in blocks)


def _block(block: Block, tr: Translator) -> Block:
    if isinstance(block, Table):
        return replace(block, columns=tuple(tr.gettext(c) if c in TABLE_HEADERS else c
                                            for c in block.columns),
                       rows=tuple(tuple(tr.gettext(c) if c in CELLS else c for c in row)
                                  for row in block.rows))
    if isinstance(block, Heading) and block.text in HEADINGS:
        return Heading(tr.gettext(block.text))
    return block
