"""Needs analysis of the organisation: /analisis, `kinerja-bot analisis`, and what the
quarterly job sends. See docs/analysis.md."""

from kinerja_bot.analysis.needs import NeedsReport, build_needs_report
from kinerja_bot.analysis.render import needs_chart_png, render_needs_chart, render_needs_report

__all__ = [
    "NeedsReport",
    "build_needs_report",
    "needs_chart_png",
    "render_needs_chart",
    "render_needs_report",
]
