"""From an edition to what discord.py sends: embeds, chart files and the section menu.

The embed text comes from ``services.renderers.discord_embeds`` (already escaped and within
Discord's limits); this module only turns those dicts into ``discord.Embed`` objects and adds
images shown with ``attachment://``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

import discord

from services.errors import BotError
from services.i18n import translator
from services.models.report import Report
from services.renderers.discord_embeds import (
    VERDICT_COLOUR,
    footer_text,
    insight_embed,
    render_messages,
)
from services.report.editions import ChartRenderer, Edition

log = logging.getLogger(__name__)

DASHBOARD = "dashboard"


@dataclass
class Post:
    """One message: embeds, files to upload, and an optional view (the section menu)."""

    embeds: list[discord.Embed]
    files: list[discord.File] = field(default_factory=list)
    view: discord.ui.View | None = None


def colour(report: Report) -> discord.Colour:
    return discord.Colour(VERDICT_COLOUR.get(report.verdict, VERDICT_COLOUR["unknown"]))


def chart_filename(name: str) -> str:
    """A filename Discord keeps as is, so ``attachment://`` finds it."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".png"


def chart_file(name: str, png: bytes) -> discord.File:
    return discord.File(BytesIO(png), filename=chart_filename(name))


def embeds(dicts: list[dict[str, Any]]) -> list[discord.Embed]:
    return [discord.Embed.from_dict(d) for d in dicts]


def section_posts(report: Report, key: str) -> list[Post]:
    """One post per message the renderer packed (a long section takes several)."""
    return [Post(embeds(m.embeds)) for m in render_messages(report, (key,))]


async def dashboard_png(edition: Edition, charts: ChartRenderer | None) -> bytes | None:
    """The edition's dashboard image, or None when no chart renderer is configured or it
    failed with a named error (the post then goes out without the image)."""
    if charts is None:
        return None
    try:
        return await edition.chart(DASHBOARD, charts)
    except BotError as exc:
        log.warning("dashboard chart unavailable for edition %s: %s", edition.id, exc)
        return None


def insight_post(edition: Edition, png: bytes | None, image_url: str | None = None,
                 view: discord.ui.View | None = None) -> Post:
    """The Key Insight embed with the dashboard: uploaded (``png``) or by URL (``image_url``,
    an earlier upload of the same edition)."""
    embed = discord.Embed.from_dict(insight_embed(edition.report))
    files: list[discord.File] = []
    if image_url is not None:
        embed.set_image(url=image_url)
    elif png is not None:
        files.append(chart_file(DASHBOARD, png))
        embed.set_image(url=f"attachment://{chart_filename(DASHBOARD)}")
    return Post([embed], files, view)


def chart_post(report: Report, name: str, png: bytes) -> Post:
    title = translator(report.language).gettext("Chart: {name}", name=name)
    embed = discord.Embed(title=title, colour=colour(report))
    embed.set_image(url=f"attachment://{chart_filename(name)}")
    embed.set_footer(text=footer_text(report))
    return Post([embed], [chart_file(name, png)])
