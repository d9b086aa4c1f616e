"""Discord: one embed per section (more when a section is long), packed into messages within
Discord's limits. Embeds are plain dicts in Discord's API shape (``discord.Embed.from_dict``
reads them), so this module does not import discord.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from services import format as fmt
from services.i18n import translator
from services.models.report import SECTION_KEYS, Report, Section
from services.renderers import limits, words
from services.renderers.base import section_units
from services.renderers.splitter import pack, split_text

_MD_SPECIAL = re.compile(r"([\\`*_~|\[\]])")
_LINE_START = re.compile(r"(?m)^([>#-])")
_MENTION = re.compile(r"@(?=[\w&!#])")

VERDICT_COLOUR = {"risk-on": 0x2E7D32, "risk-off": 0xC62828, "fragmented": 0xF9A825,
                  "neutral": 0x78909C, "unknown": 0x78909C}


def escape(text: str) -> str:
    """Escape Discord markdown and defuse mentions (``@everyone`` never pings)."""
    text = _LINE_START.sub(r"\\\1", _MD_SPECIAL.sub(r"\\\1", text))
    return _MENTION.sub("@\u200b", text)


class DiscordStyle:
    columns: int | None = None  # tables as wide as their figures

    def escape(self, text: str) -> str:
        return escape(text)

    def bold(self, escaped: str) -> str:
        return f"**{escaped}**"

    def italic(self, escaped: str) -> str:
        return f"*{escaped}*"

    def mono(self, lines: list[str]) -> str:
        body = "\n".join(lines).replace("```", "'''")
        return f"```\n{_MENTION.sub('@' + chr(0x200B), body)}\n```"

    def heading(self, text: str) -> str:
        return f"__**{escape(text)}**__"


STYLE = DiscordStyle()


@dataclass
class DiscordMessage:
    content: str | None = None
    embeds: list[dict[str, Any]] = field(default_factory=list)


def embed_size(embed: dict[str, Any]) -> int:
    """The characters Discord counts toward the 6000 per message."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += len(embed.get("footer", {}).get("text", ""))
    size += len(embed.get("author", {}).get("name", ""))
    for f in embed.get("fields", []):
        size += len(f.get("name", "")) + len(f.get("value", ""))
    return size


def section_embeds(section: Section, colour: int, footer: str | None = None,
                   language: str = "en") -> list[dict[str, Any]]:
    tr = translator(language)
    title = _title(f"{section.number}. {section.title}")
    bodies = pack(section_units(STYLE, section, limits.DISCORD_EMBED_DESCRIPTION, None),
                  limits.DISCORD_EMBED_DESCRIPTION)
    embeds = []
    for i, body in enumerate(bodies or [tr.gettext("(empty)")]):
        cont = _title(tr.gettext("{title} (cont.)", title=title))
        embed: dict[str, Any] = {"title": title if i == 0 else cont,
                                 "description": body, "color": colour}
        embeds.append(embed)
    if footer:
        embeds[-1]["footer"] = {"text": footer[: limits.DISCORD_FOOTER]}
    return embeds


def _title(text: str) -> str:
    return text if len(text) <= limits.DISCORD_EMBED_TITLE else \
        text[: limits.DISCORD_EMBED_TITLE - 1] + "…"


def footer_text(report: Report) -> str:
    """The edition time and the source names; per-source as-of times are in /status."""
    names = sorted({words.source_label(report, label.split(" · ")[0])
                    for label, _ in report.analysis.sources})
    tr = words.tr(report)
    text = tr.gettext("As of {time} · sources: {sources} (as-of times: /status)",
                      time=fmt.day(report.as_of),
                      sources=", ".join(names) or words.none_listed(report))
    return split_text(text, limits.DISCORD_FOOTER)[0]


def pack_embeds(embeds: list[dict[str, Any]]) -> list[DiscordMessage]:
    """Embeds into messages: at most 10 per message and 6000 characters of embed text."""
    messages: list[DiscordMessage] = []
    current: list[dict[str, Any]] = []
    total = 0
    for embed in embeds:
        size = embed_size(embed)
        if current and (len(current) == limits.DISCORD_EMBEDS_PER_MESSAGE
                        or total + size > limits.DISCORD_EMBED_TOTAL):
            messages.append(DiscordMessage(embeds=current))
            current, total = [], 0
        current.append(embed)
        total += size
    if current:
        messages.append(DiscordMessage(embeds=current))
    return messages


def render_messages(report: Report, keys: tuple[str, ...] = SECTION_KEYS) -> list[DiscordMessage]:
    colour = VERDICT_COLOUR.get(report.verdict, VERDICT_COLOUR["unknown"])
    sections = [s for s in report.sections if s.key in keys]
    footer = footer_text(report)
    embeds = [e for i, s in enumerate(sections)
              for e in section_embeds(s, colour, footer if i == len(sections) - 1 else None,
                                      report.language)]
    return pack_embeds(embeds)


def insight_embed(report: Report) -> dict[str, Any]:
    """The Key Insight embed for ``/report`` and the daily post."""
    colour = VERDICT_COLOUR.get(report.verdict, VERDICT_COLOUR["unknown"])
    text = split_text(report.key_insight, limits.DISCORD_EMBED_DESCRIPTION - 200,
                      lambda t: len(escape(t)))[0]
    return {"title": _title(report.title), "description": escape(text), "color": colour,
            "fields": [{"name": words.tr(report).gettext("Verdict"),
                        "value": escape(words.verdict(report)), "inline": True}],
            "footer": {"text": footer_text(report)}}
