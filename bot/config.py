"""Settings, read once from the environment or ``.env`` (pydantic-settings).

Secrets are ``SecretStr`` so they never print. Build one ``Settings`` at start-up and pass it in;
there is no module-level instance.
"""

from __future__ import annotations

import ipaddress
from datetime import time
from typing import Annotated
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from services.delivery.schedule import canonical_zone, parse_hhmm, parse_zone
from services.errors import ConfigError

NARRATORS = ("auto", "template", "anthropic")
COLOUR_CONVENTIONS = ("red-up", "green-up", "blue-up")
EFFORTS = ("low", "medium", "high", "xhigh", "max")
LOG_FORMATS = ("text", "json")


class Settings(BaseSettings):
    """Every setting of the bot. ``.env.example`` documents each one."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # --- storage and logging
    database_url: str = "sqlite+aiosqlite:///./marketbot.db"
    log_level: str = "INFO"
    log_format: str = "text"  # text | json (one JSON object per line)

    # --- operations endpoint (``run`` only): off unless OPS_PORT is set
    ops_port: int | None = Field(default=None, ge=0, le=65535)
    ops_host: str = "127.0.0.1"
    # /readyz fails when the newest edition is older than this (seconds; default 26 h)
    ops_edition_max_age_s: float = Field(default=93600.0, gt=0)
    ops_check_timeout_s: float = Field(default=2.0, gt=0)  # each readiness check's answer

    # --- the daily edition
    briefing_time: str = "08:30"
    briefing_tz: str = "Asia/Hong_Kong"
    weekend_editions: bool = True
    # a slot missed by more than this (the process was down) is skipped, not sent late; an
    # interrupted fan-out older than this is not resumed
    briefing_misfire_grace_s: int = Field(default=3600, ge=60)
    # a standby instance tries for the scheduler's leader lock this often (seconds)
    scheduler_poll_s: float = Field(default=5.0, gt=0)
    # the leader re-reads the subscriptions (new times, new zones) this often (seconds)
    scheduler_sync_s: float = Field(default=60.0, gt=0)
    # Telegram sends per second overall (its limit is about 30)
    telegram_messages_per_s: float = Field(default=29.0, gt=0, le=30)
    # paid broadcasts: sends carry allow_paid_broadcast (0.1 Star each) and go at this pace
    telegram_paid_broadcast: bool = False
    telegram_paid_messages_per_s: float = Field(default=950.0, gt=0, le=1000)

    # --- languages
    # en | zh: what a chat or channel reads until it chooses with /lang, and what the CLI
    # prints without --lang
    language: str = "en"
    # The colours of up and down in each language's charts (the ▲/▼ marks and signs stay):
    # red-up (red ▲, green ▼: the Chinese convention), green-up (the US one) or blue-up
    # (blue ▲, vermillion ▼: safe for colour-blind readers)
    chart_colours_en: str = "blue-up"
    chart_colours_zh: str = "red-up"

    # --- Telegram
    telegram_bot_token: SecretStr | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_channels: Annotated[tuple[str, ...], NoDecode] = ()
    telegram_max_retries: int = Field(default=3, ge=0)
    telegram_poll_timeout_s: int = Field(default=30, ge=0)

    # --- Discord
    discord_bot_token: SecretStr | None = None
    discord_guild_id: int | None = None
    # another Discord (a local fake): REST base and, from its GET /gateway/bot, the gateway;
    # None is Discord's own (https://discord.com/api/v10, wss://gateway.discord.gg)
    discord_api_base: str | None = None

    # --- narration
    narrator: str = "auto"  # auto | template | anthropic
    anthropic_api_key: SecretStr | None = None
    anthropic_model: str = "claude-sonnet-5-5"
    anthropic_base_url: str | None = None
    # The whole narration (first call and its one retry) must end within this many seconds.
    anthropic_timeout_s: float = Field(default=30.0, gt=0)
    # Covers adaptive thinking and the ten JSON fields.
    anthropic_max_tokens: int = Field(default=4000, gt=0)
    anthropic_effort: str = "low"  # low | medium | high | xhigh | max | "" (model default)

    # --- market data
    yahoo_base_url: str = "https://query1.finance.yahoo.com"
    eastmoney_base_url: str = "https://push2.eastmoney.com"
    # daily klines (history backfill) come from Eastmoney's history host
    eastmoney_history_url: str = "https://push2his.eastmoney.com"
    coingecko_base_url: str = "https://api.coingecko.com/api/v3"
    coingecko_api_key: SecretStr | None = None
    defillama_base_url: str = "https://api.llama.fi"
    defillama_stablecoins_url: str = "https://stablecoins.llama.fi"
    provider_timeout_s: float = Field(default=10.0, gt=0)
    provider_attempts: int = Field(default=3, ge=1, le=10)
    retry_after_cap_s: float = Field(default=5.0, ge=0)
    build_deadline_s: float = Field(default=25.0, gt=0)
    # a figure's fallback starts when its primary fails or is slower than this (seconds)
    hedge_delay_s: float = Field(default=2.0, ge=0)
    snapshot_ttl_s: float = Field(default=600.0, ge=0)

    # --- history (daily closes per instrument)
    # closes older than this many days are deleted whenever closes are appended (3 years)
    history_retention_days: int = Field(default=1096, ge=1)

    # --- the delivery ledger: finished rows older than this many days are deleted by the
    # leader every 6 hours; 0 keeps every row (the default: a --sample or --input bot pushes
    # the same edition every day, and a deleted row would send it again)
    delivery_retention_days: int = Field(default=0, ge=0)

    # --- on-demand commands
    refresh_cooldown_s: float = Field(default=300.0, ge=0)

    # --- watchlists and alerts
    watch_max_items: int = Field(default=30, ge=1, le=200)  # instruments per chat
    # /watchlist reuses an instrument's quote for this long (seconds)
    watch_quote_ttl_s: float = Field(default=60.0, ge=0)
    alert_poll_s: float = Field(default=300.0, gt=0)  # the leader evaluates alerts this often
    alerts_max_per_chat: int = Field(default=20, ge=1, le=500)
    alert_messages_per_hour: int = Field(default=6, ge=1)  # per chat; the rest wait
    # hysteresis: move, spread, depeg and z re-arm once back under threshold × (1 − this) ...
    alert_rearm_fraction: float = Field(default=0.2, ge=0, lt=1)
    # ... above and below once back past the level by this percent of it
    alert_rearm_level_pct: float = Field(default=0.5, ge=0, lt=50)

    # --- /ask (Claude answers when NARRATOR says it narrates; else keyword routing)
    ask_max_chars: int = Field(default=500, ge=10, le=4000)
    ask_per_user: int = Field(default=5, ge=1)  # questions per user ...
    ask_window_s: float = Field(default=600.0, gt=0)  # ... per this many seconds
    ask_daily_tokens: int = Field(default=500_000, ge=0)  # per UTC day, all users; 0: no Claude
    ask_timeout_s: float = Field(default=30.0, gt=0)  # Claude's time per answer, retry included
    ask_max_tokens: int = Field(default=2000, gt=0)  # output per call, thinking included

    @field_validator("telegram_channels", mode="before")
    @classmethod
    def _split_channels(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("log_format")
    @classmethod
    def _check_log_format(cls, value: str) -> str:
        wanted = value.strip().lower()
        if wanted not in LOG_FORMATS:
            raise ValueError(f"'{value}' is not a log format; use one of: "
                             f"{', '.join(LOG_FORMATS)}")
        return wanted

    @property
    def telegram_pace(self) -> float:
        """Telegram sends per second: the paid pace with paid broadcasts, else the free one."""
        if self.telegram_paid_broadcast:
            return self.telegram_paid_messages_per_s
        return self.telegram_messages_per_s

    @field_validator("discord_api_base")
    @classmethod
    def _check_discord_api_base(cls, value: str | None) -> str | None:
        wanted = (value or "").strip()
        if not wanted:
            return None
        problem = endpoint_problem(wanted, "https", "http")
        if problem is not None:
            raise ValueError(problem)
        return wanted.rstrip("/")

    @field_validator("language")
    @classmethod
    def _check_language(cls, value: str) -> str:
        from services.i18n import LANGUAGES, normalise

        found = normalise(value)
        if found is None:
            raise ValueError(f"'{value}' is not a language of this bot; use one of: "
                             f"{', '.join(LANGUAGES)}")
        return found

    @field_validator("chart_colours_en", "chart_colours_zh")
    @classmethod
    def _check_colours(cls, value: str) -> str:
        wanted = value.strip().lower()
        if wanted not in COLOUR_CONVENTIONS:
            raise ValueError(f"'{value}' is not a colour convention; use one of: "
                             f"{', '.join(COLOUR_CONVENTIONS)}")
        return wanted

    @property
    def chart_colours(self) -> dict[str, str]:
        """The colour convention of each language's charts."""
        return {"en": self.chart_colours_en, "zh": self.chart_colours_zh}

    @field_validator("narrator")
    @classmethod
    def _check_narrator(cls, value: str) -> str:
        wanted = value.strip().lower()
        if wanted not in NARRATORS:
            raise ValueError(f"'{value}' is not a narrator; use one of: {', '.join(NARRATORS)}")
        return wanted

    @field_validator("anthropic_effort")
    @classmethod
    def _check_effort(cls, value: str) -> str:
        wanted = value.strip().lower()
        if wanted and wanted not in EFFORTS:
            raise ValueError(f"'{value}' is not an effort level; use one of: "
                             f"{', '.join(EFFORTS)}, or leave it empty for the model's default")
        return wanted

    @property
    def anthropic_key(self) -> str | None:
        """The API key, or ``None`` when unset or empty."""
        key = self.anthropic_api_key.get_secret_value() if self.anthropic_api_key else ""
        return key.strip() or None

    @field_validator("briefing_time")
    @classmethod
    def _check_time(cls, value: str) -> str:
        parse_hhmm(value)
        return value

    @field_validator("briefing_tz")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        return canonical_zone(value)  # an Area/City place or UTC, spelled as the tz database does

    @property
    def briefing_zone(self) -> ZoneInfo:
        return parse_zone(self.briefing_tz)

    @property
    def briefing_clock(self) -> time:
        return parse_hhmm(self.briefing_time)

    def secrets(self) -> tuple[str, ...]:
        """Every secret value, for the redactor (``bot.redact``): the tokens, the keys and the
        password in DATABASE_URL."""
        found = []
        for value in (self.telegram_bot_token, self.discord_bot_token, self.anthropic_api_key,
                      self.coingecko_api_key):
            if value is not None and value.get_secret_value():
                found.append(value.get_secret_value())
        try:
            password = urlsplit(self.database_url).password
        except ValueError:  # a malformed URL: opening it fails and says so
            password = None
        if password:
            found.extend(dict.fromkeys((password, unquote(password))))
        return tuple(found)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def endpoint_problem(url: str, secure: str, plain: str) -> str | None:
    """Why ``url`` may not carry a token, or None: it must be ``secure://`` (TLS) anywhere, or
    ``plain://`` on this machine (127.0.0.0/8, ::1, localhost) only."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a bad port)
    except ValueError:
        return f"must be a {secure}:// URL, or {plain}:// on loopback; this one does not parse"
    if parts.scheme not in (secure, plain) or not parts.hostname:
        return f"must be a {secure}:// URL, or {plain}:// on loopback (127.0.0.1, ::1, " \
               f"localhost)"
    if parts.username or parts.password or parts.query or parts.fragment:
        return "must be a plain base URL, without credentials, query or fragment"
    if parts.scheme == plain and not is_loopback(parts.hostname):
        return f"{plain}:// is allowed on loopback only (127.0.0.1, ::1, localhost), not on " \
               f"{parts.hostname}; use {secure}://"
    return None


def load_settings() -> Settings:
    """``Settings()``, or ``ConfigError`` with one line naming each bad setting (for the
    command line: no traceback, no value echoed)."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            name = "_".join(str(part) for part in error["loc"]).upper() or "settings"
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(f"{name}: {message}")
        raise ConfigError("; ".join(problems)) from None
