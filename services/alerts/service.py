"""Alerts for the handlers: add (each code resolved and verified like a watchlist's), list and
remove, answered as plain lines.

``add`` refuses, with one line and an example, a rule that cannot work: an unknown or
ambiguous instrument (ask-back), a kind that does not fit it (``depeg`` on anything but a
dollar stablecoin, ``z`` without a history to measure against), a threshold that makes no
sense, a duplicate, or one alert too many. A rule whose condition already holds is set
disarmed: it fires at the next crossing, and the reply says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from services import format as fmt
from services.alerts.figures import figure
from services.alerts.messages import condition, describe
from services.alerts.poller import AlertSettings
from services.alerts.rules import (
    UNITS,
    AlertInputError,
    RuleText,
    example,
    holds,
    parse_rule,
    rearm_at,
)
from services.alerts.store import AlertStore, DuplicateAlert, StoredAlert, TooManyAlerts
from services.errors import InputError
from services.watch.block import price
from services.watch.history import NO_HISTORY, HistoryReader
from services.watch.instruments import Listing
from services.watch.replies import not_resolved
from services.watch.resolve import Option, Resolved, Resolver
from services.watch.zscore import MIN_RETURNS, z_score

STABLE_BAND_PCT = 10.0  # a dollar stablecoin trades within this of $1 when the alert is set


@dataclass(frozen=True)
class Reply:
    lines: tuple[str, ...]
    changed: bool = False


def typed_rule(rule: RuleText, codes: Sequence[str]) -> str:
    """The rule written back in its usual form, with ``codes``."""
    limit = f"{rule.threshold:g}{UNITS[rule.kind] if rule.kind != 'spread' else 'pp'}"
    if rule.kind in ("move", "above", "below"):
        return f"{codes[0]} {rule.kind} {limit}"
    return f"{rule.kind} {' '.join(codes)} {limit}"


class AlertService:
    def __init__(self, store: AlertStore, resolver: Resolver,
                 settings: AlertSettings | None = None,
                 history: HistoryReader = NO_HISTORY) -> None:
        self.store = store
        self.resolver = resolver
        self.settings = settings or AlertSettings()
        self.history = history

    async def add(self, platform: str, destination_id: str, args: Sequence[str],
                  command: str = "/alert add") -> Reply:
        try:
            rule = parse_rule(args, command)
        except AlertInputError as exc:
            return Reply((str(exc),))
        options: list[Option] = []
        for index, code in enumerate(rule.codes):
            try:
                resolution = await self.resolver.resolve(code)
            except InputError as exc:
                return Reply((f"{exc} {example(rule.kind, command)}",))
            if not isinstance(resolution, Resolved):
                codes = list(rule.codes)
                codes[index] = "{code}"
                again = f"{command} {typed_rule(rule, codes)}"
                return Reply(tuple(not_resolved(resolution, again)))
            options.append(resolution.option)
        problem = await self._unfit(rule, options, command)
        if problem is not None:
            return Reply((problem,))
        first, other = options[0], options[1] if len(options) > 1 else None
        z = None
        if rule.kind == "z":
            series = (await self.history.read([first.listing.id])).get(first.listing.id)
            z = z_score(series, first.quote.session, first.quote.change_pct)
        now = figure(rule.kind, first.quote, other.quote if other else None, z)
        held = now is not None and holds(rule.kind, now.value, rule.threshold)
        try:
            _, position = await self.store.add(
                platform, destination_id, rule.kind, first.listing,
                other.listing if other else None, rule.threshold, not held,
                self.settings.max_per_chat)
        except DuplicateAlert as dup:
            return Reply((f"This chat already has that alert (number {dup.position}); "
                          f"{command.replace('add', 'list')} shows them.",))
        except TooManyAlerts as full:
            return Reply((f"This chat has {full.limit} alerts, the most it can have; "
                          f"{command.replace('add', 'remove')} NUMBER makes room.",))
        what = condition(rule.kind, first.listing, rule.threshold,
                         other.listing if other else None)
        lines = [f"Alert {position} set: {what}."]
        if now is not None:
            lines.append("Now: " + describe(rule.kind, first.listing, now,
                                            other.listing if other else None))
        minutes = self.settings.poll_s / 60
        every = f"{minutes:g} min" if minutes >= 1 else f"{self.settings.poll_s:g} s"
        if held:
            lines.append(f"That holds already, so it fires at the next crossing, once the "
                         f"figure is back past {self._rearm(rule, first.listing)}. "
                         f"Checked every {every}.")
        else:
            lines.append(f"Checked every {every}; it fires once per crossing.")
        return Reply(tuple(lines), changed=True)

    async def _unfit(self, rule: RuleText, options: Sequence[Option], command: str
                     ) -> str | None:
        first = options[0]
        if rule.kind == "spread" and options[0].listing.id == options[1].listing.id:
            return f"A spread needs two different instruments. {example('spread', command)}"
        if rule.kind == "depeg":
            quote = first.quote
            off = abs((quote.price or 0) - 1) * 100
            if first.listing.kind != "coin" or off > STABLE_BAND_PCT:
                return (f"{first.listing.label} is not a dollar stablecoin (it is at "
                        f"{price(first.listing, quote.price)}): depeg compares a price with $1. "
                        f"{example('depeg', command)}")
        if rule.kind == "z":
            series = (await self.history.read([first.listing.id])).get(first.listing.id)
            if z_score(series, first.quote.session, first.quote.change_pct) is None:
                return (f"z needs {first.listing.label}'s own history (at least {MIN_RETURNS} "
                        f"daily closes before its last session), and there is none yet. "
                        f"{example('z', command)}")
        return None

    async def listed(self, platform: str, destination_id: str,
                     command: str = "/alert") -> Reply:
        alerts = await self.store.for_chat(platform, destination_id)
        if not alerts:
            return Reply((f"This chat has no alerts. {example(None, command + ' add')}",))
        names = await self.store.instruments.many(
            [a.instrument_id for a in alerts] + [a.other_id for a in alerts if a.other_id])
        lines = [f"Alerts in this chat ({len(alerts)} of {self.settings.max_per_chat}):"]
        for position, alert in enumerate(alerts, 1):
            lines.append(f"{position}. {self._condition(alert, names)}: {_state(alert)}")
        lines.append(f"{command} remove NUMBER removes one.")
        return Reply(tuple(lines))

    async def remove(self, platform: str, destination_id: str, args: Sequence[str],
                     command: str = "/alert") -> Reply:
        alerts = await self.store.for_chat(platform, destination_id)
        wanted = " ".join(args).strip().lower()
        if wanted == "all":
            for alert in alerts:
                await self.store.remove(alert.id)
            return Reply((f"Removed all {len(alerts)} alerts of this chat.",), changed=True)
        if not wanted.isdigit() or not 1 <= int(wanted) <= len(alerts):
            span = f"1 to {len(alerts)}" if alerts else "none: this chat has no alerts"
            return Reply((f"Say which alert by its number in {command} list ({span}). "
                          f"Example: {command} remove 1",))
        alert = alerts[int(wanted) - 1]
        names = await self.store.instruments.many([alert.instrument_id, alert.other_id or ""])
        await self.store.remove(alert.id)
        return Reply((f"Removed alert {wanted}: {self._condition(alert, names)}.",),
                     changed=True)

    def _rearm(self, rule: RuleText, listing: Listing) -> str:
        """The figure past which a rule that holds now re-arms."""
        level = rearm_at(rule.kind, rule.threshold, self.settings.margins)
        if rule.kind in ("above", "below"):
            return price(listing, level)
        unit = {"move": "%", "spread": " pp", "depeg": "%", "z": "σ"}[rule.kind]
        return f"{fmt.ratio(level)}{unit}"

    def _condition(self, alert: StoredAlert, names: dict[str, Listing]) -> str:
        listing = names.get(alert.instrument_id)
        if listing is None:
            return f"{alert.kind} {alert.instrument_id}"
        other = names.get(alert.other_id) if alert.other_id else None
        return condition(alert.kind, listing, alert.threshold, other)


def _state(alert: StoredAlert) -> str:
    if alert.armed:
        fired = f", fired {alert.crossings}×" if alert.crossings else ""
        return f"armed{fired}"
    if alert.crossings:
        return f"fired {alert.crossings}×, re-arms once the figure is back"
    return "holds now; fires at the next crossing"


