"""The scheduled development messages, through the exactly-once outbox on a controlled clock:
the course-start reminder, the atasan's reminder of a waiting enrolment, the monthly JP nudge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pytest
from sqlmodel import select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    Employee,
    Enrolment,
    EnrolmentStatus,
    LearningRecord,
    LearningStatus,
    TrainingOffer,
    id_of,
)
from kinerja_bot.core.rules.periods import WIB
from kinerja_bot.core.settings import Settings
from kinerja_bot.development.jobs import (
    run_course_reminders,
    run_jp_nudge,
    run_waiting_reminders,
)
from kinerja_bot.development.texts import TEXTS
from kinerja_bot.scheduling.registry import JOBS_BY_NAME
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from tests.conftest import FakeClock, job_services
from tests.factories import add_employee, add_indicator, add_report, add_unit

ATASAN, SITI, BUDI, RINA = 8400001, 8400002, 8400003, 8400004
COURSE_MONDAY = date(2026, 12, 7)


@dataclass
class World:
    atasan: Employee
    siti: Employee
    budi: Employee
    rina: Employee
    course: TrainingOffer


@pytest.fixture
async def world(database: Database, api: FakeBotAPI) -> World:
    for user in (ATASAN, SITI, BUDI, RINA):
        api.user(user)
    unit = await add_unit(database, "BAPPEDA", "Badan Perencanaan Pembangunan Daerah")
    atasan = await add_employee(database, unit, nama="Hendra Gunawan", telegram_id=ATASAN)
    siti = await add_employee(
        database, unit, nama="Siti Rahmawati", atasan=atasan, telegram_id=SITI
    )
    budi = await add_employee(database, unit, nama="Budi Santoso", atasan=atasan, telegram_id=BUDI)
    rina = await add_employee(database, unit, nama="Rina Marlina", atasan=atasan, telegram_id=RINA)
    async with database.session() as session:
        course = TrainingOffer(
            kode="PLT-01",
            nama="Analisis Data dengan Excel",
            penyelenggara="BPSDM Provinsi Banten",
            jenis="klasikal",
            bentuk="pelatihan",
            jp=24,
            kompetensi="teknis",
            kata_kunci="excel;analisis data",
            mulai=COURSE_MONDAY,
            selesai=date(2026, 12, 9),
            kuota=30,
        )
        session.add(course)
        await session.flush()
        session.add_all(
            [
                Enrolment(
                    offer_id=id_of(course),
                    employee_id=id_of(siti),
                    status=EnrolmentStatus.APPROVED,
                ),
                Enrolment(
                    offer_id=id_of(course),
                    employee_id=id_of(budi),
                    status=EnrolmentStatus.PENDING,
                    requested_at=datetime(2026, 12, 1, 10, tzinfo=WIB),
                    submitted_at=datetime(2026, 12, 1, 10, tzinfo=WIB),
                ),
            ]
        )
    return World(atasan, siti, budi, rina, course)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def at(day: date, hour: int = 8) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=WIB)


async def test_course_reminder_on_the_working_day_before_once(
    settings: Settings, database: Database, api: FakeBotAPI, world: World, clock: FakeClock
) -> None:
    async with job_services(settings, database, api, clock) as services:
        thursday = await run_course_reminders(services, at(date(2026, 12, 3)))
        friday = await run_course_reminders(services, at(date(2026, 12, 4)))
        again = await run_course_reminders(services, at(date(2026, 12, 4), 9))
    assert (thursday.sent, friday.sent, again.sent, again.skipped) == (0, 1, 0, 1)
    (message,) = api.sent_to(SITI)
    assert message.plain_text == (
        "📅 Besok atau pada hari kerja berikutnya dimulai:\n"
        "• Analisis Data dengan Excel — BPSDM Provinsi Banten, Senin, 7 Desember 2026 s.d. "
        "9 Desember 2026\n"
        "Setelah selesai, catat dengan sertifikatnya di /pengembangan."
    )
    assert api.sent_to(BUDI) == []  # not approved


async def test_the_atasan_is_reminded_of_a_waiting_enrolment_once(
    settings: Settings, database: Database, api: FakeBotAPI, world: World, clock: FakeClock
) -> None:
    async with job_services(settings, database, api, clock) as services:
        wednesday = await run_waiting_reminders(services, at(date(2026, 12, 2)))
        thursday = await run_waiting_reminders(services, at(date(2026, 12, 3)))
        friday = await run_waiting_reminders(services, at(date(2026, 12, 4)))
    assert (wednesday.sent, thursday.sent, friday.sent) == (0, 1, 0)
    (message,) = api.sent_to(ATASAN)
    assert message.plain_text.startswith(
        "⏳ Permohonan pelatihan menunggu keputusan Anda sejak 1 Desember 2026\n"
        "Budi Santoso (Analis Kependudukan) mendaftar Analisis Data dengan Excel"
    )
    async with database.session() as session:
        query = select(Enrolment).where(Enrolment.employee_id == world.budi.id)
        budi_enrolment = (await session.exec(query)).one()
    assert budi_enrolment is not None
    assert message.callback_data == [
        f"pkb:ok:{budi_enrolment.id}",
        f"pkb:tolak:{budi_enrolment.id}",
    ]


async def test_monthly_nudge_from_july_to_people_under_20_jp(
    settings: Settings, database: Database, api: FakeBotAPI, world: World, clock: FakeClock
) -> None:
    siti_iki = await add_indicator(database, world.siti, nama="Kajian disusun", tahun=2026)
    await add_report(
        database,
        siti_iki,
        1,
        at=at(date(2026, 6, 10)),
        dukungan=("pelatihan", "Pelatihan Excel untuk analisis data"),
    )
    async with database.session() as session:
        for employee, jp in ((world.budi, 20.0), (world.rina, 12.0), (world.atasan, 32.0)):
            session.add(
                LearningRecord(
                    employee_id=id_of(employee),
                    nama="E-learning",
                    jenis="nonklasikal",
                    jp=jp,
                    minutes=int(jp * 45),
                    completed_on=date(2026, 3, 2),
                    certificate_file_id="x",
                    certificate_kind="photo",
                    status=LearningStatus.VERIFIED,
                )
            )
        session.add(  # pending learning does not count yet
            LearningRecord(
                employee_id=id_of(world.rina),
                nama="Webinar",
                jenis="nonklasikal",
                jp=10,
                minutes=450,
                completed_on=date(2026, 4, 2),
                certificate_file_id="y",
                certificate_kind="photo",
                status=LearningStatus.PENDING,
            )
        )
    async with job_services(settings, database, api, clock) as services:
        june = await run_jp_nudge(services, at(date(2026, 6, 2)))
        july = await run_jp_nudge(services, at(date(2026, 7, 1)))
        rerun = await run_jp_nudge(services, at(date(2026, 7, 1), 10))
    assert (june.sent, july.sent, rerun.sent) == (0, 2, 0)
    (siti,) = api.sent_to(SITI)
    assert siti.plain_text == (
        "📚 Pengembangan kompetensi 2026\n"
        "JP Anda tahun ini: ▱▱▱▱▱▱▱▱▱▱ 0/20 JP\n"
        "Setiap PNS berhak atas minimal 20 JP setahun. Pelatihan yang cocok dengan kebutuhan "
        "Anda: Analisis Data dengan Excel."
    )
    assert siti.button_labels == [TEXTS.get("tombol_buka")]
    (rina,) = api.sent_to(RINA)
    assert "▰▰▰▰▰▰▱▱▱▱ 12/20 JP" in rina.plain_text
    assert TEXTS.get("dorongan_katalog") in rina.plain_text
    assert api.sent_to(BUDI) == [] and api.sent_to(ATASAN) == []


def test_the_jobs_are_in_the_timetable() -> None:
    assert {"pelatihan-mulai", "pelatihan-menunggu", "pengembangan-jp"} <= set(JOBS_BY_NAME)
