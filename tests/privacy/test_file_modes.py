"""Files with live activation codes or personal data are readable by their owner only (0600):
the `aktivasi` CSV, every `ekspor` output, the SQLite database — even under a lax umask, and
when the file was already there with a lax mode."""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kinerja_bot.cli import main
from kinerja_bot.core.db import Database
from kinerja_bot.core.settings import Settings, get_settings
from tests.exports.factories import world
from tests.factories import add_employee, add_unit


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def lax_umask() -> Iterator[None]:
    previous = os.umask(0o022)  # the usual default: new files readable by everyone
    yield
    os.umask(previous)


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("BOT_USERNAME", "KinerjaTangselBot")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def cli(*args: str) -> None:
    await asyncio.to_thread(main, list(args))


async def test_activation_codes_file_is_owner_only(
    database: Database, cli_env: None, lax_umask: None, tmp_path: Path
) -> None:
    unit = await add_unit(database)
    await add_employee(database, unit, nama="Ahmad Fauzi")
    fresh, existing = tmp_path / "kode.csv", tmp_path / "lama.csv"
    existing.write_text("")
    existing.chmod(0o644)
    slips, listing = tmp_path / "slip.pdf", tmp_path / "kode.xlsx"
    for target in (fresh, existing):
        await cli("aktivasi", "--unit", unit.kode, "-o", str(target))
        assert "Kode" in target.read_text(encoding="utf-8-sig").splitlines()[0]
        assert mode(target) == 0o600, target
    await cli("aktivasi", "--unit", unit.kode, "-o", str(slips), "-o", str(listing))
    assert slips.read_bytes().startswith(b"%PDF")
    assert mode(slips) == mode(listing) == 0o600


@pytest.mark.parametrize(
    "args",
    [
        ("laporan", "laporan.xlsx"),
        ("laporan", "laporan.csv"),
        ("tiket", "tiket.xlsx"),
        ("evaluasi", "evaluasi.xlsx"),
        ("evaluasi", "evaluasi.csv"),
    ],
)
async def test_every_export_is_owner_only(
    database: Database, cli_env: None, lax_umask: None, tmp_path: Path, args: tuple[str, str]
) -> None:
    await world(database)
    kind, name = args
    target = tmp_path / name
    await cli("ekspor", kind, "--periode", "2026-Q2", "-o", str(target))
    assert target.stat().st_size > 0
    assert mode(target) == 0o600


async def test_the_sqlite_database_is_owner_only(lax_umask: None, tmp_path: Path) -> None:
    path = tmp_path / "kinerja.db"
    database = Database(f"sqlite:///{path}")
    try:
        async with database.session() as session:
            await session.connection()  # opens (and creates) the file
    finally:
        await database.dispose()
    assert mode(path) == 0o600
    path.chmod(0o644)  # made lax by hand: tightened again at the next start
    await Database(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o600
