"""Periods (2026, 2026-S1, 2026-Q4, 2026-11, 2026-W48), reporting weeks, dates in WIB."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from kinerja_bot.core.rules.periods import (
    MONTH_NAMES_ID,
    DateError,
    Period,
    PeriodError,
    PeriodKind,
    current_period,
    format_date_id,
    parse_date_id,
    parse_period,
    previous_period,
    week_end,
    week_start,
    wib_today,
)


@pytest.mark.parametrize(
    ("text", "label", "start", "end", "title"),
    [
        ("2026", "2026", date(2026, 1, 1), date(2026, 12, 31), "Tahun 2026"),
        ("2026-S1", "2026-S1", date(2026, 1, 1), date(2026, 6, 30), "Semester I 2026"),
        ("2026-s2", "2026-S2", date(2026, 7, 1), date(2026, 12, 31), "Semester II 2026"),
        ("2026-Q1", "2026-Q1", date(2026, 1, 1), date(2026, 3, 31), "Triwulan I 2026"),
        ("2026-Q2", "2026-Q2", date(2026, 4, 1), date(2026, 6, 30), "Triwulan II 2026"),
        ("2026-Q3", "2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "Triwulan III 2026"),
        ("2026-Q4", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "Triwulan IV 2026"),
        ("2026-q4", "2026-Q4", date(2026, 10, 1), date(2026, 12, 31), "Triwulan IV 2026"),
        ("2026-11", "2026-11", date(2026, 11, 1), date(2026, 11, 30), "November 2026"),
        ("2026-02", "2026-02", date(2026, 2, 1), date(2026, 2, 28), "Februari 2026"),
        ("2028-02", "2028-02", date(2028, 2, 1), date(2028, 2, 29), "Februari 2028"),
        ("2026-3", "2026-03", date(2026, 3, 1), date(2026, 3, 31), "Maret 2026"),
        ("2026-12", "2026-12", date(2026, 12, 1), date(2026, 12, 31), "Desember 2026"),
        ("2026-W48", "2026-W48", date(2026, 11, 23), date(2026, 11, 29), "Minggu ke-48 2026"),
        ("2026-w1", "2026-W01", date(2025, 12, 29), date(2026, 1, 4), "Minggu ke-1 2026"),
        ("2026-W53", "2026-W53", date(2026, 12, 28), date(2027, 1, 3), "Minggu ke-53 2026"),
        ("  2026-11 ", "2026-11", date(2026, 11, 1), date(2026, 11, 30), "November 2026"),
    ],
)
def test_parse_period(text: str, label: str, start: date, end: date, title: str) -> None:
    period = parse_period(text)
    assert (period.label, period.start, period.end, period.title) == (label, start, end, title)


@pytest.mark.parametrize(
    "text",
    [
        "2026-13",
        "2026-00",
        "2026-Q5",
        "2026-Q0",
        "2027-W53",  # 2027 has 52 ISO weeks
        "2026-W00",
        "2026-W54",
        "26",
        "20266",
        "November 2026",
        "2026/11",
        "2026-S0",
        "2026-S3",
        "2026-S",
        "",
        "0000",
        "٢٠٢٦",  # Arabic-Indic digits
    ],
)
def test_parse_period_rejects_unknown_forms(text: str) -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    assert isinstance(caught.value, ValueError)
    assert "tidak dikenal" in str(caught.value)


def test_period_error_message_for_the_user() -> None:
    with pytest.raises(PeriodError) as caught:
        parse_period("2026-13")
    assert str(caught.value) == (
        "Periode '2026-13' tidak dikenal. Contoh: 2026, 2026-S1, 2026-Q4, 2026-11, 2026-W48."
    )


def test_period_contains_and_days() -> None:
    week = parse_period("2026-W48")
    assert date(2026, 11, 28) in week
    assert date(2026, 11, 30) not in week
    assert week.days == 7
    assert parse_period("2028").days == 366


@pytest.mark.parametrize(
    ("day", "monday"),
    [
        (date(2026, 11, 23), date(2026, 11, 23)),  # Monday
        (date(2026, 11, 28), date(2026, 11, 23)),  # Saturday
        (date(2026, 11, 29), date(2026, 11, 23)),  # Sunday still the same week
        (date(2026, 11, 30), date(2026, 11, 30)),
        (date(2027, 1, 1), date(2026, 12, 28)),  # across the new year
    ],
)
def test_week_start_and_end(day: date, monday: date) -> None:
    assert week_start(day) == monday
    assert week_end(day) == monday + timedelta(days=6)


@pytest.mark.parametrize(
    ("instant", "today"),
    [
        (datetime(2026, 11, 27, 16, 59, 59, tzinfo=UTC), date(2026, 11, 27)),  # 23:59:59 WIB
        (datetime(2026, 11, 27, 17, 0, tzinfo=UTC), date(2026, 11, 28)),  # midnight WIB
        (datetime(2026, 11, 28, 1, 0, tzinfo=timezone(timedelta(hours=9))), date(2026, 11, 27)),
    ],
)
def test_wib_today(instant: datetime, today: date) -> None:
    assert wib_today(instant) == today


def test_wib_today_rejects_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        wib_today(datetime(2026, 11, 27, 17, 0))


def test_wib_today_defaults_to_now() -> None:
    assert isinstance(wib_today(), date)


@pytest.mark.parametrize(
    ("kind", "today", "label", "title"),
    [
        (PeriodKind.YEAR, date(2026, 11, 28), "2026", "Tahun 2026"),
        (PeriodKind.SEMESTER, date(2026, 6, 30), "2026-S1", "Semester I 2026"),
        (PeriodKind.SEMESTER, date(2026, 7, 1), "2026-S2", "Semester II 2026"),
        (PeriodKind.QUARTER, date(2026, 11, 28), "2026-Q4", "Triwulan IV 2026"),
        (PeriodKind.QUARTER, date(2026, 4, 1), "2026-Q2", "Triwulan II 2026"),
        (PeriodKind.MONTH, date(2026, 11, 28), "2026-11", "November 2026"),
        (PeriodKind.WEEK, date(2026, 11, 28), "2026-W48", "Minggu ke-48 2026"),
        (PeriodKind.WEEK, date(2027, 1, 1), "2026-W53", "Minggu ke-53 2026"),
        ("bulan", date(2026, 1, 31), "2026-01", "Januari 2026"),
    ],
)
def test_current_period(kind: PeriodKind, today: date, label: str, title: str) -> None:
    period = current_period(kind, today)
    assert (period.label, period.title) == (label, title)
    assert today in period
    assert period == parse_period(label)


@pytest.mark.parametrize(
    ("day", "text", "with_weekday"),
    [
        (date(2026, 11, 28), "28 November 2026", "Sabtu, 28 November 2026"),
        (date(2026, 1, 1), "1 Januari 2026", "Kamis, 1 Januari 2026"),
        (date(2026, 8, 17), "17 Agustus 2026", "Senin, 17 Agustus 2026"),
        (date(2026, 3, 20), "20 Maret 2026", "Jumat, 20 Maret 2026"),
        (date(2026, 5, 31), "31 Mei 2026", "Minggu, 31 Mei 2026"),
    ],
)
def test_format_date_id(day: date, text: str, with_weekday: str) -> None:
    assert format_date_id(day) == text
    assert format_date_id(day, with_weekday=True) == with_weekday


def test_month_names() -> None:
    assert MONTH_NAMES_ID == (
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


def test_period_is_a_plain_value() -> None:
    assert parse_period("2026-11") == Period(
        "2026-11", date(2026, 11, 1), date(2026, 11, 30), PeriodKind.MONTH
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1-12-2026", date(2026, 12, 1)),
        ("01/12/2026", date(2026, 12, 1)),
        ("1.12.2026", date(2026, 12, 1)),
        ("2026-12-01", date(2026, 12, 1)),
        ("1 Desember 2026", date(2026, 12, 1)),
        ("17 agustus 2026", date(2026, 8, 17)),
        ("17 Agt 2026", date(2026, 8, 17)),
        ("  5   Jan   2027 ", date(2027, 1, 5)),
    ],
)
def test_parse_date_id(text: str, expected: date) -> None:
    assert parse_date_id(text) == expected


@pytest.mark.parametrize("text", ["31-02-2026", "besok", "12-2026", "1 Foo 2026", ""])
def test_parse_date_id_refuses(text: str) -> None:
    with pytest.raises(DateError, match="Contoh: 1-12-2026"):
        parse_date_id(text)


@pytest.mark.parametrize(
    ("label", "before"),
    [
        ("2026-S1", "2025-S2"),
        ("2026-S2", "2026-S1"),
        ("2026-Q1", "2025-Q4"),
        ("2026", "2025"),
        ("2026-01", "2025-12"),
        ("2026-W01", "2025-W52"),
    ],
)
def test_previous_period(label: str, before: str) -> None:
    assert previous_period(parse_period(label)).label == before
