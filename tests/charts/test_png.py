"""The bytes: identical for the same analysis, free of run-dependent metadata, within limits."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
from typing import Any

import pytest
from PIL import Image

from services.models.analysis import Analysis
from services.renderers import limits
from services.renderers.charts import CHART_NAMES, render_all, render_chart, style
from tests.charts.conftest import gaps_dict
from tests.conftest import ROOT
from tests.support.snapshots import analysis_of, sample_dict

# Chunks a PNG may carry; none of them holds text, a time or a version.
ALLOWED_CHUNKS = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"pHYs", b"tRNS"}


def chunks(png: bytes) -> list[bytes]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    found, at = [], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        found.append(png[at + 4:at + 8])
        at += 12 + length
    return found


@pytest.fixture(scope="module")
def images(sample: Analysis) -> dict[str, bytes]:
    return render_all(sample)


def test_same_analysis_same_bytes(sample: Analysis, images: dict[str, bytes]) -> None:
    assert render_all(sample) == images
    assert render_all(analysis_of(sample_dict())) == images  # a fresh analysis, too


SUBPROCESS = """
import hashlib, json, sys
from tests.support.evidence import with_evidence
from tests.support.snapshots import analysis_of, sample_dict
from services.renderers.charts import render_all, render_chart
out = render_all(analysis_of(sample_dict()))
out["dashboard with history"] = render_chart("dashboard", with_evidence(analysis_of(sample_dict())))
print(json.dumps({k: hashlib.sha256(v).hexdigest() for k, v in out.items()}))
"""


def test_same_bytes_in_another_process_with_another_hash_seed(images: dict[str, bytes],
                                                               history: Analysis) -> None:
    import hashlib
    import json

    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run([sys.executable, "-c", SUBPROCESS], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300, check=True)
    theirs = json.loads(result.stdout.strip().splitlines()[-1])
    ours = {**images, "dashboard with history": render_chart("dashboard", history)}
    assert theirs == {k: hashlib.sha256(v).hexdigest() for k, v in ours.items()}


def test_no_metadata_chunks(images: dict[str, bytes]) -> None:
    for name, png in images.items():
        assert set(chunks(png)) <= ALLOWED_CHUNKS, name
        assert b"matplotlib" not in png.lower()


def check_limits(name: str, png: bytes) -> None:
    image = Image.open(io.BytesIO(png))
    width, height = image.size
    assert len(png) <= limits.CHART_BYTES, (name, len(png))
    assert len(png) <= limits.TELEGRAM_PHOTO_BYTES
    assert width + height <= limits.TELEGRAM_PHOTO_SIDES, (name, image.size)
    assert max(width, height) / min(width, height) <= limits.TELEGRAM_PHOTO_RATIO
    assert width == round(style.WIDTH_IN * style.DPI)  # a phone's width in pixels


def test_sizes_within_limits(images: dict[str, bytes]) -> None:
    assert list(images) == list(CHART_NAMES)
    for name, png in images.items():
        check_limits(name, png)


def test_dashboard_fits_a_phone_screen(images: dict[str, bytes]) -> None:
    width, height = Image.open(io.BytesIO(images["dashboard"])).size
    assert width <= 1080 and height <= 1920  # one portrait screen


def crowded_dict() -> dict[str, Any]:
    """A day with every list long: each chart at its largest."""
    data = sample_dict()
    for market, count in (("US", 12), ("HK", 8), ("CN", 8), ("CRYPTO", 10)):
        data["quotes"] += [{"id": f"{market}{i}", "name": f"指数 {market} long name {i}",
                            "market": market, "kind": "index" if market != "CRYPTO" else "coin",
                            "change_pct": (-1) ** i * (i + 0.37), "session": "2026-03-20",
                            "source": f"source-{market}"} for i in range(count)]
    data["stablecoins"] += [{"symbol": s, "circulating_usd": 1.2e9 * (i + 1),
                             "change_pct_1d": 0.1 * (i - 2)}
                            for i, s in enumerate(["FDUSD", "PYUSD", "TUSD", "USDe", "USDS"])]
    data["protocols"] = [{"name": f"Protocol with a long name {i}", "category": f"Category {i % 9}",
                          "tvl_usd": 1e8 * (i + 1), "change_pct_1d": (-1) ** i * 3.3 * i}
                         for i in range(60)]
    data["dexes"] = [{"name": f"DEX {i}", "volume_usd_1d": 1e7 * i, "change_pct_1d": 9.9 * i}
                     for i in range(20)]
    return data


@pytest.mark.parametrize("build", [crowded_dict, gaps_dict])
def test_limits_hold_on_crowded_and_sparse_days(build: Any) -> None:
    for name, png in render_all(analysis_of(build())).items():
        check_limits(name, png)


def test_render_chart_is_render_all_item(sample: Analysis, images: dict[str, bytes]) -> None:
    assert render_chart("breadth", sample) == images["breadth"]
