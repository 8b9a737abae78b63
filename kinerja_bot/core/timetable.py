"""When each scheduled job runs, in WIB, and which period a run belongs to (pure functions).

A schedule is text from the settings, so it changes without code:
- weekly slots: `"kamis 09:00, jumat 14:00"` (Indonesian or English day names);
- a time of day: `"08:00"`, combined with a rule: every working day, the first working day of
  the month, or the first working day of the quarter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from kinerja_bot.core.rules.workdays import is_working_day

DAY_NAMES = {
    "senin": 0, "mon": 0, "monday": 0,
    "selasa": 1, "tue": 1, "tuesday": 1,
    "rabu": 2, "wed": 2, "wednesday": 2,
    "kamis": 3, "thu": 3, "thursday": 3,
    "jumat": 4, "jum'at": 4, "fri": 4, "friday": 4,
    "sabtu": 5, "sat": 5, "saturday": 5,
    "minggu": 6, "sun": 6, "sunday": 6,
}  # fmt: skip
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
# Far enough to find the next first working day of a quarter after a long holiday season.
SEARCH_DAYS = 400


class ScheduleError(ValueError):
    """A schedule setting that cannot be read; the message says what is expected."""


class Rule(StrEnum):
    WEEKLY = "mingguan"  # at given weekday slots
    WORKING_DAYS = "hari_kerja"  # every working day
    FIRST_WORKING_DAY_OF_MONTH = "hari_kerja_pertama_bulan"
    FIRST_WORKING_DAY_OF_QUARTER = "hari_kerja_pertama_triwulan"


@dataclass(frozen=True)
class Schedule:
    rule: Rule
    slots: tuple[tuple[int | None, time], ...]  # (weekday or None, time of day)
    working_days_only: bool = False

    def times_on(self, day: date) -> list[time]:
        """The times this schedule fires on `day`, in slot order."""
        if self.working_days_only and not is_working_day(day):
            return []
        if self.rule is Rule.WEEKLY:
            return [t for weekday, t in self.slots if weekday == day.weekday()]
        if self.rule is Rule.WORKING_DAYS:
            return [t for _, t in self.slots] if is_working_day(day) else []
        first_month = 1 if self.rule is Rule.FIRST_WORKING_DAY_OF_MONTH else 3
        if (day.month - 1) % first_month == 0 and day == first_working_day(day.year, day.month):
            return [t for _, t in self.slots]
        return []


def parse_time(text: str) -> time:
    match = _TIME.match(text.strip())
    if match is None:
        raise ScheduleError(f"jam '{text.strip()}' tidak valid (contoh 09:00)")
    return time(int(match.group(1)), int(match.group(2)))


def parse_weekly(text: str, *, working_days_only: bool = False) -> Schedule:
    """`"kamis 09:00, jumat 14:00"` → weekly slots."""
    slots: list[tuple[int | None, time]] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        pieces = part.split()
        if len(pieces) != 2 or pieces[0].lower() not in DAY_NAMES:
            raise ScheduleError(f"'{part}' tidak valid (contoh: kamis 09:00, jumat 14:00)")
        slots.append((DAY_NAMES[pieces[0].lower()], parse_time(pieces[1])))
    if not slots:
        raise ScheduleError("jadwal kosong (contoh: kamis 09:00)")
    return Schedule(Rule.WEEKLY, tuple(slots), working_days_only)


def daily(at: time, rule: Rule) -> Schedule:
    """A time of day with a rule for the days."""
    return Schedule(rule, ((None, at),))


def parse_daily(text: str, rule: Rule) -> Schedule:
    """`"08:00"` with a rule for the days."""
    return daily(parse_time(text), rule)


def first_working_day(year: int, month: int) -> date:
    day = date(year, month, 1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def next_run(schedule: Schedule, after: datetime, tz: ZoneInfo) -> datetime | None:
    """The first time the schedule fires strictly after `after`."""
    start = after.astimezone(tz).date()
    for offset in range(SEARCH_DAYS):
        day = start + timedelta(days=offset)
        for moment in sorted(schedule.times_on(day)):
            candidate = datetime.combine(day, moment, tzinfo=tz)
            if candidate > after:
                return candidate
    return None


def last_run(schedule: Schedule, at_or_before: datetime, tz: ZoneInfo) -> datetime | None:
    """The latest time the schedule fired at or before `at_or_before`."""
    start = at_or_before.astimezone(tz).date()
    for offset in range(SEARCH_DAYS):
        day = start - timedelta(days=offset)
        for moment in sorted(schedule.times_on(day), reverse=True):
            candidate = datetime.combine(day, moment, tzinfo=tz)
            if candidate <= at_or_before:
                return candidate
    return None


def slot_number(schedule: Schedule, moment: datetime, tz: ZoneInfo) -> int:
    """Which of the week's slots (1, 2, …) `moment` is, for weekly schedules."""
    local = moment.astimezone(tz)
    ordered = sorted((w or 0, t) for w, t in schedule.slots)
    return ordered.index((local.weekday(), local.time().replace(second=0, microsecond=0))) + 1
