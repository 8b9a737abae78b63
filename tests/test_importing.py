"""`kinerja-bot impor`: reading CSV/XLSX, every row check, all-or-nothing, re-import, the CLI."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Employee, Indicator, Service, Unit
from kinerja_bot.core.settings import Settings, get_settings
from kinerja_bot.importing import (
    ImportFileError,
    ImportRejected,
    ImportResult,
    RowError,
    format_errors,
    import_rows,
    read_table,
)
from kinerja_bot.importing.messages import TEXTS
from kinerja_bot.importing.progress import wants_progress
from kinerja_bot.importing.validation import find_cycles

FIXTURES = Path(__file__).parent / "fixtures"

COLUMNS = {
    "unit": ["kode", "nama", "induk_kode"],
    "pegawai": ["nip", "nama", "jabatan", "unit_kode", "atasan_nip"],
    "indikator": [
        "kode",
        "nip",
        "tahun",
        "rhk",
        "nama",
        "aspek",
        "satuan",
        "target",
        "arah",
        "cara_hitung",
        "jenis",
        "iku_unit",
    ],
    "layanan": ["kode", "nama", "unit_kode"],
}


def nip(number: int, sex: int = 1) -> str:
    """A valid NIP: born 12 March 1985, appointed January 2010, sequence `number`."""
    return f"19850312201001{sex}{number:03d}"


KEPALA, SEKRETARIS, STAF = nip(1), nip(2, sex=2), nip(3)


def unit(kode: str, induk: str = "", nama: str | None = None) -> dict[str, str]:
    return {"kode": kode, "nama": nama or f"Unit {kode}", "induk_kode": induk}


def pegawai(number_or_nip: int | str, atasan: str = "", **values: str) -> dict[str, str]:
    employee_nip = nip(number_or_nip) if isinstance(number_or_nip, int) else number_or_nip
    row = {
        "nip": employee_nip,
        "nama": f"Pegawai {employee_nip[-3:]}",
        "jabatan": "Analis Kebijakan",
        "unit_kode": "DISKOMINFO",
        "atasan_nip": atasan,
    }
    return row | values


def indikator(kode: str = "IKI-1", **values: str) -> dict[str, str]:
    row = {
        "kode": kode,
        "nip": STAF,
        "tahun": "2026",
        "rhk": "Terlaksananya layanan aplikasi pemerintahan",
        "nama": "Jumlah aplikasi yang dikembangkan",
        "aspek": "kuantitas",
        "satuan": "aplikasi",
        "target": "12",
        "arah": "naik",
        "cara_hitung": "kumulatif",
        "jenis": "utama",
        "iku_unit": "",
    }
    return row | values


def layanan(kode: str = "L-KTP", **values: str) -> dict[str, str]:
    return {"kode": kode, "nama": "Perekaman KTP-el", "unit_kode": "DISKOMINFO"} | values


VALID = {"unit": unit, "pegawai": pegawai, "indikator": indikator, "layanan": layanan}


def second(kind: str) -> dict[str, str]:
    """A valid row of `kind` whose key differs from the first."""
    return {
        "unit": lambda: unit("BAPPEDA"),
        "pegawai": lambda: pegawai(20, atasan=KEPALA),
        "indikator": lambda: indikator("IKI-2"),
        "layanan": lambda: layanan("L-KK"),
    }[kind]()


def first(kind: str) -> dict[str, str]:
    return {
        "unit": lambda: unit("BKPSDM"),
        "pegawai": lambda: pegawai(10, atasan=KEPALA),
        "indikator": lambda: indikator("IKI-1"),
        "layanan": lambda: layanan("L-KTP"),
    }[kind]()


async def seed(database: Database) -> None:
    """Two units and three employees (kepala ← sekretaris ← staf)."""
    await import_rows(database, "unit", [unit("PEMKOT"), unit("DISKOMINFO", "PEMKOT")])
    await import_rows(
        database,
        "pegawai",
        [pegawai(KEPALA), pegawai(SEKRETARIS, atasan=KEPALA), pegawai(STAF, atasan=SEKRETARIS)],
    )


async def snapshot(database: Database) -> dict[str, list[Any]]:
    """Every row of the imported tables, to prove a rejected import changed nothing."""
    tables = {"unit": Unit, "pegawai": Employee, "indikator": Indicator, "layanan": Service}
    result: dict[str, list[Any]] = {}
    async with database.engine.connect() as connection:
        for name, model in tables.items():
            table = SQLModel.metadata.tables[model.__tablename__]  # type: ignore[index]
            rows = await connection.execute(select(table).order_by(table.c.id))
            result[name] = [tuple(row) for row in rows]
    return result


async def rejected(database: Database, kind: str, rows: list[dict[str, Any]]) -> list[RowError]:
    with pytest.raises(ImportRejected) as caught:
        await import_rows(database, kind, rows)
    return caught.value.errors


def line(row: int, column: str, code: str, **params: Any) -> str:
    """The line the admin reads, rendered from the same text book."""
    message = TEXTS.get(code, **params)
    return TEXTS.get("baris_kolom", baris=row, kolom=column, pesan=message)


def write_csv(
    path: Path,
    rows: list[dict[str, Any]],
    *,
    columns: list[str] | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    header = columns or list(rows[0])
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(name, "") for name in header])
    return path


def write_xlsx(
    path: Path, header: list[str], rows: list[list[Any]], *, exact_ints: bool = True
) -> Path:
    """An .xlsx file; ints beyond a float's precision are stored exactly, digit for digit.

    openpyxl (like Excel) writes numbers with 15 significant digits, so an 18-digit NIP typed
    as a number is already rounded in the file; some tools write the exact integer instead.
    Both must be handled, so this helper produces the exact form.
    """
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    numbers = [value for row in rows for value in row if isinstance(value, int | float)]
    if exact_ints and any(isinstance(value, int) and abs(value) > 2**53 for value in numbers):
        name = "xl/worksheets/sheet1.xml"
        with zipfile.ZipFile(path) as archive:
            files = {item: archive.read(item) for item in archive.namelist()}
        exact = iter(numbers)  # number cells appear in the XML in row order

        def replace(match: re.Match[str]) -> str:
            return f"{match.group(1)}<v>{next(exact)}</v>"

        xml = re.sub(r'(t="n">)<v>[^<]*</v>', replace, files[name].decode())
        files[name] = xml.encode()
        with zipfile.ZipFile(path, "w") as archive:
            for item, content in files.items():
                archive.writestr(item, content)
    return path


async def employees(database: Database) -> dict[str, Any]:
    async with database.engine.connect() as connection:
        table = SQLModel.metadata.tables["employee"]
        rows = (await connection.execute(select(table))).mappings().all()
    by_id = {row["id"]: row["nip"] for row in rows}
    return {row["nip"]: dict(row) | {"atasan": by_id.get(row["atasan_id"])} for row in rows}


# --- Reading files -------------------------------------------------------------------------


async def test_excel_csv_with_semicolons_bom_and_crlf(database: Database) -> None:
    table = read_table(FIXTURES / "unit_excel_id.csv")
    assert table.columns == ["kode", "nama", "induk_kode"]
    result = await import_rows(database, "unit", table.rows, columns=table.columns)
    assert result == ImportResult("unit", created=3)
    async with database.engine.connect() as connection:
        units = SQLModel.metadata.tables["unit"]
        rows = (await connection.execute(select(units.c.kode, units.c.nama))).all()
    assert ("DISKOMINFO-APTIKA", "Bidang Aplikasi; Informatika") in rows


def test_header_is_case_and_space_insensitive_and_extra_columns_are_ignored(
    tmp_path: Path,
) -> None:
    path = tmp_path / "unit.csv"
    path.write_text(" KODE , Nama,Induk Kode,Catatan\nA,Unit A,,abaikan\n", encoding="utf-8")
    table = read_table(path)
    assert table.columns == ["kode", "nama", "induk_kode", "catatan"]
    assert table.rows == [{"kode": "A", "nama": "Unit A", "induk_kode": "", "catatan": "abaikan"}]


def test_excel_sep_line_and_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "unit.csv"
    path.write_bytes("sep=;\nkode;nama;induk_kode\nA;Unit Pelayanan Café;\n".encode("cp1252"))
    table = read_table(path)
    assert table.rows == [{"kode": "A", "nama": "Unit Pelayanan Café", "induk_kode": ""}]


def test_blank_rows_keep_their_number_and_trailing_ones_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "unit.csv"
    path.write_text("kode,nama,induk_kode\nA,Unit A,\n,,\nB,,\n\n,,\n", encoding="utf-8")
    table = read_table(path)
    assert len(table.rows) == 3  # rows 2, 3 (blank) and 4


async def test_blank_row_numbering_in_errors(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "unit.csv"
    path.write_text("kode,nama,induk_kode\nA,Unit A,\n,,\nB,,\n,Unit X,\n", encoding="utf-8")
    table = read_table(path)
    with pytest.raises(ImportRejected) as caught:
        await import_rows(database, "unit", table.rows, columns=table.columns)
    assert [str(error) for error in caught.value.errors] == [
        line(4, "nama", "wajib_diisi"),
        line(5, "kode", "wajib_diisi"),
    ]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("unit.xls", b"x", "format_tidak_didukung"),
        ("unit.csv", b"", "berkas_kosong"),
        ("unit.csv", b"\n\n", "berkas_kosong"),
        ("unit.xlsx", b"not a zip", "xlsx_rusak"),
        ("unit.csv", "kode\n".encode("utf-16-le") + b"\x00\xd8", "bukan_utf8"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, code: str) -> None:
    path = tmp_path / name
    if code == "bukan_utf8":
        content = b"\xff\xfe" + content
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as caught:
        read_table(path)
    assert caught.value.code == code


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as caught:
        read_table(tmp_path / "tidak-ada.csv")
    assert caught.value.code == "berkas_tidak_ada"


async def test_xlsx_with_numbers_as_number_cells(database: Database, tmp_path: Path) -> None:
    await seed(database)
    path = write_xlsx(
        tmp_path / "pegawai.xlsx",
        ["NIP", "Nama", "Jabatan", "Unit_Kode", "Atasan_NIP", "Keterangan"],
        [
            [int(nip(30)), "Rina", "Pranata Komputer", "DISKOMINFO", int(KEPALA), None],
            [nip(31), "Joko", "Arsiparis", "DISKOMINFO", None, 12.5],
        ],
    )
    table = read_table(path)
    assert table.rows[0]["nip"] == int(nip(30))  # exact: openpyxl gives an int
    result = await import_rows(database, "pegawai", table.rows, columns=table.columns)
    assert result.created == 2
    people = await employees(database)
    assert people[nip(30)]["atasan"] == KEPALA
    assert people[nip(31)]["atasan"] is None


async def test_xlsx_indicator_numbers(database: Database, tmp_path: Path) -> None:
    await seed(database)
    header = COLUMNS["indikator"]
    row = indikator()
    values: list[Any] = [row[name] for name in header]
    values[header.index("tahun")] = 2026
    values[header.index("target")] = 1250.125  # a number cell: never read as thousands
    values[header.index("nip")] = int(STAF)
    path = write_xlsx(tmp_path / "indikator.xlsx", header, [values])
    table = read_table(path)
    await import_rows(database, "indikator", table.rows, columns=table.columns)
    async with database.engine.connect() as connection:
        indicators = SQLModel.metadata.tables["indicator"]
        stored = (await connection.execute(select(indicators.c.target, indicators.c.tahun))).one()
    assert tuple(stored) == (1250.125, 2026)


@pytest.mark.parametrize("cell", [float(nip(30)), int(nip(30))])
async def test_xlsx_nip_already_rounded_by_excel(
    database: Database, tmp_path: Path, cell: float
) -> None:
    """Excel and openpyxl keep 15 significant digits: the NIP arrives as 1.98503122010011E+17."""
    await seed(database)
    path = write_xlsx(
        tmp_path / "pegawai.xlsx",
        COLUMNS["pegawai"],
        [[cell, "Rina", "Pranata Komputer", "DISKOMINFO", ""]],
        exact_ints=False,
    )
    table = read_table(path)
    errors = await rejected(database, "pegawai", table.rows)
    assert [str(error) for error in errors] == [
        line(2, "nip", "notasi_ilmiah", nilai="1.98503E+17", kolom="nip")
    ]


async def test_csv_nip_in_scientific_notation(database: Database, tmp_path: Path) -> None:
    await seed(database)
    rows = [pegawai(30, atasan="1,98503E+17")]
    path = write_csv(tmp_path / "pegawai.csv", rows, delimiter=";")
    table = read_table(path)
    errors = await rejected(database, "pegawai", table.rows)
    assert [str(error) for error in errors] == [
        line(2, "atasan_nip", "notasi_ilmiah", nilai="1,98503E+17", kolom="atasan_nip")
    ]


# --- The header ----------------------------------------------------------------------------


async def test_missing_and_duplicate_columns(database: Database) -> None:
    errors = await rejected(database, "layanan", [{"kode": "L", "NAMA": "x", " nama ": "y"}])
    assert errors == [RowError(1, "unit_kode", "kolom_hilang"), RowError(1, "nama", "kolom_ganda")]
    assert str(errors[0]) == line(
        1, "unit_kode", "kolom_hilang", kolom="unit_kode", kolom_wajib="kode, nama, unit_kode"
    )


async def test_header_only_file_imports_nothing(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "layanan.csv"
    path.write_text("kode,nama,unit_kode\n", encoding="utf-8")
    table = read_table(path)
    result = await import_rows(database, "layanan", table.rows, columns=table.columns)
    assert result == ImportResult("layanan")
    with pytest.raises(ImportRejected):
        await import_rows(database, "layanan", table.rows, columns=["kode", "nama"])


# --- Every row check -----------------------------------------------------------------------

LONG = "x" * 201

ROW_ERRORS = [
    # NIP
    ("pegawai", {"nip": "19850312201001100"}, "nip", "nip_panjang", {"jumlah": 17}),
    ("pegawai", {"nip": "1985031220100110021"}, "nip", "nip_panjang", {"jumlah": 19}),
    ("pegawai", {"nip": "19850312-2010011002"}, "nip", "nip_bukan_angka", {}),
    ("pegawai", {"nip": "198513122010011002"}, "nip", "nip_tanggal_lahir", {"tanggal": "19851312"}),
    ("pegawai", {"nip": "198502302010011002"}, "nip", "nip_tanggal_lahir", {"tanggal": "19850230"}),
    ("pegawai", {"nip": "198503122010013002"}, "nip", "nip_jenis_kelamin", {"digit": "3"}),
    ("pegawai", {"atasan_nip": "123"}, "atasan_nip", "nip_panjang", {"jumlah": 3}),
    ("indikator", {"nip": "1985031220100110"}, "nip", "nip_panjang", {"jumlah": 16}),
    # unknown references
    ("pegawai", {"unit_kode": "DINKES"}, "unit_kode", "unit_tidak_dikenal", {"kode": "DINKES"}),
    ("pegawai", {"atasan_nip": nip(99)}, "atasan_nip", "atasan_tidak_dikenal", {"nip": nip(99)}),
    ("unit", {"induk_kode": "DINKES"}, "induk_kode", "induk_tidak_dikenal", {"kode": "DINKES"}),
    ("indikator", {"nip": nip(99)}, "nip", "pegawai_tidak_dikenal", {"nip": nip(99)}),
    ("layanan", {"unit_kode": "DINKES"}, "unit_kode", "unit_tidak_dikenal", {"kode": "DINKES"}),
    # a row naming itself
    ("pegawai", {"atasan_nip": nip(20)}, "atasan_nip", "atasan_diri_sendiri", {}),
    ("unit", {"induk_kode": "BAPPEDA"}, "induk_kode", "induk_diri_sendiri", {}),
    # numbers
    ("indikator", {"target": "abc"}, "target", "angka_bukan_angka", {"nilai": "abc"}),
    ("indikator", {"target": "1,2,3"}, "target", "angka_koma_ganda", {"nilai": "1,2,3"}),
    ("indikator", {"target": "1.25.0"}, "target", "angka_pemisah_ribuan", {"nilai": "1.25.0"}),
    ("indikator", {"target": "1,250.5"}, "target", "angka_format_campuran", {"nilai": "1,250.5"}),
    ("indikator", {"target": "0"}, "target", "target_tidak_positif", {"nilai": "0"}),
    ("indikator", {"target": "-3"}, "target", "target_tidak_positif", {"nilai": "-3"}),
    # choices
    *[
        ("indikator", {column: "lain"}, column, "pilihan_salah", {"nilai": "lain", "pilihan": ok})
        for column, ok in [
            ("aspek", "kuantitas, kualitas, waktu, biaya"),
            ("arah", "naik, turun"),
            ("cara_hitung", "kumulatif, terakhir"),
            ("jenis", "utama, tambahan"),
        ]
    ],
    # years
    ("indikator", {"tahun": "26"}, "tahun", "tahun_salah", {"nilai": "26"}),
    ("indikator", {"tahun": "20261"}, "tahun", "tahun_salah", {"nilai": "20261"}),
    ("indikator", {"tahun": "dua ribu"}, "tahun", "tahun_salah", {"nilai": "dua ribu"}),
    ("indikator", {"tahun": "1800"}, "tahun", "tahun_salah", {"nilai": "1800"}),
    # empty required values
    *[
        (kind, {column: "  "}, column, "wajib_diisi", {})
        for kind, required in [
            ("unit", ["kode", "nama"]),
            ("pegawai", ["nip", "nama", "jabatan", "unit_kode"]),
            ("indikator", ["kode", "nip", "tahun", "rhk", "nama", "aspek", "satuan", "target"]),
            ("layanan", ["kode", "nama", "unit_kode"]),
        ]
        for column in required
    ],
    # too long for the model
    ("unit", {"kode": "K" * 33}, "kode", "terlalu_panjang", {"batas": 32, "panjang": 33}),
    ("unit", {"nama": LONG}, "nama", "terlalu_panjang", {"batas": 200, "panjang": 201}),
    ("pegawai", {"jabatan": LONG}, "jabatan", "terlalu_panjang", {"batas": 200, "panjang": 201}),
    ("indikator", {"kode": "K" * 65}, "kode", "terlalu_panjang", {"batas": 64, "panjang": 65}),
    ("indikator", {"satuan": "s" * 65}, "satuan", "terlalu_panjang", {"batas": 64, "panjang": 65}),
    ("layanan", {"nama": LONG}, "nama", "terlalu_panjang", {"batas": 200, "panjang": 201}),
]


@pytest.mark.parametrize(
    ("kind", "changes", "column", "code", "params"),
    ROW_ERRORS,
    ids=[f"{kind}-{column}-{code}" for kind, _, column, code, _ in ROW_ERRORS],
)
async def test_row_error(
    database: Database,
    kind: str,
    changes: dict[str, str],
    column: str,
    code: str,
    params: dict[str, Any],
) -> None:
    await seed(database)
    before = await snapshot(database)
    errors = await rejected(database, kind, [first(kind), second(kind) | changes])
    assert errors == [RowError(3, column, code)]
    if code == "nip_bukan_angka":
        params = {"nilai": changes[column]}
    assert str(errors[0]) == line(3, column, code, **params)
    assert await snapshot(database) == before


@pytest.mark.parametrize(
    ("kind", "column", "params"),
    [
        ("unit", "kode", {"kolom": "kode", "nilai": "BKPSDM"}),
        ("pegawai", "nip", {"kolom": "nip", "nilai": nip(10)}),
        ("layanan", "kode", {"kolom": "kode", "nilai": "L-KTP"}),
    ],
)
async def test_duplicate_key_in_file(
    database: Database, kind: str, column: str, params: dict[str, str]
) -> None:
    await seed(database)
    errors = await rejected(database, kind, [first(kind), second(kind), first(kind)])
    assert [str(error) for error in errors] == [
        line(4, column, "kunci_ganda", baris_pertama=2, **params)
    ]


async def test_duplicate_indicator_is_kode_and_tahun(database: Database) -> None:
    await seed(database)
    rows = [indikator("IKI-1"), indikator("IKI-1", tahun="2027"), indikator("IKI-1")]
    errors = await rejected(database, "indikator", rows)
    assert [str(error) for error in errors] == [
        line(4, "kode", "indikator_ganda", kode="IKI-1", tahun=2026, baris_pertama=2)
    ]


async def test_all_errors_are_listed_and_capped(database: Database) -> None:
    await seed(database)
    rows = [pegawai(n, atasan=KEPALA, nama="") for n in range(100, 160)]
    with pytest.raises(ImportRejected) as caught:
        await import_rows(database, "pegawai", rows)
    assert len(caught.value.errors) == 60
    report = str(caught.value).splitlines()
    assert report[0] == TEXTS.get("dibatalkan", jenis="pegawai", jumlah="60")
    assert report[1:3] == [line(2, "nama", "wajib_diisi"), line(3, "nama", "wajib_diisi")]
    assert len(report) == 1 + 50 + 1
    assert report[-1] == TEXTS.get("kesalahan_lain", jumlah="10")
    assert format_errors("pegawai", caught.value.errors, limit=100).count("\n") == 60


async def test_a_bad_row_does_not_make_rows_pointing_at_it_fail(database: Database) -> None:
    """The atasan's row has a bad name, but its NIP is declared: only that row is reported."""
    await seed(database)
    rows = [pegawai(40, atasan=KEPALA, jabatan=""), pegawai(41, atasan=nip(40))]
    errors = await rejected(database, "pegawai", rows)
    assert errors == [RowError(2, "jabatan", "wajib_diisi")]


