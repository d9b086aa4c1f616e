"""Read, write and describe ``market-snapshot/1`` documents.

``load_snapshot`` turns bytes into a ``MarketSnapshot`` or raises ``SnapshotError`` with one
line per problem, each naming its JSON path (``quotes[3].change_pct: not a number``).

The reader is bounded before anything is built from the text: at most ``MAX_BYTES``, nested at
most ``MAX_DEPTH`` levels (the format needs four; deeper input would exhaust the parser's
recursion), and an integer of more than ``MAX_INT_DIGITS`` digits is read as a float (Python
refuses to convert one of over 4,300 digits, and no figure needs more than 20), so a huge one
fails validation as "too large" with its path.
"""

from __future__ import annotations

import json
import math
import re
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from services.errors import SnapshotError
from services.models.snapshot import MARKETS, MAX_AMOUNT, SCHEMA_ID, MarketSnapshot

SAMPLE_DATE = "2026-03-20"
MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 32
MAX_INT_DIGITS = 20


def sample_bytes() -> bytes:
    """The bundled sample day (the reference seed), usable with no network."""
    return (resources.files("services.sample") / f"{SAMPLE_DATE}.snapshot.json").read_bytes()


def load_sample() -> MarketSnapshot:
    return load_snapshot(sample_bytes())


def load_snapshot_file(path: str | Path) -> MarketSnapshot:
    try:
        with Path(path).open("rb") as file:
            raw = file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SnapshotError([f"{path}: cannot read file ({exc.strerror or exc})"]) from None
    return load_snapshot(raw, origin=str(path))


def load_snapshot(raw: bytes | str, origin: str = "$") -> MarketSnapshot:
    """Parse and validate one document. Raises ``SnapshotError`` listing every problem; a
    document that is not JSON at all is named by ``origin`` (the file it came from)."""
    return validate_snapshot(read_json(raw, origin))


class _Oversized(float):
    """An integer too long to be a figure, read as ±infinity so validation names its path."""


def _integer(digits: str) -> int | float:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        return _Oversized(float(digits))
    return int(digits)


def read_json(raw: bytes | str, origin: str = "$") -> Any:
    """The JSON value of ``raw``, within ``MAX_BYTES`` and ``MAX_DEPTH``; ``SnapshotError``
    (one line naming the place, the document as a whole by ``origin``) for anything else."""
    if len(raw) > MAX_BYTES:
        raise SnapshotError([f"{origin}: larger than the limit of "
                             f"{MAX_BYTES // (1024 * 1024)} MB"])
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise SnapshotError([f"{origin}: not UTF-8 text (byte {exc.start})"]) from None
    _check_depth(text, origin)
    try:
        return json.loads(text, parse_int=_integer)
    except json.JSONDecodeError as exc:
        raise SnapshotError([f"{origin}: broken JSON at line {exc.lineno} column {exc.colno}: "
                             f"{exc.msg}"]) from None


# A string token (skipped whole, so brackets inside strings do not count) or one bracket.
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _check_depth(text: str, origin: str = "$") -> None:
    """Refuse nesting deeper than ``MAX_DEPTH`` before the recursive parser meets it."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for token in _TOKENS.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, token.start()) + 1
                column = token.start() - text.rfind("\n", 0, token.start())
                raise SnapshotError([f"{origin}: nested more than {MAX_DEPTH} levels deep at line "
                                     f"{line} column {column}"])
        elif bracket in "]}":
            depth -= 1


def validate_snapshot(data: Any) -> MarketSnapshot:
    if not isinstance(data, dict):
        raise SnapshotError([f"$: expected a JSON object, got {_json_type(data)}"])
    if data.get("schema") != SCHEMA_ID:
        got = json.dumps(data.get("schema"))
        raise SnapshotError([f'schema: expected "{SCHEMA_ID}", got {got}'])
    try:
        return MarketSnapshot.model_validate(data)
    except ValidationError as exc:
        raise SnapshotError(_problems(exc)) from None


def dump_snapshot(snapshot: MarketSnapshot) -> str:
    """The document as JSON text, readable back by ``load_snapshot``."""
    return snapshot.model_dump_json(by_alias=True, indent=2) + "\n"


def json_schema() -> dict[str, Any]:
    schema = MarketSnapshot.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = SCHEMA_ID
    return schema


def _problems(exc: ValidationError) -> list[str]:
    lines: list[str] = []
    for error in exc.errors(include_url=False):
        path = _json_path(error["loc"])
        lines.append(f"{path}: {_describe(error)}")
    return list(dict.fromkeys(lines))


def _json_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in _UNION_BRANCHES or str(part).startswith(("function-", "constrained-")):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path or "$"


# pydantic names the branch of a union it tried; the user's document has no such level.
_UNION_BRANCHES = {"float", "int", "str", "bool", "date", "datetime", "none", "tuple", "list",
                   "Quote", "CryptoMarket", "Stablecoin", "Protocol", "Dex", "Breadth",
                   "SourceWarning", "SourceStatus"}


def _describe(error: Any) -> str:
    kind = error["type"]
    value = error.get("input")
    if isinstance(value, _Oversized):
        return "number too large (more than 20 digits)"
    if kind == "finite_number" or (isinstance(value, float) and not math.isfinite(value)):
        return "not a finite number (NaN or infinity)"
    if kind in ("int_type", "int_from_float") and isinstance(value, float):
        return f"not a whole number (got {value})"
    if kind in ("float_type", "int_type", "float_parsing", "int_parsing"):
        return f"not a number (got {_json_type(value)})"
    if kind in ("greater_than_equal", "greater_than") and error["ctx"].get("ge") == 0:
        return f"must not be negative (got {value})"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"out of range (got {value:g}; no real figure exceeds ±{MAX_AMOUNT:g})"
    if kind == "literal_error" and error["loc"][-1] == "market":
        return f"unknown market {json.dumps(value)} (expected one of {', '.join(MARKETS)})"
    if kind == "missing":
        return "required field is missing"
    if kind in ("string_type",):
        return f"not a string (got {_json_type(value)})"
    if kind in ("bool_type",):
        return f"not true/false (got {_json_type(value)})"
    if kind == "too_long":
        limit = error["ctx"]["max_length"]
        return f"more than {limit:,} rows; a snapshot holds at most {limit:,}"
    if kind in ("tuple_type", "list_type"):
        return f"not a list (got {_json_type(value)})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"not an object (got {_json_type(value)})"
    if kind in ("date_type", "datetime_type"):
        return f"not an ISO date or timestamp (got {_json_type(value)})"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return str(error["msg"])


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return f"the string {json.dumps(value[:40])}"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
