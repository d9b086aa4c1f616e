"""Figure → PNG bytes: the same bytes for the same figure, and quick to encode.

The figure is drawn by its Agg canvas and encoded by Pillow directly rather than through
``savefig``, which writes matplotlib's version as ``Software`` and keeps an alpha channel the
opaque page does not need. The pixels are reduced to a 256-colour palette (fast octree, no
dithering: deterministic, and on these flat-colour pages indistinguishable from the original
by eye) and written with zlib level 3 and no text chunks. Measured on the sample's
divergences chart: RGB 399 KB in 56 ms; palette 131 KB in 27 ms, quantizing included.
"""

from __future__ import annotations

import io
import threading
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

COMPRESS_LEVEL = 3
COLOURS = 256

# FreeType's auto-hinter snaps glyphs to the pixel grid, which matters on a 96-dpi screen and
# not at 225 dpi; switching it off makes drawing text, the bulk of the work, about 20 % faster.
# Agg reads this setting only from rcParams, so it is set for the draw and restored at once,
# under a lock so that two threads rendering at the same time cannot interleave the change.
DRAW_RC: dict[Any, Any] = {"text.hinting": "no_hinting"}
_RC_LOCK = threading.Lock()


def to_png(fig: Figure) -> bytes:
    canvas = fig.canvas
    if not isinstance(canvas, FigureCanvasAgg):
        canvas = FigureCanvasAgg(fig)
    with _RC_LOCK, matplotlib.rc_context(DRAW_RC):
        canvas.draw()
    width, height = canvas.get_width_height(physical=True)
    rgba = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    palette = rgba.convert("RGB").quantize(COLOURS, method=Image.Quantize.FASTOCTREE,
                                           dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG", compress_level=COMPRESS_LEVEL)
    return buffer.getvalue()
