"""The weekly summary for a realistic team, the escalation of late tickets and the IKM digest,
delivered through the fake Bot API on a controlled clock."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import col, select

from kinerja_bot.analysis import browse
from kinerja_bot.analysis.needs import build_needs_report, build_needs_report_for_units
from kinerja_bot.analysis.quarterly import run_needs_analysis
from kinerja_bot.analysis.render import TEXTS as ANALYSIS_TEXTS
from kinerja_bot.complaints.escalation import run_escalation
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    Complaint,
    Employee,
    FollowUpStatus,
    ProgressReport,
    Service,
    Unit,
    UnitRole,
    id_of,
)
from kinerja_bot.core.rules.periods import WIB, parse_period
from kinerja_bot.core.settings import Settings
from kinerja_bot.demo import DEMO_ACCOUNTS, load_demo
from kinerja_bot.exports.datasets import needs_table
from kinerja_bot.ikm.digest import TEXTS as DIGEST_TEXTS
from kinerja_bot.ikm.digest import run_ikm_digest
from kinerja_bot.ikm.followup.service import add_action, set_status
from kinerja_bot.summaries.weekly import TEXTS, build_summary, render, run_weekly_summary
from kinerja_bot.testing.fake_bot_api import FakeBotAPI
from tests.analysis.factories import add_response, scores
from tests.conftest import FakeClock, job_services
from tests.factories import add_employee, add_indicator, add_report, add_unit

FRIDAY_16 = datetime(2026, 12, 4, 16, tzinfo=WIB)
TODAY = FRIDAY_16.date()
ATASAN, SITI, BUDI, RINA, KEPALA, ADMIN = 6200001, 6200002, 6200003, 6200004, 6200005, 900001
HEAD_OF_DISDUKCAPIL = 100002  # in the demo


@dataclass
class Office:
    unit: Unit
    atasan: Employee
    siti: Employee
    budi: Employee
    rina: Employee
    service: Service


@pytest.fixture
async def office(database: Database, api: FakeBotAPI) -> Office:
    dinas = await add_unit(database, "DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil")
    unit = await add_unit(database, "DISDUKCAPIL-PIAK", "Bidang PIAK", parent=dinas)
    kepala = await add_employee(database, dinas, nama="Kepala Dinas", telegram_id=KEPALA)
    atasan = await add_employee(
        database, unit, nama="Hendra Gunawan", atasan=kepala, telegram_id=ATASAN
    )
    siti = await add_employee(
        database, unit, nama="Siti Rahmawati", atasan=atasan, telegram_id=SITI
    )
    budi = await add_employee(database, unit, nama="Budi Santoso", atasan=atasan, telegram_id=BUDI)
    rina = await add_employee(database, unit, nama="Rina Marlina", atasan=atasan, telegram_id=RINA)
    for chat in (ATASAN, SITI, BUDI, RINA, KEPALA, ADMIN):
        api.user(chat)
    async with database.session() as session:
        service = Service(kode="DUKCAPIL-KTP", nama="Perekaman KTP-el", unit_id=unit.id)
        session.add(service)
        session.add(UnitRole(unit_id=unit.id, employee_id=atasan.id, role="kepala"))
        await session.flush()

    # Siti: on track (a level indicator at its target) and reporting a training need.
    siti_level = await add_indicator(
        database,
        siti,
        nama="Persentase KTP-el tercetak",
        satuan="%",
        target=95,
        cara_hitung="terakhir",
        tahun=2026,
    )
    report = await add_report(database, siti_level, 96, at=FRIDAY_16 - timedelta(days=2))
    # Budi: far behind, with the same obstacle for three weeks.
    budi_cumulative = await add_indicator(
        database, budi, nama="Jumlah KK diterbitkan", target=1200, tahun=2026
    )
    for weeks_ago in (2, 1, 0):
        await add_report(
            database, budi_cumulative, 10, at=FRIDAY_16 - timedelta(weeks=weeks_ago, days=1)
        )
    # Rina: indicators but no report for two weeks.
    await add_indicator(database, rina, nama="Jumlah akta diterbitkan", target=600, tahun=2026)
    async with database.session() as session:
        stored = await session.get(ProgressReport, report.id)
        assert stored is not None
        stored.kendala_kategori, stored.kendala = None, None
        stored.dukungan_kategori, stored.dukungan = "pelatihan", "Pelatihan SIAK terbaru"
        session.add(stored)
        late = Complaint(
            nomor="ADU-2611-0001",
            service_id=service.id,
            unit_id=unit.id,
            text="Antrian terlalu lama",
            due_date=date(2026, 11, 27),
            created_at=datetime(2026, 11, 20, 9, tzinfo=WIB),
        )
        session.add(late)
    # 12 citizens this quarter: good, but weak on Waktu Penyelesaian (U3).
    for score in [4] * 6 + [3] * 6:
        await add_response(database, service, scores(score, U3=1), FRIDAY_16 - timedelta(days=20))
    return Office(unit, atasan, siti, budi, rina, service)


async def test_the_summary_says_what_an_atasan_needs(database: Database, office: Office) -> None:
    async with database.session() as session:
        summary = await build_summary(session, office.atasan, TODAY)
    assert summary is not None
    text = "\n\n".join(render(summary))
    assert "2 dari 3 orang sudah melapor (67%)" in text
    assert "Belum melapor: Rina Marlina." in text
    assert "Dua minggu berturut-turut belum melapor: Rina Marlina." in text
    assert "Budi Santoso — Jumlah KK diterbitkan" in text  # falling behind
    assert "Siti Rahmawati — Jumlah" not in text  # on track, not listed as behind
    assert "SDM (1): Budi Santoso: Petugas loket kurang ⏳ (terbuka lebih dari 2 minggu)" in text
    assert "Siti Rahmawati — Pelatihan: Pelatihan SIAK terbaru" in text
    assert "12 responden. Unsur terlemah: Waktu Penyelesaian." in text
    assert "ADU-2611-0001 — Perekaman KTP-el" in text


async def test_delivery_to_atasan_and_admin_once(
    settings: Settings, database: Database, api: FakeBotAPI, office: Office
) -> None:
    clock = FakeClock()
    async with job_services(settings, database, api, clock) as services:
        report = await run_weekly_summary(services, FRIDAY_16)
        again = await run_weekly_summary(services, FRIDAY_16 + timedelta(minutes=30))
    text, chart = api.sent_to(ATASAN)
    assert text.plain_text.startswith("📊 Ringkasan mingguan tim Hendra Gunawan")
    assert text.button_labels == [
        TEXTS.get("tombol_ingatkan", nama="Rina Marlina"),
        TEXTS.get("tombol_buka_tim"),
    ]
    assert chart.kind == "photo"
    assert api.file_at(next(iter(api.files.values())).file_path).content.startswith(b"\x89PNG")
    (note,) = api.sent_to(ADMIN)
    assert note.plain_text.startswith("📮 Ringkasan mingguan 2026-W49: 2 terkirim")
    # The kepala dinas (atasan of Hendra) gets a summary too; nobody gets one twice.
    assert len(api.sent_to(KEPALA)) >= 1
    assert report.sent == 3 and again.sent == 0


async def test_late_tickets_are_escalated_once(
    settings: Settings, database: Database, api: FakeBotAPI, office: Office
) -> None:
    clock = FakeClock()
    monday = datetime(2026, 12, 7, 8, tzinfo=WIB)
    async with job_services(settings, database, api, clock) as services:
        first = await run_escalation(services, monday)
        second = await run_escalation(services, monday + timedelta(days=1))
    (to_boss,) = api.sent_to(KEPALA)  # the atasan of the unit's head
    assert "Eskalasi pengaduan ADU-2611-0001" in to_boss.plain_text
    assert len(api.sent_to(ADMIN)) == 1
    assert first.sent == 2 and second.sent == 0
    async with database.session() as session:
        ticket = (await session.exec(select(Complaint))).one()
    assert ticket.escalated_at is not None


async def test_monthly_ikm_digest_to_unit_heads(
    settings: Settings, database: Database, api: FakeBotAPI, office: Office
) -> None:
    for _ in range(5):
        await add_response(
            database, office.service, scores(3), datetime(2026, 10, 10, 9, tzinfo=WIB)
        )
    now = datetime(2026, 11, 2, 8, tzinfo=WIB)
    async with database.session() as session:
        for status in (FollowUpStatus.DONE, FollowUpStatus.IN_PROGRESS, FollowUpStatus.PLANNED):
            action = await add_action(
                session,
                unit_id=id_of(office.unit),
                period="2026-S1",
                unsur="U3",
                tindakan="Tambah loket",
                penanggung_jawab="Kepala Bidang PIAK",
                tenggat=date(2026, 12, 31),
                now=now,
            )
            await set_status(session, id_of(action), status, now)
    clock = FakeClock()
    first_working_day = datetime(2026, 12, 1, 8, tzinfo=WIB)
    async with job_services(settings, database, api, clock) as services:
        report = await run_ikm_digest(services, first_working_day)
    (digest,) = api.sent_to(ATASAN)
    assert "IKM layanan Bidang PIAK — November 2026" in digest.plain_text
    assert "Perekaman KTP-el: IKM" in digest.plain_text
    assert "naik" in digest.plain_text  # October was all 3s
    rtl = DIGEST_TEXTS.get("rtl", selesai=1, jumlah=3, persen="33%")
    assert rtl in digest.plain_text
    assert report.sent == 1


async def test_quarterly_needs_analysis_to_heads_and_admins(
    settings: Settings, database: Database, api: FakeBotAPI
) -> None:
    await load_demo(database, date(2026, 11, 28))
    for chat in (*DEMO_ACCOUNTS, ADMIN):
        api.user(chat)
    first_working_day = datetime(2027, 1, 4, 8, tzinfo=WIB)
    async with job_services(settings, database, api, FakeClock()) as services:
        report = await run_needs_analysis(services, first_working_day)
        again = await run_needs_analysis(services, first_working_day + timedelta(hours=2))
    quarter = parse_period("2026-Q4")
    async with database.session() as session:
        head_units = (
            await session.exec(
                select(UnitRole.unit_id)
                .join(Employee, col(Employee.id) == col(UnitRole.employee_id))
                .where(Employee.telegram_id == HEAD_OF_DISDUKCAPIL, UnitRole.role == "kepala")
            )
        ).all()
        expected = {
            HEAD_OF_DISDUKCAPIL: await build_needs_report_for_units(
                session, head_units, quarter, today=first_working_day.date()
            ),
            ADMIN: await build_needs_report(session, None, quarter, today=first_working_day.date()),
        }
    # One screen and the full list, nothing more: as /analisis shows it, with its buttons.
    for chat, needs in expected.items():
        summary, sheet = api.sent_to(chat)
        text, markup = browse.summary_view(needs, 0, attached=True)
        assert (summary.kind, summary.text) == ("text", text)
        assert len(summary.text) < 1500 and summary.text.count("\n") < 25  # one phone screen
        assert summary.button_labels == [b.text for row in markup.inline_keyboard for b in row]
        assert ANALYSIS_TEXTS.get("tombol_xlsx") not in summary.button_labels  # it is attached
        assert ANALYSIS_TEXTS.get("ringkasan_petunjuk_lampiran") in summary.plain_text
        assert sheet.kind == "document" and sheet.file_id is not None
        stored = api.files[sheet.file_id]
        assert stored.file_name == "analisis-2026-Q4.xlsx"
        rows = list(load_workbook(io.BytesIO(stored.content)).active.iter_rows(min_row=2))
        assert len(rows) == len(needs_table(needs).rows) == sum(len(u.needs) for u in needs.units)
        assert rows  # the demo has needs to list
    assert "Dinas Kependudukan" in api.sent_to(HEAD_OF_DISDUKCAPIL)[0].plain_text
    assert report.sent == 1 + len(settings.admin_telegram_ids) and report.failed == 0
    assert again.sent == 0
