"""Convert ../shared/reference/history-2026-03-20/ (ID.csv files + SOURCES.md) into the bundled
``services/sample/2026-03-20.history.json`` (market-history/1), sources included.

    python scripts/build_sample_history.py [SOURCE_DIR] [OUT_FILE]

Each series' source is the SOURCES.md row: what the series is, then where it was published.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.history_io import dump_history, load_history, load_history_dir  # noqa: E402
from services.models.history import History, Series  # noqa: E402

DEFAULT_SOURCE = ROOT.parent / "shared" / "reference" / "history-2026-03-20"
DEFAULT_OUT = ROOT / "services" / "sample" / "2026-03-20.history.json"


def sources_table(path: Path) -> dict[str, str]:
    """Each CSV id to "what it is; repository · path · commit", from the SOURCES.md table."""
    found: dict[str, str] = {}
    repository = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[0].endswith(".csv"):
            origin = cells[2]
            if origin.startswith("same repository"):  # "same repository · data/x.csv"
                origin = repository + origin.removeprefix("same repository")
            repository = origin.split(" · ")[0]
            found[cells[0].removesuffix(".csv")] = f"{cells[1]}; {origin}"
    return found


def main(argv: list[str]) -> int:
    source_dir = Path(argv[0]) if argv else DEFAULT_SOURCE
    out = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUT
    folder = load_history_dir(source_dir)
    described = sources_table(source_dir / "SOURCES.md")
    history = History({s.id: Series(s.id, described.get(s.id, s.source), s.unit, s.closes)
                       for s in folder})
    text = dump_history(history)
    assert load_history(text) == history  # what we write reads back the same
    out.write_text(text, encoding="utf-8")
    print(f"{out}: {len(history)} series, {sum(len(s) for s in history)} closes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
