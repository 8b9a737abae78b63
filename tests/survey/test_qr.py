"""`kinerja-bot qr`: a card per service (PNG) and a printable sheet per unit (PDF)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from kinerja_bot.cli import main
from kinerja_bot.core.db import Database
from kinerja_bot.core.settings import Settings, get_settings
from kinerja_bot.survey.qr import GRID, QrTarget, sheet, survey_link
from kinerja_bot.survey.qr import QR_TEXTS as CLI_BOOK
from tests.factories import add_unit
from tests.survey.conftest import City, add_service

LINK = "https://t.me/KinerjaTangselBot?start=layanan-L-KTP"


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("BOT_USERNAME", "KinerjaTangselBot")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def run_cli(*args: str) -> None:
    await asyncio.to_thread(main, list(args))


def decoded(image: Image.Image) -> list[str]:
    return sorted(result.text for result in zxingcpp.read_barcodes(image))


async def test_one_service_gives_a_png_with_its_deep_link(
    city: City, cli_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "ktp.png"
    await run_cli("qr", "L-KTP", "-o", str(output))
    with Image.open(output) as image:
        assert image.format == "PNG"
        assert decoded(image) == [LINK]
    assert capsys.readouterr().out.strip() == CLI_BOOK.get("qr_written", jumlah=1, file=str(output))


async def test_a_unit_gives_a_pdf_sheet_with_every_service(
    database: Database, city: City, cli_env: None, tmp_path: Path
) -> None:
    # Seven services under Dinkes (one in the unit, the rest in its puskesmas): two pages.
    for number in range(6):
        await add_service(database, city.dinkes, f"DK-{number}", f"Layanan Dinkes {number}")
    output = tmp_path / "dinkes.pdf"
    await run_cli("qr", "--unit", "DINKES", "-o", str(output))
    content = output.read_bytes()
    assert content.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", content)) == 2  # 7 cards, 6 per page


def test_the_sheet_holds_six_readable_cards_per_page() -> None:
    targets = [
        QrTarget(f"L-{n}", f"Layanan nomor {n} dengan nama yang cukup panjang", "Unit", "")
        for n in range(7)
    ]
    targets = [
        QrTarget(t.kode, t.nama, t.unit, survey_link("KinerjaTangselBot", t.kode)) for t in targets
    ]
    pages = sheet(targets)
    assert len(pages) == 2
    per_page = GRID[0] * GRID[1]
    assert decoded(pages[0]) == sorted(t.link for t in targets[:per_page])
    assert decoded(pages[1]) == [targets[-1].link]


async def test_mistakes_get_one_clear_line(
    database: Database, city: City, cli_env: None, tmp_path: Path
) -> None:
    with pytest.raises(SystemExit, match="Sebutkan satu layanan"):
        await run_cli("qr", "-o", str(tmp_path / "x.png"))
    with pytest.raises(SystemExit, match=r"harus berakhiran \.pdf"):
        await run_cli("qr", "--unit", "DINKES", "-o", str(tmp_path / "x.png"))
    with pytest.raises(SystemExit, match="Layanan dengan kode 'NOPE' tidak ditemukan"):
        await run_cli("qr", "NOPE", "-o", str(tmp_path / "x.png"))
    empty = await add_unit(database, "KOSONG", "Unit Tanpa Layanan")
    assert empty.id is not None
    with pytest.raises(SystemExit, match="belum memiliki layanan"):
        await run_cli("qr", "--unit", "KOSONG", "-o", str(tmp_path / "x.pdf"))
    await add_service(database, empty, "L.TITIK", "Kode dengan titik")
    with pytest.raises(SystemExit, match="tidak dapat dipakai di tautan"):
        await run_cli("qr", "L.TITIK", "-o", str(tmp_path / "x.png"))
