"""Read, write and describe ``market-history/1`` documents, and folders of ``ID.csv`` files.

``load_history`` turns bytes into a ``History`` or raises ``HistoryError`` with one line per
problem, each naming its path (``series.SPX.closes[3]: dates out of order``). A folder holds
one ``ID.csv`` per series (``date,close``, oldest first), like
``../shared/reference/history-2026-03-20/``; its series' units come from ``KNOWN_UNITS``.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, cast

from services.errors import HistoryError
from services.models.history import (
    HISTORY_SCHEMA_ID,
    PRICE_UNITS,
    UNITS,
    History,
    Series,
    Unit,
)

SAMPLE_HISTORY_FILE = "2026-03-20.history.json"

# The unit of each series the product knows; a CSV folder's other series are read as "index".
KNOWN_UNITS: dict[str, Unit] = {
    "BTC": "usd", "ETH": "usd", "GOLD_FUT": "usd", "WTI_FUT": "usd", "WTI_SPOT": "usd",
    "USDT_SUPPLY": "usd", "USDC_SUPPLY": "usd", "DAI_SUPPLY": "usd",
    "STABLECOINS_TOTAL_SUPPLY": "usd",
    "TNX": "percent", "DGS10": "percent",
    "USDCNY_FIXING": "rate", "USDCNH": "rate",
}


def sample_history_bytes() -> bytes:
    """The bundled history of the sample day (a year of real closes), usable offline."""
    return (resources.files("services.sample") / SAMPLE_HISTORY_FILE).read_bytes()


def load_sample_history() -> History:
    return load_history(sample_history_bytes())


def load_history_path(path: str | Path) -> History:
    """A ``market-history/1`` file, or a folder of ``ID.csv`` files."""
    where = Path(path)
    if where.is_dir():
        return load_history_dir(where)
    try:
        raw = where.read_bytes()
    except OSError as exc:
        raise HistoryError([f"{where}: cannot read file ({exc.strerror or exc})"]) from None
    return load_history(raw, origin=str(where))


def load_history(raw: bytes | str, origin: str = "$") -> History:
    """Parse and validate one document. Raises ``HistoryError`` listing every problem."""
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        raise HistoryError([f"{origin}: not UTF-8 text"]) from None
    except json.JSONDecodeError as exc:
        raise HistoryError([f"{origin}: broken JSON at line {exc.lineno} column {exc.colno}: "
                            f"{exc.msg}"]) from None
    return validate_history(data, origin)


def validate_history(data: Any, origin: str = "$") -> History:
    if not isinstance(data, dict):
        raise HistoryError([f"{origin}: expected a JSON object"])
    if data.get("schema") != HISTORY_SCHEMA_ID:
        raise HistoryError([f'schema: expected "{HISTORY_SCHEMA_ID}", '
                            f"got {json.dumps(data.get('schema'))[:60]}"])
    raw_series = data.get("series")
    if not isinstance(raw_series, dict):
        raise HistoryError(["series: expected an object of series by id"])
    problems: list[str] = []
    found: dict[str, Series] = {}
    for series_id, body in raw_series.items():
        where = f"series.{series_id}"
        if not isinstance(body, dict):
            problems.append(f"{where}: expected an object")
            continue
        source, unit = body.get("source"), body.get("unit")
        if not isinstance(source, str) or not source.strip():
            problems.append(f"{where}.source: required, a non-empty string")
        if unit not in UNITS:
            problems.append(f"{where}.unit: expected one of {', '.join(UNITS)}, "
                            f"got {json.dumps(unit)[:40]}")
        closes = body.get("closes")
        if not isinstance(closes, list):
            problems.append(f"{where}.closes: expected a list of [date, close] pairs")
            continue
        rows = _rows(closes, f"{where}.closes", unit in PRICE_UNITS, problems)
        if rows is not None and isinstance(source, str) and unit in UNITS:
            found[series_id] = Series(series_id, source.strip(), cast(Unit, unit), rows)
    if problems:
        raise HistoryError(problems)
    return History(found)


def load_history_dir(folder: Path) -> History:
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise HistoryError([f"{folder}: no ID.csv files (date,close) in this folder"])
    problems: list[str] = []
    found: dict[str, Series] = {}
    for path in files:
        series_id = path.stem
        unit = KNOWN_UNITS.get(series_id, "index")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path.name}: cannot read ({type(exc).__name__})")
            continue
        pairs: list[Any] = []
        reader = csv.reader(io.StringIO(text))
        header = next(reader, None)
        if header is None or [h.strip().lower() for h in header[:2]] != ["date", "close"]:
            problems.append(f"{path.name}: the first line must be the header date,close")
            continue
        for line_no, row in enumerate(reader, start=2):
            if not row or not "".join(row).strip():
                continue
            if len(row) < 2:
                problems.append(f"{path.name} line {line_no}: expected date,close")
                continue
            try:
                pairs.append([row[0].strip(), float(row[1])])
            except ValueError:
                problems.append(f"{path.name} line {line_no}: close {row[1]!r} is not a number")
        rows = _rows(pairs, path.name, unit in PRICE_UNITS, problems, lines=True)
        if rows is not None:
            found[series_id] = Series(series_id, f"{path.name} in {folder.name}", unit, rows)
    if problems:
        raise HistoryError(problems)
    return History(found)


def _rows(closes: list[Any], where: str, price: bool, problems: list[str],
          lines: bool = False) -> tuple[tuple[date, float], ...] | None:
    """Validated (date, close) pairs, or None after adding each problem to ``problems``."""
    out: list[tuple[date, float]] = []
    before = len(problems)
    previous: date | None = None

    def at(i: int) -> str:
        return f"{where} line {i + 2}" if lines else f"{where}[{i}]"

    for i, pair in enumerate(closes):
        if not (isinstance(pair, list) and len(pair) == 2):
            problems.append(f"{at(i)}: expected [date, close]")
            continue
        raw_day, value = pair
        try:
            day = date.fromisoformat(raw_day) if isinstance(raw_day, str) else None
        except ValueError:
            day = None
        if day is None:
            problems.append(f"{at(i)}: {json.dumps(raw_day)[:40]} is not an ISO date")
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{at(i)}: close is not a number")
            continue
        if not math.isfinite(value):
            problems.append(f"{at(i)}: close is not a finite number (NaN or infinity)")
            continue
        if price and value <= 0:
            problems.append(f"{at(i)}: a price must be positive (got {value})")
            continue
        if previous is not None and day == previous:
            problems.append(f"{at(i)}: duplicate date {day.isoformat()}")
            continue
        if previous is not None and day < previous:
            problems.append(f"{at(i)}: dates out of order ({day.isoformat()} after "
                            f"{previous.isoformat()})")
            continue
        previous = day
        out.append((day, float(value)))
    if len(problems) > before:
        return None
    return tuple(out)


def dump_history(history: History) -> str:
    """The document as JSON text (one series per block, one close per line), readable back."""
    parts = []
    for series in sorted(history, key=lambda s: s.id):
        closes = ",\n".join(f'      ["{day.isoformat()}", {json.dumps(value)}]'
                            for day, value in series.closes)
        parts.append(f'    {json.dumps(series.id)}: {{\n'
                     f'      "source": {json.dumps(series.source, ensure_ascii=False)},\n'
                     f'      "unit": "{series.unit}",\n'
                     f'      "closes": [\n{closes}\n      ]\n    }}')
    body = ",\n".join(parts)
    return (f'{{\n  "schema": "{HISTORY_SCHEMA_ID}",\n  "series": {{\n{body}\n  }}\n}}\n')


def history_json_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": HISTORY_SCHEMA_ID,
        "type": "object",
        "required": ["schema", "series"],
        "properties": {
            "schema": {"const": HISTORY_SCHEMA_ID},
            "series": {
                "type": "object",
                "description": "Series by id: the snapshot's quote ids, or names of their own.",
                "additionalProperties": {
                    "type": "object",
                    "required": ["source", "unit", "closes"],
                    "properties": {
                        "source": {"type": "string", "minLength": 1},
                        "unit": {"enum": list(UNITS)},
                        "closes": {
                            "type": "array",
                            "description": "[ISO date, close] pairs, oldest first, one per "
                                           "date; index and usd closes are positive.",
                            "items": {"type": "array", "minItems": 2, "maxItems": 2,
                                      "prefixItems": [{"type": "string", "format": "date"},
                                                      {"type": "number"}]},
                        },
                    },
                },
            },
        },
    }