# --- Chains: atasan declared later, cycles -------------------------------------------------


async def test_atasan_declared_later_in_the_same_file(database: Database) -> None:
    await seed(database)
    rows = [
        pegawai(52, atasan=nip(51)),
        pegawai(51, atasan=nip(50)),
        pegawai(50, atasan=KEPALA),
    ]
    assert await import_rows(database, "pegawai", rows) == ImportResult("pegawai", created=3)
    people = await employees(database)
    assert [people[nip(n)]["atasan"] for n in (52, 51, 50)] == [nip(51), nip(50), KEPALA]


async def test_unit_parent_declared_later_in_the_same_file(database: Database) -> None:
    rows = [unit("SEKSI", "BIDANG"), unit("BIDANG", "DINAS"), unit("DINAS")]
    assert await import_rows(database, "unit", rows) == ImportResult("unit", created=3)
    async with database.engine.connect() as connection:
        units = SQLModel.metadata.tables["unit"]
        rows_in_db = await connection.execute(select(units.c.id, units.c.kode, units.c.parent_id))
        by_kode = {row.kode: row for row in rows_in_db}
    assert by_kode["SEKSI"].parent_id == by_kode["BIDANG"].id
    assert by_kode["BIDANG"].parent_id == by_kode["DINAS"].id
    assert by_kode["DINAS"].parent_id is None


