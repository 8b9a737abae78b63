"""`kinerja-bot aktivasi`: the list (CSV, XLSX) and the slips (PDF) an admin hands out, and
their scope."""

from __future__ import annotations

import asyncio
import csv
import re
from datetime import datetime
from pathlib import Path

import openpyxl
import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader

from kinerja_bot.activation.issuing import SLIP_TEXTS
from kinerja_bot.cli import main
from kinerja_bot.core.db import Database
from kinerja_bot.core.settings import Settings, get_settings
from kinerja_bot.exports.texts import TEXTS as EXPORT_TEXTS
from tests.factories import add_employee, add_unit


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("BOT_USERNAME", "KinerjaTangselBot")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def run_cli(*args: str) -> None:
    """The CLI runs its own event loop, so it runs in a thread here."""
    await asyncio.to_thread(main, list(args))


HEADERS = {
    key: EXPORT_TEXTS.get(f"kolom_{key}")
    for key in ("nip", "nama", "unit", "kode_aktivasi", "berlaku_sampai", "tautan_aktivasi")
}


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows by column key, values as Excel shows them (the tab that keeps a NIP text dropped)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    keys = {label: key for key, label in HEADERS.items()}
    assert [keys[label] for label in rows[0]] == list(HEADERS)
    return [{keys[h]: v.strip() for h, v in zip(rows[0], row, strict=True)} for row in rows[1:]]


async def test_codes_for_a_unit_tree_skip_linked_staff(
    database: Database, cli_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dinkes = await add_unit(database, "DINKES", "Dinas Kesehatan")
    puskesmas = await add_unit(database, "PKM-PAMULANG", "Puskesmas Pamulang", parent=dinkes)
    other = await add_unit(database, "DISDUKCAPIL")
    kepala = await add_employee(database, dinkes, nama="dr. Allin Hendalin")
    await add_employee(database, puskesmas, nama="Rina Marlina", atasan=kepala)
    await add_employee(database, puskesmas, nama="Sudah Tertaut", telegram_id=555)
    await add_employee(database, other, nama="Di Unit Lain")
    output = tmp_path / "kode.csv"

    await run_cli("aktivasi", "--unit", "DINKES", "-o", str(output))

    rows = read_csv(output)
    assert sorted(r["nama"] for r in rows) == ["Rina Marlina", "dr. Allin Hendalin"]
    assert sorted(r["unit"] for r in rows) == ["Dinas Kesehatan", "Puskesmas Pamulang"]
    for row in rows:
        code = row["kode_aktivasi"]
        assert len(code) == 8
        assert row["tautan_aktivasi"] == f"https://t.me/KinerjaTangselBot?start=aktivasi-{code}"
        assert re.fullmatch(r"\d\d/\d\d/20\d\d \d\d:\d\d", row["berlaku_sampai"])
    assert "2 kode aktivasi ditulis" in capsys.readouterr().out


async def test_one_nip(database: Database, cli_env: None, tmp_path: Path) -> None:
    unit = await add_unit(database)
    person = await add_employee(database, unit, nama="Ahmad Fauzi")
    await add_employee(database, unit, nama="Orang Lain")
    output = tmp_path / "satu.csv"
    await run_cli("aktivasi", "--nip", person.nip, "-o", str(output))
    assert [r["nama"] for r in read_csv(output)] == ["Ahmad Fauzi"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "TIDAKADA"], "Unit dengan kode 'TIDAKADA' tidak ditemukan."),
        (["--nip", "198504122010011999"], "NIP '198504122010011999' tidak ditemukan."),
        (["-o", "/tidak/ada/folder/kode.csv"], "Folder '/tidak/ada/folder' tidak ada"),
        (["-o", "kode.ods"], "harus berakhiran .csv, .xlsx atau .pdf"),
        (["-o", "/sys/kode.csv"], "Berkas '/sys/kode.csv' tidak dapat ditulis"),
    ],
)
async def test_clear_errors(
    database: Database, cli_env: None, args: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        await run_cli("aktivasi", *args)
    assert message in str(stopped.value.code)


async def test_without_bot_name_or_token(
    database: Database, cli_env: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("BOT_USERNAME")
    get_settings.cache_clear()
    await add_employee(database, await add_unit(database))
    with pytest.raises(SystemExit) as stopped:
        await run_cli("aktivasi", "-o", str(tmp_path / "x.csv"))
    assert "BOT_USERNAME" in str(stopped.value.code)


async def test_one_run_writes_the_list_as_xlsx_and_printable_slips_with_the_same_codes(
    database: Database, cli_env: None, tmp_path: Path
) -> None:
    unit = await add_unit(database, "DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil")
    for number in range(9):
        await add_employee(database, unit, nama=f"Pegawai Nomor {number}")
    listing, slips = tmp_path / "kode.xlsx", tmp_path / "slip.pdf"

    await run_cli("aktivasi", "-o", str(listing), "-o", str(slips))

    sheet = openpyxl.load_workbook(listing).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert list(header) == list(HEADERS.values())
    assert len(rows) == 9
    assert all(isinstance(row[4], datetime) for row in rows)  # a date Excel can sort

    pages = PdfReader(slips).pages
    assert len(pages) == 2  # eight slips per A4 page
    text = " ".join(page.extract_text() for page in pages)
    for nip, nama, _, code, _, _ in rows:
        assert str(nama) in text
        assert SLIP_TEXTS.get("nip", nip=nip) in text
        assert str(code) in text  # the codes of the list: one issue for both files
    assert text.count(SLIP_TEXTS.get("langkah_judul")) == 9
    first_page = pdfium.PdfDocument(slips)[0].render(scale=3).to_pil()
    read = sorted(result.text for result in zxingcpp.read_barcodes(first_page))
    assert read == sorted(str(row[5]) for row in rows[:8])  # each slip's QR is its own link
    assert SLIP_TEXTS.get("langkah_3", bot="@KinerjaTangselBot") in text.replace("\n", " ")
    assert (slips.stat().st_mode & 0o777) == 0o600
