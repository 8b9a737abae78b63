"""The monthly IKM digest's place in the timetable (first working day of the month)."""

from __future__ import annotations

from kinerja_bot.core.jobs import ScheduledJob
from kinerja_bot.core.rules.periods import PeriodKind
from kinerja_bot.core.timetable import Rule, daily
from kinerja_bot.ikm.digest import run_ikm_digest

JOBS = (
    ScheduledJob(
        "digest-ikm",
        lambda s: daily(s.schedule_ikm_digest, Rule.FIRST_WORKING_DAY_OF_MONTH),
        PeriodKind.MONTH,
        run_ikm_digest,
    ),
)