async def test_the_short_name_column_is_optional_and_kept_when_left_out(
    database: Database,
) -> None:
    async def short_names() -> dict[str, str | None]:
        async with database.engine.connect() as connection:
            units = SQLModel.metadata.tables["unit"]
            found = await connection.execute(select(units.c.kode, units.c.singkatan))
            return {row.kode: row.singkatan for row in found}

    named = [
        unit("DINAS") | {"singkatan": "Disdukcapil"},
        unit("BIDANG", "DINAS") | {"singkatan": ""},
    ]
    assert await import_rows(database, "unit", named) == ImportResult("unit", created=2)
    assert await short_names() == {"DINAS": "Disdukcapil", "BIDANG": None}
    # A file without the column leaves the stored short names alone.
    await import_rows(database, "unit", [unit("DINAS"), unit("BIDANG", "DINAS")])
    assert await short_names() == {"DINAS": "Disdukcapil", "BIDANG": None}
    # An empty value clears it.
    await import_rows(database, "unit", [unit("DINAS") | {"singkatan": ""}])
    assert await short_names() == {"DINAS": None, "BIDANG": None}


async def test_atasan_cycle_within_the_file(database: Database) -> None:
    await seed(database)
    rows = [pegawai(60, atasan=nip(61)), pegawai(61, atasan=nip(62)), pegawai(62, atasan=nip(60))]
    errors = await rejected(database, "pegawai", rows)
    assert [str(error) for error in errors] == [
        line(
            2,
            "atasan_nip",
            "atasan_berputar",
            rantai=f"{nip(60)} → {nip(61)} → {nip(62)} → {nip(60)}",
        ),
        line(
            3,
            "atasan_nip",
            "atasan_berputar",
            rantai=f"{nip(61)} → {nip(62)} → {nip(60)} → {nip(61)}",
        ),
        line(
            4,
            "atasan_nip",
            "atasan_berputar",
            rantai=f"{nip(62)} → {nip(60)} → {nip(61)} → {nip(62)}",
        ),
    ]


