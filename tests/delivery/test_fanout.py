"""The fan-out over fake senders, on SQLite and PostgreSQL: each destination once, failures
isolated and handled as the error tree says, nothing sent twice on a re-run."""

from __future__ import annotations

import pytest

from services.delivery.fanout import RetryPolicy
from services.delivery.ledger import FAILED, PENDING, SENT
from services.errors import (
    DeliveryAborted,
    DeliveryError,
    DeliveryInDoubt,
    DeliveryUnavailable,
    DestinationGone,
    DestinationMoved,
    RateLimited,
)
from services.report.editions import Edition
from tests.delivery.conftest import Rig, RigFactory


async def test_every_destination_once_and_a_rerun_sends_nothing(rig: Rig,
                                                                 edition: Edition) -> None:
    dests = await rig.subscribe("telegram", *range(1, 41)) + await rig.subscribe(
        "discord", 9001, 9002)
    result = await rig.fanout.deliver(edition, dests)
    assert (result.sent, result.failed, result.skipped_already_sent) == (42, 0, 0)
    assert rig.senders["telegram"].received() == {str(i): 1 for i in range(1, 41)}
    assert rig.senders["discord"].received() == {"9001": 1, "9002": 1}

    again = await rig.fanout.deliver(edition, dests)
    assert (again.sent, again.skipped_already_sent) == (0, 42)
    assert sum(rig.senders["telegram"].received().values()) == 40
    assert await rig.ledger.statuses(edition.id) == {SENT: 42}


async def test_429_waits_retry_after_and_retries_the_same_destination(
        rig: Rig, edition: Edition) -> None:
    dests = await rig.subscribe("telegram", 1, 2, 3)
    rig.senders["telegram"].fail(2, RateLimited("2", 3), RateLimited("2", 5))
    result = await rig.fanout.deliver(edition, dests)
    assert (result.sent, result.rate_limited, result.failed) == (3, 2, 0)
    assert rig.senders["telegram"].attempts["2"] == 3
    assert rig.senders["telegram"].received()["2"] == 1
    assert rig.slept == [3, 5]


async def test_endless_429s_fail_the_row_after_the_limit(rigs: RigFactory,
                                                         edition: Edition) -> None:
    rig = rigs("telegram", policy=RetryPolicy(rate_limit_waits=2))
    dests = await rig.subscribe("telegram", 1)
    rig.senders["telegram"].fail(1, *[RateLimited("1", 1)] * 5)
    result = await rig.fanout.deliver(edition, dests)
    assert (result.sent, result.failed) == (0, 1)
    assert await rig.ledger.statuses(edition.id) == {FAILED: 1}


async def test_403_deactivates_and_others_still_receive(rig: Rig, edition: Edition) -> None:
    dests = await rig.subscribe("telegram", 1, 2, 3)
    rig.senders["telegram"].fail(2, DestinationGone("2", "Forbidden: bot was blocked by the user"))
    result = await rig.fanout.deliver(edition, dests)
    assert (result.sent, result.deactivated) == (2, 1)
    gone = await rig.subscriptions.get("telegram", "2")
    assert gone is not None and not gone.active
    assert gone.deactivated_reason == "Forbidden: bot was blocked by the user"
    assert await rig.ledger.statuses(edition.id) == {SENT: 2, "gone": 1}


async def test_migrated_group_moves_and_is_resent_at_its_new_id(rig: Rig,
                                                                edition: Edition) -> None:
    dests = await rig.subscribe("telegram", -100, 5)
    rig.senders["telegram"].fail(-100, DestinationMoved("-100", "-1009999"))
    result = await rig.fanout.deliver(edition, dests)
    assert (result.sent, result.moved, result.failed) == (2, 1, 0)
    assert rig.senders["telegram"].received() == {"-1009999": 1, "5": 1}
    assert [s.destination_id for s in await rig.subscriptions.list("telegram")] == \
        ["-1009999", "5"]
    assert await rig.ledger.statuses(edition.id) == {SENT: 2, "moved": 1}


