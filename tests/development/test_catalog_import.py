"""`kinerja-bot impor pelatihan FILE`: the training catalog, all or nothing, Indonesian dates
and numbers, from CSV and XLSX."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import TrainingOffer
from kinerja_bot.importing import ImportRejected, ImportResult, import_rows
from kinerja_bot.importing.messages import TEXTS
from tests.test_importing import cli_env, line, write_csv, write_xlsx

__all__ = ["cli_env"]

HEADER = [
    "kode",
    "nama",
    "penyelenggara",
    "jenis",
    "bentuk",
    "jp",
    "kompetensi",
    "kata_kunci",
    "unsur",
    "mulai",
    "selesai",
    "kuota",
    "tautan",
]


def offer(kode: str = "PLT-01", **values: str) -> dict[str, str]:
    row = {
        "kode": kode,
        "nama": "Pelayanan Prima",
        "penyelenggara": "BPSDM Provinsi Banten",
        "jenis": "Klasikal",
        "bentuk": "pelatihan",
        "jp": "32",
        "kompetensi": "sosial-kultural",
        "kata_kunci": "pelayanan prima; komunikasi;  ;etika pelayanan",
        "unsur": "u7; U6",
        "mulai": "7 Desember 2026",
        "selesai": "10-12-2026",
        "kuota": "1.200",
        "tautan": "",
    }
    return row | values


async def offers(database: Database) -> list[TrainingOffer]:
    async with database.session() as session:
        return list((await session.exec(select(TrainingOffer).order_by(TrainingOffer.kode))).all())


async def test_csv_with_indonesian_dates_numbers_and_lists(
    database: Database, cli_env: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kinerja_bot.cli import main

    rows = [
        offer(),
        offer(
            "PLT-02",
            nama="Analisis Data dengan Excel",
            jenis="nonklasikal",
            bentuk="e-learning",
            jp="2,5",
            kompetensi="teknis",
            kata_kunci="excel;analisis data",
            unsur="",
            mulai="01/12/2026",
            selesai="2026-12-31",
            kuota="",
            tautan="https://asn-unggul.lan.go.id",
        ),
    ]
    path = write_csv(tmp_path / "pelatihan.csv", rows, delimiter=";")
    await asyncio.to_thread(main, ["impor", "pelatihan", str(path)])
    assert capsys.readouterr().out.strip() == ImportResult("pelatihan", created=2).summary()

    prima, excel = await offers(database)
    assert (prima.jenis, prima.jp, prima.kompetensi, prima.kuota) == (
        "klasikal",
        32,
        "sosial-kultural",
        1200,
    )
    assert prima.kata_kunci == "pelayanan prima;komunikasi;etika pelayanan"
    assert prima.unsur == "U7;U6"
    assert (prima.mulai, prima.selesai) == (date(2026, 12, 7), date(2026, 12, 10))
    assert (excel.jp, excel.kuota, excel.unsur, excel.tautan) == (
        2.5,
        None,
        None,
        "https://asn-unggul.lan.go.id",
    )

    # Re-importing with one change updates that offer only.
    path = write_csv(tmp_path / "pelatihan.csv", [offer(kuota="30"), rows[1]])
    await asyncio.to_thread(main, ["impor", "pelatihan", str(path)])
    assert (
        capsys.readouterr().out.strip()
        == ImportResult("pelatihan", updated=1, unchanged=1).summary()
    )
    assert (await offers(database))[0].kuota == 30


async def test_xlsx_date_and_number_cells(database: Database, tmp_path: Path) -> None:
    from kinerja_bot.importing import read_table

    values = offer()
    values |= {"jp": 24, "kuota": 40, "mulai": datetime(2026, 12, 7), "selesai": date(2026, 12, 9)}
    path = write_xlsx(tmp_path / "pelatihan.xlsx", HEADER, [[values[name] for name in HEADER]])
    table = await asyncio.to_thread(read_table, path)
    await import_rows(database, "pelatihan", table.rows, columns=table.columns)
    (stored,) = await offers(database)
    assert (stored.jp, stored.kuota, stored.mulai, stored.selesai) == (
        24,
        40,
        date(2026, 12, 7),
        date(2026, 12, 9),
    )


async def test_every_row_error_and_nothing_saved(database: Database) -> None:
    rows = [
        offer("PLT-01", jp="0", mulai="31 Februari 2026"),
        offer("PLT-02", jenis="daring", unsur="U6;U10", kuota="0"),
        offer("PLT-03", mulai="10-12-2026", selesai="7-12-2026", kata_kunci=" ; "),
        offer("PLT-01"),
        offer("PLT-04"),
    ]
    with pytest.raises(ImportRejected) as caught:
        await import_rows(database, "pelatihan", rows)
    pilihan = "U1, U2, U3, U4, U5, U6, U7, U8, U9"
    assert [str(error) for error in caught.value.errors] == [
        line(2, "jp", "jp_tidak_positif", nilai="0"),
        line(2, "mulai", "tanggal_salah", nilai="31 Februari 2026"),
        line(3, "jenis", "pilihan_salah", nilai="daring", pilihan="klasikal, nonklasikal"),
        line(3, "unsur", "unsur_salah", nilai="U10", pilihan=pilihan),
        line(3, "kuota", "kuota_nol"),
        line(4, "kata_kunci", "wajib_diisi"),
        line(4, "selesai", "selesai_sebelum_mulai"),
        line(5, "kode", "kunci_ganda", kolom="kode", nilai="PLT-01", baris_pertama=2),
    ]
    assert TEXTS.get("dibatalkan", jenis="pelatihan", jumlah="8") in str(caught.value)
    assert await offers(database) == []
