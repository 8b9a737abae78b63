"""Apresiasi on the database: who may thank whom, the one-a-day cap, what was given.

Thanks come from the person's direct atasan or the head of a unit tree they work in (the
same people who may see them in /tim); never anonymous, at most one per giver and receiver a
day (WIB), kept with the report or week it is for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import Appreciation, Employee, Indicator, ProgressReport, id_of
from kinerja_bot.core.people import Person
from kinerja_bot.core.rules.periods import week_start, wib_today
from kinerja_bot.team.service import may_supervise

NOTE_LIMIT = 300


class NotAllowed(Exception):
    """`key` names the alert of the `apresiasi` book."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Subject:
    """Whom the thanks are for, and for what: a report or (report None) a week."""

    receiver: Employee
    report: ProgressReport | None
    week: date
    indicator: str | None = None  # the report's indicator


async def subject_of(
    session: AsyncSession, person: Person, *, employee_id: int | None, report_id: int | None
) -> Subject:
    """What a button names, checked: the giver may thank this person, not yet today."""
    report = await session.get(ProgressReport, report_id) if report_id is not None else None
    if report_id is not None and report is None:
        raise NotAllowed("peringatan_tidak_boleh")
    receiver_id = report.employee_id if report is not None else employee_id
    receiver = await session.get(Employee, receiver_id) if receiver_id is not None else None
    if receiver is None or not await may_supervise(session, person, receiver):
        raise NotAllowed("peringatan_tidak_boleh")
    assert person.employee is not None
    if await given_today(session, id_of(person.employee), id_of(receiver), wib_today()):
        raise NotAllowed("peringatan_sudah_hari_ini")
    if report is None:
        return Subject(receiver, None, week_start(wib_today()))
    indicator = await session.get(Indicator, report.indicator_id)
    return Subject(receiver, report, report.week_start, indicator.nama if indicator else None)


async def given_today(session: AsyncSession, giver_id: int, receiver_id: int, today: date) -> bool:
    statement = select(Appreciation.id).where(
        Appreciation.giver_id == giver_id,
        Appreciation.receiver_id == receiver_id,
        Appreciation.given_on == today,
    )
    return (await session.exec(statement)).first() is not None


async def give(
    session: AsyncSession, giver: Employee, subject: Subject, note: str, now: datetime
) -> Appreciation:
    """Keep the thanks; a second one the same day (even sent at the same moment) is refused."""
    appreciation = Appreciation(
        giver_id=id_of(giver),
        receiver_id=id_of(subject.receiver),
        report_id=subject.report.id if subject.report is not None else None,
        week_start=subject.week,
        note=note,
        given_on=wib_today(now),
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(appreciation)
    except IntegrityError:
        raise NotAllowed("peringatan_sudah_hari_ini") from None
    return appreciation


@dataclass(frozen=True)
class Given:
    giver: str
    receiver: str
    note: str
    given_on: date
    receiver_id: int


async def appreciation_for(
    session: AsyncSession, receiver_ids: Sequence[int], first_day: date, last_day: date
) -> list[Given]:
    """Appreciation these people received between two days (inclusive), oldest first."""
    if not receiver_ids:
        return []
    rows = await session.exec(
        select(Appreciation)
        .where(
            col(Appreciation.receiver_id).in_(list(receiver_ids)),
            Appreciation.given_on >= first_day,
            Appreciation.given_on <= last_day,
        )
        .order_by(col(Appreciation.created_at), col(Appreciation.id))
    )
    found = list(rows.all())
    ids = {a.giver_id for a in found} | {a.receiver_id for a in found}
    names = {
        id_of(e): e.nama
        for e in (await session.exec(select(Employee).where(col(Employee.id).in_(ids)))).all()
    }
    return [
        Given(names[a.giver_id], names[a.receiver_id], a.note, a.given_on, a.receiver_id)
        for a in found
    ]
