"""Fan-out: deliver one edition to many destinations through the ledger.

``deliver`` records a ledger row per destination, takes back the rows of workers that died
mid-send, then runs a few workers per platform. Each worker claims one row, sends, and marks
the outcome at once, so at most ``concurrency`` rows per platform are ever in flight. A
failure is isolated to its destination:

    RateLimited          wait ``retry_after`` (the sender pauses its pacer), same destination
    DestinationMoved     move the subscription, mark the row ``moved``, send to the new id
    DestinationGone      deactivate the subscription, row ``gone``
    DeliveryInDoubt      count it (``in_doubt``), back off, retry
    DeliveryUnavailable  back off, retry, up to ``RetryPolicy.attempts``; then ``failed``
    DeliveryAborted      give the row back and stop this platform (bad token)
    DeliveryError        ``failed`` with the platform's reason

``resume`` finishes an edition already in the ledger (after a restart) without enqueueing.

Each destination gets the edition in its language (``languages``: what each chat or channel
chose with /lang; the others get the edition's own language), the same edition id and figures:
the ledger keeps one row per destination whatever the language.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Protocol

from services.delivery.channels import Sender
from services.delivery.ledger import Claim, Destination, Extra, Ledger
from services.delivery.liveness import Liveness
from services.errors import (
    DeliveryAborted,
    DeliveryError,
    DeliveryInDoubt,
    DeliveryUnavailable,
    DestinationGone,
    DestinationMoved,
    RateLimited,
)
from services.ops.context import log_context
from services.ops.metrics import Metrics
from services.report.editions import Edition
from services.storage.subscriptions import SubscriptionStore

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class LanguageChoices(Protocol):
    """Where each destination's chosen language is kept (``storage.languages``)."""

    async def all(self) -> dict[tuple[str, str], str]: ...

    async def move(self, platform: str, old_id: str, new_id: str) -> None: ...


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # sends per destination on network/5xx failures, the first included
    backoff_s: float = 1.0  # then doubled each time
    backoff_max_s: float = 30.0
    rate_limit_waits: int = 20  # 429s tolerated for one destination before it fails
    retry_after_max_s: float = 600.0  # a longer wait fails the row rather than stall the run

    def backoff(self, failures: int) -> float:
        return min(self.backoff_max_s, self.backoff_s * 2 ** (failures - 1))


@dataclass
class FanoutResult:
    edition: str
    sent: int = 0
    skipped_already_sent: int = 0
    failed: int = 0
    deactivated: int = 0
    moved: int = 0
    in_doubt: int = 0  # sends repeated without knowing if the earlier one had arrived
    rate_limited: int = 0  # 429s received
    retried: int = 0  # network/5xx retries
    seconds: float = 0.0
    platforms_stopped: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, object]:
        """The push command's JSON line: the issue's keys first, then the extra counts."""
        data = asdict(self)
        keys = ("edition", "sent", "skipped_already_sent", "failed", "deactivated", "seconds")
        out: dict[str, object] = {k: data[k] for k in keys}
        out["seconds"] = round(self.seconds, 3)
        out.update({k: v for k, v in data.items() if k not in keys})
        return out


