"""Competency development's scheduled messages, all through the exactly-once outbox:

- `pelatihan-mulai` (working days): participants of an approved course are reminded on the
  working day before it starts; one message a day per person (period: the day).
- `pelatihan-menunggu` (working days): the atasan is reminded, once per enrolment, of an
  enrolment that has waited two working days for a decision, with the decision buttons.
- `pengembangan-jp` (first working day of each month, from July): people under 20 JP get a
  nudge with the offers that match what they asked for (period: the month).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from kinerja_bot.core.jobs import ScheduledJob
from kinerja_bot.core.models import Employee, TrainingOffer, id_of
from kinerja_bot.core.outbox import DeliveryReport, JobServices, Outgoing, deliver_all
from kinerja_bot.core.rules.periods import PeriodKind, current_period, format_date_id
from kinerja_bot.core.rules.workdays import is_working_day
from kinerja_bot.core.telegram_ui import keyboard
from kinerja_bot.core.texts import Markup
from kinerja_bot.core.timetable import Rule, daily
from kinerja_bot.development.handlers import decision_buttons
from kinerja_bot.development.rules import format_jp, jp_bar, nudge_season
from kinerja_bot.development.service import (
    courses_starting_soon,
    matching_offers,
    requests_by_person,
    under_target,
    upcoming_offers,
    waiting_too_long,
)
from kinerja_bot.development.texts import TEXTS

START_JOB = "pelatihan-mulai"
WAITING_JOB = "pelatihan-menunggu"
NUDGE_JOB = "pengembangan-jp"
OFFERS_IN_NUDGE = 3


def course_line(offer: TrainingOffer) -> str:
    return TEXTS.get(
        "baris_mulai",
        nama=offer.nama,
        penyelenggara=offer.penyelenggara,
        mulai=format_date_id(offer.mulai, with_weekday=True),
        selesai=format_date_id(offer.selesai),
        tautan=TEXTS.get("tautan", tautan=offer.tautan) if offer.tautan else "",
    )


async def run_course_reminders(
    services: JobServices, now: datetime, *, force: bool = False
) -> DeliveryReport:
    today = now.astimezone(services.settings.tz).date()
    if not is_working_day(today):
        return DeliveryReport()
    async with services.database.session() as session:
        starting = await courses_starting_soon(session, today)
    courses: dict[int, list[TrainingOffer]] = defaultdict(list)
    people: dict[int, Employee] = {}
    for employee, offer in starting:
        courses[id_of(employee)].append(offer)
        people[id_of(employee)] = employee
    messages = []
    for employee_id, offers in courses.items():
        chat = people[employee_id].telegram_id
        assert chat is not None
        lines = Markup("\n".join(course_line(offer) for offer in offers))
        messages.append(Outgoing(chat, [TEXTS.get("pengingat_mulai", daftar=lines)]))
    return await deliver_all(
        services.bot,
        services.database,
        START_JOB,
        today.isoformat(),
        messages,
        force=force,
        pacer=services.pacer,
    )


async def run_waiting_reminders(
    services: JobServices, now: datetime, *, force: bool = False
) -> DeliveryReport:
    today = now.astimezone(services.settings.tz).date()
    report = DeliveryReport()
    if not is_working_day(today):
        return report
    async with services.database.session() as session:
        waiting = await waiting_too_long(session, today)
    for item in waiting:
        assert item.atasan.telegram_id is not None
        submitted = item.enrolment.submitted_at or item.enrolment.requested_at
        text = TEXTS.get(
            "pengingat_atasan",
            tanggal=format_date_id(submitted.astimezone(services.settings.tz).date()),
            nama=item.owner.nama,
            jabatan=item.owner.jabatan,
            pelatihan=item.offer.nama,
            penyelenggara=item.offer.penyelenggara,
            jp=format_jp(item.offer.jp),
            mulai=format_date_id(item.offer.mulai),
        )
        message = Outgoing(item.atasan.telegram_id, [text], decision_buttons(id_of(item.enrolment)))
        report.add(
            await deliver_all(
                services.bot,
                services.database,
                WAITING_JOB,
                f"pendaftaran-{item.enrolment.id}",
                [message],
                force=force,
                pacer=services.pacer,
            )
        )
    return report


async def run_jp_nudge(
    services: JobServices, now: datetime, *, force: bool = False
) -> DeliveryReport:
    today = now.astimezone(services.settings.tz).date()
    if not nudge_season(today):
        return DeliveryReport()
    async with services.database.session() as session:
        behind = await under_target(session, today.year)
        requests = await requests_by_person(session, [id_of(e) for e, _ in behind], today.year)
        offers = await upcoming_offers(session, today)
    button = keyboard([[(TEXTS.get("tombol_buka"), "pkb:buka")]])
    messages = []
    for employee, total in behind:
        assert employee.telegram_id is not None
        matches = matching_offers(requests.get(id_of(employee), []), offers)[:OFFERS_IN_NUDGE]
        cocok = (
            TEXTS.get("dorongan_cocok", daftar=", ".join(m.offer.nama for m in matches))
            if matches
            else TEXTS.get("dorongan_katalog")
        )
        text = TEXTS.get("dorongan_jp", tahun=today.year, bar=jp_bar(total), cocok=cocok)
        messages.append(Outgoing(employee.telegram_id, [text], button))
    return await deliver_all(
        services.bot,
        services.database,
        NUDGE_JOB,
        current_period(PeriodKind.MONTH, today).label,
        messages,
        force=force,
        pacer=services.pacer,
    )


JOBS = (
    ScheduledJob(
        START_JOB,
        lambda s: daily(s.schedule_development, Rule.WORKING_DAYS),
        PeriodKind.WEEK,
        run_course_reminders,
    ),
    ScheduledJob(
        WAITING_JOB,
        lambda s: daily(s.schedule_development, Rule.WORKING_DAYS),
        PeriodKind.WEEK,
        run_waiting_reminders,
    ),
    ScheduledJob(
        NUDGE_JOB,
        lambda s: daily(s.schedule_development, Rule.FIRST_WORKING_DAY_OF_MONTH),
        PeriodKind.MONTH,
        run_jp_nudge,
    ),
)
