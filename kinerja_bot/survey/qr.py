"""QR codes for the counters: `kinerja-bot qr LAYANAN -o FILE.png` and `qr --unit KODE -o FILE.pdf`.

Each code holds the deep link `https://t.me/<bot>?start=layanan-<KODE>`, which opens the bot
with the survey of that service already chosen. A card is the code with the service's name and
short instructions; the unit sheet puts six cards on each A4 page (cut along the grey lines).
Rendering is CPU work done outside the event loop (the CLI runs it after its database work).
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M
from sqlmodel import col, select

from kinerja_bot.core.cli_common import TEXTS as CLI_TEXTS
from kinerja_bot.core.cli_common import CliError, bot_username, with_database
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Service, id_of
from kinerja_bot.core.organisation import (
    citizen_unit_names,
    service_by_kode,
    unit_by_kode,
    unit_tree_ids,
)
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import TextBook

# Telegram deep-link payloads: A–Z, a–z, 0–9, _ and -, at most 64 characters.
QR_TEXTS = TextBook(
    "qr_cli",
    {
        "unknown_service": ("kode",),
        "qr_need_target": (),
        "qr_bad_suffix": ("akhiran",),
        "qr_bad_code": ("kode",),
        "qr_no_services": ("kode",),
        "qr_written": ("jumlah", "file"),
        "qr_card_title": (),
        "qr_card_instructions": (),
        "qr_card_footer": (),
    },
    html=False,
)
PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,56}")
DPI = 150
A4 = (1240, 1754)  # pixels at 150 dpi
GRID = (2, 3)
CARD = (A4[0] // GRID[0], A4[1] // GRID[1])  # 620 × 584
SINGLE_CARD = (900, 1000)
FONT_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
BOLD_FONT_FILE = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


@dataclass(frozen=True)
class QrTarget:
    """One service to print: its code and name, its unit, and the link in the QR code."""

    kode: str
    nama: str
    unit: str
    link: str


def survey_link(username: str, kode: str) -> str:
    return f"https://t.me/{username}?start=layanan-{kode}"


def qr_image(data: str, box: int) -> Image.Image:
    """A black-on-white QR code (error correction M: survives a smudged print)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box, border=4)
    code.add_data(data)
    code.make(fit=True)
    image: Image.Image = code.make_image(fill_color="black", back_color="white").get_image()
    return image.convert("RGB")


Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def _font(size: int, *, bold: bool = False) -> Font:
    path = BOLD_FONT_FILE if bold else FONT_FILE
    if path.is_file():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int) -> list[str]:
    """Break `text` into lines no wider than `width` pixels."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def card(target: QrTarget, size: tuple[int, int]) -> Image.Image:
    """One card: title, the QR code, the service and unit, instructions, footer."""
    width, height = size
    scale = width / 620
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    margin = int(24 * scale)
    text_width = width - 2 * margin
    y = margin

    def write(text: str, font_size: int, *, bold: bool = False, max_lines: int = 3) -> None:
        nonlocal y
        font = _font(int(font_size * scale), bold=bold)
        for line in _wrap(draw, text, font, text_width)[:max_lines]:
            line_width = draw.textlength(line, font=font)
            draw.text(((width - line_width) / 2, y), line, fill="black", font=font)
            y += int(font_size * scale * 1.3)

    write(QR_TEXTS.get("qr_card_title"), 22, bold=True, max_lines=1)
    code = qr_image(target.link, box=10)
    side = min(int(0.6 * width), height - y - int(200 * scale))
    code = code.resize((side, side), Image.Resampling.NEAREST)
    image.paste(code, ((width - side) // 2, y))
    y += side + int(8 * scale)
    write(target.nama, 18, bold=True, max_lines=2)
    write(target.unit, 13, max_lines=1)
    y += int(4 * scale)
    write(QR_TEXTS.get("qr_card_instructions"), 12, max_lines=3)
    write(target.link.removeprefix("https://"), 11, max_lines=1)
    write(QR_TEXTS.get("qr_card_footer"), 11, max_lines=1)
    return image


def sheet(targets: list[QrTarget]) -> list[Image.Image]:
    """A4 pages with six cards each and grey cutting lines."""
    per_page = GRID[0] * GRID[1]
    pages: list[Image.Image] = []
    for start in range(0, len(targets), per_page):
        page = Image.new("RGB", A4, "white")
        draw = ImageDraw.Draw(page)
        for offset, target in enumerate(targets[start : start + per_page]):
            column, row = offset % GRID[0], offset // GRID[0]
            page.paste(card(target, CARD), (column * CARD[0], row * CARD[1]))
        for column in range(1, GRID[0]):
            draw.line([(column * CARD[0], 0), (column * CARD[0], A4[1])], fill="#bbbbbb")
        for row in range(1, GRID[1]):
            draw.line([(0, row * CARD[1]), (A4[0], row * CARD[1])], fill="#bbbbbb")
        pages.append(page)
    return pages


def write_png(path: Path, target: QrTarget) -> None:
    card(target, SINGLE_CARD).save(path, "PNG", dpi=(DPI, DPI))


def write_pdf(path: Path, pages: list[Image.Image]) -> None:
    first, *rest = pages
    first.save(path, "PDF", resolution=DPI, save_all=True, append_images=rest)


async def targets_for(
    database: Database, settings: Settings, *, layanan: str | None, unit: str | None
) -> list[QrTarget]:
    """The service (or every service of a unit and its sub-units) with its deep link."""
    username = await bot_username(settings)
    async with database.session() as session:
        if layanan is not None:
            service = await service_by_kode(session, layanan)
            if service is None:
                raise CliError(QR_TEXTS.get("unknown_service", kode=layanan))
            services = [service]
        else:
            assert unit is not None
            root = await unit_by_kode(session, unit)
            if root is None:
                raise CliError(CLI_TEXTS.get("unknown_unit", kode=unit))
            tree = await unit_tree_ids(session, id_of(root))
            statement = select(Service).where(col(Service.unit_id).in_(tree))
            services = list((await session.exec(statement.order_by(col(Service.nama)))).all())
            if not services:
                raise CliError(QR_TEXTS.get("qr_no_services", kode=unit))
        units = await citizen_unit_names(session)  # the card is read by residents
    targets = []
    for service in services:
        if not PAYLOAD.fullmatch(service.kode):
            raise CliError(QR_TEXTS.get("qr_bad_code", kode=service.kode))
        link = survey_link(username, service.kode)
        targets.append(QrTarget(service.kode, service.nama, units.get(service.unit_id, ""), link))
    return targets


def qr_command(settings: Settings, *, layanan: str | None, unit: str | None, output: str) -> None:
    """`kinerja-bot qr LAYANAN -o FILE.png|.pdf` or `kinerja-bot qr --unit KODE -o FILE.pdf`."""
    if (layanan is None) == (unit is None):
        raise CliError(QR_TEXTS.get("qr_need_target"))
    target = Path(output)
    suffix = target.suffix.lower()
    allowed = (".png", ".pdf") if layanan is not None else (".pdf",)
    if suffix not in allowed:
        raise CliError(QR_TEXTS.get("qr_bad_suffix", akhiran=" atau ".join(allowed)))
    if not target.parent.is_dir():
        raise CliError(CLI_TEXTS.get("folder_missing", folder=str(target.parent)))

    async def work(database: Database) -> list[QrTarget]:
        return await targets_for(database, settings, layanan=layanan, unit=unit)

    targets = asyncio.run(with_database(settings, work))
    if suffix == ".png":
        write_png(target, targets[0])
    else:
        write_pdf(target, sheet(targets))
    print(QR_TEXTS.get("qr_written", jumlah=len(targets), file=output))
