"""Escalation of complaints past their due date (Perpres 76/2013: follow-up within 5 working
days) or still unverified after 3 working days (SP4N-LAPOR!): once per ticket, to the atasan
of the unit's head and to the admins."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.complaints.service import OverdueTicket, overdue_tickets
from kinerja_bot.core.models import Complaint, Employee, Unit, UnitRole, UnitRoleKind, utcnow
from kinerja_bot.core.outbox import DeliveryReport, JobServices, Outgoing, deliver_all
from kinerja_bot.core.rules.periods import format_date_id
from kinerja_bot.core.texts import Markup, TextBook

TEXTS = TextBook(
    "eskalasi",
    {
        "eskalasi": ("nomor", "layanan", "unit", "status", "jatuh_tempo", "hari", "batas"),
        "lewat_60_hari": (),
        "belum_diverifikasi": ("batas_verifikasi",),
    },
)

ESCALATION_JOB = "eskalasi"


async def escalation_chats(session: AsyncSession, unit: Unit) -> list[int]:
    """Telegram ids of the atasan of this unit's head — walking up to the nearest unit that has
    a head on record."""
    current: Unit | None = unit
    while current is not None:
        heads = (
            await session.exec(
                select(Employee)
                .join(UnitRole, col(UnitRole.employee_id) == col(Employee.id))
                .where(UnitRole.unit_id == current.id, UnitRole.role == UnitRoleKind.HEAD)
            )
        ).all()
        if heads:
            bosses = [await session.get(Employee, h.atasan_id) for h in heads if h.atasan_id]
            return [b.telegram_id for b in bosses if b is not None and b.telegram_id is not None]
        current = await session.get(Unit, current.parent_id) if current.parent_id else None
    return []


def escalation_text(ticket: OverdueTicket) -> str:
    notes = []
    if ticket.unverified and ticket.complaint.verify_by is not None:
        verify_by = format_date_id(ticket.complaint.verify_by)
        notes.append(TEXTS.get("belum_diverifikasi", batas_verifikasi=verify_by))
    if ticket.past_hard_ceiling:
        notes.append(TEXTS.get("lewat_60_hari"))
    return TEXTS.get(
        "eskalasi",
        nomor=ticket.complaint.nomor,
        layanan=ticket.service_label,
        unit=ticket.unit.nama,
        status=ticket.complaint.status,
        jatuh_tempo=format_date_id(ticket.complaint.due_date),
        hari=ticket.working_days_late,
        batas=Markup("".join(notes)),
    )


async def run_escalation(
    services: JobServices, now: datetime, *, force: bool = False
) -> DeliveryReport:
    """Escalate every overdue ticket not escalated yet (or all overdue ones with `force`)."""
    today = now.astimezone(services.settings.tz).date()
    report = DeliveryReport()
    async with services.database.session() as session:
        tickets = [
            t
            for t in await overdue_tickets(session, today)
            if force or t.complaint.escalated_at is None
        ]
        recipients = {t.complaint.nomor: await escalation_chats(session, t.unit) for t in tickets}
    for ticket in tickets:
        chats = {*recipients[ticket.complaint.nomor], *services.settings.admin_telegram_ids}
        messages = [Outgoing(chat, [escalation_text(ticket)]) for chat in sorted(chats)]
        report.add(
            await deliver_all(
                services.bot,
                services.database,
                ESCALATION_JOB,
                ticket.complaint.nomor,
                messages,
                force=force,
                pacer=services.pacer,
            )
        )
        async with services.database.session() as session:
            stored = await session.get(Complaint, ticket.complaint.id)
            if stored is not None and stored.escalated_at is None:
                stored.escalated_at = utcnow()
                session.add(stored)
    return report
