"""parse_leave_days: the days of a leave as typed in /cuti (issue 11, item 4)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja_bot.core.rules.leave_days import DayRangeError, parse_leave_days

TODAY = date(2026, 11, 30)
D = date


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("hari ini", D(2026, 11, 30), D(2026, 11, 30)),
        ("Besok", D(2026, 12, 1), D(2026, 12, 1)),
        ("lusa", D(2026, 12, 2), D(2026, 12, 2)),
        ("11/12", D(2026, 12, 11), D(2026, 12, 11)),
        ("11 Des", D(2026, 12, 11), D(2026, 12, 11)),
        ("11 desember", D(2026, 12, 11), D(2026, 12, 11)),
        ("11/12/2026", D(2026, 12, 11), D(2026, 12, 11)),
        ("11-12-2026", D(2026, 12, 11), D(2026, 12, 11)),
        ("11/12–13/12", D(2026, 12, 11), D(2026, 12, 13)),
        ("11/12 — 13/12", D(2026, 12, 11), D(2026, 12, 13)),
        ("11/12 - 13/12", D(2026, 12, 11), D(2026, 12, 13)),
        ("11/12-13/12", D(2026, 12, 11), D(2026, 12, 13)),
        ("11/12 s.d. 13/12", D(2026, 12, 11), D(2026, 12, 13)),
        ("11/12 s.d 13/12", D(2026, 12, 11), D(2026, 12, 13)),
        ("11/12 s/d 13/12", D(2026, 12, 11), D(2026, 12, 13)),
        ("11/12 sd 13/12", D(2026, 12, 11), D(2026, 12, 13)),
        ("11/12 sampai 13/12", D(2026, 12, 11), D(2026, 12, 13)),
        ("11 desember sampai dengan 13 desember", D(2026, 12, 11), D(2026, 12, 13)),
        ("11/12 hingga 13/12", D(2026, 12, 11), D(2026, 12, 13)),
        ("besok s.d. 4/12", D(2026, 12, 1), D(2026, 12, 4)),
        ("28/12 – 2/1", D(2026, 12, 28), D(2027, 1, 2)),  # across the year end
        ("30/11-3/12", D(2026, 11, 30), D(2026, 12, 3)),  # across a month end
        ("1-12-2026 - 3-12-2026", D(2026, 12, 1), D(2026, 12, 3)),
        ("1-12-2026-3-12-2026", D(2026, 12, 1), D(2026, 12, 3)),
        ("29/11", D(2026, 11, 29), D(2026, 11, 29)),  # yesterday: the nearest, not next year
        ("30/1", D(2027, 1, 30), D(2027, 1, 30)),  # two months ahead, across the year end
    ],
)
def test_reads(text: str, first: date, last: date) -> None:
    assert parse_leave_days(text, TODAY) == (first, last)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("abc", "tidak_dikenal"),
        ("", "tidak_dikenal"),
        ("11/13", "tanggal_tidak_ada"),
        ("31/2", "tanggal_tidak_ada"),
        ("3/12/2026 - 1/12/2026", "terbalik"),
        ("besok - kemarin", "tidak_dikenal"),
    ],
)
def test_refuses(text: str, code: str) -> None:
    with pytest.raises(DayRangeError) as caught:
        parse_leave_days(text, TODAY)
    assert caught.value.code == code


def test_a_leap_day_range_finds_the_leap_year() -> None:
    assert parse_leave_days("27/2 - 29/2", date(2027, 12, 1)) == (D(2028, 2, 27), D(2028, 2, 29))


@given(
    today=st.dates(D(2020, 1, 1), D(2040, 12, 31)),
    offset=st.integers(-150, 150),
    length=st.integers(0, 89),
    separator=st.sampled_from(["–", " - ", "-", " s.d. ", " s/d ", " sampai "]),
)
def test_day_month_ranges_round_trip(today: date, offset: int, length: int, separator: str) -> None:
    first = today + timedelta(days=offset)
    last = first + timedelta(days=length)
    typed = f"{first.day}/{first.month}{separator}{last.day}/{last.month}"
    assert parse_leave_days(typed, today) == (first, last)