async def test_atasan_cycle_through_the_database(database: Database) -> None:
    """In the database the staf reports to the sekretaris; the file makes the kepala report to
    the staf: a cycle kepala → staf → sekretaris → kepala."""
    await seed(database)
    before = await snapshot(database)
    errors = await rejected(database, "pegawai", [pegawai(KEPALA, atasan=STAF)])
    assert [str(error) for error in errors] == [
        line(
            2,
            "atasan_nip",
            "atasan_berputar",
            rantai=f"{KEPALA} → {STAF} → {SEKRETARIS} → {KEPALA}",
        )
    ]
    assert await snapshot(database) == before


async def test_moving_an_employee_can_break_a_database_chain(database: Database) -> None:
    """The file changes both ends at once: no cycle once the file's rows replace the database's."""
    await seed(database)
    rows = [pegawai(KEPALA, atasan=STAF), pegawai(STAF, atasan="")]
    result = await import_rows(database, "pegawai", rows)
    assert result == ImportResult("pegawai", updated=2)
    people = await employees(database)
    assert people[KEPALA]["atasan"] == STAF
    assert people[STAF]["atasan"] is None


async def test_unit_parent_cycle(database: Database) -> None:
    await seed(database)
    errors = await rejected(database, "unit", [unit("PEMKOT", "DISKOMINFO")])
    assert [str(error) for error in errors] == [
        line(2, "induk_kode", "induk_berputar", rantai="PEMKOT → DISKOMINFO → PEMKOT")
    ]


