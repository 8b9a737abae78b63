"""Ticket rules on the database: numbers, transitions, auto-close, overdue tickets."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from kinerja_bot.complaints.escalation import TEXTS as ESCALATION_TEXTS
from kinerja_bot.complaints.escalation import escalation_text
from kinerja_bot.complaints.service import (
    TransitionError,
    answer_complaint,
    close_complaint,
    close_stale_tickets,
    create_complaint,
    mark_in_progress,
    next_number,
    overdue_tickets,
    reopen_complaint,
)
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Complaint, ComplaintEvent, ComplaintStatus, Service, Unit
from kinerja_bot.core.rules.periods import WIB
from kinerja_bot.core.rules.workdays import (
    auto_close_date,
    complaint_due_date,
    complaint_verify_by,
)
from kinerja_bot.core.vocabulary import complaint_service_label
from tests.survey.conftest import City

# Friday 13 March 2026, 10:00 WIB: due 27 March over Nyepi and Lebaran (rules.md).
RECEIVED = datetime(2026, 3, 13, 3, tzinfo=UTC)


async def new_ticket(
    database: Database, service: Service, now: datetime = RECEIVED, text: str = "Antrean lama"
) -> Complaint:
    async with database.session() as session:
        return await create_complaint(session, service=service, text=text, now=now, tz=WIB)


async def test_numbers_count_up_per_month_in_wib(database: Database, city: City) -> None:
    first = await new_ticket(database, city.ktp)
    second = await new_ticket(database, city.kk)
    # 31 March 20:00 UTC is already 1 April in WIB: a new month, a new sequence.
    april = await new_ticket(database, city.ktp, datetime(2026, 3, 31, 20, tzinfo=UTC))
    assert [first.nomor, second.nomor, april.nomor] == [
        "ADU-2603-0001",
        "ADU-2603-0002",
        "ADU-2604-0001",
    ]
    assert first.due_date == date(2026, 3, 27) == complaint_due_date(date(2026, 3, 13))
    assert first.unit_id == city.disdukcapil.id


async def test_numbers_go_past_9999_and_a_clash_is_an_integrity_error(
    database: Database, city: City
) -> None:
    async with database.session() as session:
        session.add(
            Complaint(
                nomor="ADU-2603-9999",
                service_id=city.ktp.id,
                unit_id=city.disdukcapil.id,
                text="x",
                due_date=date(2026, 3, 20),
            )
        )
    async with database.session() as session:
        assert await next_number(session, date(2026, 3, 1)) == "ADU-2603-10000"
    await new_ticket(database, city.ktp)
    with pytest.raises(IntegrityError):
        async with database.session() as session:
            session.add(
                Complaint(
                    nomor="ADU-2603-10000",
                    service_id=city.ktp.id,
                    unit_id=city.disdukcapil.id,
                    text="x",
                    due_date=date(2026, 3, 20),
                )
            )


async def test_transitions_follow_the_status_flow(database: Database, city: City) -> None:
    complaint = await new_ticket(database, city.ktp)
    now = RECEIVED + timedelta(days=1)
    async with database.session() as session:
        complaint = await session.get(Complaint, complaint.id) or complaint
        await mark_in_progress(session, complaint, city.handler.id, now)
        with pytest.raises(TransitionError):
            await mark_in_progress(session, complaint, city.handler.id, now)
        with pytest.raises(TransitionError):
            await reopen_complaint(session, complaint, now, WIB, None)
        await answer_complaint(session, complaint, city.handler.id, "Sudah ditangani", now)
        with pytest.raises(TransitionError):
            await answer_complaint(session, complaint, city.handler.id, "Lagi", now)
        reopened_at = datetime(2026, 3, 30, 3, tzinfo=UTC)
        await reopen_complaint(session, complaint, reopened_at, WIB, "belum")
        assert complaint.status == ComplaintStatus.REOPENED
        assert complaint.due_date == complaint_due_date(date(2026, 3, 30))
        await close_complaint(session, complaint, reopened_at)
        with pytest.raises(TransitionError):
            await close_complaint(session, complaint, reopened_at)


async def test_answered_tickets_close_after_ten_working_days(
    database: Database, city: City
) -> None:
    complaint = await new_ticket(database, city.ktp)
    answered = datetime(2026, 3, 16, 3, tzinfo=UTC)  # Monday 16 March, WIB
    async with database.session() as session:
        complaint = await session.get(Complaint, complaint.id) or complaint
        await answer_complaint(session, complaint, None, "Jawaban", answered)
    last_day = auto_close_date(date(2026, 3, 16))
    now = datetime(2026, 6, 1, tzinfo=UTC)
    async with database.session() as session:
        assert await close_stale_tickets(session, last_day, now=now, tz=WIB) == []
    async with database.session() as session:
        closed = await close_stale_tickets(
            session, last_day + timedelta(days=1), now=now, tz=WIB, note="otomatis"
        )
        assert [c.nomor for c in closed] == [complaint.nomor]
    async with database.session() as session:
        again = await close_stale_tickets(session, last_day + timedelta(days=2), now=now, tz=WIB)
        assert again == []
        stored = await session.get(Complaint, complaint.id)
    assert stored is not None and stored.status == ComplaintStatus.CLOSED


async def test_overdue_tickets_for_the_escalation_job(database: Database, city: City) -> None:
    late = await new_ticket(database, city.ktp)  # due 27 March
    answered = await new_ticket(database, city.kk)
    fresh = await new_ticket(database, city.pkm, datetime(2026, 3, 30, 3, tzinfo=UTC))
    async with database.session() as session:
        done = await session.get(Complaint, answered.id)
        assert done is not None
        await answer_complaint(session, done, None, "ok", RECEIVED)
    async with database.session() as session:
        overdue = await overdue_tickets(session, date(2026, 3, 31))
    assert [t.complaint.nomor for t in overdue] == [late.nomor]
    (ticket,) = overdue
    assert ticket.working_days_late == 2  # 30 and 31 March
    assert ticket.service.kode == "L-KTP" and ticket.unit.kode == "DISDUKCAPIL"
    assert not ticket.past_hard_ceiling
    async with database.session() as session:
        (later,) = [
            t
            for t in await overdue_tickets(session, date(2026, 5, 13))
            if t.complaint.id == late.id
        ]
    assert later.past_hard_ceiling  # 60 calendar days after 13 March is 12 May
    assert fresh.nomor not in [t.complaint.nomor for t in overdue]


async def test_a_unit_without_handlers_hands_over_to_its_parent(
    database: Database, city: City
) -> None:
    from kinerja_bot.complaints.service import unit_contacts
    from tests.survey.conftest import HANDLER, OUTSIDER

    async with database.session() as session:
        assert await unit_contacts(session, city.disdukcapil.id or 0) == [HANDLER]
        # The puskesmas has nobody: Dinkes' complaint handler is told.
        assert await unit_contacts(session, city.puskesmas.id or 0) == [OUTSIDER]


async def test_two_staff_answering_one_ticket_at_once_only_one_answer_is_kept(
    database: Database, city: City
) -> None:
    complaint = await new_ticket(database, city.ktp)
    both_have_read = asyncio.Barrier(2)

    async def answer(text: str) -> bool:
        async with database.session() as session:
            mine = await session.get(Complaint, complaint.id)
            assert mine is not None and mine.status == ComplaintStatus.RECEIVED
            await both_have_read.wait()  # each saw the ticket open before either answers
            try:
                await answer_complaint(session, mine, city.handler.id, text, RECEIVED)
            except TransitionError as error:
                assert error.status == ComplaintStatus.ANSWERED
                return False
            return True

    won = await asyncio.gather(answer("Jawaban petugas A"), answer("Jawaban petugas B"))
    assert sorted(won) == [False, True]
    async with database.session() as session:
        stored = await session.get(Complaint, complaint.id)
        answered = (
            await session.exec(
                select(ComplaintEvent).where(ComplaintEvent.status == ComplaintStatus.ANSWERED)
            )
        ).all()
    assert stored is not None
    winner = "Jawaban petugas A" if won[0] else "Jawaban petugas B"
    assert stored.answer == winner and [event.note for event in answered] == [winner]


async def test_verification_deadline_and_the_clock_starting_at_the_unit(
    database: Database, city: City
) -> None:
    # A unit with nobody to tell (no handler, no head, no parent): the ticket has not reached
    # the unit yet, so its 5 working days have not started; it must be taken up (verified)
    # within 3 working days, and the follow-up clock starts when it is.
    async with database.session() as session:
        unit = Unit(kode="KEC-SETU", nama="Kecamatan Setu")
        session.add(unit)
        await session.flush()
        service = Service(kode="L-SKTM", nama="Surat Keterangan Tidak Mampu", unit_id=unit.id)
        session.add(service)
    monday = datetime(2026, 11, 2, 3, tzinfo=UTC)  # 10:00 WIB, an ordinary week
    unreached = await new_ticket(database, service, monday)
    assert unreached.verify_by == date(2026, 11, 5) == complaint_verify_by(date(2026, 11, 2))
    assert unreached.reached_unit_at is None
    assert unreached.due_date == complaint_due_date(date(2026, 11, 5))  # provisional, latest

    reached = await new_ticket(database, city.ktp, monday)
    assert reached.reached_unit_at == monday
    assert reached.due_date == complaint_due_date(date(2026, 11, 2))

    # Friday: both still DITERIMA, past the verification deadline but not past their due date.
    async with database.session() as session:
        overdue = {t.complaint.nomor: t for t in await overdue_tickets(session, date(2026, 11, 6))}
    assert set(overdue) == {unreached.nomor, reached.nomor}
    assert overdue[reached.nomor].unverified
    assert overdue[reached.nomor].working_days_late == 1
    text = escalation_text(overdue[reached.nomor])
    assert ESCALATION_TEXTS.get("belum_diverifikasi", batas_verifikasi="5 November 2026") in text

    taken_up = datetime(2026, 11, 9, 3, tzinfo=UTC)  # Monday of the next week
    async with database.session() as session:
        stored = await session.get(Complaint, unreached.id) or unreached
        await mark_in_progress(session, stored, None, taken_up, tz=WIB)
        assert stored.reached_unit_at == taken_up
        assert stored.due_date == complaint_due_date(date(2026, 11, 9)) == date(2026, 11, 16)
        other = await session.get(Complaint, reached.id) or reached
        await mark_in_progress(session, other, None, taken_up, tz=WIB)
        assert other.due_date == complaint_due_date(date(2026, 11, 2))  # unchanged
    async with database.session() as session:
        assert await overdue_tickets(session, date(2026, 11, 9)) == []


async def test_a_ticket_without_a_service_is_escalated_as_lainnya(
    database: Database, city: City
) -> None:
    async with database.session() as session:
        other = await create_complaint(
            session,
            service=None,
            unit_id=city.disdukcapil.id,
            text="Parkir liar",
            now=RECEIVED,
            tz=WIB,
        )
    assert (other.service_id, other.unit_id) == (None, city.disdukcapil.id)
    assert other.due_date == complaint_due_date(date(2026, 3, 13))  # the unit has a handler
    async with database.session() as session:
        (late,) = await overdue_tickets(session, date(2026, 3, 31))
    assert (late.complaint.nomor, late.service, late.unit.kode) == (
        other.nomor,
        None,
        "DISDUKCAPIL",
    )
    assert late.service_label == complaint_service_label(None)
    assert complaint_service_label(None) in escalation_text(late)
    with pytest.raises(ValueError):
        async with database.session() as session:
            await create_complaint(session, service=None, text="x", now=RECEIVED, tz=WIB)
