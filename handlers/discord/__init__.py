"""Discord: slash commands, channel subscriptions and the daily post (discord.py 2.x).

``DiscordService`` is what ``python -m bot run`` starts; ``EditionPoster.send_edition`` is the
daily post for the scheduler.
"""

from handlers.discord.bot import MarketBot
from handlers.discord.delivery import EditionPoster, PostedEdition
from handlers.discord.deps import DiscordDeps
from handlers.discord.service import DiscordService

__all__ = ["DiscordDeps", "DiscordService", "EditionPoster", "MarketBot", "PostedEdition"]
