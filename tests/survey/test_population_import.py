"""`impor layanan` with the optional column `pengguna_per_tahun` (SKM sample size)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Service
from kinerja_bot.importing import ImportRejected, ImportResult, RowError, import_rows
from tests.factories import add_unit


def layanan(kode: str, pengguna: str | None = None) -> dict[str, str]:
    row = {"kode": kode, "nama": f"Layanan {kode}", "unit_kode": "DISDUKCAPIL"}
    if pengguna is not None:
        row["pengguna_per_tahun"] = pengguna
    return row


async def users(database: Database) -> dict[str, int | None]:
    async with database.session() as session:
        services = (await session.exec(select(Service))).all()
    return {s.kode: s.pengguna_per_tahun for s in services}


async def test_the_column_is_read_kept_when_absent_and_cleared_when_empty(
    database: Database,
) -> None:
    await add_unit(database, "DISDUKCAPIL")
    result = await import_rows(
        database, "layanan", [layanan("L-KTP", "12.500"), layanan("L-KK", "")]
    )
    assert result == ImportResult("layanan", created=2)
    assert await users(database) == {"L-KTP": 12500, "L-KK": None}

    # A file without the column keeps the stored numbers.
    result = await import_rows(database, "layanan", [layanan("L-KTP"), layanan("L-KK")])
    assert result == ImportResult("layanan", unchanged=2)
    assert await users(database) == {"L-KTP": 12500, "L-KK": None}

    result = await import_rows(database, "layanan", [layanan("L-KTP", ""), layanan("L-KK", "80")])
    assert result == ImportResult("layanan", updated=2)
    assert await users(database) == {"L-KTP": None, "L-KK": 80}


async def test_xlsx_numbers_and_bad_values(database: Database) -> None:
    await add_unit(database, "DISDUKCAPIL")
    rows = [layanan("A"), layanan("B"), layanan("C"), layanan("D")]
    rows[0]["pengguna_per_tahun"] = 3000.0  # type: ignore[assignment]  # as an XLSX cell
    rows[1]["pengguna_per_tahun"] = "12,5"
    rows[2]["pengguna_per_tahun"] = "-3"
    rows[3]["pengguna_per_tahun"] = "banyak"
    with pytest.raises(ImportRejected) as rejected:
        await import_rows(database, "layanan", rows)
    assert rejected.value.errors == [
        RowError(3, "pengguna_per_tahun", "bilangan_bulat", {"nilai": "12,5"}),
        RowError(4, "pengguna_per_tahun", "bilangan_bulat", {"nilai": "-3"}),
        RowError(5, "pengguna_per_tahun", "angka_bukan_angka", {"nilai": "banyak"}),
    ]
    assert await import_rows(database, "layanan", rows[:1]) == ImportResult("layanan", created=1)
    assert await users(database) == {"A": 3000}


async def test_the_header_does_not_require_it(database: Database) -> None:
    await add_unit(database, "DISDUKCAPIL")
    with pytest.raises(ImportRejected) as rejected:
        await import_rows(database, "layanan", [], columns=["kode", "nama"])
    assert rejected.value.errors[0].params["kolom_wajib"] == "kode, nama, unit_kode"
