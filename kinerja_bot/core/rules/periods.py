"""Reporting time in WIB: weeks, periods (year, semester, triwulan, month, ISO week) and
Indonesian dates.

Source: DESIGN §3 "Time" (everything in Asia/Jakarta; a reporting week is Monday–Sunday WIB)
and DESIGN §4 (periods written `2026`, `2026-S1`, `2026-Q4`, `2026-11`, `2026-W48`; many units
run their SKM per semester). Month and day names
are hard-coded here because Babel is not a dependency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

__all__ = [
    "DAY_NAMES_ID",
    "MONTH_NAMES_ID",
    "WIB",
    "DateError",
    "Period",
    "PeriodError",
    "PeriodKind",
    "current_period",
    "format_date_id",
    "parse_date_id",
    "parse_period",
    "previous_period",
    "week_end",
    "week_start",
    "wib_today",
]

WIB = ZoneInfo("Asia/Jakarta")

MONTH_NAMES_ID: tuple[str, ...] = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
# Monday first, as `date.weekday()` counts.
DAY_NAMES_ID: tuple[str, ...] = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_ROMAN_QUARTERS = ("I", "II", "III", "IV")


class PeriodKind(StrEnum):
    """The kinds of reporting period."""

    YEAR = "tahun"
    SEMESTER = "semester"
    QUARTER = "triwulan"
    MONTH = "bulan"
    WEEK = "minggu"


class PeriodError(ValueError):
    """A period text that is not one of the known forms; the message is for the user."""

    def __init__(self, text: str) -> None:
        super().__init__(
            f"Periode '{text}' tidak dikenal. Contoh: 2026, 2026-S1, 2026-Q4, 2026-11, 2026-W48."
        )
        self.text = text


@dataclass(frozen=True)
class Period:
    """A reporting period: its canonical label (e.g. `2026-Q4`) and inclusive start/end dates."""

    label: str
    start: date
    end: date
    kind: PeriodKind

    @property
    def title(self) -> str:
        """The Indonesian title: "Tahun 2026", "Semester I 2026", "Triwulan IV 2026",
        "November 2026", "Minggu ke-48 2026" (the ISO week's own year)."""
        if self.kind is PeriodKind.YEAR:
            return f"Tahun {self.start.year}"
        if self.kind is PeriodKind.SEMESTER:
            return f"Semester {_ROMAN_QUARTERS[(self.start.month - 1) // 6]} {self.start.year}"
        if self.kind is PeriodKind.QUARTER:
            quarter = (self.start.month - 1) // 3
            return f"Triwulan {_ROMAN_QUARTERS[quarter]} {self.start.year}"
        if self.kind is PeriodKind.MONTH:
            return f"{MONTH_NAMES_ID[self.start.month - 1]} {self.start.year}"
        iso_year, iso_week, _ = self.start.isocalendar()
        return f"Minggu ke-{iso_week} {iso_year}"

    @property
    def days(self) -> int:
        """The number of days in the period."""
        return (self.end - self.start).days + 1

    def __contains__(self, d: object) -> bool:
        return isinstance(d, date) and self.start <= d <= self.end


def wib_today(now_utc: datetime | None = None) -> date:
    """Return today's date in WIB for an aware instant (default: now).

    A naive datetime raises ValueError, as the data model does, because its zone is unknown.
    Source: DESIGN §3 "everything runs in Asia/Jakarta (WIB)".
    """
    moment = datetime.now(UTC) if now_utc is None else now_utc
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime given; use a timezone-aware datetime")
    return moment.astimezone(WIB).date()


def week_start(d: date) -> date:
    """Return the Monday of the reporting week (Monday–Sunday) that contains `d`.

    Source: DESIGN §3 "a reporting week is Monday–Sunday WIB".
    """
    return d - timedelta(days=d.weekday())


def week_end(d: date) -> date:
    """Return the Sunday that ends the reporting week containing `d` (DESIGN §3)."""
    return week_start(d) + timedelta(days=6)


def _year_period(year: int) -> Period:
    return Period(f"{year:04d}", date(year, 1, 1), date(year, 12, 31), PeriodKind.YEAR)


def _semester_period(year: int, semester: int) -> Period:
    start = date(year, 6 * semester - 5, 1)
    end = _month_end(year, 6 * semester)
    return Period(f"{year:04d}-S{semester}", start, end, PeriodKind.SEMESTER)


def _quarter_period(year: int, quarter: int) -> Period:
    start = date(year, 3 * quarter - 2, 1)
    end = _month_end(year, 3 * quarter)
    return Period(f"{year:04d}-Q{quarter}", start, end, PeriodKind.QUARTER)


def _month_end(year: int, month: int) -> date:
    first_of_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first_of_next - timedelta(days=1)


def _month_period(year: int, month: int) -> Period:
    return Period(
        f"{year:04d}-{month:02d}", date(year, month, 1), _month_end(year, month), PeriodKind.MONTH
    )


def _week_period(iso_year: int, iso_week: int) -> Period:
    start = date.fromisocalendar(iso_year, iso_week, 1)
    return Period(
        f"{iso_year:04d}-W{iso_week:02d}", start, start + timedelta(days=6), PeriodKind.WEEK
    )


_YEAR = re.compile(r"([0-9]{4})")
_SEMESTER = re.compile(r"([0-9]{4})-S([12])", re.IGNORECASE)
_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])", re.IGNORECASE)
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})")
_WEEK = re.compile(r"([0-9]{4})-W([0-9]{1,2})", re.IGNORECASE)


