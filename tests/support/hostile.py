"""Hostile and odd snapshots: the inputs that once broke replies, formats or the whole bot.

Each case is a document as raw JSON text (some cannot be written by ``json.dumps``: nesting
deeper than Python's recursion, an integer of 4,300 digits). ``ACCEPTED`` cases are cleaned,
clipped or screened on the way in and then render everywhere; ``REFUSED`` cases are not a
snapshot at all and must exit 2 naming the place.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.support.snapshots import quote, sample_dict

LONG = "A" * 100_000


def _document(mutate: Callable[[dict[str, Any]], object]) -> str:
    data = sample_dict()
    mutate(data)
    return json.dumps(data, ensure_ascii=True)  # "\ud800" stays an escape, as upstream sends it


def _with_raw_field(raw_value: str, field: str = "northbound_net_cny") -> str:
    """The sample with ``field`` set to ``raw_value`` as written (not re-encoded)."""
    data = sample_dict()
    data.pop(field, None)
    return json.dumps(data)[:-1] + f', "{field}": {raw_value}}}'


def _protocol_name(name: str) -> Callable[[dict[str, Any]], object]:
    return lambda d: d["protocols"][0].update(name=name)


@dataclass(frozen=True)
class Case:
    key: str
    raw: str
    problem: str | None = None  # the line a refused document gets on stderr

    def problem_in(self, origin: str) -> str:
        """The line as read from ``origin``: a problem of the whole document ("$") is named by
        the file it came from."""
        assert self.problem is not None
        if self.problem.startswith("$:"):
            return f"{origin}:{self.problem[2:]}"
        return self.problem


ACCEPTED = (
    Case("name_2k", _document(_protocol_name("A" * 2_000))),
    Case("name_3k", _document(_protocol_name("A" * 3_000))),
    Case("name_100k", _document(_protocol_name(LONG))),
    Case("surrogate_everywhere", _document(lambda d: (
        quote(d, "SPX").update(name="S&P \ud800500", source="ref\udfffrence"),
        d["protocols"][0].update(name="Din\ud800ari", category="R\ud800WA"),
        d["dexes"][0].update(name="\udc00Uniswap"),
        d["stablecoins"][0].update(symbol="US\ud800DT"),
        d.update(warnings=[{"source": "x\ud800", "reason": "bad \ud800 day"}])))),
    Case("control_characters", _document(lambda d: (
        quote(d, "SPX").update(name="S&P\x00\x1b[31m 500\u202e\x85"),
        d["protocols"][0].update(name="Din\tari\r\n\x07")))),
    Case("index_move_1e30", _document(lambda d: quote(d, "SPX").update(change_pct=1e30))),
    Case("close_zero", _document(lambda d: quote(d, "HSI").update(close=0))),
    Case("int_4301_digits_in_an_extra_field", _with_raw_field("9" * 4_301, "my_note")),
    Case("1000_warnings_200_sources", _document(lambda d: d.update(
        warnings=[{"source": f"feed {i}", "reason": "r" * 1_000, "figures": ["f"] * 100}
                  for i in range(1_000)],
        sources=[{"name": f"source {i}", "ok": i % 2 == 0, "reason": "timeout"}
                 for i in range(200)]))),
)

REFUSED = (
    Case("nested_1000", _with_raw_field("[" * 1_000 + "]" * 1_000, "my_note"),
         "$: nested more than 32 levels deep at line 1 column "),
    Case("int_4300_digits", _with_raw_field("9" * 4_300),
         "northbound_net_cny: number too large (more than 20 digits)"),
    Case("year_9999", _document(lambda d: d.update(generated_at="9999-12-31T23:59:59+00:00")),
         "generated_at: year 9999 is outside 1900-2199"),
    Case("session_year_9999", _document(lambda d: quote(d, "SPX").update(session="9999-12-31")),
         "quotes[0].session: year 9999 is outside 1900-2199"),
)

CASES = {case.key: case for case in (*ACCEPTED, *REFUSED)}

UNSAFE = ("\ud800", "\udfff", "\udc00", "\x00", "\x1b", "\x07", "\x85", "\u202e")
