"""One alert poll, run every ``ALERT_POLL_S`` by the leading instance only.

1. Read every active alert; fetch only the quotes they need, in one parallel build (each
   instrument asked once, A-shares and coins batched).
2. Evaluate every alert (``evaluate``, pure). A firing disarms its alert and owes its message
   in one transaction (``AlertStore.fire``, compare-and-set); a cleared one re-arms.
3. An instrument that could not be fetched is told to each chat whose alerts read it, once per
   UTC day (a ledger row keyed by the day).
4. Send what the ledger owes (this poll's and any earlier one's): at most
   ``messages_per_hour`` a chat, the rest held for a later poll.

Nothing here sends without a ledger claim, and nothing is sent again once dispatched
(``services.alerts.ledger``).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from services.alerts import messages
from services.alerts.evaluate import evaluate, needed
from services.alerts.ledger import AlertClaim, AlertLedger
from services.alerts.metrics import NO_COUNTERS, AlertCounters, count_poll
from services.alerts.rules import Margins
from services.alerts.store import AlertStore, StoredAlert
from services.delivery.channels import Note, NoteSender
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
from services.i18n import Translator, translator
from services.watch.history import NO_HISTORY, HistoryReader
from services.watch.instruments import Listing
from services.watch.resolve import Quotes

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class AlertSettings:
    poll_s: float = 300.0
    max_per_chat: int = 20
    messages_per_hour: int = 6
    margins: Margins = field(default_factory=Margins)


@dataclass
class PollResult:
    alerts: int = 0
    instruments: int = 0
    requests: dict[str, int] = field(default_factory=dict)
    fired: int = 0
    rearmed: int = 0
    notices: int = 0
    sent: int = 0
    held: int = 0  # left pending by the hourly limit
    in_doubt: int = 0
    failed: int = 0
    evaluate_s: float = 0.0
    seconds: float = 0.0


def note_of(text: str, held_since: datetime | None = None, limit: int = 0,
            tr: Translator | None = None) -> Note:
    """A ledger row's text as a Note (the first line is the title)."""
    title, *lines = text.split("\n")
    if held_since is not None:
        time = f"{held_since:%Y-%m-%d %H:%M}"
        lines.append((tr or translator()).gettext(
            "Held back by the limit of {limit} alert messages an hour; it fired at {time} UTC.",
            limit=limit, time=time))
    return Note(title, tuple(lines))


class LanguageChoices(Protocol):
    """What each chat chose with /lang (``storage.languages``), read once per poll."""

    default: str

    async def all(self) -> dict[tuple[str, str], str]: ...


