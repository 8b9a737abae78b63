"""When jobs run: weekly slots, working days, first working days, holidays and weekends."""

from __future__ import annotations

from datetime import datetime

import pytest

from kinerja_bot.core.rules.periods import WIB
from kinerja_bot.core.timetable import (
    Rule,
    ScheduleError,
    last_run,
    next_run,
    parse_daily,
    parse_weekly,
    slot_number,
)

REMINDERS = parse_weekly("kamis 09:00, jumat 14:00", working_days_only=True)


def wib(*args: int) -> datetime:
    return datetime(*args, tzinfo=WIB)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (wib(2026, 11, 28, 12), wib(2026, 12, 3, 9)),  # Saturday → Thursday 09:00
        (wib(2026, 12, 3, 9), wib(2026, 12, 4, 14)),  # exactly at a slot → the next one
        # Thursday 24 and Friday 25 December 2026 are days off (cuti bersama, Christmas).
        (wib(2026, 12, 18, 15), wib(2026, 12, 31, 9)),
    ],
)
def test_reminder_slots_skip_weekends_and_holidays(after: datetime, expected: datetime) -> None:
    assert next_run(REMINDERS, after, WIB) == expected


def test_last_run_and_slot_numbers() -> None:
    friday_noon = wib(2026, 12, 4, 12)
    previous = last_run(REMINDERS, friday_noon, WIB)
    assert previous == wib(2026, 12, 3, 9)
    assert slot_number(REMINDERS, previous, WIB) == 1
    assert slot_number(REMINDERS, wib(2026, 12, 4, 14), WIB) == 2


def test_escalation_runs_on_working_days_only() -> None:
    escalation = parse_daily("08:00", Rule.WORKING_DAYS)
    assert next_run(escalation, wib(2026, 11, 27, 9), WIB) == wib(2026, 11, 30, 8)


def test_digest_on_the_first_working_day_of_the_month() -> None:
    digest = parse_daily("08:00", Rule.FIRST_WORKING_DAY_OF_MONTH)
    # 1 January 2027 is New Year's Day (a Friday): the first working day is Monday the 4th.
    assert next_run(digest, wib(2026, 12, 15), WIB) == wib(2027, 1, 4, 8)
    assert next_run(digest, wib(2026, 11, 28), WIB) == wib(2026, 12, 1, 8)


def test_quarterly_analysis() -> None:
    quarterly = parse_daily("08:00", Rule.FIRST_WORKING_DAY_OF_QUARTER)
    assert next_run(quarterly, wib(2026, 11, 28), WIB) == wib(2027, 1, 4, 8)


@pytest.mark.parametrize("text", ["kamis", "rabu 9", "hari 09:00", "kamis 24:00", ""])
def test_bad_schedules_are_refused(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_weekly(text)