def parse_period(text: str) -> Period:
    """Parse `2026`, `2026-S1`, `2026-Q4`, `2026-11` or `2026-W48` (ISO week) into a Period.

    Surrounding spaces and letter case are ignored; `2026-3` and `2026-w9` are accepted and
    come back with the canonical labels `2026-03` and `2026-W09`. Anything else, a month 13 or
    a week 53 in a year with 52 ISO weeks raises PeriodError with an Indonesian message.
    Source: DESIGN §4 "Periods: 2026, 2026-Q4, 2026-11, 2026-W48" and "also 2026-S1/2026-S2"
    (semester 1 is January–June, semester 2 July–December).
    """
    cleaned = text.strip()
    try:
        if match := _YEAR.fullmatch(cleaned):
            return _year_period(int(match[1]))
        if match := _SEMESTER.fullmatch(cleaned):
            return _semester_period(int(match[1]), int(match[2]))
        if match := _QUARTER.fullmatch(cleaned):
            return _quarter_period(int(match[1]), int(match[2]))
        if match := _MONTH.fullmatch(cleaned):
            return _month_period(int(match[1]), int(match[2]))
        if match := _WEEK.fullmatch(cleaned):
            return _week_period(int(match[1]), int(match[2]))
    except ValueError:  # month 13, week 54, year 0000
        pass
    raise PeriodError(text.strip())


def current_period(kind: PeriodKind | str, today: date) -> Period:
    """Return the period of `kind` that contains `today` (a WIB date, see `wib_today`).

    Weeks are ISO weeks, so 1 January 2027 (a Friday) is in week 53 of 2026.
    Source: DESIGN §3 "Time" and §4 periods.
    """
    period_kind = PeriodKind(kind)
    if period_kind is PeriodKind.YEAR:
        return _year_period(today.year)
    if period_kind is PeriodKind.SEMESTER:
        return _semester_period(today.year, 1 if today.month <= 6 else 2)
    if period_kind is PeriodKind.QUARTER:
        return _quarter_period(today.year, (today.month - 1) // 3 + 1)
    if period_kind is PeriodKind.MONTH:
        return _month_period(today.year, today.month)
    iso_year, iso_week, _ = today.isocalendar()
    return _week_period(iso_year, iso_week)


def previous_period(period: Period) -> Period:
    """The period of the same kind just before: 2026-S1 → 2025-S2, 2026-Q1 → 2025-Q4,
    2026 → 2025, 2026-01 → 2025-12, 2026-W01 → 2025-W52 (for trends and comparisons)."""
    return current_period(period.kind, period.start - timedelta(days=1))


def format_date_id(d: date, *, with_weekday: bool = False) -> str:
    """Format a date in Indonesian: "28 November 2026", or "Sabtu, 28 November 2026".

    Source: Indonesian date writing (PUEBI): day, month name, year, no leading zero.
    """
    text = f"{d.day} {MONTH_NAMES_ID[d.month - 1]} {d.year}"
    return f"{DAY_NAMES_ID[d.weekday()]}, {text}" if with_weekday else text


_NUMERIC_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WORDED_DATE = re.compile(r"^(\d{1,2})\s+([a-z]+)\s+(\d{4})$")
_MONTH_PREFIXES = {name[:3].lower(): number for number, name in enumerate(MONTH_NAMES_ID, 1)}
_MONTH_PREFIXES.update({"agt": 8, "ags": 8, "okt": 10, "des": 12})


class DateError(ValueError):
    """Text that is not a date; the message says which forms are understood."""

    def __init__(self, text: str) -> None:
        super().__init__(
            f"Tanggal '{text.strip()[:40]}' tidak dikenal. Contoh: 1-12-2026, 01/12/2026 atau "
            "1 Desember 2026."
        )


def parse_date_id(text: str) -> date:
    """Read a date as Indonesians write it: `1-12-2026`, `01/12/2026`, `1 Desember 2026`
    (month names or their first three letters), or ISO `2026-12-01`. Day comes first."""
    cleaned = " ".join(text.strip().lower().split())
    try:
        if match := _NUMERIC_DATE.match(cleaned):
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        if match := _ISO_DATE.match(cleaned):
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if (match := _WORDED_DATE.match(cleaned)) and match.group(2)[:3] in _MONTH_PREFIXES:
            month = _MONTH_PREFIXES[match.group(2)[:3]]
            return date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        raise DateError(text) from None
    raise DateError(text)
