"""A chart is a page: a title block, panels stacked top to bottom, and a footer.

Everything is placed in inches. Each panel is a ``Frame``: artists added straight to the figure
with a transform that puts (0, 0) at the panel's bottom-left corner, one unit per inch. Frames
are not Axes on purpose: an Axes builds ticks, spines and grid machinery that these charts never
show, and creating the 4-6 per chart cost about an eighth of the rendering time. A ``Chart`` is
the figure with its frames, so tests can read the structure back (panels, titles, texts, bars).

No pyplot, and no look taken from rcParams: every text carries its own font properties and
every artist its colours. The one rcParam that matters, text hinting, is set only while the
figure is drawn, under a lock (see ``png``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, Transform

from services.i18n import N_
from services.renderers.charts import style, words
from services.renderers.charts.fonts import advance_em, drawable, fonts, has_cjk

NOT_AVAILABLE = N_("not available")



class Frame:
    """One block of the page: artists in inches from its bottom-left corner, full page width."""

    def __init__(self, fig: Figure, key: str, bottom: float, height: float) -> None:
        self.figure = fig
        self.key = key
        self.height = height
        self.title = ""
        self.transform: Transform = Affine2D().translate(0, bottom) + fig.dpi_scale_trans
        self.texts: list[Text] = []
        self.patches: list[Patch] = []
        self.lines: list[Line2D] = []

    def _add(self, artist: Artist) -> None:
        artist.set_transform(self.transform)
        self.figure.add_artist(artist)

    def text(self, x: float, y: float, s: str, **kwargs: Any) -> Text:
        item = Text(x, y, s, **kwargs)
        self._add(item)
        self.texts.append(item)
        return item

    def add_patch(self, patch: Patch) -> None:
        self._add(patch)
        self.patches.append(patch)

    def plot(self, xs: Sequence[float], ys: Sequence[float], **kwargs: Any) -> Line2D:
        line = Line2D(xs, ys, **kwargs)
        self._add(line)
        self.lines.append(line)
        return line

    def hlines(self, y: float, x0: float, x1: float, colors: str = style.RULE,
               linewidth: float = 0.8, linestyles: str = "-") -> Line2D:
        return self.plot([x0, x1], [y, y], color=colors, linewidth=linewidth,
                         linestyle=linestyles)

    def divider(self, y: float, linewidth: float = 0.8) -> Line2D:
        """A rule across the page between its margins."""
        return self.hlines(y, style.MARGIN_IN, style.WIDTH_IN - style.MARGIN_IN,
                           linewidth=linewidth)

    def vlines(self, x: float, y0: float, y1: float, colors: str = style.RULE,
               linewidth: float = 0.8, linestyles: str = "-") -> Line2D:
        return self.plot([x, x], [y0, y1], color=colors, linewidth=linewidth,
                         linestyle=linestyles)


Draw = Callable[[Frame], None]


@dataclass(frozen=True)
class Chart:
    """A rendered page before encoding: the figure and its frames, top to bottom."""

    figure: Figure
    frames: tuple[Frame, ...]

    def frame(self, key: str) -> Frame:
        return next(f for f in self.frames if f.key == key)

    @property
    def panels(self) -> dict[str, str]:
        """Panel key → title, in page order (the title block and footer left out)."""
        return {f.key: f.title for f in self.frames if f.key not in ("title", "footer")}


@dataclass(frozen=True)
class Panel:
    """One block of a page: ``draw`` fills a frame ``height`` inches tall, full page width."""

    key: str
    title: str
    height: float
    draw: Draw


@dataclass(frozen=True)
class Page:
    title: str
    subtitle: str
    panels: Sequence[Panel]
    footer: Sequence[str] = field(default_factory=tuple)
    key_line: bool = True  # print the colour key (▲ up, ▼ down, grey)
    dates: str = ""  # the sessions of the data, under the title ("US/HK/CN 2026-03-20 · …")
    max_height_in: float | None = None  # the footer gives up lines to keep the page this short


def text(frame: Frame, x: float, y: float, s: str, size: float = style.BODY_PT, *,
         colour: str = style.INK, weight: str = "normal", italic: bool = False,
         ha: str = "left", va: str = "center", **kwargs: Any) -> Text:
    """Every string on a chart goes through here: one font chain, no mathtext (a ``$`` is a
    dollar), characters no installed font can draw dropped rather than drawn as boxes."""
    shown = drawable(s)
    return frame.text(x, y, shown, fontproperties=fonts().props(
        size, weight, "italic" if italic else "normal", cjk=has_cjk(shown)), color=colour,
        ha=ha, va=va, parse_math=False, **kwargs)


def text_width_in(s: str, size: float, bold: bool = False) -> float:
    """The width of ``s`` from the Latin font's own advances (CJK characters are one em),
    with 3 % to spare for kerning and pixel rounding."""
    return sum(advance_em(c, bold) for c in s) * size / 72 * 1.03


def fit(s: str, width_in: float, size: float, bold: bool = False) -> str:
    """``s``, shortened with an ellipsis to fit ``width_in``."""
    if text_width_in(s, size, bold) <= width_in:
        return s
    while s and text_width_in(s + "…", size, bold) > width_in:
        s = s[:-1]
    return s.rstrip() + "…"


_ATOM = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef][，。；：、！？）」]*|\S+?(?="
                   r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef])|\S+")


def _atoms(s: str) -> list[tuple[str, bool]]:
    """Words, and each CJK character (with the punctuation that must not start a line) as
    its own word; ``True`` where a space came before it in ``s``."""
    return [(m.group(0), m.start() > 0 and s[m.start() - 1].isspace())
            for m in _ATOM.finditer(s)]


def wrap(s: str, width_in: float, size: float) -> list[str]:
    """``s`` broken into lines that fit ``width_in`` (a word longer than a line is cut);
    Chinese breaks between any two characters."""
    lines: list[str] = []
    line = ""
    for word, spaced in _atoms(s):
        candidate = (f"{line} {word}" if spaced else line + word) if line else word
        if text_width_in(candidate, size) <= width_in:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word if text_width_in(word, size) <= width_in else fit(word, width_in, size)
    return [*lines, line] if line or not lines else lines


def wrapped_height(lines: int, size: float) -> float:
    return lines * size * 1.45 / 72


TITLE_IN = 0.32  # the title line
KEY_IN = 0.22  # the colour key line
FOOTER_TOP_PAD_IN = 0.12
SUBTITLE_LINES = 2


def subtitle_lines(page: Page) -> list[str]:
    """The dates line (one line, and never cut off: it wraps), then the subtitle in at most
    ``SUBTITLE_LINES`` lines."""
    inner = style.WIDTH_IN - 2 * style.MARGIN_IN
    dates = wrap(page.dates, inner, style.BODY_PT) if page.dates else []
    lines = wrap(page.subtitle, inner, style.BODY_PT) if page.subtitle else []
    if len(lines) > SUBTITLE_LINES:
        rest = " ".join(lines[SUBTITLE_LINES - 1:])
        lines = [*lines[:SUBTITLE_LINES - 1], fit(rest + " …", inner, style.BODY_PT)]
    return dates + lines


def render(page: Page) -> Chart:
    """Lay out ``page`` on a new figure (with an Agg canvas attached)."""
    width = style.WIDTH_IN
    inner = width - 2 * style.MARGIN_IN
    sub = subtitle_lines(page)
    title_h = TITLE_IN + wrapped_height(len(sub), style.BODY_PT) + (KEY_IN if page.key_line
                                                                     else 0.04)
    foot_lines = [line for entry in page.footer for line in wrap(entry, inner, style.FOOT_PT)]
    body_h = sum(p.height + style.GAP_IN for p in page.panels)
    fixed = style.MARGIN_IN + title_h + body_h + style.MARGIN_IN
    if page.max_height_in is not None:
        foot_lines = _trim(foot_lines, page.max_height_in - fixed - FOOTER_TOP_PAD_IN, inner)
    foot_h = wrapped_height(len(foot_lines), style.FOOT_PT) + FOOTER_TOP_PAD_IN \
        if foot_lines else 0.0
    height = fixed + foot_h

    fig = Figure(figsize=(width, height), dpi=style.DPI, facecolor=style.PAPER)
    FigureCanvasAgg(fig)
    top = height - style.MARGIN_IN
    frames = [Frame(fig, "title", top - title_h, title_h)]
    _title_block(frames[0], page, sub)
    top -= title_h
    for panel in page.panels:
        top -= style.GAP_IN
        frame = Frame(fig, panel.key, top - panel.height, panel.height)
        frame.title = fit(drawable(words.title(panel.title)), inner, style.HEADING_PT,
                          bold=True)
        text(frame, style.MARGIN_IN, panel.height - 0.06, frame.title, style.HEADING_PT,
             weight="bold", va="top")
        panel.draw(frame)
        frames.append(frame)
        top -= panel.height
    if foot_lines:
        frame = Frame(fig, "footer", style.MARGIN_IN, foot_h)
        frame.hlines(foot_h - 0.04, style.MARGIN_IN, width - style.MARGIN_IN)
        y = foot_h - FOOTER_TOP_PAD_IN
        for line in foot_lines:
            text(frame, style.MARGIN_IN, y, line, style.FOOT_PT, colour=style.SOFT_INK, va="top")
            y -= wrapped_height(1, style.FOOT_PT)
        frames.append(frame)
    return Chart(fig, tuple(frames))


def _trim(lines: list[str], room_in: float, width_in: float) -> list[str]:
    """The footer lines that fit ``room_in``; a cut is marked with an ellipsis (the full
    footer is on every other chart)."""
    keep = max(int(room_in / wrapped_height(1, style.FOOT_PT) + 1e-9), 1)
    if len(lines) <= keep:
        return lines
    return [*lines[:keep - 1], fit(lines[keep - 1] + " …", width_in, style.FOOT_PT)]


KEY = ((f"{style.UP_ARROW} up", style.UP), (f"{style.DOWN_ARROW} down", style.DOWN),
       ("grey: closed or n/a", style.MUTED), (f"{style.WARN} anomaly", style.ANOMALY))


def key() -> tuple[tuple[str, str], ...]:
    """The colour key in the render's language and palette."""
    t = words.tr()
    return ((t.gettext(words.KEY_UP), style.up()), (t.gettext(words.KEY_DOWN), style.down()),
            (t.gettext(words.KEY_MUTED), style.MUTED),
            (t.gettext(words.KEY_ANOMALY), style.ANOMALY))


