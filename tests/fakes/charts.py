"""A small real chart renderer for tests: valid PNGs (stdlib zlib), one colour per name."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

from services.models.report import Report

NAMES = ("dashboard", "sentiment", "crypto", "a_shares", "divergences", "flows")


def png(width: int, height: int, rgb: tuple[int, int, int] = (30, 120, 200)) -> bytes:
    """A solid-colour RGB PNG of the given size."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw)
            + chunk(b"IEND", b""))


@dataclass
class FakeCharts:
    """``ChartRenderer``: ``await charts(name, report) -> PNG bytes``; counts its renders."""

    names: tuple[str, ...] = NAMES
    width: int = 320
    height: int = 200
    rendered: list[str] = field(default_factory=list)
    fail_with: Exception | None = None

    async def __call__(self, name: str, report: Report) -> bytes:
        if self.fail_with is not None:
            raise self.fail_with
        self.rendered.append(name)
        shade = (sum(map(ord, name)) * 37) % 200
        return png(self.width, self.height, (shade, 120, 200 - shade // 2))
