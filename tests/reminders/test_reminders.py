"""Reminders: only linked ASN without a report this week, never on weekends, holidays or
leave (of any kind), at most two a week; snoozing; and catching up after downtime."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Delivery, DeliveryStatus, Employee, Leave, LeaveKind
from kinerja_bot.core.outbox import CLAIM_LEASE, JobServices, deliver_all
from kinerja_bot.core.rules.periods import WIB
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.timetable import parse_weekly
from kinerja_bot.reminders.jobs import TEXTS, reminder_for, run_due_snoozes, run_reminders
from kinerja_bot.reminders.service import SNOOZE_JOB
from kinerja_bot.scheduling.registry import JOBS_BY_NAME, catch_up, missed_and_current
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from tests.conftest import FakeClock, RunningBot, job_services
from tests.factories import add_employee, add_indicator, add_report, add_unit

THURSDAY_9 = datetime(2026, 12, 3, 9, 0, tzinfo=WIB)
FRIDAY_14 = datetime(2026, 12, 4, 14, 0, tzinfo=WIB)
SITI, BUDI, RINA, DEDI = 9100001, 9100002, 9100003, 9100004


@dataclass
class Staff:
    siti: Employee
    budi: Employee
    rina: Employee
    dedi: Employee
    unlinked: Employee


@pytest.fixture
async def staff(database: Database, api: FakeBotAPI) -> Staff:
    unit = await add_unit(database, "DISDUKCAPIL")
    people = []
    for name, chat in (
        ("Siti", SITI),
        ("Budi", BUDI),
        ("Rina", RINA),
        ("Dedi", DEDI),
        ("Tanpa Akun", None),
    ):
        person = await add_employee(database, unit, nama=name, telegram_id=chat)
        await add_indicator(database, person, tahun=2026, kode=f"IKI-{name}")
        if chat:
            api.user(chat, name)
        people.append(person)
    return Staff(*people)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def test_only_those_who_should_be_reminded_are(
    settings: Settings, database: Database, api: FakeBotAPI, staff: Staff, clock: FakeClock
) -> None:
    indicator = await add_indicator(database, staff.budi, tahun=2026, kode="IKI-BUDI-2")
    await add_report(database, indicator, 10, at=THURSDAY_9 - timedelta(days=2))  # Tuesday
    async with database.session() as session:
        session.add(
            Leave(  # any kind of leave, here dinas luar, means no reminders
                employee_id=staff.rina.id,
                first_day=date(2026, 12, 1),
                last_day=date(2026, 12, 5),
                kind=LeaveKind.OFFICIAL_TRAVEL,
            )
        )
    async with job_services(settings, database, api, clock) as services:
        report = await run_reminders(services, THURSDAY_9.astimezone(UTC))
    assert report.sent == 2  # Siti and Dedi: Budi reported, Rina is on leave, one is unlinked
    (message,) = api.sent_to(SITI)
    assert message.plain_text.startswith("🔔 Halo, Siti.")
    assert message.button_labels == [TEXTS.get("tombol_lapor"), TEXTS.get("tombol_tunda", menit=60)]
    assert api.sent_to(BUDI) == [] and api.sent_to(RINA) == []


async def test_no_reminders_on_weekends_or_holidays(
    settings: Settings, database: Database, api: FakeBotAPI, staff: Staff, clock: FakeClock
) -> None:
    saturday = datetime(2026, 12, 5, 9, tzinfo=WIB)
    christmas_eve = datetime(2026, 12, 24, 9, tzinfo=WIB)  # cuti bersama, a Thursday
    async with job_services(settings, database, api, clock) as services:
        for moment in (saturday, christmas_eve):
            assert (await run_reminders(services, moment)).sent == 0
    assert api.sent_to(SITI) == []


async def test_at_most_two_a_week_and_reruns_send_nothing(
    settings: Settings, database: Database, api: FakeBotAPI, staff: Staff, clock: FakeClock
) -> None:
    three_slots = settings.model_copy(
        update={"schedule_reminders": parse_weekly("rabu 09:00, kamis 09:00, jumat 14:00")}
    )
    wednesday_9 = datetime(2026, 12, 2, 9, tzinfo=WIB)
    async with job_services(three_slots, database, api, clock) as services:
        first = await run_reminders(services, wednesday_9)
        rerun = await run_reminders(services, wednesday_9 + timedelta(hours=1))
        second = await run_reminders(services, THURSDAY_9)
        third = await run_reminders(services, FRIDAY_14)
    assert first.sent == 4 and rerun.sent == 0 and rerun.skipped == 4
    assert second.sent == 4
    assert third.sent == 0
    assert len(api.sent_to(SITI)) == 2


async def test_catch_up_after_downtime_runs_once(
    settings: Settings, database: Database, api: FakeBotAPI, staff: Staff, clock: FakeClock
) -> None:
    friday_10 = datetime(2026, 12, 4, 10, tzinfo=WIB)  # down since Wednesday
    assert missed_and_current(JOBS_BY_NAME["pengingat"], settings, friday_10)
    assert not missed_and_current(JOBS_BY_NAME["ringkasan"], settings, friday_10)
    async with job_services(settings, database, api, clock) as services:
        ran = await catch_up(services, friday_10)
        again = await catch_up(services, friday_10 + timedelta(minutes=5))  # a second restart
    assert "pengingat" in ran and "ringkasan" not in ran
    assert again == ran
    # Caught up once, never twice (other jobs caught up too, e.g. the monthly JP nudge).
    reminders = [m for m in api.sent_to(SITI) if m.plain_text.startswith("🔔")]
    assert len(reminders) == 1


async def snooze_a_reminder(
    api: FakeBotAPI, services: JobServices, employee: Employee
) -> dict[str, Any]:
    """Send the employee a reminder, press its snooze button, return the pop-up answer."""
    assert employee.telegram_id is not None
    reminder = reminder_for(employee, "minggu ini", 60)
    await deliver_all(
        services.bot, services.database, "pengingat", "uji", [reminder], pacer=services.pacer
    )
    (sent,) = api.sent_to(employee.telegram_id)
    label = TEXTS.get("tombol_tunda", menit=60)
    query = api.press_button(employee.telegram_id, sent, label=label)
    answer: dict[str, Any] = await api.wait_until(lambda: api.callback_answer(query["id"]))
    return answer


async def test_snooze_brings_the_reminder_back_once(
    settings: Settings,
    database: Database,
    api: FakeBotAPI,
    bot: RunningBot,
    staff: Staff,
    clock: FakeClock,
) -> None:
    now = datetime.now(UTC)
    async with job_services(settings, database, api, clock) as services:
        answer = await snooze_a_reminder(api, services, staff.siti)
        assert answer["text"] == TEXTS.get("peringatan_ditunda", menit=60)
        early = await run_due_snoozes(services, now + timedelta(minutes=30))
        due = await run_due_snoozes(services, now + timedelta(minutes=61))
        later = await run_due_snoozes(services, now + timedelta(minutes=90))
    assert early.sent == 0 and due.sent == 1 and later.sent == 0
    assert len(api.sent_to(SITI)) == 2


async def test_a_snooze_is_dropped_when_the_asn_reports_meanwhile(
    settings: Settings,
    database: Database,
    api: FakeBotAPI,
    bot: RunningBot,
    staff: Staff,
    clock: FakeClock,
) -> None:
    now = datetime.now(UTC)
    async with job_services(settings, database, api, clock) as services:
        await snooze_a_reminder(api, services, staff.dedi)
        ind = await add_indicator(database, staff.dedi, kode="IKI-DEDI-2")
        await add_report(database, ind, 5, at=now)
        due = await run_due_snoozes(services, now + timedelta(minutes=61))
    assert due.sent == 0 and due.skipped == 1
    async with database.session() as session:
        row = (await session.exec(select(Delivery).where(Delivery.job == "pengingat-tunda"))).one()
    assert row.status == DeliveryStatus.SKIPPED


async def test_a_snooze_left_mid_send_by_a_crash_is_sent_by_the_next_check(
    settings: Settings,
    database: Database,
    api: FakeBotAPI,
    bot: RunningBot,
    staff: Staff,
    clock: FakeClock,
) -> None:
    now = datetime.now(UTC)
    async with job_services(settings, database, api, clock) as services:
        await snooze_a_reminder(api, services, staff.siti)
        async with database.session() as session:  # the sender died while sending it
            row = (await session.exec(select(Delivery).where(Delivery.job == SNOOZE_JOB))).one()
            row.status, row.claimed_at = (
                DeliveryStatus.SENDING,
                now - CLAIM_LEASE - timedelta(seconds=1),
            )
            session.add(row)
        due = await run_due_snoozes(services, now + timedelta(minutes=61))
        again = await run_due_snoozes(services, now + timedelta(minutes=62))
    assert due.sent == 1 and again.sent == 0
    assert len(api.sent_to(SITI)) == 2  # the reminder, then the snoozed one once
