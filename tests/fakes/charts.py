"""A chart renderer for tests: real (tiny, valid) PNGs, and a record of what was asked."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

from services.errors import UnknownChartError
from services.models.report import Report

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png(width: int = 40, height: int = 20, rgb: tuple[int, int, int] = (46, 125, 50)) -> bytes:
    """A valid RGB PNG filled with one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (PNG_SIGNATURE + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


@dataclass
class FakeCharts:
    """``Container.charts``: ``await charts(name, report) -> bytes``."""

    names: tuple[str, ...] = ("dashboard", "details", "sentiment", "crypto", "breadth",
                              "divergences", "flows")
    calls: list[str] = field(default_factory=list)
    size: tuple[int, int] | None = None  # every chart this size (a bench's realistic upload)
    fail_with: Exception | None = None  # raise this instead of drawing

    async def __call__(self, name: str, report: Report) -> bytes:
        self.calls.append(name)
        if self.fail_with is not None:
            raise self.fail_with
        if name not in self.names:
            raise UnknownChartError(name, self.names)
        width, height = self.size or (40 + 10 * self.names.index(name), 20)
        return png(width, height)