async def test_bad_request_fails_the_row_with_its_reason(rig: Rig, edition: Edition) -> None:
    dests = await rig.subscribe("telegram", 1, 2)
    rig.senders["telegram"].fail(1, DeliveryError("1", "Bad Request: chat not found"))
    result = await rig.fanout.deliver(edition, dests)
    assert (result.sent, result.failed) == (1, 1)
    sub = await rig.subscriptions.get("telegram", "1")
    assert sub is not None and sub.active, "a bad request does not unsubscribe"
    assert await rig.ledger.status_of(edition.id, [("telegram", "1")]) == \
        {("telegram", "1"): FAILED}


async def test_network_errors_back_off_then_succeed_or_fail_at_the_limit(
        rigs: RigFactory, edition: Edition) -> None:
    rig = rigs("telegram", policy=RetryPolicy(attempts=3, backoff_s=1.0))
    dests = await rig.subscribe("telegram", 1, 2)
    rig.senders["telegram"].fail(1, DeliveryUnavailable("1", "network: ConnectError"))
    rig.senders["telegram"].fail(2, *[DeliveryUnavailable("2", "network: ConnectError")] * 3)
    result = await rig.fanout.deliver(edition, dests)
    assert (result.sent, result.failed, result.retried, result.in_doubt) == (1, 1, 3, 0)
    assert sorted(rig.slept) == [1.0, 1.0, 2.0]
    assert rig.senders["telegram"].attempts == {"1": 2, "2": 3}


async def test_an_ambiguous_failure_is_retried_and_counted_in_doubt(rig: Rig,
                                                                    edition: Edition) -> None:
    dests = await rig.subscribe("telegram", 1)
    rig.senders["telegram"].fail(1, DeliveryInDoubt("1", "TimedOut: read timeout"))
    result = await rig.fanout.deliver(edition, dests)
    assert (result.sent, result.in_doubt) == (1, 1)


async def test_a_refused_bot_stops_its_platform_and_leaves_rows_pending(
        rig: Rig, edition: Edition) -> None:
    dests = await rig.subscribe("telegram", *range(1, 6)) + await rig.subscribe("discord", 7)
    rig.senders["telegram"].concurrency = 1
    rig.senders["telegram"].fail(1, DeliveryAborted("1", "InvalidToken"))
    result = await rig.fanout.deliver(edition, dests)
    assert result.platforms_stopped == ["telegram"]
    assert result.sent == 1 and rig.senders["discord"].received() == {"7": 1}
    assert (await rig.ledger.statuses(edition.id)).get(PENDING) == 5
    rig.senders["telegram"].errors.clear()
    later = await rig.fanout.resume(edition)
    assert later.sent == 5


async def test_a_bug_in_a_sender_is_isolated_to_its_destination(
        rig: Rig, edition: Edition, caplog: pytest.LogCaptureFixture) -> None:
    dests = await rig.subscribe("telegram", 1, 2)
    rig.senders["telegram"].fail(1, KeyError("oops"))
    result = await rig.fanout.deliver(edition, dests)
    assert (result.sent, result.failed) == (1, 1)
    assert "bug while sending to telegram 1" in caplog.text


async def test_platforms_without_a_sender_are_left_alone(rigs: RigFactory,
                                                         edition: Edition) -> None:
    rig = rigs("telegram")
    dests = await rig.subscribe("telegram", 1) + await rig.subscribe("discord", 2)
    result = await rig.fanout.deliver(edition, dests)
    assert result.sent == 1
    assert await rig.ledger.statuses(edition.id) == {SENT: 1}


async def test_drain_stops_claiming_and_leaves_the_rest_pending(rig: Rig,
                                                                edition: Edition) -> None:
    dests = await rig.subscribe("telegram", *range(1, 21))
    sender = rig.senders["telegram"]
    sender.concurrency = 2
    original = sender.send_edition
    drained = []

    async def draining(destination_id: str, e: Edition):  # type: ignore[no-untyped-def]
        if len(sender.delivered) >= 4 and not drained:
            drained.append(True)
            rig.fanout.drain()
        return await original(destination_id, e)

    sender.send_edition = draining  # type: ignore[method-assign]
    result = await rig.fanout.deliver(edition, dests)
    assert 4 <= result.sent <= 6
    assert (await rig.ledger.statuses(edition.id))[PENDING] == 20 - result.sent
    rig.fanout.drain(False)
    rest = await rig.fanout.resume(edition)
    assert result.sent + rest.sent == 20
    assert set(sender.received().values()) == {1}
