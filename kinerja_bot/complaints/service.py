"""Complaint tickets on the database: numbers, statuses, deadlines, who may handle them.

Statuses (Perpres 76/2013, SP4N-LAPOR!): DITERIMA → DIPROSES → DIJAWAB → SELESAI; a citizen who
says the answer did not solve it moves DIJAWAB → DIBUKA KEMBALI, which is open again with a new
due date. A new ticket must be verified (taken up: DIPROSES) within 3 working days of receipt
(`verify_by`). Follow-up is due 5 working days after the ticket reached the unit: at once when
someone of the unit (or of a parent unit) is there to be told, else when it is taken up (a
provisional due date, the latest possible, stands until then); a reopened ticket is due 5
working days after reopening. An answered ticket closes by itself 10 working days after the
answer without a reply (`close_stale_tickets`).

Ticket numbers are `ADU-YYMM-NNNN`: the WIB year and month of receipt and a sequence within that
month from 0001 (a fifth digit appears after 9999), e.g. ADU-2611-0042.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import (
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    Employee,
    Service,
    Unit,
    UnitRole,
    UnitRoleKind,
    id_of,
)
from kinerja_bot.core.organisation import unit_tree_ids
from kinerja_bot.core.people import Person
from kinerja_bot.core.rules.periods import WIB
from kinerja_bot.core.rules.workdays import (
    auto_close_date,
    complaint_due_date,
    complaint_verify_by,
    hard_ceiling_date,
    reopen_until,
    working_days_between,
)
from kinerja_bot.core.vocabulary import complaint_service_label

PREFIX = "ADU"
COMPLAINT_MAX_CHARS = 1000
ANSWER_MAX_CHARS = 2000
NUMBER_PATTERN = re.compile(r"ADU-\d{4}-\d{4,}", re.IGNORECASE)

OPEN_STATUSES: tuple[str, ...] = (
    ComplaintStatus.RECEIVED,
    ComplaintStatus.IN_PROGRESS,
    ComplaintStatus.REOPENED,
)
NOT_CLOSED: tuple[str, ...] = (*OPEN_STATUSES, ComplaintStatus.ANSWERED)


class TransitionError(ValueError):
    """A status change that the ticket's current status does not allow."""

    def __init__(self, complaint: Complaint) -> None:
        super().__init__(f"{complaint.nomor} is {complaint.status}")
        self.status = complaint.status
        # As stored now, detached: read after the failed unit of work has been rolled back.
        self.complaint = Complaint.model_validate(complaint.model_dump())


def number_prefix(day: date) -> str:
    return f"{PREFIX}-{day:%y%m}-"


def normalise_number(text: str) -> str:
    return text.strip().upper()


async def next_number(session: AsyncSession, day: date) -> str:
    """The next free ticket number of the month of `day` (callers retry on a unique clash)."""
    prefix = number_prefix(day)
    statement = (
        select(Complaint.nomor)
        .where(col(Complaint.nomor).startswith(prefix))
        .order_by(func.length(Complaint.nomor).desc(), col(Complaint.nomor).desc())
        .limit(1)
    )
    last = (await session.exec(statement)).first()
    sequence = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def _event(
    complaint: Complaint, status: str, now: datetime, *, by: int | None = None, note: str | None
) -> ComplaintEvent:
    return ComplaintEvent(
        complaint_id=id_of(complaint), status=status, at=now, by_employee_id=by, note=note
    )