class Fanout:
    def __init__(self, ledger: Ledger, senders: Mapping[str, Sender],
                 subscriptions: SubscriptionStore, liveness: Liveness,
                 policy: RetryPolicy = RetryPolicy(), sleep: Sleep = asyncio.sleep,
                 languages: LanguageChoices | None = None, metrics: Metrics | None = None
                 ) -> None:
        self._ledger = ledger
        self._metrics = metrics or Metrics()
        self._languages = languages
        self._senders = dict(senders)
        self._subscriptions = subscriptions
        self._liveness = liveness
        self._policy = policy
        self._sleep = sleep
        self._draining = False

    def drain(self, on: bool = True) -> None:
        """Stop claiming (``on``) or start again: workers finish the send in hand and return
        (a graceful stop). What is left stays ``pending`` for the next run or the standby."""
        self._draining = on

    @property
    def platforms(self) -> tuple[str, ...]:
        return tuple(self._senders)

    async def deliver(self, edition: Edition, destinations: Sequence[Destination],
                      extra: Extra | None = None) -> FanoutResult:
        """Send ``edition`` to each destination that has not had it; ``extra`` runs in the
        enqueueing transaction. Destinations on platforms without a sender are ignored."""
        started = time.monotonic()
        wanted = [d for d in destinations if d[0] in self._senders]
        queued = await self._ledger.enqueue(edition.id, wanted, extra=extra)
        result = FanoutResult(edition.id, skipped_already_sent=queued.already_sent)
        with log_context(edition=edition.id):
            await self._run(edition, result)
        result.seconds = time.monotonic() - started
        return result

    async def resume(self, edition: Edition) -> FanoutResult:
        """Finish what the ledger holds for ``edition`` (pending rows, dead workers' rows)."""
        started = time.monotonic()
        result = FanoutResult(edition.id)
        with log_context(edition=edition.id):
            await self._run(edition, result)
        result.seconds = time.monotonic() - started
        return result

    async def _run(self, edition: Edition, result: FanoutResult, rounds: int = 10) -> None:
        await self._liveness.start()
        chosen = await self._languages.all() if self._languages is not None else {}
        for _ in range(rounds):
            if self._draining:
                return
            recovered = await self._ledger.recover(self._liveness.is_alive, edition.id)
            result.in_doubt += recovered.rows
            for platform, rows in recovered.by_platform.items():
                self._metrics.send(platform, "in_doubt", rows)
            active = [p for p in self._senders if p not in result.platforms_stopped]
            await asyncio.gather(*(self._platform(edition, p, result, chosen)
                                   for p in active))
            if not recovered.rows and not await self._dead_rows_left(edition.id):
                return

    async def _dead_rows_left(self, edition_id: str) -> bool:
        """Did a worker of another process die while we were sending? Then go round again."""
        for worker in await self._ledger.in_flight(edition_id):
            if worker != self._ledger.worker_id and not await self._liveness.is_alive(worker):
                return True
        return False

    async def _platform(self, edition: Edition, platform: str, result: FanoutResult,
                        chosen: Mapping[tuple[str, str], str]) -> None:
        sender = self._senders[platform]
        stop = asyncio.Event()
        marks = Marks(self._ledger, self._metrics, result)
        await sender.prepare(edition)

        async def worker() -> None:
            while not stop.is_set() and not self._draining:
                await sender.pace()  # claim only when the send can go out at once
                claim = await self._ledger.claim_next(edition.id, platform)
                if claim is None:
                    return
                language = chosen.get((claim.platform, claim.destination_id), edition.language)
                with log_context(edition=edition.id, chat=claim.destination_id):
                    await self._deliver_one(sender, edition, claim, result, stop, language,
                                            marks)

        try:
            await asyncio.gather(*(worker() for _ in range(max(1, sender.concurrency))))
        finally:  # stopped early (draining, the platform refused us): rows claimed ahead
            await marks.settle()
            await self._ledger.release_ahead(edition.id, platform)

    async def _deliver_one(self, sender: Sender, edition: Edition, claim: Claim,
                           result: FanoutResult, stop: asyncio.Event, language: str | None = None,
                           marks: Marks | None = None) -> None:
        """One destination, in ``language``, retried as the policy says; the row's outcome is
        always marked (or the row is given back), whatever happens."""
        policy, failures, waits, paced = self._policy, 0, 0, True
        while True:
            try:
                if not paced:
                    await sender.pace()
                paced = False
                localised = await edition.localised(language or edition.language)
                sent = await sender.send_edition(claim.destination_id, localised)
            except RateLimited as exc:
                result.rate_limited += 1
                self._metrics.rate_limited(claim.platform, exc.retry_after)
                waits += 1
                if waits > policy.rate_limit_waits or exc.retry_after > policy.retry_after_max_s:
                    await self._fail(claim, f"rate limited {waits} times, last retry_after "
                                            f"{exc.retry_after:g}s", result)
                    return
                await self._ledger.touch(claim)
                await self._sleep(exc.retry_after)
                continue
            except DestinationMoved as exc:
                await self._subscriptions.move(claim.platform, claim.destination_id, exc.new_id)
                if self._languages is not None:
                    await self._languages.move(claim.platform, claim.destination_id, exc.new_id)
                moved = await self._ledger.mark_moved(claim, exc.new_id)
                result.moved += 1
                self._metrics.send(claim.platform, "moved")
                log.info("%s %s moved to %s", claim.platform, claim.destination_id, exc.new_id)
                if moved is None:
                    return
                claim, failures, waits = moved, 0, 0
                continue
            except DestinationGone as exc:
                await self._subscriptions.deactivate(claim.platform, claim.destination_id,
                                                     exc.reason)
                await self._ledger.mark_gone(claim, exc.reason)
                result.deactivated += 1
                self._metrics.send(claim.platform, "deactivated")
                log.warning("deactivated %s %s: %s", claim.platform, claim.destination_id,
                            exc.reason)
                return
            except DeliveryUnavailable as exc:
                failures += 1
                if failures >= policy.attempts:
                    await self._fail(claim, f"{exc.reason} (after {failures} attempts)", result)
                    return
                if isinstance(exc, DeliveryInDoubt):
                    # The platform may have delivered it: the retry may duplicate. Counted.
                    result.in_doubt += 1
                    self._metrics.send(claim.platform, "in_doubt")
                    await self._ledger.note_in_doubt(claim, exc.reason)
                else:
                    await self._ledger.touch(claim)
                result.retried += 1
                await self._sleep(policy.backoff(failures))
                continue
            except DeliveryAborted as exc:
                stop.set()
                await self._ledger.release(claim, exc.reason)
                if claim.platform not in result.platforms_stopped:
                    result.platforms_stopped.append(claim.platform)
                    log.error("%s refused the bot (%s): its deliveries stay pending",
                              claim.platform, exc.reason)
                return
            except DeliveryError as exc:
                await self._fail(claim, exc.reason, result)
                return
            except Exception as exc:  # the isolation point for one destination's bugs
                log.exception("bug while sending to %s %s", claim.platform,
                              claim.destination_id)
                await self._fail(claim, f"internal error: {type(exc).__name__}", result)
                return
            # ---- the double-send window: the platform has accepted the message and the
            # ledger does not know yet. A crash here leaves the row ``sending``; ``recover``
            # sends it again and counts it ``in_doubt``. Nothing but the write below runs in
            # between (handed to ``marks``, which writes it with the others arriving now).
            if marks is not None:
                await marks.add(claim, sent.message_ids)
            elif await self._ledger.mark_sent(claim, sent.message_ids):
                result.sent += 1
                self._metrics.send(claim.platform, "sent")
            return

    async def _fail(self, claim: Claim, reason: str, result: FanoutResult) -> None:
        await self._ledger.mark_failed(claim, reason)
        result.failed += 1
        self._metrics.send(claim.platform, "failed")
        log.warning("could not deliver edition %s to %s %s: %s", claim.edition_id,
                    claim.platform, claim.destination_id, reason)


