"""Since the previous edition: the verdict, the chain and the risks, then and now. Pure.

The previous edition is read from its stored snapshot and analysed with today's rules, so a
difference is one in the data, never one in the code. Without a previous edition (the first
one, or a report that has no store behind it) the comparison says there is none.
"""

from __future__ import annotations

from services.i18n.text import said
from services.models.analysis import Analysis, SincePrevious, StateChange

LINK_LABEL = {"us_hk": said("US → HK"), "hk_cn": said("HK → A-shares")}
CRYPTO_LABEL = said("BTC vs S&P 500")


def _links(a: Analysis) -> dict[str, str]:
    found = {link.key: link.state.value for link in a.sentiment.links}
    found["crypto"] = a.sentiment.crypto_state.value
    return found


def _sessions(a: Analysis) -> tuple[object, ...]:
    return tuple(m.headline.session if m.headline else None for m in (a.us, a.hk, a.cn))


def compare(previous: Analysis | None, current: Analysis) -> SincePrevious:
    """What changed from ``previous`` to ``current`` (both analysed the same way)."""
    if previous is None:
        return SincePrevious(None)
    before, now = _links(previous), _links(current)
    chain = tuple(StateChange(key, LINK_LABEL.get(key, CRYPTO_LABEL), before.get(key),
                              now.get(key))
                  for key in dict.fromkeys([*now, *before]))
    old = {r.key: r.title for r in previous.risks}
    new = {r.key: r.title for r in current.risks}
    return SincePrevious(
        previous_as_of=previous.as_of, previous_date=previous.edition_date,
        verdict=StateChange("verdict", "verdict", previous.sentiment.verdict.value,
                            current.sentiment.verdict.value),
        chain=chain,
        risks_new=tuple(title for key, title in new.items() if key not in old),
        risks_gone=tuple(title for key, title in old.items() if key not in new),
        risks_kept=tuple(title for key, title in new.items() if key in old),
        same_sessions=_sessions(previous) == _sessions(current))
