"""Working days and complaint deadlines on real 2026 dates (SKB 3 Menteri via `holidays`)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kinerja_bot.core.rules.workdays import (
    HARD_CEILING_DAYS,
    add_working_days,
    auto_close_date,
    complaint_due_date,
    hard_ceiling_date,
    holiday_name,
    is_working_day,
    reopen_until,
    working_days_between,
)


@pytest.mark.parametrize(
    ("day", "working", "why"),
    [
        (date(2026, 11, 30), True, "an ordinary Monday"),
        (date(2026, 11, 28), False, "Saturday"),
        (date(2026, 11, 29), False, "Sunday"),
        (date(2026, 1, 1), False, "Tahun Baru Masehi"),
        (date(2026, 1, 16), False, "Isra Mikraj Nabi Muhammad"),
        (date(2026, 3, 19), False, "Hari Suci Nyepi"),
        (date(2026, 3, 18), False, "Cuti Bersama Hari Suci Nyepi"),
        (date(2026, 3, 20), False, "Cuti Bersama Hari Raya Idul Fitri"),
        (date(2026, 3, 23), False, "Cuti Bersama Hari Raya Idul Fitri"),
        (date(2026, 3, 24), False, "Cuti Bersama Hari Raya Idul Fitri"),
        (date(2026, 3, 25), True, "back to work after Lebaran"),
        (date(2026, 4, 3), False, "Wafat Yesus Kristus"),
        (date(2026, 5, 27), False, "Hari Raya Idul Adha"),
        (date(2026, 6, 1), False, "Hari Lahir Pancasila"),
        (date(2026, 8, 17), False, "Hari Kemerdekaan Republik Indonesia"),
        (date(2026, 8, 18), True, "the day after 17 Agustus"),
        (date(2026, 12, 24), False, "Cuti Bersama Hari Raya Natal"),
        (date(2026, 12, 25), False, "Hari Raya Natal"),
    ],
)
def test_is_working_day(day: date, working: bool, why: str) -> None:
    assert is_working_day(day) is working, why


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 8, 17), "Hari Kemerdekaan Republik Indonesia"),
        (date(2026, 3, 19), "Hari Suci Nyepi"),
        (date(2026, 3, 21), "Hari Raya Idul Fitri"),
        (date(2026, 3, 20), "Cuti Bersama Hari Raya Idul Fitri"),
        (date(2026, 11, 30), None),
    ],
)
def test_holiday_name(day: date, name: str | None) -> None:
    assert holiday_name(day) == name


@pytest.mark.parametrize(
    "day",
    [date(2026, 2, 16), date(2026, 3, 18), date(2026, 3, 20), date(2026, 5, 15)],
)
def test_cuti_bersama_can_count_as_working_days(day: date) -> None:
    assert not is_working_day(day)
    assert is_working_day(day, include_cuti_bersama=False)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 11, 23), date(2026, 11, 30)),  # Monday → next Monday
        (date(2026, 11, 27), date(2026, 12, 4)),  # Friday → next Friday
        (date(2026, 11, 28), date(2026, 12, 4)),  # Saturday counts from Monday
        (date(2026, 8, 12), date(2026, 8, 20)),  # over 17 Agustus
        (date(2026, 3, 13), date(2026, 3, 27)),  # over Nyepi and Idul Fitri with cuti bersama
        (date(2026, 12, 21), date(2026, 12, 30)),  # over Natal and its cuti bersama
    ],
)
def test_complaint_due_date(received: date, due: date) -> None:
    assert complaint_due_date(received) == due


def test_complaint_due_date_without_cuti_bersama() -> None:
    # Only Nyepi (19 March) and the Idul Fitri weekend are off.
    assert complaint_due_date(date(2026, 3, 13), include_cuti_bersama=False) == date(2026, 3, 23)


@pytest.mark.parametrize(
    ("answered", "closes"),
    [
        (date(2026, 11, 16), date(2026, 11, 30)),
        (date(2026, 3, 13), date(2026, 4, 6)),  # Lebaran and Wafat Yesus Kristus (3 April)
    ],
)
def test_auto_close_date(answered: date, closes: date) -> None:
    assert auto_close_date(answered) == closes


def test_a_closed_ticket_may_be_reopened_for_ten_working_days() -> None:
    # Closed on Friday 27 Nov 2026: ten working days on, skipping two weekends.
    assert reopen_until(date(2026, 11, 27)) == date(2026, 12, 11)
    # Closed before a long weekend: the holidays do not count either.
    assert reopen_until(date(2026, 12, 23)) > date(2026, 12, 23) + timedelta(days=14)


@pytest.mark.parametrize(
    ("received", "ceiling"),
    [
        (date(2026, 11, 28), date(2027, 1, 27)),
        (date(2026, 1, 1), date(2026, 3, 2)),
    ],
)
def test_hard_ceiling_is_60_calendar_days(received: date, ceiling: date) -> None:
    assert HARD_CEILING_DAYS == 60
    assert hard_ceiling_date(received) == ceiling


@pytest.mark.parametrize(
    ("a", "b", "days"),
    [
        (date(2026, 3, 13), date(2026, 3, 27), 5),
        (date(2026, 3, 27), date(2026, 3, 13), -5),  # five working days overdue
        (date(2026, 11, 30), date(2026, 11, 30), 0),
        (date(2026, 11, 27), date(2026, 11, 29), 0),  # only a weekend in between
        (date(2026, 8, 14), date(2026, 8, 18), 1),  # weekend and 17 Agustus
    ],
)
def test_working_days_between(a: date, b: date, days: int) -> None:
    assert working_days_between(a, b) == days


@pytest.mark.parametrize("start", [date(2026, 3, 13), date(2026, 12, 19), date(2026, 8, 15)])
def test_add_and_count_agree(start: date) -> None:
    for n in range(0, 25):
        end = add_working_days(start, n)
        assert working_days_between(start, end) == n
        assert n == 0 or is_working_day(end)


def test_add_working_days_crosses_the_year() -> None:
    # 31 December 2026 (Thursday) + 2: 1 January is Tahun Baru and 5 January 2027 is Isra
    # Mikraj, so the working days are Monday 4 and Wednesday 6 January (2027's list is used).
    assert add_working_days(date(2026, 12, 31), 2) == date(2027, 1, 6)
    assert add_working_days(date(2026, 12, 31), 0) == date(2026, 12, 31)


def test_add_working_days_rejects_negative() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)


@pytest.mark.parametrize(("include_cuti_bersama", "expected"), [(True, 240), (False, 248)])
def test_working_days_in_2026(include_cuti_bersama: bool, expected: int) -> None:
    # 261 weekdays, less 13 national holidays on weekdays and 8 weekday cuti bersama.
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    working = sum(is_working_day(d, include_cuti_bersama=include_cuti_bersama) for d in days)
    assert working == expected
