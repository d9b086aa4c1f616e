"""The whole error tree of the product, in one place.

Errors are named for what went wrong, carry a one-line user-safe message (``str(err)``), and
never contain a token, a key or a traceback. They are caught only at isolation points: per
provider, per destination, and in one error handler per platform.

An error a user may see also keeps its message as ``err.say``: an English template (a gettext
msgid) and its values, so a handler can say it in the reader's language
(``services.i18n.errors.user_message``); ``str(err)`` is the English text.

    BotError                      base; ``str(err)`` is safe to show a user
    ├── ConfigError               a setting is missing or malformed (exit status 2)
    ├── InputError                the user typed something we cannot use
    │   ├── SnapshotError         a market-snapshot/1 document is invalid; ``.problems`` lists
    │   │                         one "json.path: what is wrong" line per problem
    │   ├── HistoryError          a market-history/1 document or CSV folder is invalid; same
    │   │                         ``.problems`` shape ("series.SPX.closes[3]: ...")
    │   ├── UnknownSectionError   a section key or alias we do not know; lists valid ones
    │   ├── UnknownChartError     a chart name we do not know; lists valid ones
    │   ├── ScheduleInputError    a bad HH:MM time or IANA time zone
    │   └── TooSoon               a repeated request inside its cooldown; ``.retry_in`` seconds
    │       └── TooManyQuestions  ``/ask`` over the per-user limit; says when to ask again
    ├── NotAllowed                this user may not do that here (a group member, not an admin)
    ├── UpstreamError             a data source failed; ``.source`` names it
    │   ├── UpstreamTimeout       no answer within the provider timeout (retryable)
    │   ├── UpstreamStatus        an HTTP error status; ``.status`` (5xx and 429 retryable)
    │   ├── UpstreamUnreachable   no connection (DNS, refused, reset; not retryable)
    │   ├── UpstreamFormatError   HTML, truncated JSON or an unexpected shape (not retryable)
    │   ├── UpstreamImplausible   a value outside sane bounds, rejected (not retryable)
    │   └── UpstreamCircuitOpen   not asked: the host kept answering 429 in this build
    ├── NarrationError            the language model failed or its text did not pass the check
    ├── PlatformError             the bot cannot use Telegram or Discord at all; ``.platform``
    │   ├── PlatformUnreachable   no connection to the platform's API (network, wrong URL)
    │   └── TokenRejected         the platform refused the bot's token
    ├── DatabaseUnavailable       DATABASE_URL cannot be opened (server down, bad path)
    └── DeliveryError             a send to one destination failed; ``.destination``
        ├── DestinationGone       blocked, kicked, deleted: deactivate the subscription
        ├── DestinationMoved      a Telegram group migrated; ``.new_id``
        ├── RateLimited           the platform said wait; ``.retry_after`` seconds
        ├── DeliveryUnavailable   the platform (5xx) or the network failed: retry later
        │   └── DeliveryInDoubt   it failed after the request went out (timeout, dropped
        │                         connection, 5xx): the platform may have delivered it
        └── DeliveryAborted       the platform refused the bot itself (bad token, wrong API
                                  URL): stop sending on that platform, leave the rest pending
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from services.input_limits import shown


@dataclass(frozen=True)
class Duration:
    """A wait to tell a user: ``3 min 20 s`` (written per language where it is shown)."""

    seconds: float

    def __str__(self) -> str:
        return duration(self.seconds)


@dataclass(frozen=True)
class Say:
    """A message for a user: an English template with ``{name}`` fields (a gettext msgid) and
    its values (text, numbers, lists, a ``Duration``, or another ``Say``)."""

    template: str
    params: Mapping[str, object] = field(default_factory=dict)
    plural: str | None = None  # the plural template, chosen by ``params["n"]``

    @classmethod
    def counted(cls, singular: str, plural: str, n: int, **params: object) -> Say:
        """A message with a count: ``{n} question`` / ``{n} questions``."""
        return cls(singular, {"n": n, **params}, plural)

    def __str__(self) -> str:
        text = self.template if self.plural is None or self.params.get("n") == 1 \
            else self.plural
        return text.format(**{k: english(v) for k, v in self.params.items()})


@dataclass(frozen=True)
class Several:
    """Several messages named in one line: "a; b"."""

    items: tuple[Say, ...]

    def __str__(self) -> str:
        return "; ".join(str(s) for s in self.items)


def english(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    if isinstance(value, (list, tuple)):
        return ", ".join(english(v) for v in value)
    return str(value)


class BotError(Exception):
    """Base of every error the product raises on purpose. ``str()`` is user-safe."""

    say: Say | None = None

    @classmethod
    def saying(cls, template: str, **params: object) -> BotError:
        """The error with its message kept as a template and values (see ``Say``)."""
        say = Say(template, params)
        error = cls(str(say))
        error.say = say
        return error


class ConfigError(BotError):
    """A setting is missing or malformed."""


class InputError(BotError):
    """The user gave input we cannot use."""


class SnapshotError(InputError):
    """A market-snapshot/1 document failed validation."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        count = len(self.problems)
        first = self.problems[0] if self.problems else "invalid snapshot"
        more = f" (and {count - 1} more)" if count > 1 else ""
        super().__init__(f"invalid snapshot: {first}{more}")


