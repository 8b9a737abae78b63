"""`kinerja-bot qr`: a card per service as PNG, and vector PDF cards (A6/A5, one per page or
packed on A4) for the services asked for, with the city's logo."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from kinerja_bot.cli import main
from kinerja_bot.core.db import Database
from kinerja_bot.core.settings import Settings, get_settings
from kinerja_bot.survey.qr import QR_TEXTS as CLI_BOOK
from kinerja_bot.survey.qr import survey_link
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


def pages_of(path: Path) -> list[tuple[tuple[int, int], list[str], str]]:
    """Each page: its size in points, the QR links read from its rendering, its text."""
    rendered = pdfium.PdfDocument(path)
    texts = PdfReader(path).pages
    found = []
    for page, text in zip(rendered, texts, strict=True):
        width, height = page.get_size()
        image = page.render(scale=3).to_pil()
        found.append(((round(width), round(height)), decoded(image), text.extract_text()))
    return found


A4_POINTS, A6_POINTS = (595, 842), (298, 420)


async def test_a_unit_gives_vector_a6_cards_one_per_page(
    database: Database, city: City, cli_env: None, tmp_path: Path
) -> None:
    for number in range(2):
        await add_service(database, city.dinkes, f"DK-{number}", f"Layanan Dinkes {number}")
    output = tmp_path / "dinkes.pdf"
    await run_cli("qr", "--unit", "DINKES", "-o", str(output))
    pages = await asyncio.to_thread(pages_of, output)
    assert len(pages) >= 3
    for size, links, text in pages:
        assert size == A6_POINTS
        (link,) = links
        # Text stays text: what the card says can be searched and read by a machine.
        assert CLI_BOOK.get("qr_card_scan") in " ".join(text.split())
        assert link.removeprefix("https://") in text


async def test_a_sheet_packs_only_the_cards_asked_for(
    database: Database, city: City, cli_env: None, tmp_path: Path
) -> None:
    codes = [f"DK-{number}" for number in range(5)]
    for kode in codes:
        await add_service(database, city.dinkes, kode, f"Layanan {kode}")
    output = tmp_path / "lembar.pdf"
    await run_cli("qr", *codes, "--lembar", "-o", str(output))
    pages = await asyncio.to_thread(pages_of, output)
    assert [size for size, _, _ in pages] == [A4_POINTS, A4_POINTS]  # four A6 per A4
    assert [len(links) for _, links, _ in pages] == [4, 1]
    read = sorted(link for _, links, _ in pages for link in links)
    assert read == sorted(survey_link("KinerjaTangselBot", kode) for kode in codes)

    two = tmp_path / "a5.pdf"
    await run_cli("qr", "L-KTP", "DK-0", "--ukuran", "A5", "--lembar", "-o", str(two))
    ((size, links, _),) = await asyncio.to_thread(pages_of, two)
    assert size == (842, 595)  # two A5 side by side on a landscape A4
    assert sorted(links) == sorted(survey_link("KinerjaTangselBot", k) for k in ("DK-0", "L-KTP"))


GREEN = (0x11, 0x88, 0x44)


def top_colours(path: Path) -> list[tuple[int, int, int]]:
    page = pdfium.PdfDocument(path)[0].render(scale=1).to_pil().convert("RGB")
    return [page.getpixel((x, y)) for x in range(0, page.size[0], 3) for y in range(10, 80, 3)]


def near(colour: tuple[int, int, int], other: tuple[int, int, int]) -> bool:
    return max(abs(a - b) for a, b in zip(colour, other, strict=True)) < 30


@pytest.mark.parametrize("kind", ["png", "svg"])
async def test_the_citys_logo_goes_on_top_of_the_card(
    city: City, cli_env: None, tmp_path: Path, kind: str
) -> None:
    logo = tmp_path / f"logo.{kind}"
    if kind == "png":
        await asyncio.to_thread(Image.new("RGB", (300, 120), GREEN).save, logo)
    else:
        await asyncio.to_thread(
            logo.write_text,
            '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="120">'
            '<rect width="300" height="120" fill="#118844"/></svg>',
        )
    plain_card, with_logo = tmp_path / "tanpa.pdf", tmp_path / "dengan.pdf"
    await run_cli("qr", "L-KTP", "-o", str(plain_card))
    await run_cli("qr", "L-KTP", "--logo", str(logo), "-o", str(with_logo))
    assert any(near(colour, GREEN) for colour in await asyncio.to_thread(top_colours, with_logo))
    assert not any(near(c, GREEN) for c in await asyncio.to_thread(top_colours, plain_card))
    assert (await asyncio.to_thread(pages_of, with_logo))[0][1] == [LINK]  # the code still reads


async def test_mistakes_get_one_clear_line(
    database: Database, city: City, cli_env: None, tmp_path: Path
) -> None:
    with pytest.raises(SystemExit, match="Sebutkan kode layanan"):
        await run_cli("qr", "-o", str(tmp_path / "x.png"))
    with pytest.raises(SystemExit, match="tidak keduanya"):
        await run_cli("qr", "L-KTP", "--unit", "DINKES", "-o", str(tmp_path / "x.pdf"))
    gif = tmp_path / "logo.gif"
    await asyncio.to_thread(gif.write_bytes, b"GIF89a")
    with pytest.raises(SystemExit, match=r"Logo .* tidak dapat dibaca"):
        await run_cli("qr", "L-KTP", "--logo", str(gif), "-o", str(tmp_path / "x.pdf"))
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
