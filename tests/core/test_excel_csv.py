"""The one CSV writer: what an Indonesian Excel opens right, and what the importer reads back."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlmodel import select

from kinerja_bot.cli import main
from kinerja_bot.core.db import Database
from kinerja_bot.core.excel_csv import csv_cell, write_csv
from kinerja_bot.core.models import Employee, TrainingOffer
from kinerja_bot.importing import read_table
from tests.test_importing import cli_env

__all__ = ["cli_env"]

KEPALA, STAF = "198503122010011001", "198503122010012002"


def test_cells_keep_digits_as_text_and_write_numbers_and_dates_the_indonesian_way() -> None:
    assert csv_cell(KEPALA) == "\t" + KEPALA  # never 1,98503E+17
    assert csv_cell("007") == "\t007"  # keeps its zeros
    assert csv_cell("2026-11") == "\t2026-11"  # a period, not November
    assert csv_cell("2026-S1") == "2026-S1"
    assert csv_cell("Loket 2") == "Loket 2"
    assert csv_cell(1250.5) == "1250,5"
    assert csv_cell(3.0) == "3"
    assert csv_cell(12) == "12"
    assert csv_cell(date(2026, 12, 1)) == "01/12/2026"
    assert csv_cell(datetime(2026, 12, 1, 2, 30, tzinfo=UTC)) == "01/12/2026 09:30"  # WIB
    assert csv_cell(None) == ""


def test_the_file_has_a_bom_semicolons_and_crlf() -> None:
    buffer = io.BytesIO()
    write_csv(buffer, ["nip", "nama"], [(KEPALA, "Siti; Rahma")])
    raw = buffer.getvalue()
    assert raw.startswith(b"\xef\xbb\xbfnip;nama\r\n")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["nip", "nama"], ["\t" + KEPALA, "Siti; Rahma"]]


async def import_file(kind: str, path: Path) -> None:
    await asyncio.to_thread(main, ["impor", kind, str(path)])


async def test_the_importer_reads_our_own_csv_back(
    database: Database, cli_env: Any, tmp_path: Path
) -> None:
    units, staff, catalog = tmp_path / "unit.csv", tmp_path / "pegawai.csv", tmp_path / "p.csv"
    write_csv(units, ["kode", "nama", "induk_kode"], [("007", "Dinas Nol Nol Tujuh", None)])
    write_csv(
        staff,
        ["nip", "nama", "jabatan", "unit_kode", "atasan_nip"],
        [(KEPALA, "Kepala", "Kepala Dinas", "007", None), (STAF, "Staf", "Analis", "007", KEPALA)],
    )
    offer_row = {
        "kode": "PLT-01",
        "nama": "Excel",
        "penyelenggara": "BPSDM",
        "jenis": "nonklasikal",
        "bentuk": "e-learning",
        "jp": 2.5,
        "kompetensi": "teknis",
        "kata_kunci": "excel; data",
        "unsur": None,
        "mulai": date(2026, 12, 1),
        "selesai": date(2026, 12, 31),
        "kuota": 1200,
        "tautan": None,
    }
    write_csv(catalog, list(offer_row), [list(offer_row.values())])
    assert read_table(staff).rows[0]["nip"] == "\t" + KEPALA  # what the file holds

    await import_file("unit", units)
    await import_file("pegawai", staff)
    await import_file("pelatihan", catalog)

    async with database.session() as session:
        people = (await session.exec(select(Employee).order_by(Employee.nip))).all()
        offer = (await session.exec(select(TrainingOffer))).one()
    assert [p.nip for p in people] == [KEPALA, STAF]
    assert people[1].atasan_id == people[0].id
    assert (offer.jp, offer.mulai, offer.selesai) == (2.5, date(2026, 12, 1), date(2026, 12, 31))
    assert offer.kuota == 1200