def test_find_cycles() -> None:
    parents = {"a": "b", "b": "c", "c": "a", "d": "a", "e": None, "f": "f", "g": "x"}
    cycles = find_cycles(parents, ["d", "a", "e", "f", "g"])
    assert cycles == [["a", "b", "c"], ["f"]]


# --- All or nothing, re-import -------------------------------------------------------------


async def test_bad_file_changes_nothing(database: Database) -> None:
    await seed(database)
    await import_rows(database, "indikator", [indikator("IKI-1"), indikator("IKI-2")])
    before = await snapshot(database)
    rows = [
        indikator("IKI-1", target="99"),  # a change
        indikator("IKI-3"),  # a new one
        indikator("IKI-4", aspek="kecepatan"),  # the bad row
    ]
    errors = await rejected(database, "indikator", rows)
    assert errors == [RowError(4, "aspek", "pilihan_salah")]
    assert await snapshot(database) == before


async def test_bad_row_found_only_against_the_database_changes_nothing(database: Database) -> None:
    await seed(database)
    before = await snapshot(database)
    rows = [
        pegawai(70, atasan=KEPALA),
        pegawai(SEKRETARIS, nama="Baru"),
        pegawai(71, unit_kode="X"),
    ]
    errors = await rejected(database, "pegawai", rows)
    assert errors == [RowError(4, "unit_kode", "unit_tidak_dikenal")]
    assert await snapshot(database) == before


