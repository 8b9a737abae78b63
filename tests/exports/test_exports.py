"""`kinerja-bot ekspor …`: every export written, opened again with openpyxl and read cell by
cell (or with the csv module), on the known data set of tests/exports/factories.py."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from kinerja_bot.analysis.needs import build_needs_report
from kinerja_bot.analysis.render import TEXTS as ANALYSIS_TEXTS
from kinerja_bot.analysis.render import need_texts, plain
from kinerja_bot.cli import main
from kinerja_bot.core.cli_common import TEXTS as CLI_TEXTS
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import CompetencyAssessment, CompetencyType, Complaint, id_of
from kinerja_bot.core.rules.periods import format_date_id, parse_period
from kinerja_bot.core.settings import Settings, get_settings
from kinerja_bot.core.vocabulary import (
    category_label,
    competency_label,
    complaint_service_label,
)
from kinerja_bot.exports.datasets import tickets_table
from kinerja_bot.exports.texts import TEXTS
from kinerja_bot.reporting.texts import FILE_TEXTS
from tests.exports.factories import world

PERIOD = "2026-Q2"
TITLE = parse_period(PERIOD).title


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def export(*args: str) -> None:
    """The CLI runs its own event loop, so it runs in a thread here."""
    await asyncio.to_thread(main, ["ekspor", *args])


def values(sheet: Worksheet, row: int) -> list[object]:
    return [cell.value for cell in sheet[row]]


def header(*keys: str) -> list[str]:
    return [TEXTS.get(f"kolom_{key}") for key in keys]


def kendala_label(code: str) -> str:
    return category_label("kendala", code)


def dukungan_label(code: str) -> str:
    return category_label("dukungan", code)


async def test_laporan(
    database: Database, cli_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = await world(database)
    target = tmp_path / "laporan.xlsx"
    await export("laporan", "--periode", PERIOD, "-o", str(target))
    assert capsys.readouterr().out.strip() == TEXTS.get(
        "ditulis", jumlah=2, jenis="laporan", periode=TITLE, file=str(target)
    )

    sheet = openpyxl.load_workbook(target).worksheets[0]
    assert sheet.title == TEXTS.get("lembar_laporan")
    assert values(sheet, 1) == header(
        "minggu",
        "nip",
        "nama",
        "jabatan",
        "unit",
        "kode_iki",
        "rhk",
        "indikator",
        "jenis",
        "satuan",
        "target",
        "realisasi",
        "bukti",
        "kategori_kendala",
        "kendala",
        "kategori_dukungan",
        "dukungan",
        "dikirim",
        "versi",
        "umpan_balik",
    )
    unit = data.unit.nama
    rhk = "Terlayaninya penerbitan dokumen kependudukan"
    assert values(sheet, 2) == [
        datetime(2026, 4, 6),
        "198504122010012001",
        "Siti Rahmawati",
        "Analis Kependudukan",
        unit,
        "IKI-SITI-1",
        rhk,
        "Jumlah KTP-el dicetak",
        "utama",
        "dokumen",
        3650,
        1250.5,
        FILE_TEXTS.get("bukti_foto", tanggal="07/04/2026")
        + "\n"
        + FILE_TEXTS.get("bukti_dokumen", nama="rekap-april.pdf", tanggal="07/04/2026"),
        kendala_label("sdm"),
        "Petugas loket kurang",
        dukungan_label("pelatihan"),
        "Pelatihan pelayanan prima",
        datetime(2026, 4, 7, 10, 0),
        1,
        FILE_TEXTS.get(
            "umpan_balik", tanggal="08/04/2026", nama="Hendra Gunawan", teks="Bagus, pertahankan."
        ),
    ]
    assert values(sheet, 3) == [
        datetime(2026, 5, 4),
        "198504122010012001",
        "Siti Rahmawati",
        "Analis Kependudukan",
        unit,
        "IKI-SITI-2",
        rhk,
        "Waktu tunggu rata-rata",
        "tambahan",
        "menit",
        30,
        33,
        FILE_TEXTS.get("bukti_tautan", isi="https://tangerangselatankota.go.id"),
        None,
        None,
        None,
        None,
        datetime(2026, 5, 5, 10, 0),
        1,
        None,
    ]
    assert sheet.max_row == 3  # the July report belongs to the next quarter
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:T3"
    assert sheet["A2"].number_format == "DD/MM/YYYY"
    assert sheet["L2"].number_format == "#,##0.00"
    assert sheet["R2"].number_format == "DD/MM/YYYY HH:MM"

    # The same as CSV, with a unit filter that leaves only the other unit (no reports).
    as_csv = tmp_path / "laporan.csv"
    await export("laporan", "--periode", PERIOD, "-o", str(as_csv))
    rows = list(csv.reader(io.StringIO(as_csv.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0] == values(sheet, 1)
    assert rows[1][:3] == ["06/04/2026", "\t198504122010012001", "Siti Rahmawati"]
    assert rows[1][10:12] == ["3650", "1250,5"] and rows[1][17] == "07/04/2026 10:00"
    other = tmp_path / "capil.xlsx"
    await export("laporan", "--periode", PERIOD, "--unit", "CAPIL", "-o", str(other))
    assert openpyxl.load_workbook(other).worksheets[0].max_row == 1


async def test_skm(database: Database, cli_env: None, tmp_path: Path) -> None:
    data = await world(database)
    target = tmp_path / "skm.xlsx"
    await export("skm", "--periode", PERIOD, "-o", str(target))
    workbook = openpyxl.load_workbook(target)
    assert workbook.sheetnames == [
        TEXTS.get("lembar_skm_layanan"),
        TEXTS.get("lembar_skm_unit"),
        TEXTS.get("lembar_skm_jawaban"),
    ]
    services, units, answers = workbook.worksheets
    assert values(services, 1)[:5] == header(
        "kode_layanan", "layanan", "unit_kode", "unit", "responden"
    )
    assert services["F1"].value == TEXTS.get("kolom_nrr", kode="U1", nama="Persyaratan")
    assert services["K1"].value == TEXTS.get("kolom_nrr", kode="U6", nama="Kompetensi Pelaksana")
    unit = data.unit.nama
    # KK: one response in the quarter, too few for an IKM.
    assert values(services, 2) == [
        "KK",
        "Penerbitan KK",
        "PIAK",
        unit,
        1,
        *([4] * 9),
        None,
        None,
        TEXTS.get("belum_cukup_data"),
        None,
        None,
        384,
        TEXTS.get("sampel_belum_cukup"),
    ]
    # KTP: 5 responses, all 3 except Kompetensi Pelaksana 2 → IKM (8 × 3 + 2) / 9 × 25.
    assert values(services, 3) == [
        "KTP",
        "Pencetakan KTP-el",
        "PIAK",
        unit,
        5,
        3,
        3,
        3,
        3,
        3,
        2,
        3,
        3,
        3,
        72.22,
        "C",
        "Kurang Baik",
        TEXTS.get("unsur", kode="U6", nama="Kompetensi Pelaksana"),
        100,
        80,
        TEXTS.get("sampel_belum_cukup"),
    ]
    # The unit pools its services: U1 = (5 × 3 + 4) / 6, U6 = (5 × 2 + 4) / 6.
    row = values(units, 2)
    assert row[:3] == ["PIAK", unit, 6]
    assert row[3] == pytest.approx(19 / 6) and row[8] == pytest.approx(14 / 6)
    assert row[12:] == [
        76.85,
        "B",
        "Baik",
        TEXTS.get("unsur", kode="U6", nama="Kompetensi Pelaksana"),
    ]
    assert units.max_row == 2
    assert values(answers, 1)[4] == TEXTS.get("kolom_skor", kode="U1", nama="Persyaratan")
    assert values(answers, 2) == [
        datetime(2026, 5, 1, 9, 0),
        "KTP",
        "Pencetakan KTP-el",
        unit,
        3,
        3,
        3,
        3,
        3,
        2,
        3,
        3,
        3,
        None,
        None,
        None,
        None,
        "Saran 1",
    ]
    assert answers.max_row == 7 and answers["B7"].value == "KK"


async def test_tiket(database: Database, cli_env: None, tmp_path: Path) -> None:
    data = await world(database)
    async with database.session() as session:  # "lainnya" in /adu: about the unit, no service
        session.add(
            Complaint(
                nomor="ADU-2026-0004",
                service_id=None,
                unit_id=id_of(data.unit),
                text="Parkir liar di depan kantor",
                created_at=datetime(2026, 6, 2, 1, 0, tzinfo=UTC),
                due_date=date(2026, 6, 9),
            )
        )
    target = tmp_path / "tiket.xlsx"
    await export("tiket", "--periode", PERIOD, "-o", str(target))
    sheet = openpyxl.load_workbook(target).worksheets[0]
    assert values(sheet, 1) == header(
        "nomor",
        "status",
        "unit",
        "layanan",
        "diterima",
        "batas_tindak_lanjut",
        "dijawab",
        "ditutup",
        "tepat_waktu",
        "dieskalasi",
        "isi",
        "jawaban",
    )
    unit = data.unit.nama
    assert values(sheet, 2) == [
        "ADU-2026-0001",
        "SELESAI",
        unit,
        "Pencetakan KTP-el",
        datetime(2026, 4, 1, 8, 0),
        datetime(2026, 4, 8),
        datetime(2026, 4, 6, 10, 0),
        datetime(2026, 4, 21, 17, 0),
        TEXTS.get("ya"),
        None,
        "Antrean terlalu lama",
        "Sudah kami tambah petugas.",
    ]
    assert values(sheet, 3)[0:2] == ["ADU-2026-0002", "DIJAWAB"]
    assert values(sheet, 3)[6] == datetime(2026, 5, 12, 9, 0)
    assert values(sheet, 3)[8] == TEXTS.get("tidak")  # answered a day after it was due
    assert values(sheet, 4) == [
        "ADU-2026-0003",
        "DITERIMA",
        unit,
        "Penerbitan KK",
        datetime(2026, 6, 1, 8, 0),
        datetime(2026, 6, 8),
        None,
        None,
        TEXTS.get("tidak"),  # unanswered and past its due date
        None,
        "Antrean terlalu lama",
        None,
    ]
    assert values(sheet, 5)[0:4] == [
        "ADU-2026-0004",
        "DITERIMA",
        unit,
        complaint_service_label(None),
    ]
    assert sheet.max_row == 5
    assert sheet["F2"].number_format == "DD/MM/YYYY"

    async with database.session() as session:
        before_due = await tickets_table(
            session, parse_period(PERIOD), scope=None, today=date(2026, 6, 5)
        )
    assert before_due.rows[2][8] == TEXTS.get("belum_jatuh_tempo")


async def test_analisis(database: Database, cli_env: None, tmp_path: Path) -> None:
    data = await world(database)
    target = tmp_path / "analisis.xlsx"
    await export("analisis", "--periode", PERIOD, "-o", str(target))
    sheet = openpyxl.load_workbook(target).worksheets[0]
    assert sheet.title == TEXTS.get("lembar_analisis")
    assert values(sheet, 1) == header(
        "unit_kode",
        "unit",
        "peringkat",
        "tingkat",
        "jenis_kebutuhan",
        "kebutuhan",
        "cakupan",
        "jumlah_terkait",
        "dasar",
        "bukti",
        "saran_tindak_lanjut",
    )
    async with database.session() as session:
        report = await build_needs_report(
            session, None, parse_period(PERIOD), today=date(2026, 6, 30)
        )
    needs = report.units[0].needs
    first = need_texts(needs[0])
    assert values(sheet, 2) == [
        "PIAK",
        data.unit.nama,
        1,
        ANALYSIS_TEXTS.get("tingkat_3"),
        ANALYSIS_TEXTS.get("jenis_indikator"),
        "Jumlah KTP-el dicetak",
        100,
        1,
        1,
        plain(first.bukti),
        plain(first.saran),
    ]
    second = values(sheet, 3)
    assert second[:9] == [
        "PIAK",
        data.unit.nama,
        2,
        ANALYSIS_TEXTS.get("tingkat_3"),
        ANALYSIS_TEXTS.get("jenis_skm"),
        ANALYSIS_TEXTS.get("skm_subjek", kode="U6", nama="Kompetensi Pelaksana"),
        pytest.approx(5 / 6 * 100),
        5,
        6,
    ]
    assert second[10] == plain(ANALYSIS_TEXTS.get("aksi_skm_U6"))
    assert [values(sheet, row)[5] for row in (4, 5)] == [
        "Waktu tunggu rata-rata",
        dukungan_label("pelatihan"),
    ]
    assert sheet.max_row == 5  # the other unit has no needs


def row_of(sheet: Worksheet, label: str) -> int:
    """The row whose first cell holds `label` (section titles of the form)."""
    (row,) = [cell.row for cell in sheet["A"] if cell.value == label]
    return int(row)


async def test_evaluasi(
    database: Database, cli_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = await world(database)
    # The atasan's /kompetensi for Siti: this period's scores are on her form, Q1's are not.
    async with database.session() as session:
        for period, scores in ((PERIOD, (2, 4, 3)), ("2026-Q1", (5, 5, 5))):
            session.add_all(
                CompetencyAssessment(
                    employee_id=id_of(data.siti),
                    period=period,
                    kompetensi=kind.value,
                    score=score,
                    reason=f"Alasan {kind.value} {period}",
                    decided_by_id=id_of(data.atasan),
                    decided_at=datetime(2026, 6, 30, 3, tzinfo=UTC),
                )
                for kind, score in zip(CompetencyType, scores, strict=True)
            )
    target = tmp_path / "evaluasi.xlsx"
    await export("evaluasi", "--periode", PERIOD, "--unit", "PIAK", "-o", str(target))
    assert capsys.readouterr().out.strip() == TEXTS.get(
        "evaluasi_ditulis", jumlah=2, periode=TITLE, file=str(target)
    )
    workbook = openpyxl.load_workbook(target)
    assert workbook.sheetnames == [
        TEXTS.get("lembar_rekap_evaluasi"),
        data.atasan.nip,
        data.siti.nip,
    ]
    recap = workbook.worksheets[0]
    assert values(recap, 1) == header(
        "nip",
        "nama",
        "jabatan",
        "unit",
        "periode",
        "saran_rating_hasil",
        "rating_hasil",
        "rating_perilaku",
        "predikat",
        "penilai",
        "dinilai_pada",
    )
    unit = data.unit.nama
    assert values(recap, 2) == [
        data.atasan.nip,
        "Hendra Gunawan",
        "Kepala Bidang",
        unit,
        TITLE,
        None,  # no indicators, no suggestion
        None,
        None,
        TEXTS.get("form_belum_dinilai"),
        None,
        None,
    ]
    assert values(recap, 3) == [
        data.siti.nip,
        "Siti Rahmawati",
        "Analis Kependudukan",
        unit,
        TITLE,
        "Di Bawah Ekspektasi",
        "Sesuai Ekspektasi",
        "Di Atas Ekspektasi",
        "Baik",
        "Hendra Gunawan",
        datetime(2026, 7, 2, 9, 0),
    ]

    form = workbook[data.siti.nip]
    assert form["A1"].value == TEXTS.get("form_judul")
    assert form["A2"].value == TEXTS.get("form_periode", periode=TITLE.upper())
    assert form["A3"].value == TEXTS.get("form_instansi")
    assert form["G3"].value == TEXTS.get(
        "form_masa",
        mulai=format_date_id(date(2026, 4, 1)),
        selesai=format_date_id(date(2026, 6, 30)),
    )
    assert [form[f"{c}5"].value for c in "ABFG"] == [
        TEXTS.get("form_no"),
        TEXTS.get("form_pegawai"),
        TEXTS.get("form_no"),
        TEXTS.get("form_penilai"),
    ]
    identity = [
        (form[f"B{r}"].value, form[f"C{r}"].value, form[f"H{r}"].value) for r in range(6, 10)
    ]
    assert identity == [
        (TEXTS.get("form_nama"), "Siti Rahmawati", "Hendra Gunawan"),
        (TEXTS.get("form_nip"), data.siti.nip, data.atasan.nip),
        (TEXTS.get("form_jabatan"), "Analis Kependudukan", "Kepala Bidang"),
        (TEXTS.get("form_unit"), unit, unit),
    ]

    results = row_of(form, TEXTS.get("form_hasil_kerja"))
    assert form[f"I{results + 1}"].value == TEXTS.get(
        "form_kol_realisasi", tanggal=format_date_id(date(2026, 6, 30))
    )
    assert form[f"A{results + 2}"].value == TEXTS.get("form_utama")
    main_row = results + 3
    assert values(form, main_row) == [
        1,
        TEXTS.get("kosong"),  # no RHK pimpinan (iku_unit) in the data
        "Terlayaninya penerbitan dokumen kependudukan",
        "kuantitas",
        "Jumlah KTP-el dicetak",
        "dokumen",
        3650,
        1810,  # due by 30 June: 181 of 365 days
        1250.5,
        pytest.approx(1250.5 / 1810 * 100),
        FILE_TEXTS.get("bukti_foto", tanggal="07/04/2026")
        + "\n"
        + FILE_TEXTS.get("bukti_dokumen", nama="rekap-april.pdf", tanggal="07/04/2026"),
        FILE_TEXTS.get(
            "umpan_balik", tanggal="08/04/2026", nama="Hendra Gunawan", teks="Bagus, pertahankan."
        ),
    ]
    assert form[f"J{main_row}"].number_format == "#,##0.00"
    assert form[f"A{main_row + 1}"].value == TEXTS.get("form_tambahan")
    assert values(form, main_row + 2)[6:] == [
        30,
        30,
        33,
        90,  # lower is better: (2 × 30 − 33) / 30
        FILE_TEXTS.get("bukti_tautan", isi="https://tangerangselatankota.go.id"),
        TEXTS.get("kosong"),
    ]
    rating = row_of(form, TEXTS.get("form_rating_hasil"))
    assert form[f"J{rating}"].value == "Sesuai Ekspektasi"
    assert form[f"A{rating + 1}"].value == TEXTS.get("form_saran_hasil")
    assert form[f"J{rating + 1}"].value == "Di Bawah Ekspektasi"

    behaviour = row_of(form, TEXTS.get("form_perilaku_kerja"))
    notes = [
        (form[f"B{r}"].value, form[f"F{r}"].value) for r in range(behaviour + 2, behaviour + 9)
    ]
    assert notes == [
        ("Berorientasi Pelayanan", "Ramah kepada warga"),
        ("Akuntabel", TEXTS.get("kosong")),
        ("Kompeten", TEXTS.get("kosong")),
        ("Harmonis", TEXTS.get("kosong")),
        ("Loyal", TEXTS.get("kosong")),
        ("Adaptif", TEXTS.get("kosong")),
        ("Kolaboratif", "Aktif"),
    ]
    assert form[f"J{row_of(form, TEXTS.get('form_rating_perilaku'))}"].value == "Di Atas Ekspektasi"
    assert form[f"J{row_of(form, TEXTS.get('form_predikat'))}"].value == "Baik"
    signed = [c.value for c in form["J"] if c.value and str(c.value).startswith("Tangerang")]
    assert signed == [TEXTS.get("form_tempat_tanggal", tanggal=format_date_id(date(2026, 7, 2)))]
    competency = row_of(form, TEXTS.get("form_kompetensi"))
    assert competency == row_of(form, TEXTS.get("form_predikat")) + 2
    assert [form[f"{c}{competency + 1}"].value for c in "ABDE"] == [
        TEXTS.get(key) for key in ("form_no", "form_kol_kompetensi", "form_kol_nilai")
    ] + [TEXTS.get("form_kol_alasan")]
    assert [[form[f"{c}{competency + offset}"].value for c in "ABDE"] for offset in (2, 3, 4)] == [
        [1, competency_label("teknis"), 2, f"Alasan teknis {PERIOD}"],
        [2, competency_label("manajerial"), 4, f"Alasan manajerial {PERIOD}"],
        [3, competency_label("sosial-kultural"), 3, f"Alasan sosial-kultural {PERIOD}"],
    ]
    assert form.max_row == competency + 4 + 7
    assert form[f"J{form.max_row}"].value == TEXTS.get("form_nip_pejabat", nip=data.atasan.nip)

    # The atasan's own sheet: nobody rated him, he has no indicators.
    own = workbook[data.atasan.nip]
    assert own[f"A{row_of(own, TEXTS.get('form_hasil_kerja')) + 2}"].value == TEXTS.get(
        "form_tanpa_indikator"
    )
    assert own[f"J{row_of(own, TEXTS.get('form_predikat'))}"].value == TEXTS.get(
        "form_belum_dinilai"
    )
    assert own[f"A{row_of(own, TEXTS.get('form_kompetensi')) + 2}"].value == TEXTS.get(
        "form_tanpa_kompetensi"
    )

    as_csv = tmp_path / "evaluasi.csv"
    await export("evaluasi", "--periode", PERIOD, "-o", str(as_csv))
    text = as_csv.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert [r[TEXTS.get("kolom_nama")] for r in rows] == [
        "Budi Santoso",  # CAPIL sorts before PIAK
        "Hendra Gunawan",
        "Siti Rahmawati",
    ]
    assert rows[2][TEXTS.get("kolom_dinilai_pada")] == "02/07/2026 09:00"


async def test_mistakes_are_explained(database: Database, cli_env: None, tmp_path: Path) -> None:
    await world(database)
    cases = [
        (
            ["laporan", "--periode", PERIOD, "-o", str(tmp_path / "x.ods")],
            TEXTS.get("format_tidak_didukung", file=str(tmp_path / "x.ods")),
        ),
        (
            ["evaluasi", "--periode", "2026-11", "-o", str(tmp_path / "x.xlsx")],
            TEXTS.get("periode_evaluasi", periode="2026-11"),
        ),
        (
            ["skm", "--periode", PERIOD, "--unit", "NOPE", "-o", str(tmp_path / "x.xlsx")],
            CLI_TEXTS.get("unknown_unit", kode="NOPE"),
        ),
        (
            ["tiket", "--periode", PERIOD, "-o", str(tmp_path / "no" / "x.xlsx")],
            CLI_TEXTS.get("folder_missing", folder=str(tmp_path / "no")),
        ),
    ]
    for args, message in cases:
        with pytest.raises(SystemExit) as exit_info:
            await export(*args)
        assert str(exit_info.value) == message
    assert not (tmp_path / "x.xlsx").exists()
