"""Writing tables: typed cells, Indonesian headers, frozen header, filters, widths; CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest

from kinerja_bot.exports import workbook
from kinerja_bot.exports.texts import TEXTS
from kinerja_bot.exports.workbook import (
    Column,
    ExportFormatError,
    Kind,
    Table,
    sheet_title,
    write_csv,
    write_tables,
    xlsx_bytes,
)

COLUMNS = (
    Column("nip"),
    Column("minggu", Kind.DATE),
    Column("realisasi", Kind.NUMBER),
    Column("versi", Kind.INTEGER),
    Column("dikirim", Kind.DATETIME),
    Column("kendala", wrap=True),
    Column("nrr", Kind.NUMBER, values={"kode": "U6", "nama": "Kompetensi Pelaksana"}),
)
ROWS = [
    (
        "198504122010011001",
        date(2026, 6, 1),
        1250.5,
        2,
        datetime(2026, 6, 2, 3, 15, tzinfo=UTC),  # 10:15 WIB
        "Petugas loket kurang\nsaat jam sibuk",
        3.0644,
    ),
    ("198504122010011002", date(2026, 6, 8), 0.0, 1, None, None, None),
]


def table() -> Table:
    return Table("laporan", COLUMNS, list(ROWS))


def test_xlsx_cells_are_typed_and_the_sheet_is_usable() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([table()])))
    (sheet,) = workbook.worksheets
    assert sheet.title == TEXTS.get("lembar_laporan")
    assert [c.value for c in sheet[1]] == [
        TEXTS.get("kolom_nip"),
        TEXTS.get("kolom_minggu"),
        TEXTS.get("kolom_realisasi"),
        TEXTS.get("kolom_versi"),
        TEXTS.get("kolom_dikirim"),
        TEXTS.get("kolom_kendala"),
        TEXTS.get("kolom_nrr", kode="U6", nama="Kompetensi Pelaksana"),
    ]
    assert all(cell.font.bold for cell in sheet[1])
    nip, week, value, version, sent, obstacle, nrr = sheet[2]
    assert nip.value == "198504122010011001" and nip.data_type == "s"  # never 1.98E+17
    assert week.value == datetime(2026, 6, 1) and week.number_format == "DD/MM/YYYY"
    assert value.value == 1250.5 and value.number_format == "#,##0.00"
    assert version.value == 2 and version.number_format == "#,##0"
    assert sent.value == datetime(2026, 6, 2, 10, 15)  # WIB, without zone
    assert sent.number_format == "DD/MM/YYYY HH:MM"
    assert obstacle.value == "Petugas loket kurang\nsaat jam sibuk" and obstacle.alignment.wrap_text
    assert nrr.value == 3.0644  # full precision; the format rounds on screen only
    assert [c.value for c in sheet[3]] == [
        "198504122010011002",
        datetime(2026, 6, 8),
        0,
        1,
        None,
        None,
        None,
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:G3"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFG"}
    assert widths["A"] == len("198504122010011001") + 2
    assert widths["F"] == 60  # long text wraps in a wide column
    assert all(8 <= width <= 60 for width in widths.values())


def test_csv_is_what_an_indonesian_excel_opens_right(tmp_path: Path) -> None:
    path = tmp_path / "laporan.csv"
    write_tables(path, [table(), Table("analisis", (Column("nama"),), [("ignored",)])])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == TEXTS.get("kolom_nip")
    assert rows[1] == [
        "\t198504122010011001",  # a tab keeps the 18 digits text in Excel
        "01/06/2026",
        "1250,5",
        "2",
        "02/06/2026 10:15",
        "Petugas loket kurang\nsaat jam sibuk",
        "3,0644",
    ]
    assert rows[2] == ["\t198504122010011002", "08/06/2026", "0", "1", "", "", ""]
    assert len(rows) == 3  # CSV holds the first table only

    buffer = io.BytesIO()
    write_csv(buffer, Table("laporan", (Column("kendala"),), [("Sarana & prasarana — rusak",)]))
    assert buffer.getvalue().decode("utf-8-sig").splitlines()[1] == "Sarana & prasarana — rusak"


def test_only_xlsx_and_csv(tmp_path: Path) -> None:
    with pytest.raises(ExportFormatError):
        write_tables(tmp_path / "laporan.ods", [table()])
    write_tables(tmp_path / "LAPORAN.XLSX", [table(), table()])
    workbook = openpyxl.load_workbook(tmp_path / "LAPORAN.XLSX")
    assert workbook.sheetnames == ["Laporan Kemajuan", "Laporan Kemajuan (2)"]


def test_sheet_titles_are_valid_and_unique() -> None:
    taken: set[str] = set()
    assert sheet_title("SKM: Layanan/Unit [2026]?", taken) == "SKM- Layanan-Unit -2026--"
    long = "Rekapitulasi Evaluasi Kinerja Pegawai Triwulan IV"
    first, second = sheet_title(long, taken), sheet_title(long, taken)
    assert len(first) == len(second) == 31 and first != second
    assert second.endswith(" (2)")


def test_a_table_too_long_for_one_sheet_continues_on_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 3)  # header + 2 rows per sheet
    rows = [(f"1985041220100110{n:02d}",) for n in range(5)]
    book = openpyxl.load_workbook(
        io.BytesIO(xlsx_bytes([Table("laporan", (Column("nip"),), rows)]))
    )
    title = TEXTS.get("lembar_laporan")
    assert book.sheetnames == [title, f"{title} (2)", f"{title} (3)"]
    assert [[c.value for c in row] for row in book.worksheets[2].iter_rows()] == [
        [TEXTS.get("kolom_nip")],
        ["198504122010011004"],
    ]
    assert sum(sheet.max_row - 1 for sheet in book.worksheets) == 5