async def test_reimport_counts(database: Database) -> None:
    units = [unit("PEMKOT"), unit("DISKOMINFO", "PEMKOT"), unit("BAPPEDA", "PEMKOT")]
    assert await import_rows(database, "unit", units) == ImportResult("unit", created=3)
    assert await import_rows(database, "unit", units) == ImportResult("unit", unchanged=3)
    units[2] = unit("BAPPEDA", "DISKOMINFO")
    units.append(unit("DINKES", "PEMKOT"))
    assert await import_rows(database, "unit", units) == ImportResult(
        "unit", created=1, updated=1, unchanged=2
    )

    staff = [pegawai(KEPALA), pegawai(SEKRETARIS, atasan=KEPALA), pegawai(STAF, atasan=SEKRETARIS)]
    assert await import_rows(database, "pegawai", staff) == ImportResult("pegawai", created=3)
    assert await import_rows(database, "pegawai", staff) == ImportResult("pegawai", unchanged=3)
    staff[1] = pegawai(SEKRETARIS, atasan=KEPALA, jabatan="Sekretaris Dinas")
    staff[2] = pegawai(STAF, atasan=nip(80))  # a new atasan, declared after
    staff.append(pegawai(80, atasan=KEPALA, unit_kode="BAPPEDA"))
    assert await import_rows(database, "pegawai", staff) == ImportResult(
        "pegawai", created=1, updated=2, unchanged=1
    )
    assert (await employees(database))[STAF]["atasan"] == nip(80)

    indicators = [indikator("IKI-1"), indikator("IKI-2", target="1.250,5")]
    assert await import_rows(database, "indikator", indicators) == ImportResult(
        "indikator", created=2
    )
    indicators[1] = indikator("IKI-2", target="1250,5", aspek="KUANTITAS")  # same values
    assert await import_rows(database, "indikator", indicators) == ImportResult(
        "indikator", unchanged=2
    )
    indicators[0] = indikator("IKI-1", iku_unit="IKU 1: Indeks SPBE")
    indicators.append(indikator("IKI-1", tahun="2027"))
    assert await import_rows(database, "indikator", indicators) == ImportResult(
        "indikator", created=1, updated=1, unchanged=1
    )

    services = [layanan("L-KTP"), layanan("L-KK")]
    assert await import_rows(database, "layanan", services) == ImportResult("layanan", created=2)
    services[1] = layanan("L-KK", unit_kode="BAPPEDA")
    assert await import_rows(database, "layanan", services) == ImportResult(
        "layanan", updated=1, unchanged=1
    )


