"""Chart images for Telegram: small PNG bar charts drawn with Pillow.

Rendering is CPU-bound and blocking: call `bar_chart_png` through `asyncio.to_thread`, or
await `render_bar_chart`, which does that for you. Each chart draws on its own image, so there
is no shared state between threads. Numbers on the chart are written the Indonesian way
(`1.250,5`), via `rules.formatting`. Texts (title, axis label, legend) come from the caller's
text book.

Plain drawing, not a plotting library: matplotlib cost about 430 ms of CPU per chart (its
constrained layout measured every text twice, and an RGB PNG is slow to encode), which made
the weekly summary's 1,000 charts take minutes; this costs a few tens of milliseconds and gives
a palette PNG a quarter of the size.

Used by the needs analysis (`/analisis`) and the weekly summary chart of the scheduled jobs.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import io
import math
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kinerja_bot.core.rules.achievement import OnTrackStatus
from kinerja_bot.core.rules.formatting import format_number_id

__all__ = [
    "AMBER",
    "BLUE",
    "GREEN",
    "GREY",
    "RED",
    "STATUS_COLORS",
    "Bar",
    "bar_chart_png",
    "bar_note",
    "render_bar_chart",
]

# A colour-blind-safe palette (Okabe–Ito), readable on Telegram's light and dark themes.
GREEN = "#009E73"
AMBER = "#E69F00"
RED = "#D55E00"
BLUE = "#0072B2"
GREY = "#999999"

# Colours for the on-track status of an indicator (weekly summary, /tim).
STATUS_COLORS: dict[OnTrackStatus | None, str] = {
    OnTrackStatus.SESUAI_JADWAL: GREEN,
    OnTrackStatus.PERLU_PERHATIAN: AMBER,
    OnTrackStatus.TERTINGGAL: RED,
    None: GREY,
}

# Telegram shows photos up to 1280 px on the long side; 1000 px wide stays sharp and small.
WIDTH = 1000
MARGIN = 16
INK = "#333333"
INK_RGB = (0x33, 0x33, 0x33)
GREY_STEPS = 24
TITLE_SIZE, TEXT_SIZE, NOTE_SIZE = 20, 15, 13
LABEL_WIDTH = 38  # characters per line of a category label before it wraps
MAX_BARS = 60  # 60 bars make a 1000 × ~2000 px image: still a valid Telegram photo


@dataclass(frozen=True)
class Bar:
    """One bar: its category label, its value, an optional colour and text at its end.

    `note` replaces the number written at the end of the bar (e.g. "82,5% · 3 orang").
    """

    label: str
    value: float
    color: str = BLUE
    note: str | None = None


def bar_chart_png(
    bars: Sequence[Bar],
    *,
    title: str,
    value_label: str = "",
    reference: float | None = None,
    reference_label: str | None = None,
    legend: Sequence[tuple[str, str]] = (),
    decimals: int = 1,
    suffix: str = "",
    horizontal: bool = True,
) -> bytes:
    """Render a bar chart as PNG bytes. Blocking: run it in `asyncio.to_thread`.

    - `bars` in the order they should be read (top to bottom when horizontal); at most
      MAX_BARS (a phone screen has room for no more; summarise beyond that).
    - `reference` draws a dashed line at that value (e.g. 100 for the target), labelled with
      `reference_label` in the legend.
    - `legend` adds (colour, label) entries, e.g. what each colour means.
    - Values are written at the bar ends in Indonesian format with `decimals` and `suffix`
      (e.g. `"%"`), unless a bar has its own `note`.
    Raises ValueError for no bars or too many.
    """
    if not bars:
        raise ValueError("a bar chart needs at least one bar")
    if len(bars) > MAX_BARS:
        raise ValueError(f"at most {MAX_BARS} bars fit on a chart, got {len(bars)}")
    labels = [textwrap.fill(bar.label, LABEL_WIDTH) for bar in bars]
    lines = sum(label.count("\n") + 1 for label in labels)
    height = max(300, 150 + 32 * lines) if horizontal else 550
    canvas = _Canvas(WIDTH, height)
    handles: list[tuple[str, bool, str]] = [(color, False, label) for color, label in legend]
    if reference is not None and reference_label:
        handles.append((INK, True, reference_label))
    top = max([*(bar.value for bar in bars), reference or 0.0, 0.0]) * 1.18 or 1.0
    notes = [bar_note(bar, decimals, suffix) for bar in bars]
    if horizontal:
        canvas.horizontal(bars, labels, notes, top, reference, value_label)
    else:
        canvas.vertical(bars, labels, notes, top, reference, value_label)
    canvas.title(title)
    canvas.legend(handles)
    return canvas.png([*(bar.color for bar in bars), *(color for color, _ in legend)])


def bar_note(bar: Bar, decimals: int = 1, suffix: str = "") -> str:
    """The text at the end of a bar: its own note, or its value in Indonesian format."""
    return bar.note or f"{format_number_id(bar.value, decimals, trim=True)}{suffix}"


def nice_ticks(top: float) -> list[float]:
    """Round tick values from 0 up to `top`: steps of 1, 2, 2.5 or 5 times a power of ten."""
    raw = top / 6
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [n * step for n in range(int(top / step) + 1)]


class _Canvas:
    """One chart being drawn: bars, labels, notes, axis, reference line, title, legend."""

    def __init__(self, width: int, height: int) -> None:
        from PIL import Image, ImageDraw

        self.image = Image.new("RGB", (width, height), "white")
        self.draw = ImageDraw.Draw(self.image)
        self.width, self.height = width, height

    def text_width(self, text: str, size: int = TEXT_SIZE) -> int:
        return int(self.draw.multiline_textbbox((0, 0), text, font=_font(size))[2])

    def title(self, title: str) -> None:
        self.draw.text((MARGIN, 14), title, fill=INK, font=_font(TITLE_SIZE), stroke_width=0)

    def legend(self, handles: Sequence[tuple[str, bool, str]]) -> None:
        """One centred row below the plot, where it never hides a bar."""
        if not handles:
            return
        widths = [28 + self.text_width(label) for _, _, label in handles]
        x = (self.width - sum(widths) - 24 * (len(handles) - 1)) // 2
        y = self.height - 30
        for (color, dashed, label), width in zip(handles, widths, strict=True):
            if dashed:
                self._dashed((x, y + 8), (x + 20, y + 8), color)
            else:
                self.draw.rectangle((x, y + 1, x + 18, y + 15), fill=color)
            self.draw.text((x + 26, y), label, fill=INK, font=_font(TEXT_SIZE))
            x += width + 24

    def _dashed(self, start: tuple[float, float], end: tuple[float, float], color: str) -> None:
        (x0, y0), (x1, y1) = start, end
        length = math.hypot(x1 - x0, y1 - y0) or 1.0
        for offset in range(0, int(length), 9):
            a, b = offset / length, min(offset + 5, length) / length
            self.draw.line(
                (x0 + (x1 - x0) * a, y0 + (y1 - y0) * a, x0 + (x1 - x0) * b, y0 + (y1 - y0) * b),
                fill=color,
                width=1,
            )

    def horizontal(
        self,
        bars: Sequence[Bar],
        labels: list[str],
        notes: list[str],
        top: float,
        reference: float | None,
        value_label: str,
    ) -> None:
        left = MARGIN + min(max(self.text_width(label) for label in labels), self.width // 2) + 10
        right, plot_top, plot_bottom = self.width - MARGIN, 56, self.height - 100
        scale = (right - left) / top
        rows = sum(label.count("\n") + 1 for label in labels)
        y = float(plot_top)
        for bar, label, note in zip(bars, labels, notes, strict=True):
            row = (plot_bottom - plot_top) * (label.count("\n") + 1) / rows
            middle = y + row / 2
            thickness = min(row * 0.8, 40)
            end = left + max(bar.value, 0.0) * scale
            self.draw.rectangle(
                (left, middle - thickness / 2, end, middle + thickness / 2), fill=bar.color
            )
            self.draw.multiline_text(
                (left - 8, middle),
                label,
                fill=INK,
                font=_font(TEXT_SIZE),
                anchor="rm",
                align="right",
            )
            self.draw.text((end + 4, middle), note, fill=INK, font=_font(NOTE_SIZE), anchor="lm")
            y += row
        self.draw.line((left, plot_top, left, plot_bottom), fill=INK)
        self.draw.line((left, plot_bottom, right, plot_bottom), fill=INK)
        for tick in nice_ticks(top):
            x = left + tick * scale
            self.draw.line((x, plot_bottom, x, plot_bottom + 4), fill=INK)
            self.draw.text(
                (x, plot_bottom + 7), _tick(tick), fill=INK, font=_font(NOTE_SIZE), anchor="mt"
            )
        self.draw.text(
            ((left + right) / 2, plot_bottom + 26),
            value_label,
            fill=INK,
            font=_font(TEXT_SIZE),
            anchor="mt",
        )
        if reference is not None:
            x = left + reference * scale
            self._dashed((x, plot_top), (x, plot_bottom), INK)

    def vertical(
        self,
        bars: Sequence[Bar],
        labels: list[str],
        notes: list[str],
        top: float,
        reference: float | None,
        value_label: str,
    ) -> None:
        left, right, plot_top, plot_bottom = 80, self.width - MARGIN, 56, self.height - 130
        scale = (plot_bottom - plot_top) / top
        column = (right - left) / len(bars)
        for number, (bar, label, note) in enumerate(zip(bars, labels, notes, strict=True)):
            middle = left + column * (number + 0.5)
            end = plot_bottom - max(bar.value, 0.0) * scale
            half = min(column * 0.4, 60)
            self.draw.rectangle((middle - half, end, middle + half, plot_bottom), fill=bar.color)
            self.draw.text((middle, end - 3), note, fill=INK, font=_font(NOTE_SIZE), anchor="md")
            short = textwrap.fill(label, max(int(column / 8), 6))
            self.draw.multiline_text(
                (middle, plot_bottom + 6),
                short,
                fill=INK,
                font=_font(NOTE_SIZE),
                anchor="ma",
                align="center",
            )
        self.draw.line((left, plot_top, left, plot_bottom), fill=INK)
        self.draw.line((left, plot_bottom, right, plot_bottom), fill=INK)
        for tick in nice_ticks(top):
            y = plot_bottom - tick * scale
            self.draw.line((left - 4, y, left, y), fill=INK)
            self.draw.text((left - 7, y), _tick(tick), fill=INK, font=_font(NOTE_SIZE), anchor="rm")
        self.draw.text((MARGIN, plot_top - 18), value_label, fill=INK, font=_font(NOTE_SIZE))
        if reference is not None:
            y = plot_bottom - reference * scale
            self._dashed((left, y), (right, y), INK)

    def png(self, colors: Iterable[str]) -> bytes:
        """A palette PNG: its colours, and greys from white to ink for the smoothed text.
        A third of the size of an RGB PNG and many times faster to encode."""
        from PIL import Image, ImageColor

        greys = [
            tuple(round(255 + (ink - 255) * step / (GREY_STEPS - 1)) for ink in INK_RGB)
            for step in range(GREY_STEPS)
        ]
        palette = [*greys, *{ImageColor.getrgb(color)[:3] for color in colors}]
        holder = Image.new("P", (1, 1))
        holder.putpalette([channel for color in palette for channel in color])
        indexed = self.image.quantize(palette=holder, dither=Image.Dither.NONE)
        buffer = io.BytesIO()
        indexed.save(buffer, format="PNG", compress_level=3)
        return buffer.getvalue()


def _tick(value: float) -> str:
    return format_number_id(value, 1, trim=True)


@functools.cache
def _font(size: int) -> Any:
    """DejaVu Sans, which matplotlib ships (it covers the en dash of a week's dates), else
    Pillow's own font."""
    from PIL import ImageFont

    spec = importlib.util.find_spec("matplotlib")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
        if path.exists():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


async def render_bar_chart(bars: Sequence[Bar], **options: Any) -> bytes:
    """`bar_chart_png` in a worker thread, so the event loop keeps serving updates."""
    return await asyncio.to_thread(bar_chart_png, bars, **options)
