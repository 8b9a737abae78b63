"""The quarterly needs analysis: on the first working day of a quarter, every unit head gets
the ranked needs of their unit tree for the quarter that ended, and every admin the city's —
one message that fits a phone screen (as `/analisis` shows it, with its buttons) and the full
list as an .xlsx document, delivered together once per recipient and quarter."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from kinerja_bot.analysis.delivery import NeedsDelivery, prepare_needs_delivery
from kinerja_bot.analysis.sources import previous_quarter
from kinerja_bot.core.models import Employee, UnitRole, UnitRoleKind
from kinerja_bot.core.outbox import DeliveryReport, JobServices, Outgoing, deliver_all

ANALYSIS_JOB = "analisis"


def outgoing(chat_id: int, delivery: NeedsDelivery) -> Outgoing:
    return Outgoing(chat_id, [delivery.summary], delivery.markup, document=delivery.sheet)


async def run_needs_analysis(
    services: JobServices, now: datetime, *, force: bool = False
) -> DeliveryReport:
    """Send each unit head their tree's needs and each admin the city's, once per quarter."""
    quarter = previous_quarter(now, services)
    today = now.astimezone(services.settings.tz).date()
    messages: list[Outgoing] = []
    async with services.database.session() as session:
        heads = (
            await session.exec(
                select(Employee.telegram_id, UnitRole.unit_id)
                .join(UnitRole, col(UnitRole.employee_id) == col(Employee.id))
                .where(UnitRole.role == UnitRoleKind.HEAD, col(Employee.telegram_id).is_not(None))
            )
        ).all()
        units_of: dict[int, list[int]] = {}
        for chat_id, unit_id in heads:
            if chat_id is not None:
                units_of.setdefault(chat_id, []).append(unit_id)
        for chat_id, unit_ids in sorted(units_of.items()):
            delivery = await prepare_needs_delivery(
                session, quarter, today=today, unit_ids=unit_ids
            )
            messages.append(outgoing(chat_id, delivery))
        if services.settings.admin_telegram_ids:
            city = await prepare_needs_delivery(session, quarter, today=today)
            messages += [outgoing(admin, city) for admin in services.settings.admin_telegram_ids]
    return await deliver_all(
        services.bot,
        services.database,
        ANALYSIS_JOB,
        quarter.label,
        messages,
        force=force,
        pacer=services.pacer,
    )
