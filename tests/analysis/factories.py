"""Builders for the analysis, export and evaluation tests: reports with obstacles and support
requests, evidence, feedback, survey responses, complaints, and a data set whose needs
ranking is known in advance (`known_needs_data`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    Complaint,
    Employee,
    Evidence,
    Feedback,
    Indicator,
    ProgressReport,
    Service,
    SurveyResponse,
    Unit,
    id_of,
)
from kinerja_bot.core.rules.periods import WIB
from kinerja_bot.core.survey_tally import record_response
from tests.factories import add_employee, add_indicator, add_report, add_unit

# The known data set is measured on this day, in this period.
TODAY = date(2026, 6, 30)
PERIOD = "2026-Q2"
MONDAYS = (date(2026, 4, 6), date(2026, 4, 13), date(2026, 5, 4), date(2026, 6, 22))


def wib(day: date, hour: int = 9) -> datetime:
    """An aware instant at `hour`:00 WIB on `day`."""
    return datetime.combine(day, time(hour), tzinfo=WIB)


async def add_progress(
    database: Database,
    indicator: Indicator,
    realisasi: float,
    monday: date,
    *,
    kendala: tuple[str, str] | None = None,
    dukungan: tuple[str, str] | None = None,
) -> ProgressReport:
    """A report for the week of `monday`, sent that Tuesday 10:00 WIB."""
    sent = wib(monday + timedelta(days=1), 10)
    return await add_report(
        database, indicator, realisasi, at=sent, kendala=kendala, dukungan=dukungan
    )


async def add_evidence(
    database: Database,
    report: ProgressReport,
    kind: str,
    *,
    file_name: str | None = None,
    content: str | None = None,
) -> Evidence:
    async with database.session() as session:
        evidence = Evidence(
            report_id=id_of(report),
            kind=kind,
            file_name=file_name,
            content=content,
            telegram_file_id="DOC-1" if kind in ("foto", "dokumen") else None,
            created_at=report.submitted_at,
        )
        session.add(evidence)
        await session.flush()
        return evidence


async def add_feedback(
    database: Database, report: ProgressReport, author: Employee, text: str, at: datetime
) -> Feedback:
    async with database.session() as session:
        feedback = Feedback(
            report_id=id_of(report), author_id=id_of(author), text=text, created_at=at
        )
        session.add(feedback)
        await session.flush()
        return feedback


async def add_service(
    database: Database, unit: Unit, kode: str, nama: str, *, users: int | None = None
) -> Service:
    async with database.session() as session:
        service = Service(kode=kode, nama=nama, unit_id=id_of(unit), pengguna_per_tahun=users)
        session.add(service)
        await session.flush()
        return service


async def add_response(
    database: Database,
    service: Service,
    scores: dict[str, int],
    at: datetime,
    *,
    saran: str | None = None,
) -> SurveyResponse:
    """One SKM response; unsur not in `scores` are left unanswered."""
    async with database.session() as session:
        response = SurveyResponse(service_id=id_of(service), submitted_at=at, saran=saran)
        return await record_response(session, response, scores)


def scores(default: int, **by_code: int) -> dict[str, int]:
    """Scores for U1–U9: `default`, except the codes given (e.g. U6=2)."""
    return {f"U{n}": by_code.get(f"U{n}", default) for n in range(1, 10)}


async def add_complaint(
    database: Database,
    service: Service,
    nomor: str,
    *,
    created: datetime,
    due: date,
    status: str = "DITERIMA",
    answered: datetime | None = None,
    closed: datetime | None = None,
    text: str = "Antrean terlalu lama",
    answer: str | None = None,
) -> Complaint:
    async with database.session() as session:
        complaint = Complaint(
            nomor=nomor,
            service_id=id_of(service),
            unit_id=service.unit_id,
            text=text,
            status=status,
            created_at=created,
            due_date=due,
            answered_at=answered,
            closed_at=closed,
            answer=answer,
        )
        session.add(complaint)
        await session.flush()
        return complaint


# --- A data set whose needs ranking is known --------------------------------------------------


@dataclass
class KnownNeeds:
    dinas: Unit
    bidang: Unit  # the unit with many needs
    seksi: Unit  # a sub-unit of bidang with one medium need
    tenang: Unit  # a unit without needs
    lain: Unit  # another OPD, outside the dinas tree
    staff: list[Employee]


async def known_needs_data(database: Database) -> KnownNeeds:
    """Four staff in BIDANG (all report in 2026-Q2), measured on 30 June 2026.

    Expected needs of BIDANG, most urgent first:
    1. SKM U6 Kompetensi Pelaksana: NRR 2,0 (D) → Tinggi, 10 of 10 answers low (100 %)
    2. Indicator "Jumlah dokumen": 3 of 4 tertinggal → Tinggi, 75 %, 3 people
    3. Obstacle sdm: 3 of 4 reporting staff → Tinggi, 75 %, 3 people
    4. Support pelatihan: 2 of 4 → Tinggi, 50 %
    5. Obstacle anggaran: 1 person in 2 weeks → Sedang, 25 %
    6. SKM U3 Waktu: NRR 2,6 (C) → Sedang, 2 of 10 answers low (20 %)
    7. Indicator "Waktu layanan": 1 of 4 perlu perhatian, none tertinggal → Rendah, 25 %
    8. Support sarana: 1 of 4 → Rendah, 25 %
    Not needs: obstacle koordinasi (one person, one week); SKM unsur graded B or better.
    SEKSI: obstacle teknologi-informasi by one person in 2 weeks → Sedang. TENANG: none.
    """
    dinas = await add_unit(database, "DINAS", "Dinas Percontohan")
    bidang = await add_unit(database, "BIDANG", "Bidang Pelayanan", parent=dinas)
    seksi = await add_unit(database, "SEKSI", "Seksi Data", parent=bidang)
    tenang = await add_unit(database, "TENANG", "Bidang Tenang", parent=dinas)
    lain = await add_unit(database, "LAIN", "Dinas Lain")
    staff = [
        await add_employee(database, bidang, nama=name)
        for name in ("Ani Lestari", "Budi Santoso", "Citra Dewi", "Dodi Saputra")
    ]
    ani, budi, citra, dodi = staff
    # Cumulative: 3650 a year, 1810 due by 30 June (181 of 365 days).
    dokumen = {
        e.nama: await add_indicator(
            database, e, nama="Jumlah dokumen", target=3650, tahun=2026, satuan="dokumen"
        )
        for e in staff
    }
    # Level, lower is better: 30 minutes; 33 minutes is 90 % (perlu perhatian).
    waktu = {
        e.nama: await add_indicator(
            database,
            e,
            nama="Waktu layanan",
            target=30,
            tahun=2026,
            satuan="menit",
            arah="turun",
            cara_hitung="terakhir",
            jenis="tambahan",
        )
        for e in staff
    }
    first, second, third, fourth = MONDAYS
    await add_progress(database, dokumen[ani.nama], 2000, first, kendala=("sdm", "Loket kurang"))
    await add_progress(database, dokumen[budi.nama], 500, first, kendala=("sdm", "Loket kurang"))
    await add_progress(
        database, dokumen[citra.nama], 400, second, kendala=("sdm", "Petugas cuti bersamaan")
    )
    await add_progress(database, dokumen[dodi.nama], 300, first, kendala=("anggaran", "Belum cair"))
    await add_progress(database, dokumen[dodi.nama], 300, third, kendala=("anggaran", "Belum cair"))
    await add_progress(
        database, waktu[ani.nama], 25, second, dukungan=("pelatihan", "Pelatihan pelayanan prima")
    )
    await add_progress(
        database, waktu[budi.nama], 33, third, dukungan=("pelatihan", "Pelatihan pelayanan prima")
    )
    await add_progress(
        database, waktu[citra.nama], 25, fourth, dukungan=("sarana", "Komputer loket")
    )
    await add_progress(database, waktu[dodi.nama], 25, fourth, kendala=("koordinasi", "Data telat"))
    # A report from before the period counts for achievement but not for obstacles.
    await add_progress(
        database, dokumen[budi.nama], 10, date(2026, 3, 30), kendala=("regulasi-sop", "SOP lama")
    )

    service = await add_service(database, bidang, "LAY-1", "Layanan Satu", users=1000)
    for number in range(10):
        await add_response(
            database,
            service,
            scores(4, U6=2, U3=1 if number < 2 else 3),
            wib(date(2026, 5, 1) + timedelta(days=number)),
        )
    # Outside the period (1 July 2026 00:30 WIB is still 30 June in UTC): not counted.
    await add_response(database, service, scores(1), datetime(2026, 6, 30, 17, 30, tzinfo=UTC))

    petugas = await add_employee(database, seksi, nama="Eko Prasetyo")
    data = await add_indicator(database, petugas, nama="Dataset terbit", target=10, tahun=2026)
    await add_progress(database, data, 6, first, kendala=("teknologi-informasi", "Server down"))
    await add_progress(database, data, 0, third, kendala=("teknologi-informasi", "Server down"))

    santai = await add_employee(database, tenang, nama="Fajar Nugraha")
    rapi = await add_indicator(database, santai, nama="Surat terkirim", target=100, tahun=2026)
    await add_progress(database, rapi, 60, first)
    return KnownNeeds(dinas, bidang, seksi, tenang, lain, staff)
