"""QR material for the counters: `kinerja-bot qr LAYANAN… | --unit KODE -o FILE.pdf|.png`.

Each code holds the deep link `https://t.me/<bot>?start=layanan-<KODE>`, which opens the bot
with the survey of that service already chosen. The PDF is vector (text stays text, the code is
drawn as squares): one A6 or A5 card per page, or with `--lembar` the cards packed on A4 (four
A6 or two A5 per page, dashed cut lines) — only the services asked for. A card has room for
the city's logo (`--logo`, PNG/JPG/SVG), "Pindai untuk menilai layanan ini", the code, the
service and unit in large type, the short link and the footer. A PNG is one card for a
screen or a message. Rendering is CPU work done after the database work, outside any loop.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import qrcode
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M
from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4, A5, A6, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from sqlmodel import col, select
from svglib.svglib import svg2rlg

from kinerja_bot.core.cli_common import TEXTS as CLI_TEXTS
from kinerja_bot.core.cli_common import CliError, bot_username, with_database, writable
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Service, id_of
from kinerja_bot.core.organisation import (
    citizen_unit_names,
    service_by_kode,
    unit_by_kode,
    unit_tree_ids,
)
from kinerja_bot.core.printing import (
    FONT_FILES,
    CardGrid,
    centred_lines,
    draw_qr,
    fitting_size,
    pdf_fonts,
    write_cards,
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
        "qr_card_scan": (),
        "qr_bad_logo": ("file",),
    },
    html=False,
)
PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,56}")
DPI = 150
SINGLE_CARD = (900, 1000)  # the PNG card, in pixels
FONT_FILE = FONT_FILES["DejaVu"]
BOLD_FONT_FILE = FONT_FILES["DejaVu-Bold"]
CARD_SIZES = {"A6": A6, "A5": A5}
LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")
Logo: TypeAlias = Drawing | ImageReader


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


def write_png(path: Path, target: QrTarget) -> None:
    card(target, SINGLE_CARD).save(path, "PNG", dpi=(DPI, DPI))


@dataclass(frozen=True)
class Layout:
    """How cards go on paper: the grid of one page."""

    grid: CardGrid

    @classmethod
    def of(cls, size: str, *, packed: bool) -> Layout:
        card = CARD_SIZES[size]
        if not packed:
            return cls(CardGrid(card, columns=1, rows=1))
        if size == "A6":
            return cls(CardGrid(A4, columns=2, rows=2))
        return cls(CardGrid(landscape(A4), columns=2, rows=1))


def read_logo(path: Path) -> Logo:
    """The logo as something reportlab draws (SVG stays vector); a CliError when unreadable."""
    if not path.is_file():
        raise CliError(CLI_TEXTS.get("file_missing", file=str(path)))
    try:
        if path.suffix.lower() == ".svg":
            drawing = svg2rlg(str(path))
            if drawing is None:
                raise ValueError("SVG")
            return drawing
        if path.suffix.lower() not in LOGO_SUFFIXES:
            raise ValueError(path.suffix)
        image = ImageReader(str(path))
        image.getSize()
        return image
    except (OSError, ValueError):
        raise CliError(QR_TEXTS.get("qr_bad_logo", file=str(path))) from None


def _draw_logo(canvas: Canvas, logo: Logo, centre: float, top: float, box: float) -> None:
    """The logo centred in a `box`-high band below `top`, its proportions kept."""
    if isinstance(logo, Drawing):
        scale = min(box / logo.height, 2 * box / logo.width)
        canvas.saveState()
        canvas.translate(centre - logo.width * scale / 2, top - logo.height * scale)
        canvas.scale(scale, scale)
        renderPDF.draw(logo, canvas, 0, 0)
        canvas.restoreState()
        return
    width, height = logo.getSize()
    scale = min(box / height, 2 * box / width)
    canvas.drawImage(
        logo,
        centre - width * scale / 2,
        top - height * scale,
        width * scale,
        height * scale,
        mask="auto",
    )


def write_cards_pdf(path: Path, targets: list[QrTarget], layout: Layout, logo: Logo | None) -> None:
    regular, bold = pdf_fonts()

    def draw(canvas: Canvas, index: int, x: float, y: float, width: float, height: float) -> None:
        target = targets[index]
        unit = width / A6[0]  # type sizes grow with the card: A5 is √2 times A6
        margin = 9 * mm * unit
        centre, text_width = x + width / 2, width - 2 * margin
        top = y + height - margin
        if logo is not None:
            _draw_logo(canvas, logo, centre, top, 14 * mm * unit)
        top -= 17 * mm * unit
        scan = QR_TEXTS.get("qr_card_scan")
        line = centred_lines(
            canvas, scan, font=bold, size=fitting_size(scan, bold, 15 * unit, text_width),
            centre=centre, top=top, width=text_width, max_lines=2,
        )  # fmt: skip
        side = min(text_width * 0.78, height * 0.42)
        draw_qr(canvas, target.link, centre - side / 2, line - 3 * mm * unit - side, side)
        line -= side + 4 * mm * unit
        line = centred_lines(
            canvas, target.nama, font=bold, size=17 * unit, centre=centre, top=line,
            width=text_width, max_lines=3,
        )  # fmt: skip
        line = centred_lines(
            canvas, target.unit, font=regular, size=11 * unit, centre=centre, top=line - 1,
            width=text_width, max_lines=2,
        )  # fmt: skip
        link = target.link.removeprefix("https://")
        centred_lines(
            canvas, link, font=bold, size=fitting_size(link, bold, 9.5 * unit, text_width),
            centre=centre, top=line - 2 * mm * unit, width=text_width, max_lines=1,
        )  # fmt: skip
        centred_lines(
            canvas, QR_TEXTS.get("qr_card_footer"), font=regular, size=8 * unit, centre=centre,
            top=y + margin + 8 * unit, width=text_width, max_lines=1,
        )  # fmt: skip

    write_cards(path, layout.grid, len(targets), draw)


async def targets_for(
    database: Database, settings: Settings, *, layanan: list[str], unit: str | None
) -> list[QrTarget]:
    """The services named (in the order given), or every service of a unit and its
    sub-units, each with its deep link."""
    username = await bot_username(settings)
    async with database.session() as session:
        if layanan:
            services = []
            for kode in dict.fromkeys(layanan):
                service = await service_by_kode(session, kode)
                if service is None:
                    raise CliError(QR_TEXTS.get("unknown_service", kode=kode))
                services.append(service)
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


def qr_command(
    settings: Settings,
    *,
    layanan: list[str],
    unit: str | None,
    output: str,
    size: str = "A6",
    packed: bool = False,
    logo: str | None = None,
) -> None:
    """`kinerja-bot qr KODE… | --unit KODE -o FILE.pdf [--ukuran A5|A6] [--lembar] [--logo F]`,
    or one service as `-o FILE.png`."""
    if bool(layanan) == (unit is not None):
        raise CliError(QR_TEXTS.get("qr_need_target"))
    target = Path(output)
    suffix = target.suffix.lower()
    allowed = (".png", ".pdf") if len(layanan) == 1 else (".pdf",)
    if suffix not in allowed:
        raise CliError(QR_TEXTS.get("qr_bad_suffix", akhiran=" atau ".join(allowed)))
    drawn_logo = read_logo(Path(logo)) if logo is not None and suffix == ".pdf" else None
    writable(target)

    async def work(database: Database) -> list[QrTarget]:
        return await targets_for(database, settings, layanan=layanan, unit=unit)

    targets = asyncio.run(with_database(settings, work))
    if suffix == ".png":
        write_png(target, targets[0])
    else:
        write_cards_pdf(target, targets, Layout.of(size, packed=packed), drawn_logo)
    print(QR_TEXTS.get("qr_written", jumlah=len(targets), file=output))
