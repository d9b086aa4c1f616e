"""What makes a catalog unfit to ship: a message without a translation, a fuzzy (unchecked)
one, a translation that lost or invented a ``{placeholder}``, a plural with forms missing. Pure.

The test suite and ``python -m services.i18n check`` both read these."""

from __future__ import annotations

from string import Formatter

from babel.messages.catalog import Catalog, Message


def placeholders(text: str) -> set[str]:
    """``"{time} and {zone}"`` → ``{"time", "zone"}`` (``str.format`` fields by name)."""
    try:
        return {field for _, field, _, _ in Formatter().parse(text) if field is not None}
    except ValueError:
        return {"<unbalanced braces>"}


def _forms(message: Message) -> tuple[tuple[str, ...], tuple[str, ...]]:
    ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    return tuple(ids), tuple(s or "" for s in strings)


def problems(catalog: Catalog) -> list[str]:
    """One line per problem: ``"As of {time}": drops {time}``."""
    found: list[str] = []
    for message in catalog:
        if not message.id:
            continue  # the header
        ids, strings = _forms(message)
        name = repr(ids[0]) + (f" ({message.context})" if message.context else "")
        if message.fuzzy:
            found.append(f"{name}: fuzzy (not checked by a translator)")
        if not all(strings) or (len(ids) > 1 and len(strings) != catalog.num_plurals):
            found.append(f"{name}: not translated")
            continue
        wanted = set().union(*(placeholders(i) for i in ids))
        for text in strings:
            got = placeholders(text)
            if wanted - got:
                found.append(f"{name}: drops {', '.join(sorted(wanted - got))}")
            if got - wanted:
                found.append(f"{name}: adds {', '.join(sorted(got - wanted))}")
    return found