class Marks:
    """The ``sent`` marks of one platform's run, written without holding up the next send:
    each goes to the ledger at once (which writes those arriving together in one statement)
    and is counted when it commits. At most ``most`` wait at a time; ``settle`` waits for
    all (and raises what a write raised)."""

    def __init__(self, ledger: Ledger, metrics: Metrics, result: FanoutResult,
                 most: int = 2000) -> None:
        self._ledger = ledger
        self._metrics = metrics
        self._result = result
        self._room = asyncio.Semaphore(most)
        self._pending: set[asyncio.Task[None]] = set()

    async def add(self, claim: Claim, message_ids: Sequence[str]) -> None:
        await self._room.acquire()
        task = asyncio.ensure_future(self._mark(claim, message_ids))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _mark(self, claim: Claim, message_ids: Sequence[str]) -> None:
        try:
            if await self._ledger.mark_sent(claim, message_ids):
                self._result.sent += 1
                self._metrics.send(claim.platform, "sent")
        finally:
            self._room.release()

    async def settle(self) -> None:
        errors: list[BaseException] = []
        while self._pending:
            outcomes = await asyncio.gather(*list(self._pending), return_exceptions=True)
            errors += [o for o in outcomes if isinstance(o, BaseException)]
        if errors:
            raise errors[0]
