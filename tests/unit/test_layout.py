"""The architecture's rooms: ``services`` never imports ``bot`` (or ``handlers``)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_services_never_import_bot_or_handlers() -> None:
    offenders = {}
    for path in sorted((ROOT / "services").rglob("*.py")):
        bad = sorted(m for m in _imported_modules(path)
                     if m.split(".")[0] in ("bot", "handlers"))
        if bad:
            offenders[str(path.relative_to(ROOT))] = bad
    assert offenders == {}


def test_the_data_and_report_paths_have_their_own_packages() -> None:
    services = ROOT / "services"
    for room in ("market_data", "report", "analysis", "delivery"):
        assert (services / room / "__init__.py").is_file(), room
    for moved in ("market_data.py", "feeds.py", "assembly.py", "live.py", "snapshot_cache.py",
                  "instruments.py", "calendars.py", "pipeline.py", "report_builder.py",
                  "report_sections.py", "editions.py", "schedule.py"):
        assert not (services / moved).exists(), moved
    assert not (services / "providers").exists()
