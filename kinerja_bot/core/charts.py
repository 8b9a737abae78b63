"""Chart images for Telegram: small PNG bar charts rendered with matplotlib's Agg backend.

Rendering is CPU-bound and blocking: call `bar_chart_png` through `asyncio.to_thread`, or
await `render_bar_chart`, which does that for you. Figures are built with the object API
(`Figure` + `FigureCanvasAgg`), never `pyplot`, so there is no global state to share between
threads. Numbers on the chart are written the Indonesian way (`1.250,5`), via
`rules.formatting`. Texts (title, axis label, legend) come from the caller's text book.

Used by the needs analysis (`/analisis`) and the weekly summary chart of the scheduled jobs.
"""

from __future__ import annotations

import asyncio
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
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
WIDTH_INCHES = 10.0
DPI = 100
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
    # Imported here: matplotlib takes a second to import, and most processes never draw.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter

    labels = [textwrap.fill(bar.label, LABEL_WIDTH) for bar in bars]
    values = [bar.value for bar in bars]
    colors = [bar.color for bar in bars]
    lines = sum(label.count("\n") + 1 for label in labels)
    height = max(3.0, 1.5 + 0.32 * lines) if horizontal else 5.5

    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(bars)))
    formatter = FuncFormatter(lambda value, _: format_number_id(value, 0, trim=True))
    top = max([*values, reference or 0.0, 0.0])
    if horizontal:
        axes.barh(positions, values, color=colors)
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()  # first bar on top, as it is read
        axes.xaxis.set_major_formatter(formatter)
        axes.set_xlabel(value_label)
        axes.set_xlim(0, top * 1.18 or 1)
    else:
        axes.bar(positions, values, color=colors)
        axes.set_xticks(positions, labels, rotation=30, ha="right")
        axes.yaxis.set_major_formatter(formatter)
        axes.set_ylabel(value_label)
        axes.set_ylim(0, top * 1.18 or 1)
    for position, bar in zip(positions, bars, strict=True):
        _annotate(axes, position, bar.value, bar_note(bar, decimals, suffix), horizontal)

    handles: list[Any] = [Patch(color=color, label=label) for color, label in legend]
    if reference is not None:
        draw = axes.axvline if horizontal else axes.axhline
        draw(reference, color="#333333", linestyle="--", linewidth=1)
        if reference_label:
            handles.append(Line2D([], [], color="#333333", linestyle="--", label=reference_label))
    if handles:  # below the plot, where it never hides a bar
        figure.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    axes.set_title(title, loc="left", fontweight="bold")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def bar_note(bar: Bar, decimals: int = 1, suffix: str = "") -> str:
    """The text at the end of a bar: its own note, or its value in Indonesian format."""
    return bar.note or f"{format_number_id(bar.value, decimals, trim=True)}{suffix}"


def _annotate(axes: Any, position: int, value: float, note: str, horizontal: bool) -> None:
    if horizontal:
        axes.annotate(
            note,
            (value, position),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
        )
    else:
        axes.annotate(
            note,
            (position, value),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=9,
        )


async def render_bar_chart(bars: Sequence[Bar], **options: Any) -> bytes:
    """`bar_chart_png` in a worker thread, so the event loop keeps serving updates."""
    return await asyncio.to_thread(bar_chart_png, bars, **options)
