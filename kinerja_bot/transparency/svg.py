"""The IKM trend as an SVG drawn on the server: no JavaScript, crisp at any size, readable by
screen readers (a <title> and a <desc> that lists every value)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from kinerja_bot.core.rules.formatting import format_number_id

WIDTH, HEIGHT = 640, 260
# RIGHT leaves room for half of the last point's value label ("100,00" is ~48 px wide), which
# is centred on the point: with 16 px its last digits were cut off.
LEFT, RIGHT, TOP, BOTTOM = 48, 32, 16, 48
# The conversion table's lower bounds (PermenPANRB 14/2017), drawn as reference lines.
GRADE_LINES = ((88.31, "A"), (76.61, "B"), (65.00, "C"))
LOW, HIGH = 25.0, 100.0


def _y(value: float) -> float:
    return TOP + (HIGH - value) / (HIGH - LOW) * (HEIGHT - TOP - BOTTOM)


def trend_svg(
    points: Sequence[tuple[str, float | None]], *, title: str, description: str, missing: str
) -> str:
    """A line of the IKM per period (label, value or None when not publishable); a period
    without a published IKM leaves a gap and is marked `missing` under its label."""
    step = (WIDTH - LEFT - RIGHT) / max(len(points) - 1, 1)
    xs = [LEFT + step * index for index in range(len(points))]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="tren-judul tren-desk" class="tren">',
        f'<title id="tren-judul">{escape(title)}</title>',
        f'<desc id="tren-desk">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]
    for bound, grade in GRADE_LINES:
        y = _y(bound)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#8a8a8a" stroke-dasharray="4 4"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#333333">{grade}</text>'
        )
    segment: list[str] = []
    segments: list[list[str]] = []
    for x, (_, value) in zip(xs, points, strict=True):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{x:.1f},{_y(value):.1f}")
    if segment:
        segments.append(segment)
    for line in segments:
        parts.append(
            f'<polyline points="{" ".join(line)}" fill="none" stroke="#0b4f8a" stroke-width="3"/>'
        )
    for x, (label, value) in zip(xs, points, strict=True):
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="12" '
            f'fill="#222222">{escape(label)}</text>'
        )
        if value is None:
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 34}" text-anchor="middle" '
                f'font-size="11" fill="#555555">{escape(missing)}</text>'
            )
            continue
        y = _y(value)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#0b4f8a"/>'
            f'<text x="{x:.1f}" y="{y - 10:.1f}" text-anchor="middle" font-size="13" '
            f'font-weight="bold" fill="#0b2f4f">{format_number_id(value, 2)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
