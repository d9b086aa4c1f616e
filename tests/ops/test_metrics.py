"""What the metrics count, in process: the fan-out's sends by outcome and its 429 holds, the
ledger gauges, the exposition text, and a Metrics per process (never shared)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert, text

from services.delivery.fanout import Fanout
from services.errors import DeliveryError, DeliveryInDoubt, DestinationGone, RateLimited
from services.ops.ledgers import deliveries_touched, read_ledgers
from services.ops.metrics import Metrics
from services.report.editions import Edition
from services.storage import Database
from services.storage.tables import DeliveryRow
from tests.delivery.conftest import RigFactory


async def test_the_fanout_counts_each_outcome_and_the_time_held_by_429s(
        db: Database, rigs: RigFactory, edition: Edition) -> None:
    rig = rigs("telegram")
    metrics = Metrics()
    fanout = Fanout(rig.ledger, rig.senders, rig.subscriptions, rig.liveness,
                    sleep=rig.fanout._sleep, metrics=metrics)
    dests = await rig.subscribe("telegram", *range(1, 8))
    sender = rig.senders["telegram"]
    sender.fail(2, RateLimited("2", 3))
    sender.fail(3, DestinationGone("3", "Forbidden: bot was blocked by the user"))
    sender.fail(4, DeliveryError("4", "Bad Request: chat not found"))
    sender.fail(5, DeliveryInDoubt("5", "TimedOut"))
    result = await fanout.deliver(edition, dests)
    assert (result.sent, result.deactivated, result.failed, result.in_doubt) == (5, 1, 1, 1)

    def sends(outcome: str) -> float:
        return metrics.value("marketbot_sends_total", platform="telegram", outcome=outcome)

    assert [sends(o) for o in ("sent", "deactivated", "failed", "in_doubt", "moved")] == [
        5, 1, 1, 1, 0]
    assert metrics.value("marketbot_rate_limited_total", platform="telegram") == 1
    assert metrics.value("marketbot_rate_limited_seconds_total", platform="telegram") == 3

    await read_ledgers(db, metrics)
    assert metrics.value("marketbot_ledger_rows", ledger="deliveries", state="sent") == 5
    assert metrics.value("marketbot_ledger_rows", ledger="deliveries", state="gone") == 1
    assert metrics.value("marketbot_ledger_rows", ledger="deliveries", state="pending") == 0
    assert metrics.value("marketbot_ledger_rows", ledger="alert_messages", state="sent") == 0


async def test_the_ledger_gauge_counts_the_last_day_from_its_index(db: Database) -> None:
    """A ledger with a month of old pushes (20,000 rows here) and today's 12: the gauge
    counts today's, and reads them from ``ix_deliveries_updated`` rather than every row."""
    now = datetime(2026, 3, 21, 9, 0, tzinfo=UTC)
    async with db.engine.begin() as conn:
        await conn.execute(insert(DeliveryRow), [
            {"edition_id": f"old{i // 1000}", "platform": "telegram",
             "destination_id": str(i % 1000), "status": "sent", "attempts": 1,
             "in_doubt": 0, "updated_at": now - timedelta(days=2 + i // 1000)}
            for i in range(20_000)] + [
            {"edition_id": "today", "platform": "telegram", "destination_id": str(i),
             "status": "sent" if i < 10 else "pending", "attempts": 1, "in_doubt": 0,
             "updated_at": now - timedelta(minutes=5)} for i in range(12)])
        await conn.execute(text("ANALYZE"))
    metrics = Metrics()
    await read_ledgers(db, metrics, now=now)
    assert metrics.value("marketbot_ledger_rows", ledger="deliveries", state="sent") == 10
    assert metrics.value("marketbot_ledger_rows", ledger="deliveries", state="pending") == 2
    query = str(deliveries_touched(now - timedelta(hours=24), db.dialect).compile(
        dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    explain = "EXPLAIN QUERY PLAN " if db.dialect == "sqlite" else "EXPLAIN "
    async with db.engine.connect() as conn:
        plan = "\n".join(str(row[-1]) for row in await conn.execute(text(explain + query)))
    assert "ix_deliveries_updated" in plan, plan


def test_overlapping_429_holds_count_once() -> None:
    metrics = Metrics()
    metrics.rate_limited("telegram", 5, now=100.0)  # held until 105
    metrics.rate_limited("telegram", 5, now=101.0)  # until 106: one more second
    metrics.rate_limited("telegram", 2, now=102.0)  # inside the hold: nothing more
    metrics.rate_limited("telegram", 1, now=200.0)  # a new hold
    assert metrics.value("marketbot_rate_limited_total", platform="telegram") == 4
    assert metrics.value("marketbot_rate_limited_seconds_total", platform="telegram") == 7


def test_each_metrics_has_its_own_registry_and_the_text_parses() -> None:
    first, second = Metrics(), Metrics()
    first.send("telegram", "sent", 3)
    first.command("telegram", "report", 0.2)
    first.edition_built("template", 1.5)
    first.source_request("yahoo", "ok")
    first.source_fallback("eastmoney", 2)
    first.narration_call("ok")
    first.narration_tokens(1200, 300)
    first.narration_rejected(1)
    first.alert_evaluations("move", 10)
    first.alerts_fired("move", 1)
    assert second.value("marketbot_sends_total", platform="telegram", outcome="sent") == 0
    families = {f.name: f for f in text_string_to_metric_families(first.render().decode())}
    for name in ("marketbot_editions_built", "marketbot_edition_build_seconds",
                 "marketbot_source_requests", "marketbot_source_fallbacks", "marketbot_sends",
                 "marketbot_command_seconds", "marketbot_narration_calls",
                 "marketbot_narration_tokens", "marketbot_narration_rejected_figures",
                 "marketbot_alert_evaluations", "marketbot_alerts_fired",
                 "marketbot_rate_limited", "marketbot_rate_limited_seconds",
                 "marketbot_ledger_rows", "marketbot_edition_age_seconds"):
        assert name in families, name
    assert first.value("marketbot_narration_tokens_total", kind="input") == 1200
    assert first.value("marketbot_command_seconds_count", platform="telegram",
                       command="report") == 1
    assert not any(s.name.endswith("_created") for f in families.values() for s in f.samples)


def test_platforms_show_their_zeros() -> None:
    metrics = Metrics()
    metrics.platforms(["telegram"])
    text = metrics.render().decode()
    assert 'marketbot_sends_total{outcome="failed",platform="telegram"} 0.0' in text
    assert 'marketbot_rate_limited_total{platform="telegram"} 0.0' in text


def test_an_alert_poll_counts_on_the_metrics() -> None:
    from services.alerts.metrics import count_poll

    metrics = Metrics()
    count_poll(metrics, {"move": 120, "level": 30, "z": 0}, {"move": 2})
    assert metrics.value("marketbot_alert_evaluations_total", kind="move") == 120
    assert metrics.value("marketbot_alert_evaluations_total", kind="level") == 30
    assert metrics.value("marketbot_alerts_fired_total", kind="move") == 2
    assert metrics.value("marketbot_alerts_fired_total", kind="level") == 0