class AlertPoller:
    def __init__(self, store: AlertStore, ledger: AlertLedger, quotes: Quotes,
                 senders: Mapping[str, NoteSender], liveness: Liveness,
                 settings: AlertSettings | None = None, *,
                 history: HistoryReader = NO_HISTORY, clock: Clock = utc_now,
                 counters: AlertCounters = NO_COUNTERS,
                 languages: LanguageChoices | None = None) -> None:
        self._store = store
        self._ledger = ledger
        self._quotes = quotes
        self._senders = dict(senders)
        self._liveness = liveness
        self._settings = settings or AlertSettings()
        self._history = history
        self._clock = clock
        self._counters = counters
        self._languages = languages  # each message is written in its chat's language
        self._instruments = store.instruments
        self._noticed: set[str] = set()  # notices owed already (a cache of the ledger's key)
        self.polls = 0

    async def poll(self) -> PollResult:
        started = time.monotonic()
        result = PollResult()
        await self.check(result)
        await self.deliver(result)
        result.seconds = time.monotonic() - started
        self.polls += 1
        log.info("alert poll: %s", result)
        return result

    async def check(self, result: PollResult) -> None:
        """Steps 1 to 3: fetch, evaluate, fire, re-arm, notices."""
        alerts = [a for a in await self._store.active() if a.platform in self._senders]
        result.alerts = len(alerts)
        if not alerts:
            return
        listings = await self._instruments.many(needed(alerts))
        batch = await self._quotes.fetch(list(listings.values()))
        result.instruments, result.requests = len(listings), dict(batch.requests)
        history = NO_HISTORY.history
        z_ids = {a.instrument_id for a in alerts if a.kind == "z"}
        if z_ids:
            history = await self._history.read(z_ids)
        began = time.perf_counter()
        verdict = evaluate(alerts, batch, history, self._settings.margins)
        result.evaluate_s = time.perf_counter() - began
        fired: Counter[str] = Counter()
        reader = await self._readers()
        for alert, found in verdict.fire:
            listing = listings[alert.instrument_id]
            other = listings.get(alert.other_id) if alert.other_id else None
            text = messages.firing(alert.kind, listing, alert.threshold, found,
                                   self._settings.margins, other,
                                   reader(alert.platform, alert.destination_id))
            if await self._store.fire(alert, text, self._ledger):
                fired[alert.kind] += 1
        result.fired = sum(fired.values())
        result.rearmed = await self._store.rearm(verdict.rearm)
        result.notices = await self._notices(alerts, verdict.unfetched, listings,
                                             self._clock(), reader)
        count_poll(self._counters, verdict.evaluated, fired)

    async def _readers(self) -> Callable[[str, str], Translator]:
        """The translator of each chat, from the choices as stored now."""
        chosen = await self._languages.all() if self._languages is not None else {}
        default = self._languages.default if self._languages is not None else "en"
        return lambda platform, destination: translator(chosen.get((platform, destination),
                                                                   default))

    async def _notices(self, alerts: Sequence[StoredAlert], unfetched: Mapping[str, str],
                       listings: Mapping[str, Listing], at: datetime,
                       reader: Callable[[str, str], Translator]) -> int:
        if not unfetched:
            return 0
        day = at.astimezone(UTC).date().isoformat()
        owed = 0
        for alert in alerts:
            platform, destination = alert.platform, alert.destination_id
            for listing_id in (alert.instrument_id, alert.other_id):
                if not listing_id or listing_id not in unfetched:
                    continue
                key = f"unfetched:{listing_id}:{day}"
                seen = f"{platform}:{destination}:{key}"
                if seen in self._noticed:
                    continue
                self._noticed.add(seen)
                text = messages.unfetched(listings[listing_id], unfetched[listing_id], at,
                                          reader(platform, destination))
                owed += await self._ledger.notice(platform, destination, key, text)
        if len(self._noticed) > 100_000:
            self._noticed.clear()
        return owed

    async def deliver(self, result: PollResult) -> None:
        """Step 4: send what the ledger owes, within each chat's hourly limit."""
        await self._liveness.start()
        await self._ledger.recover(self._liveness.is_alive)
        limit = self._settings.messages_per_hour
        reader = await self._readers()
        for platform, sender in self._senders.items():
            sent = Counter(await self._ledger.delivered_since(
                platform, self._clock() - timedelta(hours=1)))
            full = {d for d, n in sent.items() if n >= limit}
            while True:
                claim = await self._ledger.claim_next(platform, sorted(full))
                if claim is None:
                    break
                outcome = await self._send(sender, claim, result,
                                           reader(platform, claim.destination_id))
                if outcome == "stop":
                    break
                if outcome == "sent":
                    sent[claim.destination_id] += 1
                    if sent[claim.destination_id] >= limit:
                        full.add(claim.destination_id)
            result.held += await self._held(platform, full)

    async def _held(self, platform: str, full: set[str]) -> int:
        return await self._ledger.pending_for(platform, sorted(full))

    async def _send(self, sender: NoteSender, claim: AlertClaim, result: PollResult,
                    tr: Translator | None = None) -> str:
        held = claim.created_at if (self._clock() - claim.created_at) > timedelta(
            seconds=2 * self._settings.poll_s + 60) else None
        note = note_of(claim.text, held, self._settings.messages_per_hour, tr)
        await sender.pace()
        if not await self._ledger.dispatch(claim):
            return "lost"
        try:
            sent = await sender.send_note(claim.destination_id, note)
        except RateLimited as exc:
            await self._ledger.release(claim, f"rate limited, retry after {exc.retry_after:g}s")
            return "stop"
        except DestinationMoved as exc:
            await self._store.move(claim.platform, claim.destination_id, exc.new_id)
            await self._ledger.mark_failed(claim, f"the chat moved to {exc.new_id}; its "
                                                  "alerts follow it")
            result.failed += 1
            return "failed"
        except DestinationGone as exc:
            await self._ledger.mark_gone(claim, exc.reason)
            await self._store.stop(claim.platform, claim.destination_id)
            log.warning("alerts of %s %s stopped: %s", claim.platform, claim.destination_id,
                        exc.reason)
            result.failed += 1
            return "failed"
        except DeliveryInDoubt as exc:
            await self._ledger.mark_in_doubt(claim, exc.reason)
            result.in_doubt += 1
            return "sent"
        except DeliveryAborted as exc:
            await self._ledger.release(claim, exc.reason)
            log.error("%s refused the bot (%s): alert messages stay pending", claim.platform,
                      exc.reason)
            return "stop"
        except DeliveryUnavailable as exc:  # it never left: send it next poll
            await self._ledger.release(claim, exc.reason)
            return "stop"
        except DeliveryError as exc:
            await self._ledger.mark_failed(claim, exc.reason)
            result.failed += 1
            return "failed"
        except Exception as exc:  # the isolation point of one message: it may have left
            log.exception("bug while sending alert message %s", claim.dedupe_key)
            await self._ledger.mark_in_doubt(claim, f"internal error: {type(exc).__name__}")
            result.in_doubt += 1
            return "sent"
        # nothing between the platform's answer and this write
        if await self._ledger.mark_sent(claim, sent.message_ids):
            result.sent += 1
        return "sent"