class HistoryError(InputError):
    """A market-history/1 document (or a folder of ID.csv files) failed validation."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        count = len(self.problems)
        first = self.problems[0] if self.problems else "invalid history"
        more = f" (and {count - 1} more)" if count > 1 else ""
        super().__init__(f"invalid history: {first}{more}")


class UnknownSectionError(InputError):
    """A section name we do not know."""

    def __init__(self, given: str, valid: Iterable[str]) -> None:
        self.given = given
        self.valid = tuple(valid)
        self.say = Say("unknown section '{given}'. Valid sections: {valid}",
                       {"given": shown(given), "valid": self.valid})
        super().__init__(str(self.say))


class UnknownChartError(InputError):
    """A chart name we do not know."""

    def __init__(self, given: str, valid: Iterable[str]) -> None:
        self.given = given
        self.valid = tuple(valid)
        self.say = Say("unknown chart '{given}'. Valid charts: {valid}",
                       {"given": shown(given), "valid": self.valid})
        super().__init__(str(self.say))


class ScheduleInputError(InputError):
    """A bad HH:MM time or time zone name."""

    def __init__(self, message: str | Say) -> None:
        if isinstance(message, Say):
            self.say = message
        super().__init__(str(message))


class TooSoon(InputError):
    """A rate-limited request (``/report refresh``) came again inside its cooldown."""

    def __init__(self, what: str, retry_in: float) -> None:
        self.retry_in = retry_in
        self.say = Say("{what} was done a moment ago; try again in {wait}.",
                       {"what": Say(what), "wait": Duration(retry_in)})
        super().__init__(str(self.say))


class TooManyQuestions(TooSoon):
    """``/ask`` came more often than the per-user limit allows."""

    def __init__(self, limit: int, window_s: float, retry_in: float) -> None:
        self.retry_in = retry_in
        self.say = Say.counted("You can ask {n} question every {window}; you can ask again "
                               "in {wait}.",
                               "You can ask {n} questions every {window}; you can ask again "
                               "in {wait}.", limit, window=Duration(window_s),
                               wait=Duration(retry_in))
        InputError.__init__(self, str(self.say))


def duration(seconds: float) -> str:
    """``200`` → ``3 min 20 s``; ``600`` → ``10 min``; at least ``1 s``."""
    minutes, rest = divmod(max(1, round(seconds)), 60)
    if not minutes:
        return f"{rest} s"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


class NotAllowed(BotError):
    """The user may not do this here, e.g. a group member changing the group's subscription."""


class UpstreamError(BotError):
    """A data source failed. ``.attempts`` says how many requests were made before giving up."""

    retryable = False
    attempts = 1

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class UpstreamTimeout(UpstreamError):
    """The source did not answer in time."""

    retryable = True


class UpstreamStatus(UpstreamError):
    """The source answered with an HTTP error status."""

    def __init__(self, source: str, status: int, retry_after: float | None = None) -> None:
        self.status = status
        self.retry_after = retry_after
        self.retryable = status == 429 or status >= 500
        super().__init__(source, f"HTTP {status}")


class UpstreamUnreachable(UpstreamError):
    """No connection could be made or kept: DNS failure, refused, reset."""


class UpstreamFormatError(UpstreamError):
    """The source answered something that is not the expected JSON shape."""


class UpstreamImplausible(UpstreamError):
    """The source answered a value outside sane bounds; it is rejected, not passed on."""


class UpstreamCircuitOpen(UpstreamError):
    """The request was not sent: its host kept answering 429 (or asked for a wait past the build
    deadline), so it is left alone for the rest of the build."""


class NarrationError(BotError):
    """The language model failed, or its text did not pass the fact-check."""


class PlatformError(BotError):
    """The bot cannot use a platform at all (``run`` and ``push`` stop, or skip it)."""

    def __init__(self, platform: str, message: str) -> None:
        self.platform = platform
        super().__init__(message)


class PlatformUnreachable(PlatformError):
    """No connection could be made to the platform's API."""


class TokenRejected(PlatformError):
    """The platform refused the bot's token (401, or a malformed token)."""


class DatabaseUnavailable(BotError):
    """The database in DATABASE_URL cannot be opened or reached."""


class DeliveryError(BotError):
    """A send to one destination failed."""

    def __init__(self, destination: str, reason: str) -> None:
        self.destination = destination
        self.reason = reason
        super().__init__(f"{destination}: {reason}")


class DestinationGone(DeliveryError):
    """The destination blocked the bot, removed it, or no longer exists."""


class DestinationMoved(DeliveryError):
    """A Telegram group became a supergroup with a new id."""

    def __init__(self, destination: str, new_id: str) -> None:
        self.new_id = new_id
        super().__init__(destination, f"moved to {new_id}")


class RateLimited(DeliveryError):
    """The platform asked us to wait."""

    def __init__(self, destination: str, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(destination, f"rate limited, retry after {retry_after:g}s")


class DeliveryUnavailable(DeliveryError):
    """The platform answered 5xx or the network failed; the send may be retried later."""


class DeliveryInDoubt(DeliveryUnavailable):
    """The request went out and no definite answer came back: a retry may duplicate it."""


class DeliveryAborted(DeliveryError):
    """The platform refused the bot itself (bad token, wrong API URL): every send would fail."""
