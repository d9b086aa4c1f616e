"""The tables. Changing one means a new Alembic revision under ``migrations/versions``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class SubscriptionRow(Base):
    """A Telegram chat/channel or a Discord channel that receives the daily edition."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("platform", "destination_id", name="uq_subscription"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))  # telegram | discord
    destination_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32), default="private")
    guild_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    title: Mapped[str | None] = mapped_column(String(256), nullable=True)
    time_hhmm: Mapped[str] = mapped_column(String(5))
    tz: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                            nullable=True)
    deactivated_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class SnapshotRow(Base):
    """A built market-snapshot/1 document, kept for the cache and for replay."""

    __tablename__ = "snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    generated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    origin: Mapped[str] = mapped_column(String(16))  # live | file | sample
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    body: Mapped[str] = mapped_column(Text)


class EditionRow(Base):
    """One built edition: which snapshot, which narrator, what it cost."""

    __tablename__ = "editions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    snapshot_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    narrator: Mapped[str] = mapped_column(String(32), default="template")
    input_tokens: Mapped[int | None] = mapped_column(Integer, nullable=True)
    output_tokens: Mapped[int | None] = mapped_column(Integer, nullable=True)
    meta: Mapped[str | None] = mapped_column(Text, nullable=True)


class DeliveryRow(Base):
    """The ledger: one row per (edition, destination), claimed before sending, marked after."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("edition_id", "platform", "destination_id",
                                       name="uq_delivery"),
                      Index("ix_deliveries_edition_status", "edition_id", "status"),
                      # the claim's next pending rows in id order (revision 0007)
                      Index("ix_deliveries_claim", "edition_id", "platform", "status", "id"),
                      # the rows touched lately, by state: marketbot_ledger_rows (0007)
                      Index("ix_deliveries_updated", "updated_at", "status"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    edition_id: Mapped[str] = mapped_column(String(64))  # uq_delivery's first column
    platform: Mapped[str] = mapped_column(String(16))
    destination_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    message_ids: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Times this row was sent again without knowing whether the previous send had arrived: a
    # claim found in flight after its worker died, or a retry after an ambiguous network
    # failure (revision 0002). Each one is a possible duplicate; see services/delivery/ledger.
    in_doubt: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class MediaRow(Base):
    """An uploaded chart's platform reference (a Telegram file_id), reused within an edition."""

    __tablename__ = "media"
    __table_args__ = (UniqueConstraint("edition_id", "platform", "name", name="uq_media"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    edition_id: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(64))
    file_ref: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ScheduleSlotRow(Base):
    """When a briefing slot (a time of day in a zone) last fired, so a restart or a standby
    taking over fires a missed slot once, within the grace time (revision 0002)."""

    __tablename__ = "schedule_slots"

    slot: Mapped[str] = mapped_column(String(96), primary_key=True)  # "08:30 Asia/Hong_Kong"
    last_fire_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    edition_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TokenUsageRow(Base):
    """Language-model tokens spent per UTC day and purpose ("ask"), shared by every instance
    of the bot so a daily budget holds across restarts (revision 0004)."""

    __tablename__ = "token_usage"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    scope: Mapped[str] = mapped_column(String(32), primary_key=True)
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    calls: Mapped[int] = mapped_column(Integer, default=0)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WatchInstrumentRow(Base):
    """An instrument a user named and the bot verified with one live request (revision 0005):
    its id, what users see, and where its quote comes from."""

    __tablename__ = "watch_instruments"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # "0700.HK", "coin:solana"
    label: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(128))
    market: Mapped[str] = mapped_column(String(8))
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    symbol: Mapped[str] = mapped_column(String(64))  # the vendor's: "BRK-B", "1.600519"
    benchmark: Mapped[str | None] = mapped_column(String(16), nullable=True)
    verified_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WatchItemRow(Base):
    """One instrument on one chat's watchlist (revision 0005)."""

    __tablename__ = "watch_items"
    __table_args__ = (UniqueConstraint("platform", "destination_id", "instrument_id",
                                       name="uq_watch_item"),
                      Index("ix_watch_items_destination", "platform", "destination_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    destination_id: Mapped[str] = mapped_column(String(64))
    instrument_id: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AlertRow(Base):
    """One chat's alert and its state: ``armed`` (it fires at the next crossing) and
    ``crossings`` (how many times it fired; the next firing is crossing ``crossings + 1``),
    changed only by compare-and-set (revision 0005)."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("platform", "destination_id", "rule_key",
                                       name="uq_alert_rule"),
                      Index("ix_alerts_destination", "platform", "destination_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    destination_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # move above below spread depeg z
    rule_key: Mapped[str] = mapped_column(String(200))  # "move coin:bitcoin 5"
    instrument_id: Mapped[str] = mapped_column(String(64))
    other_id: Mapped[str | None] = mapped_column(String(64), nullable=True)  # spread's second
    threshold: Mapped[float] = mapped_column(Float)
    armed: Mapped[bool] = mapped_column(Boolean, default=True)
    crossings: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AlertMessageRow(Base):
    """The alert ledger: one row per message owed to a chat, claimed before the send and
    marked after it (revision 0005). ``dedupe_key`` is ``alert:<id>:<crossing>`` for a
    firing, ``unfetched:<instrument>:<UTC date>`` for the once-a-day notice of an instrument
    that could not be fetched; the unique key makes a second instance's insert a no-op.
    ``dispatched_at`` is written just before the request leaves (see
    ``services.alerts.ledger``)."""

    __tablename__ = "alert_messages"
    __table_args__ = (UniqueConstraint("platform", "destination_id", "dedupe_key",
                                       name="uq_alert_message"),
                      Index("ix_alert_messages_status", "status"),
                      Index("ix_alert_messages_sent", "platform", "destination_id", "sent_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    destination_id: Mapped[str] = mapped_column(String(64))
    dedupe_key: Mapped[str] = mapped_column(String(128))
    alert_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    crossing: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text: Mapped[str] = mapped_column(Text)  # plain lines; the first is the heading
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                           nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    message_ids: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DestinationLanguageRow(Base):
    """The language a Telegram chat or a Discord channel chose with ``/lang`` (revision 0006);
    a destination without a row gets the ``LANGUAGE`` setting."""

    __tablename__ = "destination_languages"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    destination_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DailyCloseRow(Base):
    """One instrument's close of one session (revision 0003): the history the report reads
    moves against. ``instrument_id`` is the snapshot's quote id (``SPX``) or a series' own name
    (``USDT_SUPPLY``); ``source`` names where the close came from; ``unit`` is the
    ``market-history/1`` unit of the series, so an imported series exports as it came in."""

    __tablename__ = "daily_closes"
    __table_args__ = (Index("ix_daily_closes_session_date", "session_date"),)

    instrument_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_date: Mapped[date] = mapped_column(Date, primary_key=True)
    close: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(8), default="index")
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
