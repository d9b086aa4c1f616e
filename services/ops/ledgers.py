"""The ledgers' rows by state, for ``marketbot_ledger_rows`` (read when /metrics is read).

Only rows touched in the last ``LEDGER_WINDOW_H`` hours are counted (the delivery ledger by
``updated_at``, the alert ledger by ``created_at``): what this morning's editions and today's
alerts are doing, not a count of every row ever written.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Executable, bindparam, func, select, text

from services.alerts import ledger as alert_ledger
from services.delivery import ledger as delivery_ledger
from services.ops.metrics import LEDGER_WINDOW_H, Metrics
from services.storage.db import Database
from services.storage.tables import AlertMessageRow, DeliveryRow

DELIVERY_STATES = (delivery_ledger.PENDING, delivery_ledger.SENDING, delivery_ledger.SENT,
                   delivery_ledger.FAILED, delivery_ledger.GONE, delivery_ledger.MOVED)
ALERT_STATES = (alert_ledger.PENDING, alert_ledger.SENDING, alert_ledger.SENT,
                alert_ledger.FAILED, alert_ledger.GONE, alert_ledger.IN_DOUBT)


def deliveries_touched(since: datetime, dialect: str) -> Executable:
    """The delivery rows touched since ``since``, by state: read from ``ix_deliveries_updated``
    (revision 0007), so a read costs the day's rows, not every row ever written. SQLite has no
    range statistics and would rather walk the status index whole (no sort for the GROUP BY),
    so it is told which index to use; SQLAlchemy renders no table hints for SQLite."""
    if dialect == "sqlite":
        return text("SELECT status, count(*) FROM deliveries INDEXED BY ix_deliveries_updated "
                    "WHERE updated_at >= :since GROUP BY status").bindparams(
            bindparam("since", since, type_=DeliveryRow.__table__.c.updated_at.type))
    return (select(DeliveryRow.status, func.count()).where(DeliveryRow.updated_at >= since)
            .group_by(DeliveryRow.status))


async def read_ledgers(db: Database, metrics: Metrics, now: datetime | None = None) -> None:
    """Set the gauges from the database (raises what the database raises)."""
    since = (now or datetime.now(UTC)) - timedelta(hours=LEDGER_WINDOW_H)
    async with db.sessions() as session:
        deliveries = {status: n for status, n in await session.execute(
            deliveries_touched(since, db.dialect))}
        alerts = {status: n for status, n in await session.execute(
            select(AlertMessageRow.status, func.count())
            .where(AlertMessageRow.created_at >= since)
            .group_by(AlertMessageRow.status))}
    metrics.ledger_rows("deliveries", deliveries, DELIVERY_STATES)
    metrics.ledger_rows("alert_messages", alerts, ALERT_STATES)
