"""The scheduled reminder runs and the delivery of snoozed reminders."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from telegram import InlineKeyboardMarkup

from kinerja_bot.core.jobs import ScheduledJob
from kinerja_bot.core.models import DeliveryStatus, Employee, id_of
from kinerja_bot.core.outbox import (
    DeliveryReport,
    JobServices,
    Outgoing,
    deliver_all,
    deliver_one,
    record,
)
from kinerja_bot.core.rules.periods import PeriodKind, current_period, format_date_id
from kinerja_bot.core.rules.workdays import is_working_day
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.telegram_ui import keyboard
from kinerja_bot.core.texts import TextBook
from kinerja_bot.core.timetable import Schedule, last_run, slot_number
from kinerja_bot.reminders.service import (
    REMINDER_JOB,
    SNOOZE_JOB,
    employees_by_chat,
    reminder_recipients,
    reported_this_week,
    snoozes_due,
)

TEXTS = TextBook(
    "pengingat",
    {
        "pengingat": ("nama", "minggu"),
        "tombol_lapor": (),
        "tombol_tunda": ("menit",),
        "peringatan_ditunda": ("menit",),
        "peringatan_sudah_melapor": (),
        "bukan_pegawai": (),
    },
)


def reminder_buttons(minutes: int) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [(TEXTS.get("tombol_lapor"), "lapor:mulai")],
            [(TEXTS.get("tombol_tunda", menit=minutes), "ingat:tunda")],
        ]
    )


def reminder_for(employee: Employee, week_title: str, minutes: int) -> Outgoing:
    assert employee.telegram_id is not None
    return Outgoing(
        employee.telegram_id,
        [TEXTS.get("pengingat", nama=employee.nama, minggu=week_title)],
        reminder_buttons(minutes),
    )


def week_title(first: date, last: date) -> str:
    return f"{format_date_id(first)} – {format_date_id(last)}"


def reminder_schedule(settings: Settings) -> Schedule:
    """Reminders go out on working days only, whatever weekday slots are set."""
    return replace(settings.schedule_reminders, working_days_only=True)


async def run_reminders(
    services: JobServices, now: datetime, *, force: bool = False
) -> DeliveryReport:
    """Remind everyone who should be reminded in this week's current slot."""
    tz = services.settings.tz
    today = now.astimezone(tz).date()
    if not is_working_day(today):
        return DeliveryReport()
    week = current_period(PeriodKind.WEEK, today)
    schedule = reminder_schedule(services.settings)
    occurrence = last_run(schedule, now, tz)
    slot = (
        slot_number(schedule, occurrence, tz)
        if occurrence is not None and occurrence.astimezone(tz).date() >= week.start
        else 1
    )
    period = f"{week.label}#{slot}"
    async with services.database.session() as session:
        recipients = await reminder_recipients(session, today, week.label, period)
    title = week_title(week.start, week.end)
    messages = [reminder_for(e, title, services.settings.snooze_minutes) for e in recipients]
    return await deliver_all(
        services.bot,
        services.database,
        REMINDER_JOB,
        period,
        messages,
        force=force,
        pacer=services.pacer,
    )


async def run_due_snoozes(services: JobServices, now: datetime) -> DeliveryReport:
    """Send the snoozed reminders whose hour has come, unless the ASN has reported since."""
    tz = services.settings.tz
    today = now.astimezone(tz).date()
    week = current_period(PeriodKind.WEEK, today)
    report = DeliveryReport()
    async with services.database.session() as session:
        due = await snoozes_due(session, now)
        people = await employees_by_chat(session, [row.chat_id for row in due])
        reported = await reported_this_week(session, [id_of(e) for e in people.values()], today)
    for row in due:
        employee = people.get(row.chat_id)
        if employee is None or employee.id in reported:
            await record(services.database, row, DeliveryStatus.SKIPPED, 0)
            report.skipped += 1
            continue
        outgoing = reminder_for(
            employee, week_title(week.start, week.end), services.settings.snooze_minutes
        )
        report.add(
            await deliver_one(
                services.bot, services.database, services.pacer, SNOOZE_JOB, row.period, outgoing
            )
        )
    return report


JOBS = (ScheduledJob("pengingat", reminder_schedule, PeriodKind.WEEK, run_reminders),)
