"""Parser tests: recorded payloads from ../shared/fixtures (skipped where absent) and the small
hand-made ones in tests/providers/fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from services.market_data.calendars import Calendars

OWN = Path(__file__).parent / "fixtures"


def own(name: str) -> Any:
    return json.loads((OWN / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def calendars() -> Calendars:
    return Calendars.load()
