"""`kinerja-bot peran`: unit heads and complaint handlers."""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import select

from kinerja_bot.cli import main
from kinerja_bot.complaints.roles import ROLE_TEXTS as CLI_BOOK
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import UnitRole, UnitRoleKind
from kinerja_bot.core.settings import Settings, get_settings
from tests.factories import add_employee
from tests.survey.conftest import City


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def run_cli(*args: str) -> None:
    await asyncio.to_thread(main, list(args))


async def roles(database: Database) -> set[tuple[int, int, str]]:
    async with database.session() as session:
        rows = (await session.exec(select(UnitRole))).all()
    return {(r.unit_id, r.employee_id, r.role) for r in rows}


async def test_set_list_and_remove_roles(
    database: Database, city: City, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    staff = await add_employee(database, city.puskesmas, nama="Dewi Lestari")
    before = await roles(database)
    await run_cli("peran", "pengelola-pengaduan", staff.nip, "--unit", "PKM-PAMULANG")
    assert capsys.readouterr().out.strip() == CLI_BOOK.get(
        "role_added",
        nama="Dewi Lestari",
        nip=staff.nip,
        peran=CLI_BOOK.get("role_name_pengelola_pengaduan"),
        unit="UPTD Puskesmas Pamulang",
    )
    assert await roles(database) == before | {
        (city.puskesmas.id, staff.id, UnitRoleKind.COMPLAINT_HANDLER)
    }
    await run_cli("peran", "pengelola-pengaduan", staff.nip, "--unit", "PKM-PAMULANG")
    assert "sudah menjadi pengelola pengaduan" in capsys.readouterr().out
    await run_cli("peran", "kepala", staff.nip, "--unit", "PKM-PAMULANG")
    capsys.readouterr()

    await run_cli("peran", "daftar", "--unit", "DINKES")
    listing = capsys.readouterr().out
    assert "UPTD Puskesmas Pamulang (PKM-PAMULANG): kepala unit — Dewi Lestari" in listing
    assert CLI_BOOK.get("role_not_linked") in listing
    assert "Agus Salim" in listing  # Dinkes' own complaint handler
    assert "Rina Marlina" not in listing  # Disdukcapil

    await run_cli("peran", "kepala", staff.nip, "--unit", "PKM-PAMULANG", "--hapus")
    assert "bukan lagi kepala unit" in capsys.readouterr().out
    await run_cli("peran", "kepala", staff.nip, "--unit", "PKM-PAMULANG", "--hapus")
    assert "tidak ada yang diubah" in capsys.readouterr().out


async def test_mistakes_get_one_clear_line(database: Database, city: City, cli_env: None) -> None:
    with pytest.raises(SystemExit, match="Sebutkan NIP pegawai dan --unit KODE"):
        await run_cli("peran", "kepala", city.handler.nip)
    with pytest.raises(SystemExit, match="Pegawai dengan NIP '198501012010011999' tidak"):
        await run_cli("peran", "kepala", "198501012010011999", "--unit", "DINKES")
    with pytest.raises(SystemExit, match="Unit dengan kode 'NOPE' tidak ditemukan"):
        await run_cli("peran", "kepala", city.handler.nip, "--unit", "NOPE")
