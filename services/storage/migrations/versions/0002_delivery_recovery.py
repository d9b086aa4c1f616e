"""Delivery recovery: count in-doubt resends per ledger row; remember when each schedule slot
last fired (for catch-up after a restart or a fail-over).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("in_doubt", sa.Integer, nullable=False, server_default="0"))
    op.create_index("ix_deliveries_edition_status", "deliveries", ["edition_id", "status"])
    op.create_table(
        "schedule_slots",
        sa.Column("slot", sa.String(96), primary_key=True),
        sa.Column("last_fire_at", TS, nullable=False),
        sa.Column("edition_id", sa.String(64)),
        sa.Column("updated_at", TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("schedule_slots")
    op.drop_index("ix_deliveries_edition_status", table_name="deliveries")
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_column("in_doubt")
