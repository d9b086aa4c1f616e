"""Daily closes per instrument: the history (issue 12).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daily_closes",
        sa.Column("instrument_id", sa.String(64), primary_key=True),
        sa.Column("session_date", sa.Date, primary_key=True),
        sa.Column("close", sa.Float, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("unit", sa.String(8), nullable=False, server_default="index"),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
    )
    # retention deletes by date across every instrument
    op.create_index("ix_daily_closes_session_date", "daily_closes", ["session_date"])


def downgrade() -> None:
    op.drop_index("ix_daily_closes_session_date", table_name="daily_closes")
    op.drop_table("daily_closes")
