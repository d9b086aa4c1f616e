"""``/subscribe``, ``/unsubscribe``, ``/lang`` and ``/status``: a channel's daily briefing and
the language it reads.

Changing a subscription needs Manage Channels, checked at run time (``default_permissions``
only sets what admins see by default and can be changed by them). The bot must be able to
post embeds with images in the channel, or the first daily post would deactivate it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from handlers.discord.deps import PLATFORM, DiscordDeps
from services import format as fmt
from services.delivery.schedule import (
    ScheduleValueError,
    accepted_zones,
    parse_hhmm,
    parse_zone,
)
from services.errors import NotAllowed, ScheduleInputError
from services.i18n import LANGUAGES, N_, NATIVE_NAMES, Translator, parse_language, translator
from services.input_limits import MAX_VALUE_CHARS
from services.renderers import words
from services.renderers.sources import HEADING as SOURCES_HEADING
from services.renderers.sources import at_most, status_lines
from services.storage.subscriptions import Subscription


def in_guild(interaction: discord.Interaction) -> bool:
    """``guild_only`` is enforced by Discord's client only; this checks it at run time."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return True


def schedule(time: str | None, zone: str | None, deps: DiscordDeps) -> tuple[str, str]:
    """The ``HH:MM`` and zone name to store, defaults filled in; ``ScheduleInputError`` with
    one helpful line when either is wrong."""
    try:
        clock = parse_hhmm(time if time is not None else deps.default_time)
        tz = parse_zone(zone if zone is not None else deps.default_tz)
    except ScheduleValueError as exc:
        raise ScheduleInputError(exc.say) from None
    return clock.strftime("%H:%M"), tz.key


def next_send(sub: Subscription, now: datetime) -> datetime:
    zone = ZoneInfo(sub.tz)  # as stored (an older row may hold a zone no longer accepted)
    clock = parse_hhmm(sub.time_hhmm)
    local = now.astimezone(zone)
    at = datetime.combine(local.date(), clock, zone)
    return at if at > local else datetime.combine(local.date() + timedelta(days=1), clock, zone)


def zone_choices(typed: str) -> list[app_commands.Choice[str]]:
    """Accepted zones (``accepted_zones``: Area/City places and UTC) containing what was
    typed, those with a word starting with it first."""
    wanted = typed[:MAX_VALUE_CHARS].strip().lower().replace(" ", "_")
    found = [z for z in accepted_zones() if wanted in z.lower()]

    def rank(zone: str) -> tuple[bool, str]:
        parts = zone.lower().replace("/", "_").split("_")
        return (not any(w.startswith(wanted) for w in parts), zone)

    found.sort(key=rank)
    return [app_commands.Choice(name=z, value=z) for z in found[:25]]


def describe(sub: Subscription | None, now: datetime, tr: Translator | None = None) -> str:
    tr = tr or translator("en")
    if sub is None:
        return tr.gettext("This channel is not subscribed. Someone with Manage Channels can "
                          "run /subscribe.")
    if not sub.active:
        return tr.gettext("This channel's subscription is off ({reason}).",
                          reason=sub.deactivated_reason or tr.gettext("inactive"))
    at = next_send(sub, now)
    when = at.strftime("%a %d %b %H:%M %Z") if tr.language == "en" else fmt.day(at)
    return tr.gettext("This channel gets the daily briefing at {time} {zone} (next: {next}).",
                      time=sub.time_hhmm, zone=sub.tz, next=when)


def language_line(tr: Translator) -> str:
    return tr.gettext("Language: {name}. /lang {choices} changes it.",
                      name=NATIVE_NAMES[tr.language], choices="|".join(LANGUAGES))


LANGUAGE_CHOICES = [app_commands.Choice(name=NATIVE_NAMES[code], value=code)
                    for code in LANGUAGES]


