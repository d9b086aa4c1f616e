"""The Report: the only thing renderers see. Sections of typed blocks, no markup."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from services.errors import UnknownSectionError
from services.i18n import N_
from services.models.analysis import Analysis, FlowNode

SECTION_KEYS: tuple[str, ...] = (
    "key_insight", "risk_sentiment", "crypto_defi", "us", "hk", "a_shares",
    "divergences", "capital_flows", "risk_matrix", "action_plan",
)

# English msgids; a report in another language carries them translated (``Section.title``).
SECTION_TITLES: dict[str, str] = {
    "key_insight": N_("Key Insight"),
    "risk_sentiment": N_("Global risk sentiment and transmission chain"),
    "crypto_defi": N_("Crypto and DeFi"),
    "us": N_("US"),
    "hk": N_("Hong Kong"),
    "a_shares": N_("A-shares"),
    "divergences": N_("Cross-market divergences"),
    "capital_flows": N_("Capital flow map"),
    "risk_matrix": N_("Risk matrix"),
    "action_plan": N_("Action plan"),
}

# Short names a user would type, mapped to section keys.
SECTION_ALIASES: dict[str, str] = {
    "insight": "key_insight", "key": "key_insight", "summary": "key_insight",
    "sentiment": "risk_sentiment", "risk": "risk_sentiment", "chain": "risk_sentiment",
    "crypto": "crypto_defi", "defi": "crypto_defi",
    "cn": "a_shares", "china": "a_shares", "ashares": "a_shares", "a-shares": "a_shares",
    "divergence": "divergences", "div": "divergences",
    "flows": "capital_flows", "flow": "capital_flows",
    "risks": "risk_matrix", "matrix": "risk_matrix",
    "plan": "action_plan", "actions": "action_plan",
}

COMMAND_ALIASES: tuple[str, ...] = ("sentiment", "crypto", "us", "hk", "cn", "divergences",
                                    "flows", "risks", "plan")
# The names an unknown-section message lists (the README's): the commands' names plus insight
# and defi. Section keys (``risk_sentiment``) are accepted too but never shown to a user.
LISTED_ALIASES: tuple[str, ...] = ("insight", *COMMAND_ALIASES[:2], "defi",
                                   *COMMAND_ALIASES[2:])


def resolve_section(name: str) -> str:
    """A section key from a key or an alias, case-insensitively; else ``UnknownSectionError``."""
    wanted = name.strip().lower().lstrip("/")
    if wanted in SECTION_KEYS:
        return wanted
    if wanted in SECTION_ALIASES:
        return SECTION_ALIASES[wanted]
    raise UnknownSectionError(name, LISTED_ALIASES)


@dataclass(frozen=True)
class Paragraph:
    text: str
    lead: str = ""  # shown in bold before the text
    note: bool = False  # a side remark (italic where the platform has it)


@dataclass(frozen=True)
class Bullets:
    items: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: str = ""  # one of "l"/"r" per column; default: first left, rest right


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Tree:
    nodes: tuple[FlowNode, ...]


Block = Paragraph | Bullets | Table | Heading | Tree


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...]
    narrator: str = "template"
    language: str = "en"  # what its title and its renderers' own words are written in

    @property
    def number(self) -> int:
        return SECTION_KEYS.index(self.key) + 1


@dataclass(frozen=True)
class Narration:
    """What a narrator wrote: the Key Insight and optional commentary per section."""

    key_insight: str
    commentary: dict[str, str] = field(default_factory=dict)
    narrator: str = "template"
    section_narrators: dict[str, str] = field(default_factory=dict)
    rejected: tuple[str, ...] = ()  # figures the fact-check rejected
    input_tokens: int | None = None
    output_tokens: int | None = None


@dataclass(frozen=True)
class Report:
    title: str
    as_of: datetime
    edition_date: date
    sections: tuple[Section, ...]
    analysis: Analysis
    narration: Narration
    warnings: tuple[str, ...]
    verdict: str
    language: str = "en"  # what every text of the report is written in

    def section(self, key: str) -> Section:
        wanted = resolve_section(key)
        return next(s for s in self.sections if s.key == wanted)

    @property
    def key_insight(self) -> str:
        return self.narration.key_insight