async def create_complaint(
    session: AsyncSession,
    *,
    service: Service | None,
    unit_id: int | None = None,
    text: str,
    now: datetime,
    tz: ZoneInfo,
    chat_id: int | None = None,
    consent_id: int | None = None,
    note: str | None = None,
    photo_file_id: str | None = None,
    update_key: str | None = None,
) -> Complaint:
    """File a ticket (status DITERIMA), to be verified within 3 working days (WIB) and followed
    up within 5 working days of reaching the unit (see the module docstring).

    A ticket about a service goes to the service's unit; one without (`service=None`, "lainnya")
    to `unit_id`, the unit the citizen chose."""
    if service is not None:
        unit_id = service.unit_id
    if unit_id is None:
        raise ValueError("a complaint without a service needs its unit")
    today = now.astimezone(tz).date()
    verify_by = complaint_verify_by(today)
    reaches_unit = bool(await unit_contacts(session, unit_id))
    complaint = Complaint(
        nomor=await next_number(session, today),
        service_id=id_of(service) if service is not None else None,
        unit_id=unit_id,
        text=text,
        status=ComplaintStatus.RECEIVED,
        chat_id=chat_id if consent_id is not None else None,
        consent_id=consent_id,
        photo_file_id=photo_file_id,
        created_at=now,
        verify_by=verify_by,
        reached_unit_at=now if reaches_unit else None,
        due_date=complaint_due_date(today if reaches_unit else verify_by),
        update_key=update_key,
    )
    session.add(complaint)
    await session.flush()
    session.add(_event(complaint, ComplaintStatus.RECEIVED, now, note=note))
    await session.flush()
    return complaint


async def complaint_by_number(session: AsyncSession, nomor: str) -> Complaint | None:
    statement = select(Complaint).where(Complaint.nomor == normalise_number(nomor))
    return (await session.exec(statement)).first()


