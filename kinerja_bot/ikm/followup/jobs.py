"""The weekly RTL reminder: each unit head hears of the actions of the units they lead (with
sub-units) that are late or due within a week; once per head per week (`pengingat-rtl`)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from kinerja_bot.core.jobs import ScheduledJob
from kinerja_bot.core.models import Employee, UnitRole, UnitRoleKind
from kinerja_bot.core.organisation import unit_tree_ids
from kinerja_bot.core.outbox import DeliveryReport, JobServices, Outgoing, deliver_all
from kinerja_bot.core.rules.periods import PeriodKind, current_period
from kinerja_bot.core.texts import TextBook
from kinerja_bot.ikm.followup.handlers import line_of
from kinerja_bot.ikm.followup.service import due_soon

REMINDER_JOB = "pengingat-rtl"
DAYS_AHEAD = 7
TEXTS = TextBook("pengingat_rtl", {"judul": ("hari",), "penutup": ()})


async def run_rtl_reminders(
    services: JobServices, now: datetime, *, force: bool = False
) -> DeliveryReport:
    today = now.astimezone(services.settings.tz).date()
    week = current_period(PeriodKind.WEEK, today)
    messages: list[Outgoing] = []
    async with services.database.session() as session:
        actions = await due_soon(session, today, DAYS_AHEAD)
        heads = (
            await session.exec(
                select(UnitRole.unit_id, Employee.telegram_id)
                .join(Employee, col(Employee.id) == col(UnitRole.employee_id))
                .where(
                    UnitRole.role == UnitRoleKind.HEAD,
                    col(Employee.telegram_id).is_not(None),
                    Employee.active,
                )
            )
        ).all()
        led: dict[int, set[int]] = {}
        for unit_id, chat in heads:
            if chat is not None:
                led.setdefault(int(chat), set()).update(await unit_tree_ids(session, unit_id))
    for chat, units in sorted(led.items()):
        mine = [action for action in actions if action.unit_id in units]
        if mine:
            lines = [TEXTS.get("judul", hari=DAYS_AHEAD)]
            lines += [line_of(action, today) for action in mine]
            lines.append(TEXTS.get("penutup"))
            messages.append(Outgoing(chat, ["\n\n".join(lines)]))
    return await deliver_all(
        services.bot,
        services.database,
        REMINDER_JOB,
        week.label,
        messages,
        force=force,
        pacer=services.pacer,
    )


JOBS = (
    ScheduledJob(
        REMINDER_JOB, lambda s: s.schedule_rtl_reminders, PeriodKind.WEEK, run_rtl_reminders
    ),
)
