"""Initial schema: subscriptions, snapshots, editions, the delivery ledger and media.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("destination_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("guild_id", sa.String(64)),
        sa.Column("title", sa.String(256)),
        sa.Column("time_hhmm", sa.String(5), nullable=False),
        sa.Column("tz", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("deactivated_at", TS),
        sa.Column("deactivated_reason", sa.Text),
        sa.UniqueConstraint("platform", "destination_id", name="uq_subscription"),
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("built_at", TS, nullable=False, index=True),
        sa.Column("generated_at", TS, nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
    )
    op.create_table(
        "editions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("snapshot_id", sa.Integer),
        sa.Column("built_at", TS, nullable=False),
        sa.Column("narrator", sa.String(32), nullable=False),
        sa.Column("input_tokens", sa.Integer),
        sa.Column("output_tokens", sa.Integer),
        sa.Column("meta", sa.Text),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("edition_id", sa.String(64), nullable=False, index=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("destination_id", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("message_ids", sa.Text),
        sa.Column("last_error", sa.Text),
        sa.Column("claimed_by", sa.String(64)),
        sa.Column("claimed_at", TS),
        sa.Column("sent_at", TS),
        sa.Column("updated_at", TS, nullable=False),
        sa.UniqueConstraint("edition_id", "platform", "destination_id", name="uq_delivery"),
    )
    op.create_table(
        "media",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("edition_id", sa.String(64), nullable=False),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("file_ref", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("edition_id", "platform", "name", name="uq_media"),
    )


def downgrade() -> None:
    for table in ("media", "deliveries", "editions", "snapshots", "subscriptions"):
        op.drop_table(table)