async def _transition(
    session: AsyncSession,
    complaint: Complaint,
    allowed: Iterable[str],
    status: str,
    now: datetime,
    *,
    by: int | None = None,
    note: str | None = None,
    **values: object,
) -> None:
    """Move the ticket to `status` only if its status *as stored now* allows it: a
    compare-and-set, so of two staff (or a citizen and the daily job) acting at once exactly
    one wins; the other gets a TransitionError with the status that won."""
    moved = await session.exec(
        update(Complaint)
        .where(col(Complaint.id) == id_of(complaint), col(Complaint.status).in_(tuple(allowed)))
        .values(status=status, **values)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(complaint)
    if moved.rowcount != 1:
        raise TransitionError(complaint)
    session.add(_event(complaint, status, now, by=by, note=note))
    await session.flush()


async def mark_in_progress(
    session: AsyncSession,
    complaint: Complaint,
    employee_id: int | None,
    now: datetime,
    *,
    tz: ZoneInfo = WIB,
) -> None:
    """DITERIMA or DIBUKA KEMBALI → DIPROSES; a ticket nobody of the unit had been told about
    reaches the unit now, and its 5 working days of follow-up start today."""
    allowed = (ComplaintStatus.RECEIVED, ComplaintStatus.REOPENED)
    reaches: dict[str, Any] = {}
    if complaint.reached_unit_at is None:
        reaches = {
            "reached_unit_at": now,
            "due_date": complaint_due_date(now.astimezone(tz).date()),
        }
    await _transition(
        session, complaint, allowed, ComplaintStatus.IN_PROGRESS, now, by=employee_id, **reaches
    )


async def answer_complaint(
    session: AsyncSession, complaint: Complaint, employee_id: int | None, answer: str, now: datetime
) -> None:
    """An open ticket → DIJAWAB; the answer is also kept in the history."""
    await _transition(
        session,
        complaint,
        OPEN_STATUSES,
        ComplaintStatus.ANSWERED,
        now,
        by=employee_id,
        note=answer,
        answer=answer,
        answered_at=now,
        answered_by_id=employee_id,
    )


async def close_complaint(
    session: AsyncSession,
    complaint: Complaint,
    now: datetime,
    *,
    employee_id: int | None = None,
    note: str | None = None,
) -> None:
    """Any ticket not yet closed → SELESAI."""
    await _transition(
        session,
        complaint,
        NOT_CLOSED,
        ComplaintStatus.CLOSED,
        now,
        by=employee_id,
        note=note,
        closed_at=now,
    )


def may_reopen(complaint: Complaint, today: date, tz: ZoneInfo) -> bool:
    """Whether the citizen may still say "not solved": an answered ticket always, a closed one
    until `reopen_until` its closing day."""
    if complaint.status == ComplaintStatus.ANSWERED:
        return True
    return (
        complaint.status == ComplaintStatus.CLOSED
        and complaint.closed_at is not None
        and today <= reopen_until(complaint.closed_at.astimezone(tz).date())
    )


async def reopen_complaint(
    session: AsyncSession, complaint: Complaint, now: datetime, tz: ZoneInfo, note: str | None
) -> None:
    """DIJAWAB, or SELESAI within its window (`may_reopen`) → DIBUKA KEMBALI (the citizen says
    it is not solved), due in 5 working days."""
    today = now.astimezone(tz).date()
    allowed = (ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED)
    if complaint.status not in allowed or not may_reopen(complaint, today, tz):
        raise TransitionError(complaint)
    await _transition(
        session,
        complaint,
        allowed,
        ComplaintStatus.REOPENED,
        now,
        note=note,
        due_date=complaint_due_date(today),
        escalated_at=None,
        closed_at=None,
    )


async def close_stale_tickets(
    session: AsyncSession, today: date, *, now: datetime, tz: ZoneInfo, note: str | None = None
) -> list[Complaint]:
    """Close answered tickets whose citizen has not replied for 10 working days.

    A ticket answered on day D closes at the end of `auto_close_date(D)`, so it is closed by a
    run on any later day. Idempotent: closed tickets are not touched again.
    """
    statement = select(Complaint).where(Complaint.status == ComplaintStatus.ANSWERED)
    closed: list[Complaint] = []
    for complaint in (await session.exec(statement)).all():
        if complaint.answered_at is None:
            continue
        if auto_close_date(complaint.answered_at.astimezone(tz).date()) < today:
            try:
                await close_complaint(session, complaint, now, note=note)
            except TransitionError:
                continue  # the citizen replied a moment ago
            closed.append(complaint)
    return closed


@dataclass(frozen=True)
class OverdueTicket:
    """An open ticket past its due date, for the escalation job."""

    complaint: Complaint
    service: Service | None  # None: "lainnya"
    unit: Unit
    working_days_late: int
    past_hard_ceiling: bool
    # Still DITERIMA after its verification deadline (it may not be past its due date yet).
    unverified: bool = False

    @property
    def service_label(self) -> str:
        """The service by name, or "lainnya" for a ticket filed without one."""
        return complaint_service_label(self.service.nama if self.service is not None else None)


async def overdue_tickets(
    session: AsyncSession, today: date, *, tz: ZoneInfo = WIB
) -> list[OverdueTicket]:
    """Open tickets (DITERIMA, DIPROSES, DIBUKA KEMBALI) whose due date is before `today`, and
    tickets still DITERIMA after their verification deadline (`unverified`).

    Oldest due date first. `working_days_late` counts working days after the missed deadline
    (the due date, or the verification deadline of an unverified ticket) up to today;
    `past_hard_ceiling` says the 60 calendar days since receipt have passed. Whether a ticket
    was already escalated is in `complaint.escalated_at` (the escalation job sets it).
    """
    statement = (
        select(Complaint, Service, Unit)
        .outerjoin(Service, col(Service.id) == Complaint.service_id)
        .join(Unit, col(Unit.id) == Complaint.unit_id)
        .where(
            or_(
                and_(col(Complaint.status).in_(OPEN_STATUSES), col(Complaint.due_date) < today),
                and_(
                    col(Complaint.status) == ComplaintStatus.RECEIVED,
                    col(Complaint.verify_by).is_not(None),
                    col(Complaint.verify_by) < today,
                ),
            )
        )
        .order_by(col(Complaint.due_date), col(Complaint.id))
    )
    result: list[OverdueTicket] = []
    for complaint, service, unit in (await session.exec(statement)).all():
        received = complaint.created_at.astimezone(tz).date()
        late_for = complaint.due_date
        unverified = (
            complaint.status == ComplaintStatus.RECEIVED
            and complaint.verify_by is not None
            and complaint.verify_by < today
        )
        if unverified and complaint.verify_by is not None and complaint.due_date >= today:
            late_for = complaint.verify_by
        result.append(
            OverdueTicket(
                complaint=complaint,
                service=service,
                unit=unit,
                working_days_late=working_days_between(late_for, today),
                past_hard_ceiling=hard_ceiling_date(received) < today,
                unverified=unverified,
            )
        )
    return result


# --- Who handles which tickets -------------------------------------------------------------


def is_staff(person: Person) -> bool:
    """Complaint handlers, unit heads and admins see the ticket list."""
    return person.is_admin or bool(person.complaint_units or person.head_of_units)


async def handled_unit_ids(session: AsyncSession, person: Person) -> set[int] | None:
    """The units whose tickets this person handles (with sub-units); None means every unit."""
    if person.is_admin:
        return None
    units: set[int] = set()
    for root in person.complaint_units | person.head_of_units:
        units |= await unit_tree_ids(session, root)
    return units


async def may_handle(session: AsyncSession, person: Person, complaint: Complaint) -> bool:
    units = await handled_unit_ids(session, person)
    return units is None or complaint.unit_id in units


async def open_tickets(
    session: AsyncSession, unit_ids: set[int] | None
) -> list[tuple[Complaint, Service | None]]:
    """Tickets not yet closed in these units (None: all), by due date then number; the
    service is None for a ticket filed under "lainnya"."""
    statement = (
        select(Complaint, Service)
        .outerjoin(Service, col(Service.id) == Complaint.service_id)
        .where(col(Complaint.status).in_(NOT_CLOSED))
        .order_by(col(Complaint.due_date), col(Complaint.nomor))
    )
    if unit_ids is not None:
        statement = statement.where(col(Complaint.unit_id).in_(unit_ids))
    return [(c, s) for c, s in (await session.exec(statement)).all()]


async def tickets_of_chat(
    session: AsyncSession, chat_id: int
) -> list[tuple[Complaint, Service | None]]:
    """The tickets a citizen filed with their contact, newest first (service None: "lainnya")."""
    statement = (
        select(Complaint, Service)
        .outerjoin(Service, col(Service.id) == Complaint.service_id)
        .where(Complaint.chat_id == chat_id)
        .order_by(col(Complaint.created_at).desc())
    )
    return [(c, s) for c, s in (await session.exec(statement)).all()]


async def service_of(session: AsyncSession, complaint: Complaint) -> Service | None:
    """The ticket's service; None for a ticket filed under "lainnya" (or a deleted service)."""
    if complaint.service_id is None:
        return None
    return await session.get(Service, complaint.service_id)


async def history(session: AsyncSession, complaint_id: int) -> list[ComplaintEvent]:
    statement = (
        select(ComplaintEvent)
        .where(ComplaintEvent.complaint_id == complaint_id)
        .order_by(col(ComplaintEvent.at), col(ComplaintEvent.id))
    )
    return list((await session.exec(statement)).all())


async def first_note(session: AsyncSession, complaint_id: int) -> str | None:
    """The note filed with the ticket (e.g. which unsur the citizen rated lowest)."""
    events = await history(session, complaint_id)
    return events[0].note if events and events[0].status == ComplaintStatus.RECEIVED else None


async def unit_contacts(session: AsyncSession, unit_id: int) -> list[int]:
    """Telegram ids to tell about a ticket: the unit's complaint handlers, else its heads;
    a unit with neither (linked) hands over to its parent unit, and so on up the tree."""
    current: int | None = unit_id
    seen: set[int] = set()
    while current is not None and current not in seen:
        seen.add(current)
        for role in (UnitRoleKind.COMPLAINT_HANDLER, UnitRoleKind.HEAD):
            statement = (
                select(Employee.telegram_id)
                .join(UnitRole, col(UnitRole.employee_id) == Employee.id)
                .where(UnitRole.unit_id == current, UnitRole.role == role, Employee.active)
                .where(col(Employee.telegram_id).is_not(None))
                .order_by(col(Employee.id))
            )
            ids = [int(i) for i in (await session.exec(statement)).all() if i is not None]
            if ids:
                return ids
        unit = await session.get(Unit, current)
        current = unit.parent_id if unit is not None else None
    return []


def working_days_left(due: date, today: date) -> int:
    """Positive: working days left; 0: due today; negative: working days overdue."""
    return working_days_between(today, due)
