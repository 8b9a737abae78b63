"""`kinerja-bot ekspor pengembangan --periode YYYY -o FILE.xlsx`: JP per ASN, every activity
(the SIASN riwayat diklat record) and one AKPK sheet per unit, opened and read cell by cell."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from kinerja_bot.cli import main
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    CompetencyAssessment,
    CompetencyType,
    Employee,
    Enrolment,
    EnrolmentStatus,
    LearningRecord,
    LearningStatus,
    id_of,
)
from kinerja_bot.core.rules.periods import parse_period, wib_today
from kinerja_bot.core.settings import Settings, get_settings
from kinerja_bot.core.vocabulary import competency_label
from kinerja_bot.exports.texts import TEXTS
from tests.factories import add_employee, add_indicator, add_report, add_unit, training_offer

YEAR = wib_today().year


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def values(sheet: Worksheet, row: int) -> list[object]:
    return [cell.value for cell in sheet[row]]


def header(*keys: str) -> list[str]:
    return [TEXTS.get(f"kolom_{key}") for key in keys]


def scored(
    employee: Employee, atasan: Employee, period: str, scores: tuple[int, int, int], day: date
) -> list[CompetencyAssessment]:
    """One /kompetensi evaluation: a score per competency (teknis, manajerial, sosial-kultural)."""
    return [
        CompetencyAssessment(
            employee_id=id_of(employee),
            period=period,
            kompetensi=kind.value,
            score=score,
            reason="Alasan atasan",
            decided_by_id=id_of(atasan),
            decided_at=datetime.combine(day, time(), tzinfo=UTC),
        )
        for kind, score in zip(CompetencyType, scores, strict=True)
    ]


def in_words(*scores: tuple[str, int]) -> str:
    return "; ".join(
        TEXTS.get("nilai_kompetensi", kompetensi=competency_label(kind), nilai=score)
        for kind, score in scores
    )


async def world(database: Database) -> None:
    """BAPPEDA: Hendra (behind on an indicator, no learning) and Siti (a catalog course of
    24 JP, learning outside the catalog waiting for verification, asked for Excel training).
    DINKES: Budi (20 JP outside the catalog, verified; a declined record).
    /kompetensi: Siti scored in Q1 and again in Q2 (the later counts: teknis 2, below the
    standard of 3, is her competency gap); Hendra scored only last year (not this year's)."""
    bappeda = await add_unit(database, "BAPPEDA", "Badan Perencanaan Pembangunan Daerah")
    dinkes = await add_unit(database, "DINKES", "Dinas Kesehatan")
    hendra = await add_employee(
        database, bappeda, nama="Hendra Gunawan", jabatan="Kepala Bidang", nip="198001012005011001"
    )
    siti = await add_employee(
        database, bappeda, nama="Siti Rahmawati", atasan=hendra, nip="198502022010012002"
    )
    budi = await add_employee(database, dinkes, nama="Budi Santoso", nip="199003032015031003")
    behind = await add_indicator(database, hendra, nama="Dokumen perencanaan disusun", target=100)
    await add_report(database, behind, 1)
    asked = await add_indicator(database, siti, nama="Kajian disusun", target=3)
    await add_report(database, asked, 3, dukungan=("pelatihan", "Pelatihan Excel untuk analisis"))
    async with database.session() as session:
        past = training_offer(
            "PLT-01",
            "Penulisan Kajian Kebijakan",
            mulai=date(YEAR, 3, 10),
            kata_kunci="kajian",
            kuota=30,
        )
        future = training_offer(
            "PLT-02",
            "Analisis Data dengan Excel",
            mulai=wib_today() + timedelta(days=20),
            kata_kunci="excel",
            jp=16,
            kuota=30,
        )
        session.add_all([past, future])
        session.add_all(scored(siti, hendra, f"{YEAR}-Q1", (1, 4, 3), date(YEAR, 3, 30)))
        session.add_all(scored(siti, hendra, f"{YEAR}-Q2", (2, 4, 3), date(YEAR, 6, 30)))
        session.add_all(scored(hendra, hendra, f"{YEAR - 1}", (1, 1, 1), date(YEAR - 1, 12, 30)))
        await session.flush()
        enrolment = Enrolment(
            offer_id=id_of(past), employee_id=id_of(siti), status=EnrolmentStatus.COMPLETED
        )
        session.add(enrolment)
        await session.flush()
        session.add_all(
            [
                LearningRecord(
                    employee_id=id_of(siti),
                    enrolment_id=id_of(enrolment),
                    nama=past.nama,
                    jenis="klasikal",
                    jp=24,
                    completed_on=date(YEAR, 3, 12),
                    certificate_file_id="sertifikat-kajian",
                    certificate_kind="document",
                    status=LearningStatus.VERIFIED,
                ),
                LearningRecord(
                    employee_id=id_of(siti),
                    nama="Webinar Literasi Digital",
                    jenis="nonklasikal",
                    jp=2.22,
                    minutes=100,
                    completed_on=date(YEAR, 1, 20),
                    certificate_file_id="sertifikat-webinar",
                    certificate_kind="photo",
                    status=LearningStatus.PENDING,
                ),
                LearningRecord(
                    employee_id=id_of(budi),
                    nama="E-learning Manajemen Puskesmas",
                    jenis="nonklasikal",
                    jp=20,
                    minutes=900,
                    completed_on=date(YEAR, 2, 1),
                    certificate_file_id="sertifikat-puskesmas",
                    certificate_kind="document",
                    status=LearningStatus.VERIFIED,
                ),
                LearningRecord(
                    employee_id=id_of(budi),
                    nama="Seminar tanpa sertifikat resmi",
                    jenis="nonklasikal",
                    jp=1,
                    minutes=45,
                    completed_on=date(YEAR, 2, 2),
                    certificate_file_id="foto-seminar",
                    certificate_kind="photo",
                    status=LearningStatus.DECLINED,
                    reason="Bukan kegiatan pengembangan kompetensi",
                ),
                LearningRecord(  # last year's: not in this export
                    employee_id=id_of(budi),
                    nama="Pelatihan tahun lalu",
                    jenis="klasikal",
                    jp=40,
                    completed_on=date(YEAR - 1, 6, 1),
                    certificate_file_id="lama",
                    certificate_kind="document",
                    status=LearningStatus.VERIFIED,
                ),
            ]
        )


async def test_jp_activities_and_akpk_cell_by_cell(
    database: Database, cli_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await world(database)
    target = tmp_path / "pengembangan.xlsx"
    await asyncio.to_thread(
        main, ["ekspor", "pengembangan", "--periode", str(YEAR), "-o", str(target)]
    )
    assert capsys.readouterr().out.strip() == TEXTS.get(
        "ditulis",
        jumlah=3,
        jenis="pengembangan",
        periode=parse_period(str(YEAR)).title,
        file=str(target),
    )
    workbook = openpyxl.load_workbook(target)
    assert workbook.sheetnames == [
        "JP per ASN",
        "Riwayat Pengembangan",
        "AKPK BAPPEDA",
        "AKPK DINKES",
    ]

    people = workbook["JP per ASN"]
    assert values(people, 1) == header(
        "nip",
        "nama",
        "jabatan",
        "unit_kode",
        "unit",
        "total_jp",
        "memenuhi_20_jp",
        "jumlah_kegiatan",
    )
    bappeda = "Badan Perencanaan Pembangunan Daerah"
    assert values(people, 2) == [
        "198001012005011001",
        "Hendra Gunawan",
        "Kepala Bidang",
        "BAPPEDA",
        bappeda,
        0,
        "Tidak",
        0,
    ]
    assert values(people, 3) == [
        "198502022010012002",
        "Siti Rahmawati",
        "Analis Kependudukan",
        "BAPPEDA",
        bappeda,
        24,  # the pending 2,22 JP do not count yet
        "Ya",
        2,
    ]
    assert values(people, 4) == [
        "199003032015031003",
        "Budi Santoso",
        "Analis Kependudukan",
        "DINKES",
        "Dinas Kesehatan",
        20,
        "Ya",
        2,
    ]
    assert people.max_row == 4
    assert people["F2"].number_format == "#,##0.00"

    activities = workbook["Riwayat Pengembangan"]
    assert values(activities, 1) == header(
        "nip",
        "nama",
        "kegiatan",
        "jalur",
        "bentuk",
        "penyelenggara",
        "tanggal_mulai",
        "tanggal_selesai",
        "jp",
        "menit",
        "status_verifikasi",
        "sertifikat",
    )
    assert [values(activities, row) for row in range(2, activities.max_row + 1)] == [
        [
            "198502022010012002",
            "Siti Rahmawati",
            "Webinar Literasi Digital",
            "nonklasikal",
            None,
            None,
            datetime(YEAR, 1, 20),
            datetime(YEAR, 1, 20),
            2.22,
            100,
            "Menunggu verifikasi atasan",
            "sertifikat-webinar",
        ],
        [
            "198502022010012002",
            "Siti Rahmawati",
            "Penulisan Kajian Kebijakan",
            "klasikal",
            "pelatihan",
            "BPSDM Provinsi Banten",
            datetime(YEAR, 3, 10),
            datetime(YEAR, 3, 12),
            24,
            None,
            "Diverifikasi",
            "sertifikat-kajian",
        ],
        [
            "199003032015031003",
            "Budi Santoso",
            "E-learning Manajemen Puskesmas",
            "nonklasikal",
            None,
            None,
            datetime(YEAR, 2, 1),
            datetime(YEAR, 2, 1),
            20,
            900,
            "Diverifikasi",
            "sertifikat-puskesmas",
        ],
        [
            "199003032015031003",
            "Budi Santoso",
            "Seminar tanpa sertifikat resmi",
            "nonklasikal",
            None,
            None,
            datetime(YEAR, 2, 2),
            datetime(YEAR, 2, 2),
            1,
            45,
            "Tidak diverifikasi",
            "foto-seminar",
        ],
    ]
    assert activities["G2"].number_format == "DD/MM/YYYY"

    akpk = workbook["AKPK BAPPEDA"]
    assert values(akpk, 1) == header(
        "nip",
        "nama",
        "jabatan",
        "nilai_kompetensi",
        "kesenjangan_kompetensi",
        "kesenjangan_kinerja",
        "usulan_pengembangan",
        "jalur_usulan",
        "jp_usulan",
        "total_jp",
        "kekurangan_jp",
    )
    hendra = values(akpk, 2)
    assert hendra[:5] == ["198001012005011001", "Hendra Gunawan", "Kepala Bidang", None, None]
    assert str(hendra[5]).startswith("Dokumen perencanaan disusun (")
    assert str(hendra[5]).endswith("% dari target pro-rata)")
    assert hendra[6:] == [None, None, None, 0, 20]
    assert values(akpk, 3) == [
        "198502022010012002",
        "Siti Rahmawati",
        "Analis Kependudukan",
        in_words(("teknis", 2), ("manajerial", 4), ("sosial-kultural", 3)),
        in_words(("teknis", 2)) + "; Pelatihan Excel untuk analisis",
        None,
        "Analisis Data dengan Excel [PLT-02]",
        "klasikal",
        16,
        24,
        0,
    ]
    assert akpk.max_row == 3
    assert values(workbook["AKPK DINKES"], 2)[-2:] == [20, 0]


async def test_only_a_year(database: Database, cli_env: None, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as caught:
        await asyncio.to_thread(
            main,
            ["ekspor", "pengembangan", "--periode", f"{YEAR}-Q4", "-o", str(tmp_path / "x.xlsx")],
        )
    assert caught.value.code == TEXTS.get("periode_tahun", periode=f"{YEAR}-Q4")
