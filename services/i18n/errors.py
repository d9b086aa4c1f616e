"""An error's message in the reader's language: ``user_message(err, tr)``.

Errors keep their message as an English template and its values (``services.errors.Say``);
here the template is translated and each value written for the language (a list joined, a wait
as "3 min 20 s" or "3分20秒", a nested message translated too). An error without a template
is looked up by its English text, and shown as it is when the catalog does not have it.
"""

from __future__ import annotations

from services.errors import Duration, Say, Several
from services.i18n.text import Text, Written
from services.i18n.translator import Translator


def user_message(err: BaseException, tr: Translator) -> str:
    say = getattr(err, "say", None)
    if isinstance(say, Say):
        return render(say, tr)
    return tr.gettext(str(err))


def render(say: Say, tr: Translator) -> str:
    if not say.template:
        return ""  # gettext("") is the catalog's header, never a message
    params = {k: value(v, tr) for k, v in say.params.items()
              if k != "n" or say.plural is None}  # a plural's n is written by ngettext
    if say.plural is not None:
        n = say.params.get("n")
        return tr.ngettext(say.template, say.plural, n if isinstance(n, int) else 0, **params)
    return tr.gettext(say.template, **params)


def value(v: object, tr: Translator) -> str:
    if isinstance(v, Text):
        return render(v.say, tr)
    if isinstance(v, Say):
        return render(v, tr)
    if isinstance(v, Written):
        return v.write(tr.language)
    if isinstance(v, Several):
        return tr.pgettext("list of problems", "; ").join(render(s, tr) for s in v.items)
    if isinstance(v, Duration):
        return duration(v.seconds, tr)
    if isinstance(v, (list, tuple)):
        return tr.join([value(x, tr) for x in v])
    if isinstance(v, int) and not isinstance(v, bool):
        return tr.count(v)
    return str(v)


def duration(seconds: float, tr: Translator) -> str:
    """``200`` → ``3 min 20 s`` (``3分20秒``); at least one second."""
    minutes, rest = divmod(max(1, round(seconds)), 60)
    if not minutes:
        return tr.gettext("{seconds} s", seconds=rest)
    if not rest:
        return tr.gettext("{minutes} min", minutes=minutes)
    return tr.gettext("{minutes} min {seconds} s", minutes=minutes, seconds=rest)
