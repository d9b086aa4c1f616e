"""Platform limits, in one place (characters unless stated)."""

# Telegram (telegram.constants.MessageLimit)
TELEGRAM_TEXT = 4096
TELEGRAM_CAPTION = 1024
TELEGRAM_CALLBACK_DATA_BYTES = 64
# Monospace columns a phone shows in a <pre> block before it wraps the line (a 360-400 pt wide
# screen at the default text size); wider tables become lists (``renderers.layout``)
TELEGRAM_PRE_COLUMNS = 34

# Discord
DISCORD_CONTENT = 2000
DISCORD_EMBED_TITLE = 256
DISCORD_EMBED_DESCRIPTION = 4096
DISCORD_EMBED_FIELDS = 25
DISCORD_FIELD_NAME = 256
DISCORD_FIELD_VALUE = 1024
DISCORD_FOOTER = 2048
DISCORD_EMBED_TOTAL = 6000  # all embed text in one message
DISCORD_EMBEDS_PER_MESSAGE = 10
DISCORD_ATTACHMENTS_PER_MESSAGE = 10

# Telegram photos (sendPhoto); bytes and pixels
TELEGRAM_PHOTO_BYTES = 10 * 1000 * 1000
TELEGRAM_PHOTO_SIDES = 10_000  # width + height
TELEGRAM_PHOTO_RATIO = 20  # long side / short side

# Our own budget for one chart PNG, far below every platform's upload limit
CHART_BYTES = 500 * 1000
