"""A ``Note`` (the bot's own short message: an alert, a watchlist block) for each platform,
through the one splitter: Telegram HTML with its plain twin, within 4096 characters a
message; Discord embeds (title, description, footer), within 4096 a description."""

from __future__ import annotations

from typing import Any

from services.delivery.channels import Note
from services.renderers import limits
from services.renderers.discord_embeds import escape as discord_escape
from services.renderers.splitter import pack, pack_spans, split_text
from services.renderers.telegram_html import escape as html_escape
from services.renderers.telegram_messages import TelegramMessage

NOTE_COLOUR = 0x1565C0
FOOTER_LIMIT = 1000


def telegram(note: Note) -> list[TelegramMessage]:
    units = [(f"<b>{html_escape(note.title)}</b>", note.title)]
    for line in note.lines:
        for piece in split_text(line, limits.TELEGRAM_TEXT // 2):
            units.append((html_escape(piece), piece))
    if note.footer:
        units.append((f"<i>{html_escape(note.footer)}</i>", note.footer))
    html = [h for h, _ in units]
    plain = [p for _, p in units]
    return [TelegramMessage("\n".join(html[i] for i in group),
                            tuple(pack([plain[i] for i in group], limits.TELEGRAM_TEXT, "\n")))
            for group in pack_spans(html, limits.TELEGRAM_TEXT, "\n")]


def discord(note: Note) -> list[dict[str, Any]]:
    """One embed per description of at most 4096 characters (usually one), each a message of
    its own (title, description and a footer of at most 1,000 stay within the 6,000 a
    message)."""
    lines = [piece for line in note.lines
             for piece in split_text(discord_escape(line), limits.DISCORD_EMBED_DESCRIPTION)]
    bodies = pack(lines, limits.DISCORD_EMBED_DESCRIPTION, sep="\n") or [""]
    title = note.title[:limits.DISCORD_EMBED_TITLE]
    out: list[dict[str, Any]] = []
    for index, body in enumerate(bodies):
        embed: dict[str, Any] = {"description": body, "color": NOTE_COLOUR}
        if index == 0:
            embed["title"] = title
        if note.footer and index == len(bodies) - 1:
            embed["footer"] = {"text": note.footer[:FOOTER_LIMIT]}
        out.append(embed)
    return out