class SubscriptionsCog(commands.Cog):
    def __init__(self, deps: DiscordDeps) -> None:
        self.deps = deps

    @app_commands.command(name="subscribe", description=locale_str(
        "Post the daily briefing in this channel"))
    @app_commands.describe(time=locale_str("HH:MM, 24-hour clock (default from settings, e.g. "
                                           "08:30)"),
                           timezone=locale_str("An Area/City zone such as Europe/London or "
                                               "Asia/Hong_Kong, or UTC"))
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.checks.bot_has_permissions(send_messages=True, embed_links=True,
                                             attach_files=True)
    @app_commands.checks.has_permissions(manage_channels=True)
    @app_commands.check(in_guild)  # checks run bottom-up: this one first
    async def subscribe(self, interaction: discord.Interaction, time: str | None = None,
                        timezone: str | None = None) -> None:
        """Subscribe this channel, or change its time."""
        await interaction.response.defer(thinking=True, ephemeral=True)
        hhmm, tz = schedule(time, timezone, self.deps)
        channel = interaction.channel
        sub = await self.deps.subscriptions.upsert(
            PLATFORM, str(interaction.channel_id), hhmm, tz,
            kind=str(getattr(channel, "type", "text")), guild_id=str(interaction.guild_id),
            title=getattr(channel, "name", None))
        tr = await self.deps.tr_of(interaction.channel_id)
        await interaction.followup.send(describe(sub, self.deps.clock(), tr), ephemeral=True)

    @subscribe.autocomplete("timezone")
    async def _timezone(self, interaction: discord.Interaction, typed: str
                        ) -> list[app_commands.Choice[str]]:
        return zone_choices(typed)

    @app_commands.command(name="unsubscribe", description=locale_str(
        "Stop the daily briefing here"))
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_channels=True)
    @app_commands.checks.has_permissions(manage_channels=True)
    @app_commands.check(in_guild)
    async def unsubscribe(self, interaction: discord.Interaction) -> None:
        """Unsubscribe this channel (the row is kept, inactive)."""
        await interaction.response.defer(thinking=True, ephemeral=True)
        removed = await self.deps.subscriptions.remove(PLATFORM, str(interaction.channel_id))
        tr = await self.deps.tr_of(interaction.channel_id)
        line = (tr.gettext("Unsubscribed: no more daily briefings in this channel.") if removed
                else tr.gettext("This channel was not subscribed."))
        await interaction.followup.send(line, ephemeral=True)

    @app_commands.command(name="lang", description=locale_str(
        "The language this channel reads: replies, reports and the daily briefing"))
    @app_commands.describe(language=locale_str("English or Chinese"))
    @app_commands.choices(language=LANGUAGE_CHOICES)
    async def lang(self, interaction: discord.Interaction, language: str) -> None:
        """Set this channel's language (Manage Channels in a server; anyone in a DM)."""
        chosen = parse_language(language)
        if interaction.guild_id is not None:
            permissions = getattr(interaction, "permissions", None)
            if permissions is None or not permissions.manage_channels:
                raise NotAllowed(N_("You need the Manage Channels permission to change this "
                                    "channel's language."))
        await interaction.response.defer(thinking=True, ephemeral=True)
        if self.deps.languages is None:
            raise NotAllowed(N_("This bot cannot store a language per channel."))
        await self.deps.languages.set(PLATFORM, str(interaction.channel_id), chosen)
        tr = translator(chosen)
        await interaction.followup.send(tr.gettext(
            "This channel now reads the bot in English: replies, reports and the daily "
            "briefing."), ephemeral=True)

    @app_commands.command(name="status", description=locale_str(
        "This channel's subscription and the current edition"))
    async def status(self, interaction: discord.Interaction) -> None:
        """The channel's subscription and the edition commands answer from."""
        await interaction.response.defer(thinking=True, ephemeral=True)
        tr = await self.deps.tr_of(interaction.channel_id)
        sub = None
        if interaction.guild_id is not None:
            sub = await self.deps.subscriptions.get(PLATFORM, str(interaction.channel_id))
        lines = [describe(sub, self.deps.clock(), tr)]
        cached = self.deps.editions.cached
        if cached is None:
            lines.append(tr.gettext("No edition built yet; /report builds one."))
        else:
            edition = await cached.localised(tr.language)
            built = edition.built_at.strftime("%Y-%m-%d %H:%M")
            lines.append(tr.gettext("Current edition: as of {as_of}, verdict {verdict}, built "
                                    "{built} UTC.", as_of=fmt.day(edition.report.as_of),
                                    verdict=words.verdict(edition.report), built=built))
        if self.deps.ask is not None:
            lines.append(await self.deps.ask.status_line(tr))
        lines.append(language_line(tr))
        if cached is not None:
            sources = at_most(status_lines(cached.snapshot.sources, tr), tr=tr)
            if sources:
                lines.append(tr.gettext("{label}:", label=tr.gettext(SOURCES_HEADING))
                             + "\n" + "\n".join(f"• {s}" for s in sources))
        await interaction.followup.send("\n".join(lines), ephemeral=True)
