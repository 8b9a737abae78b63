"""The quarterly needs analysis and the ASN berprestasi candidates in the timetable (both on
the first working day of the quarter, at SCHEDULE_ANALYSIS)."""

from __future__ import annotations

from kinerja_bot.analysis.berprestasi import run_berprestasi
from kinerja_bot.analysis.quarterly import run_needs_analysis
from kinerja_bot.core.jobs import ScheduledJob
from kinerja_bot.core.rules.periods import PeriodKind
from kinerja_bot.core.timetable import Rule, daily

JOBS = (
    ScheduledJob(
        "analisis",
        lambda s: daily(s.schedule_analysis, Rule.FIRST_WORKING_DAY_OF_QUARTER),
        PeriodKind.QUARTER,
        run_needs_analysis,
    ),
    ScheduledJob(
        "berprestasi",
        lambda s: daily(s.schedule_analysis, Rule.FIRST_WORKING_DAY_OF_QUARTER),
        PeriodKind.QUARTER,
        run_berprestasi,
    ),
)
