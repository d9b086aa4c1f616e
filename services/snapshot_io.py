"""Read, write and describe ``market-snapshot/1`` documents.

``load_snapshot`` turns bytes into a ``MarketSnapshot`` or raises ``SnapshotError`` with one
line per problem, each naming its JSON path (``quotes[3].change_pct: not a number``).
"""

from __future__ import annotations

import json
import math
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from services.errors import SnapshotError
from services.models.snapshot import MARKETS, SCHEMA_ID, MarketSnapshot

SAMPLE_DATE = "2026-03-20"


def sample_bytes() -> bytes:
    """The bundled sample day (the reference seed), usable with no network."""
    return (resources.files("services.sample") / f"{SAMPLE_DATE}.snapshot.json").read_bytes()


def load_sample() -> MarketSnapshot:
    return load_snapshot(sample_bytes())


def load_snapshot_file(path: str | Path) -> MarketSnapshot:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise SnapshotError([f"{path}: cannot read file ({exc.strerror or exc})"]) from None
    return load_snapshot(raw, origin=str(path))


def load_snapshot(raw: bytes | str, origin: str = "$") -> MarketSnapshot:
    """Parse and validate one document. Raises ``SnapshotError`` listing every problem; a
    document that is not JSON at all is named by ``origin`` (the file it came from)."""
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise SnapshotError([f"{origin}: not UTF-8 text"]) from None
    except json.JSONDecodeError as exc:
        raise SnapshotError([f"{origin}: broken JSON at line {exc.lineno} column {exc.colno}: "
                             f"{exc.msg}"]) from None
    return validate_snapshot(data)


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
    if kind == "finite_number" or (isinstance(value, float) and not math.isfinite(value)):
        return "not a finite number (NaN or infinity)"
    if kind in ("int_type", "int_from_float") and isinstance(value, float):
        return f"not a whole number (got {value})"
    if kind in ("float_type", "int_type", "float_parsing", "int_parsing"):
        return f"not a number (got {_json_type(value)})"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must not be negative (got {value})"
    if kind == "literal_error" and error["loc"][-1] == "market":
        return f"unknown market {json.dumps(value)} (expected one of {', '.join(MARKETS)})"
    if kind == "missing":
        return "required field is missing"
    if kind in ("string_type",):
        return f"not a string (got {_json_type(value)})"
    if kind in ("bool_type",):
        return f"not true/false (got {_json_type(value)})"
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
