"""Alerts for the handlers: add (each code resolved and verified like a watchlist's), list and
remove, answered as plain lines.

``add`` refuses, with one line and an example, a rule that cannot work: an unknown or
ambiguous instrument (ask-back), a kind that does not fit it (``depeg`` on anything but a
dollar stablecoin, ``z`` without a history to measure against), a threshold that makes no
sense, a duplicate, or one alert too many. A rule whose condition already holds is set
disarmed: it fires at the next crossing, and the reply says so. Every reply is in the
reader's language (``tr``; English by default).
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
from services.i18n import Translator, translator
from services.i18n.errors import user_message
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
                  command: str = "/alert add", tr: Translator | None = None) -> Reply:
        tr = tr or translator()
        try:
            rule = parse_rule(args, command)
        except AlertInputError as exc:
            return Reply((user_message(exc, tr),))
        options: list[Option] = []
        for index, code in enumerate(rule.codes):
            try:
                resolution = await self.resolver.resolve(code)
            except InputError as exc:
                return Reply((f"{user_message(exc, tr)} {example(rule.kind, command, tr)}",))
            if not isinstance(resolution, Resolved):
                codes = list(rule.codes)
                codes[index] = "{code}"
                again = f"{command} {typed_rule(rule, codes)}"
                return Reply(tuple(not_resolved(resolution, again, tr)))
            options.append(resolution.option)
        problem = await self._unfit(rule, options, command, tr)
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
            return Reply((tr.gettext("This chat already has that alert (number {number}); "
                                     "{command} shows them.", number=dup.position,
                                     command=command.replace("add", "list")),))
        except TooManyAlerts as full:
            return Reply((tr.gettext("This chat has {limit} alerts, the most it can have; "
                                     "{command} NUMBER makes room.", limit=full.limit,
                                     command=command.replace("add", "remove")),))
        second = other.listing if other else None
        what = condition(rule.kind, first.listing, rule.threshold, second, tr)
        lines = [tr.gettext("Alert {number} set: {condition}.", number=position,
                            condition=what)]
        if now is not None:
            lines.append(tr.gettext("Now: {figure}", figure=describe(
                rule.kind, first.listing, now, second, tr)))
        minutes = self.settings.poll_s / 60
        every = (tr.gettext("{minutes} min", minutes=f"{minutes:g}") if minutes >= 1
                 else tr.gettext("{seconds} s", seconds=f"{self.settings.poll_s:g}"))
        if held:
            lines.append(tr.gettext("That holds already, so it fires at the next crossing, "
                                    "once the figure is back past {level}. Checked every "
                                    "{every}.", level=self._rearm(rule, first.listing, tr),
                                    every=every))
        else:
            lines.append(tr.gettext("Checked every {every}; it fires once per crossing.",
                                    every=every))
        return Reply(tuple(lines), changed=True)

    async def _unfit(self, rule: RuleText, options: Sequence[Option], command: str,
                     tr: Translator) -> str | None:
        first = options[0]
        if rule.kind == "spread" and options[0].listing.id == options[1].listing.id:
            return tr.gettext("A spread needs two different instruments. {example}",
                              example=example("spread", command, tr))
        if rule.kind == "depeg":
            quote = first.quote
            off = abs((quote.price or 0) - 1) * 100
            if first.listing.kind != "coin" or off > STABLE_BAND_PCT:
                return tr.gettext("{code} is not a dollar stablecoin (it is at {price}): "
                                  "depeg compares a price with $1. {example}",
                                  code=first.listing.label,
                                  price=price(first.listing, quote.price, tr.language),
                                  example=example("depeg", command, tr))
        if rule.kind == "z":
            series = (await self.history.read([first.listing.id])).get(first.listing.id)
            if z_score(series, first.quote.session, first.quote.change_pct) is None:
                return tr.gettext("z needs {code}'s own history (at least {n} daily closes "
                                  "before its last session), and there is none yet. "
                                  "{example}", code=first.listing.label, n=MIN_RETURNS,
                                  example=example("z", command, tr))
        return None

    async def listed(self, platform: str, destination_id: str,
                     command: str = "/alert", tr: Translator | None = None) -> Reply:
        tr = tr or translator()
        alerts = await self.store.for_chat(platform, destination_id)
        if not alerts:
            return Reply((tr.gettext("This chat has no alerts. {example}",
                                     example=example(None, command + " add", tr)),))
        names = await self.store.instruments.many(
            [a.instrument_id for a in alerts] + [a.other_id for a in alerts if a.other_id])
        lines = [tr.gettext("Alerts in this chat ({count} of {limit}):", count=len(alerts),
                            limit=self.settings.max_per_chat)]
        for position, alert in enumerate(alerts, 1):
            lines.append(tr.gettext("{number}. {condition}: {state}", number=position,
                                    condition=self._condition(alert, names, tr),
                                    state=_state(alert, tr)))
        lines.append(tr.gettext("{command} remove NUMBER removes one.", command=command))
        return Reply(tuple(lines))

    async def remove(self, platform: str, destination_id: str, args: Sequence[str],
                     command: str = "/alert", tr: Translator | None = None) -> Reply:
        tr = tr or translator()
        alerts = await self.store.for_chat(platform, destination_id)
        wanted = " ".join(args).strip().lower()
        if wanted == "all":
            for alert in alerts:
                await self.store.remove(alert.id)
            return Reply((tr.gettext("Removed all {count} alerts of this chat.",
                                     count=len(alerts)),), changed=True)
        if not wanted.isdigit() or not 1 <= int(wanted) <= len(alerts):
            span = (tr.gettext("1 to {count}", count=len(alerts)) if alerts
                    else tr.gettext("none: this chat has no alerts"))
            return Reply((tr.gettext("Say which alert by its number in {command} list "
                                     "({span}). Example: {command} remove 1",
                                     command=command, span=span),))
        alert = alerts[int(wanted) - 1]
        names = await self.store.instruments.many([alert.instrument_id, alert.other_id or ""])
        await self.store.remove(alert.id)
        return Reply((tr.gettext("Removed alert {number}: {condition}.", number=wanted,
                                 condition=self._condition(alert, names, tr)),),
                     changed=True)

    def _rearm(self, rule: RuleText, listing: Listing, tr: Translator) -> str:
        """The figure past which a rule that holds now re-arms."""
        level = rearm_at(rule.kind, rule.threshold, self.settings.margins)
        if rule.kind in ("above", "below"):
            return price(listing, level, tr.language)
        unit = {"move": "%", "spread": " pp", "depeg": "%", "z": "σ"}[rule.kind]
        return f"{fmt.ratio(level)}{unit}"

    def _condition(self, alert: StoredAlert, names: dict[str, Listing],
                   tr: Translator) -> str:
        listing = names.get(alert.instrument_id)
        if listing is None:
            return f"{alert.kind} {alert.instrument_id}"
        other = names.get(alert.other_id) if alert.other_id else None
        return condition(alert.kind, listing, alert.threshold, other, tr)


def _state(alert: StoredAlert, tr: Translator) -> str:
    if alert.armed:
        if alert.crossings:
            return tr.gettext("armed, fired {n}×", n=alert.crossings)
        return tr.gettext("armed")
    if alert.crossings:
        return tr.gettext("fired {n}×, re-arms once the figure is back", n=alert.crossings)
    return tr.gettext("holds now; fires at the next crossing")