def _title_block(frame: Frame, page: Page, sub: list[str]) -> None:
    h = frame.height
    text(frame, style.MARGIN_IN, h - 0.02, page.title, style.TITLE_PT, weight="bold", va="top")
    y = h - TITLE_IN
    dated = len(wrap(page.dates, style.WIDTH_IN - 2 * style.MARGIN_IN, style.BODY_PT)) \
        if page.dates else 0
    for i, line in enumerate(sub):
        text(frame, style.MARGIN_IN, y, line, style.BODY_PT, va="top",
             colour=style.INK if i < dated else style.SOFT_INK)
        y -= wrapped_height(1, style.BODY_PT)
    if page.key_line:
        x = style.MARGIN_IN
        for label, colour in key():
            text(frame, x, y - 0.06, label, style.SMALL_PT, colour=colour, va="top", weight="bold")
            x += text_width_in(label, style.SMALL_PT, bold=True) + 0.2


def not_available(reason: str) -> Draw:
    """A panel body that says, in words, that its figures are missing."""

    def draw(frame: Frame) -> None:
        y = (frame.height - style.HEADING_IN) / 2
        frame.add_patch(box(style.MARGIN_IN, y - 0.16, style.WIDTH_IN - 2 * style.MARGIN_IN, 0.32))
        label = words.tr().gettext("Not available: {reason}", reason=reason)
        text(frame, style.WIDTH_IN / 2, y, fit(label,
             style.WIDTH_IN - 2 * style.MARGIN_IN - 0.2, style.BODY_PT),
             colour=style.SOFT_INK, italic=True, ha="center")

    return draw


def missing_panel(key: str, title: str, reason: str) -> Panel:
    return Panel(key, title, style.HEADING_IN + 0.42, not_available(reason))


def box(x: float, y: float, w: float, h: float, colour: str = style.PANEL) -> FancyBboxPatch:
    return FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0,rounding_size=0.05",
                          facecolor=colour, edgecolor="none")
