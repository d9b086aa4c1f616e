"""Watchlists and alerts: verified instruments, each chat's watch items, its alerts with their
state, and the alert ledger (one row per message owed, claimed and marked like deliveries).

Revision ID: 0005
Revises: 0002
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "watch_instruments",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("label", sa.String(32), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("market", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("symbol", sa.String(64), nullable=False),
        sa.Column("benchmark", sa.String(16)),
        sa.Column("verified_at", TS, nullable=False),
    )
    op.create_table(
        "watch_items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("destination_id", sa.String(64), nullable=False),
        sa.Column("instrument_id", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("platform", "destination_id", "instrument_id",
                            name="uq_watch_item"),
    )
    op.create_index("ix_watch_items_destination", "watch_items",
                    ["platform", "destination_id"])
    op.create_index("ix_watch_items_instrument_id", "watch_items", ["instrument_id"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("destination_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("rule_key", sa.String(200), nullable=False),
        sa.Column("instrument_id", sa.String(64), nullable=False),
        sa.Column("other_id", sa.String(64)),
        sa.Column("threshold", sa.Float, nullable=False),
        sa.Column("armed", sa.Boolean, nullable=False),
        sa.Column("crossings", sa.Integer, nullable=False, server_default="0"),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("platform", "destination_id", "rule_key", name="uq_alert_rule"),
    )
    op.create_index("ix_alerts_destination", "alerts", ["platform", "destination_id"])
    op.create_table(
        "alert_messages",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("destination_id", sa.String(64), nullable=False),
        sa.Column("dedupe_key", sa.String(128), nullable=False),
        sa.Column("alert_id", sa.Integer),
        sa.Column("crossing", sa.Integer),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("claimed_at", TS),
        sa.Column("dispatched_at", TS),
        sa.Column("sent_at", TS),
        sa.Column("message_ids", sa.Text),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("platform", "destination_id", "dedupe_key",
                            name="uq_alert_message"),
    )
    op.create_index("ix_alert_messages_status", "alert_messages", ["status"])
    op.create_index("ix_alert_messages_sent", "alert_messages",
                    ["platform", "destination_id", "sent_at"])


def downgrade() -> None:
    op.drop_table("alert_messages")
    op.drop_table("alerts")
    op.drop_table("watch_items")
    op.drop_table("watch_instruments")