async def test_indicator_values_and_defaults(database: Database) -> None:
    await seed(database)
    rows = [
        indikator("IKI-1", target="1.250,5", arah="", cara_hitung="", jenis=""),
        indikator("IKI-2", target="12.5", arah="Turun", cara_hitung="TERAKHIR", jenis="Tambahan"),
        indikator("IKI-3", target="75%", aspek="Waktu", iku_unit=" IKU 2 "),
    ]
    await import_rows(database, "indikator", rows)
    async with database.engine.connect() as connection:
        table = SQLModel.metadata.tables["indicator"]
        stored = {
            row.kode: row for row in await connection.execute(select(table).order_by(table.c.kode))
        }
    assert (stored["IKI-1"].target, stored["IKI-1"].arah) == (1250.5, "naik")
    assert (stored["IKI-1"].cara_hitung, stored["IKI-1"].jenis) == ("kumulatif", "utama")
    assert stored["IKI-1"].iku_unit is None
    assert (stored["IKI-2"].target, stored["IKI-2"].arah) == (12.5, "turun")
    assert (stored["IKI-2"].cara_hitung, stored["IKI-2"].jenis) == ("terakhir", "tambahan")
    assert (stored["IKI-3"].target, stored["IKI-3"].aspek) == (75.0, "waktu")
    assert stored["IKI-3"].iku_unit == "IKU 2"


