"""Reading the days of a leave as people type them in a chat (issue 11, item 4).

| typed                                   | read as (today 30 November 2026)          |
|-----------------------------------------|-------------------------------------------|
| `hari ini`, `besok`, `lusa`             | 30 Nov, 1 Dec, 2 Dec                      |
| `11/12`, `11 Des`, `11 desember`        | 11 December 2026                          |
| `11/12/2026`, `11-12-2026`, `2026-12-11`| as written (`periods.parse_date_id`)      |
| `11/12–13/12`, `11/12 - 13/12`,         | 11 to 13 December 2026                    |
| `11/12 s.d. 13/12`, `11/12 s/d 13/12`,  |                                           |
| `11/12 sampai 13/12`, `11/12-13/12`     |                                           |
| `28/12 – 2/1`                           | 28 December 2026 to 2 January 2027        |
| `besok s.d. 4/12`                       | 1 to 4 December 2026                      |

A day without a year is the one nearest to today (`29/11` typed on 30 November is yesterday,
which the caller may refuse; `2/1` typed on 28 December is next January). The last day of a
range without a year is the first such date on or after the first day, so a range never runs
backwards and may cross months and the year end. Day comes before month, always.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from kinerja_bot.core.rules.periods import MONTH_NAMES_ID, DateError, parse_date_id

__all__ = ["DayRangeError", "parse_last_day", "parse_leave_days"]

RELATIVE = {"hari ini": 0, "besok": 1, "lusa": 2}
_DAY_MONTH = re.compile(r"^(\d{1,2})\s*/\s*(\d{1,2})$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?$")
_MONTHS = {name[:3].lower(): number for number, name in enumerate(MONTH_NAMES_ID, 1)}
_MONTHS.update({"agt": 8, "ags": 8, "okt": 10, "des": 12})
# Between the two days: a dash with spaces or an en/em dash, `s.d.`, `s/d`, `sd`, `sampai`,
# `hingga`. An unspaced `-` is tried last, since it also sits inside `1-12-2026`.
_SEPARATOR = re.compile(
    r"\s*[–—]\s*|\s+-\s+|\s+(?:s\.\s?d\.?|s/d|sd|sampai dengan|sampai|hingga)\s+"
)


class DayRangeError(ValueError):
    """Text that is not a day or a range of days; `code` names the problem."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(f"{code}: {text[:40]!r}")
        self.code = code  # tidak_dikenal | tanggal_tidak_ada | terbalik


def parse_leave_days(text: str, today: date) -> tuple[date, date]:
    """The first and last day (inclusive) of a leave typed as one day or a range; see the
    module docstring. Raises DayRangeError."""
    cleaned = " ".join(text.strip().lower().split())
    halves = _SEPARATOR.split(cleaned, maxsplit=1)
    if len(halves) == 2:
        return _range(halves[0], halves[1], today, text)
    try:
        day = _one_day(cleaned, today, after=None)
        return day, day
    except DayRangeError as problem:
        for at in (i for i, char in enumerate(cleaned) if char == "-"):
            try:
                return _range(cleaned[:at], cleaned[at + 1 :], today, text)
            except DayRangeError:
                continue
        raise problem from None


def parse_last_day(text: str, first: date, today: date) -> date:
    """The last day of a leave that starts on `first`, typed on its own (`13/12`, `lusa`);
    without a year, the first such date on or after `first`. Raises DayRangeError."""
    last = _one_day(" ".join(text.strip().lower().split()), today, after=first)
    if last < first:
        raise DayRangeError("terbalik", text)
    return last


def _range(first_text: str, last_text: str, today: date, original: str) -> tuple[date, date]:
    first = _one_day(first_text.strip(), today, after=None)
    last = _one_day(last_text.strip(), today, after=first)
    if last < first:
        raise DayRangeError("terbalik", original)
    return first, last


def _one_day(text: str, today: date, *, after: date | None) -> date:
    """One day; without a year, the nearest to today, or the first on or after `after`."""
    if text in RELATIVE:
        return today + timedelta(days=RELATIVE[text])
    day_month: tuple[int, int] | None = None
    if match := _DAY_MONTH.match(text):
        day_month = int(match.group(1)), int(match.group(2))
    elif (match := _DAY_MONTH_NAME.match(text)) and match.group(2)[:3] in _MONTHS:
        day_month = int(match.group(1)), _MONTHS[match.group(2)[:3]]
    if day_month is None:
        try:
            return parse_date_id(text)
        except DateError:
            raise DayRangeError("tidak_dikenal", text) from None
    return _in_year(*day_month, today=today, after=after, text=text)


def _in_year(day: int, month: int, *, today: date, after: date | None, text: str) -> date:
    anchor = after or today
    candidates = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue  # 29/2 exists only in leap years
    if not candidates:
        raise DayRangeError("tanggal_tidak_ada", text)
    if after is not None:
        later = [c for c in candidates if c >= after]
        if not later:
            raise DayRangeError("tanggal_tidak_ada", text)
        return min(later)
    return min(candidates, key=lambda c: (abs((c - today).days), c))
