"""A small, fully known data set for the exports: one unit, an atasan and two staff, reports
with evidence and feedback, survey responses, complaints and an evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    Complaint,
    Employee,
    Indicator,
    ProgressReport,
    Service,
    Unit,
    id_of,
)
from kinerja_bot.core.rules.periods import parse_period
from kinerja_bot.core.rules.predikat import Rating
from kinerja_bot.evaluation.service import save_evaluation
from tests.analysis.factories import (
    add_complaint,
    add_evidence,
    add_feedback,
    add_progress,
    add_response,
    add_service,
    scores,
    wib,
)
from tests.factories import add_employee, add_indicator, add_unit


@dataclass
class World:
    unit: Unit
    other_unit: Unit
    atasan: Employee
    siti: Employee
    budi: Employee
    dokumen: Indicator
    layanan: Indicator
    first: ProgressReport
    second: ProgressReport
    ktp: Service
    kk: Service
    complaints: dict[str, Complaint]


async def world(database: Database) -> World:
    unit = await add_unit(database, "PIAK", "Bidang Pelayanan Pendaftaran Penduduk")
    other_unit = await add_unit(database, "CAPIL", "Bidang Pencatatan Sipil")
    atasan = await add_employee(
        database, unit, nama="Hendra Gunawan", jabatan="Kepala Bidang", nip="197001012000031001"
    )
    siti = await add_employee(
        database,
        unit,
        nama="Siti Rahmawati",
        jabatan="Analis Kependudukan",
        atasan=atasan,
        nip="198504122010012001",
    )
    budi = await add_employee(
        database, other_unit, nama="Budi Santoso", atasan=atasan, nip="199001012015031002"
    )
    dokumen = await add_indicator(
        database, siti, kode="IKI-SITI-1", nama="Jumlah KTP-el dicetak", target=3650, tahun=2026
    )
    layanan = await add_indicator(
        database,
        siti,
        kode="IKI-SITI-2",
        nama="Waktu tunggu rata-rata",
        target=30,
        tahun=2026,
        satuan="menit",
        arah="turun",
        cara_hitung="terakhir",
        jenis="tambahan",
    )
    first = await add_progress(
        database,
        dokumen,
        1250.5,
        date(2026, 4, 6),
        kendala=("sdm", "Petugas loket kurang"),
        dukungan=("pelatihan", "Pelatihan pelayanan prima"),
    )
    await add_evidence(database, first, "foto")
    await add_evidence(database, first, "dokumen", file_name="rekap-april.pdf")
    await add_feedback(database, first, atasan, "Bagus, pertahankan.", wib(date(2026, 4, 8), 8))
    second = await add_progress(database, layanan, 33, date(2026, 5, 4))
    await add_evidence(database, second, "tautan", content="https://tangerangselatankota.go.id")
    await add_progress(database, dokumen, 99, date(2026, 7, 6))  # next quarter: not exported

    ktp = await add_service(database, unit, "KTP", "Pencetakan KTP-el", users=100)
    kk = await add_service(database, unit, "KK", "Penerbitan KK")
    for day in range(1, 6):
        await add_response(
            database, ktp, scores(3, U6=2), wib(date(2026, 5, day)), saran=f"Saran {day}"
        )
    await add_response(database, kk, scores(4), wib(date(2026, 5, 10)))
    await add_response(database, kk, scores(4), wib(date(2026, 7, 1)))  # next quarter

    answered = datetime(2026, 4, 6, 3, 0, tzinfo=UTC)
    complaints = {
        "ontime": await add_complaint(
            database,
            ktp,
            "ADU-2026-0001",
            created=wib(date(2026, 4, 1), 8),
            due=date(2026, 4, 8),
            status="SELESAI",
            answered=answered,
            closed=datetime(2026, 4, 21, 10, 0, tzinfo=UTC),
            answer="Sudah kami tambah petugas.",
        ),
        "late": await add_complaint(
            database,
            ktp,
            "ADU-2026-0002",
            created=wib(date(2026, 5, 4), 8),
            due=date(2026, 5, 11),
            status="DIJAWAB",
            answered=wib(date(2026, 5, 12), 9),
            answer="Mohon maaf atas keterlambatan.",
        ),
        "overdue": await add_complaint(
            database, kk, "ADU-2026-0003", created=wib(date(2026, 6, 1), 8), due=date(2026, 6, 8)
        ),
    }
    await add_complaint(
        database, kk, "ADU-2026-0099", created=wib(date(2026, 7, 1), 8), due=date(2026, 7, 8)
    )

    async with database.session() as session:
        await save_evaluation(
            session,
            employee_id=id_of(siti),
            period=parse_period("2026-Q2"),
            suggested=Rating.DI_BAWAH,
            result_rating=Rating.SESUAI,
            behaviour_rating=Rating.DI_ATAS,
            notes={"berorientasi_pelayanan": "Ramah kepada warga", "kolaboratif": "Aktif"},
            decided_by_id=id_of(atasan),
            now=datetime(2026, 7, 2, 2, 0, tzinfo=UTC),
        )
    return World(
        unit, other_unit, atasan, siti, budi, dokumen, layanan, first, second, ktp, kk, complaints
    )
