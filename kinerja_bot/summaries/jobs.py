"""The weekly summary's place in the timetable."""

from __future__ import annotations

from kinerja_bot.core.jobs import ScheduledJob
from kinerja_bot.core.rules.periods import PeriodKind
from kinerja_bot.summaries.weekly import run_weekly_summary

JOBS = (
    ScheduledJob("ringkasan", lambda s: s.schedule_summary, PeriodKind.WEEK, run_weekly_summary),
)
