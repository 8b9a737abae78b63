"""Working days (hari kerja) and complaint deadlines.

Sources: Perpres 76/2013 (pengelolaan pengaduan pelayanan publik) and the SP4N-LAPOR! rules as
summarised in DESIGN §3: verification within 3 working days of receipt, follow-up within 5
working days of the ticket reaching the unit, closing 10 working days after an
answer the citizen did not reply to, a hard ceiling of 60 days. Holidays come from the
maintained `holidays` package (Indonesia, country code "ID"), never from a hand-typed list.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

__all__ = [
    "AUTO_CLOSE_WORKING_DAYS",
    "FOLLOW_UP_WORKING_DAYS",
    "HARD_CEILING_DAYS",
    "VERIFICATION_WORKING_DAYS",
    "add_working_days",
    "auto_close_date",
    "complaint_due_date",
    "complaint_verify_by",
    "hard_ceiling_date",
    "holiday_name",
    "is_working_day",
    "working_days_between",
]

VERIFICATION_WORKING_DAYS = 3
FOLLOW_UP_WORKING_DAYS = 5
AUTO_CLOSE_WORKING_DAYS = 10
HARD_CEILING_DAYS = 60  # calendar days


@lru_cache(maxsize=64)
def _holidays(year: int, include_cuti_bersama: bool) -> dict[date, str]:
    """The days off of one year (cached, never mutated): national holidays, cuti bersama."""
    categories: tuple[str, ...] = (
        (holidays.PUBLIC, holidays.GOVERNMENT) if include_cuti_bersama else (holidays.PUBLIC,)
    )
    found = holidays.country_holidays("ID", years=year, categories=categories, language="id")
    return dict(found.items())


def holiday_name(d: date, *, include_cuti_bersama: bool = True) -> str | None:
    """Return the Indonesian name of the national holiday or cuti bersama on `d`, or None.

    Source: the `holidays` package (SKB 3 Menteri on libur nasional and cuti bersama), in the
    GOVERNMENT category for cuti bersama and PUBLIC for national holidays.
    """
    return _holidays(d.year, include_cuti_bersama).get(d)


def is_working_day(d: date, *, include_cuti_bersama: bool = True) -> bool:
    """Return whether `d` is a working day: Monday–Friday and not a national holiday.

    Cuti bersama ASN (joint leave days set each year by SKB 3 Menteri) count as days off by
    default, because the offices that answer complaints are closed on them; pass
    `include_cuti_bersama=False` to count them as working days. Source: DESIGN §3 "Working
    days skip weekends and Indonesian national holidays"; holiday data from `holidays`.
    """
    if d.weekday() >= 5:
        return False
    return holiday_name(d, include_cuti_bersama=include_cuti_bersama) is None


def add_working_days(start: date, n: int, *, include_cuti_bersama: bool = True) -> date:
    """Return the n-th working day after `start` (`start` itself is never counted).

    A complaint received on Friday with n = 1 is due on the next working Monday; a date on a
    weekend counts from the next working day. n = 0 returns `start`. Negative n raises
    ValueError. Source: Perpres 76/2013 deadlines counted in hari kerja.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    current = start
    remaining = n
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current, include_cuti_bersama=include_cuti_bersama):
            remaining -= 1
    return current


def working_days_between(a: date, b: date, *, include_cuti_bersama: bool = True) -> int:
    """Return the number of working days after `a` up to and including `b`.

    So `working_days_between(x, add_working_days(x, n)) == n`; negative when `b` is before `a`
    (e.g. −2: two working days overdue). Source: hari kerja as in `is_working_day`.
    """
    if b < a:
        return -working_days_between(b, a, include_cuti_bersama=include_cuti_bersama)
    count = 0
    current = a
    while current < b:
        current += timedelta(days=1)
        if is_working_day(current, include_cuti_bersama=include_cuti_bersama):
            count += 1
    return count


def complaint_due_date(reached_unit_date: date, *, include_cuti_bersama: bool = True) -> date:
    """Return the follow-up due date of a complaint: 5 working days after it reached the unit.

    Source: Perpres 76/2013 and SP4N-LAPOR! (tindak lanjut within 5 hari kerja of the unit
    receiving the report), DESIGN §3.
    """
    return add_working_days(
        reached_unit_date, FOLLOW_UP_WORKING_DAYS, include_cuti_bersama=include_cuti_bersama
    )


def complaint_verify_by(received_at_date: date, *, include_cuti_bersama: bool = True) -> date:
    """Return the verification deadline of a complaint: 3 working days after it was received.

    Source: SP4N-LAPOR! (Perpres 76/2013; PermenPANRB 62/2018 on its management): a report is
    verified and passed on to the unit within 3 hari kerja; the unit's 5 working days of
    follow-up start when it gets the report (`complaint_due_date` of that day).
    """
    return add_working_days(
        received_at_date, VERIFICATION_WORKING_DAYS, include_cuti_bersama=include_cuti_bersama
    )


def auto_close_date(answered_date: date, *, include_cuti_bersama: bool = True) -> date:
    """Return when an answered complaint closes if the citizen does not reply: 10 working days.

    The ticket closes at the end of that day, i.e. it is closed from the next day on.
    Source: SP4N-LAPOR! (closed after 10 hari kerja without a reply), DESIGN §3.
    """
    return add_working_days(
        answered_date, AUTO_CLOSE_WORKING_DAYS, include_cuti_bersama=include_cuti_bersama
    )


def reopen_until(closed_date: date, *, include_cuti_bersama: bool = True) -> date:
    """Return the last day a citizen may reopen a closed complaint (DIBUKA KEMBALI).

    The same 10 working days a citizen has to reply to an answer before the ticket closes by
    itself (`auto_close_date`), counted from the day it was closed: a citizen told of the
    closing gets as long to say "not solved" as one told of an answer.
    """
    return auto_close_date(closed_date, include_cuti_bersama=include_cuti_bersama)


def hard_ceiling_date(received_at_date: date) -> date:
    """Return the last day a complaint may stay open: 60 calendar days after it was received.

    Source: the 60-day limit for settling a complaint (UU 25/2009 on public services, carried
    into Perpres 76/2013), DESIGN §3 "hard ceiling 60 days"; counted in calendar days.
    """
    return received_at_date + timedelta(days=HARD_CEILING_DAYS)