def test_text_book_has_every_text() -> None:
    for key, names in TEXTS.keys.items():
        assert TEXTS.get(key, **dict.fromkeys(names, "x")), key


def test_summary_text() -> None:
    result = ImportResult("pegawai", created=15000, updated=3, unchanged=40)
    assert result.summary() == TEXTS.get(
        "selesai", jenis="pegawai", baru="15.000", diperbarui="3", tidak_berubah="40"
    )
    assert result.total == 15043


def test_progress_only_for_a_terminal_and_large_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    assert wants_progress(None, 5000)
    assert not wants_progress(None, 10)
    assert wants_progress(True, 10)
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    assert not wants_progress(None, 5000)


async def test_unknown_kind(database: Database) -> None:
    with pytest.raises(ValueError, match="unknown import kind"):
        await import_rows(database, "gaji", [])


# --- The CLI -------------------------------------------------------------------------------


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """The CLI reads DATABASE_URL from the environment, as an admin's shell would set it."""
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.chdir(tmp_path)  # no developer .env
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def test_cli_imports_and_prints_summary(
    database: Database, cli_env: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    from kinerja_bot.cli import main

    await seed(database)
    path = write_csv(
        tmp_path / "pegawai.csv",
        [pegawai(KEPALA), pegawai(90, atasan=KEPALA), pegawai(91, atasan=nip(90))],
        delimiter=";",
    )
    await asyncio.to_thread(main, ["impor", "pegawai", str(path)])
    assert (
        capsys.readouterr().out.strip() == ImportResult("pegawai", created=2, unchanged=1).summary()
    )
    assert (await employees(database))[nip(91)]["atasan"] == nip(90)


async def test_cli_reports_errors_and_exits_non_zero(
    database: Database, cli_env: Any, tmp_path: Path
) -> None:
    import asyncio

    from kinerja_bot.cli import main

    await seed(database)
    before = await snapshot(database)
    path = write_csv(
        tmp_path / "pegawai.csv", [pegawai(92, atasan=KEPALA), pegawai(93, nip="19850312201001100")]
    )
    with pytest.raises(SystemExit) as caught:
        await asyncio.to_thread(main, ["impor", "pegawai", str(path)])
    message = str(caught.value.code)
    assert message.splitlines() == [
        TEXTS.get("dibatalkan", jenis="pegawai", jumlah="1"),
        line(3, "nip", "nip_panjang", jumlah=17),
    ]
    assert await snapshot(database) == before


async def test_cli_missing_file(database: Database, cli_env: Any, tmp_path: Path) -> None:
    import asyncio

    from kinerja_bot.cli import main

    with pytest.raises(SystemExit) as caught:
        await asyncio.to_thread(main, ["impor", "unit", str(tmp_path / "tidak-ada.xlsx")])
    assert caught.value.code == TEXTS.get("berkas_tidak_ada", file=str(tmp_path / "tidak-ada.xlsx"))


async def test_cli_without_schema(
    cli_env: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from kinerja_bot.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kosong.db'}")
    path = write_csv(tmp_path / "unit.csv", [unit("PEMKOT")])
    with pytest.raises(SystemExit) as caught:
        await asyncio.to_thread(main, ["impor", "unit", str(path)])
    assert caught.value.code == TEXTS.get("basis_data_gagal", alasan="no such table: unit")
