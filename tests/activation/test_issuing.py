"""`kinerja-bot aktivasi`: the CSV an admin hands out, and its scope."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import pytest

from kinerja_bot.cli import main
from kinerja_bot.core.db import Database
from kinerja_bot.core.settings import Settings, get_settings
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


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


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
    assert list(rows[0]) == ["nip", "nama", "kode", "berlaku_sampai", "tautan"]
    assert sorted(r["nama"] for r in rows) == ["Rina Marlina", "dr. Allin Hendalin"]
    for row in rows:
        assert len(row["kode"]) == 8
        assert row["tautan"] == f"https://t.me/KinerjaTangselBot?start=aktivasi-{row['kode']}"
        assert row["berlaku_sampai"].endswith("+07:00")
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
