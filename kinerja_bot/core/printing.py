"""Printable PDFs drawn with reportlab: fonts, vector QR codes, centred text, cards on a page.

Everything stays vector: text is text (searchable, sharp at any size, extractable by a PDF
reader) and a QR code is a set of black squares, so a card prints crisply on any printer.
CPU work: call it off the event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

__all__ = [
    "CardGrid",
    "centred_lines",
    "cut_lines",
    "draw_qr",
    "fitting_size",
    "pdf_fonts",
    "wrap_text",
    "write_cards",
]

FONT_FILES = {
    "DejaVu": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    "DejaVu-Bold": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
}
CUT_LINE_GREY = colors.HexColor("#b0b0b0")


def pdf_fonts() -> tuple[str, str]:
    """Regular and bold: DejaVu when installed (it has Σ, ×, –, é), else the built-in
    Helvetica."""
    if all(path.exists() for path in FONT_FILES.values()):
        for name, path in FONT_FILES.items():
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, str(path)))
        return "DejaVu", "DejaVu-Bold"
    return "Helvetica", "Helvetica-Bold"


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """A QR code (error correction M: survives a smudged print) as vector squares, its
    lower-left corner at (x, y), `size` points wide including the quiet zone."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    module = size / len(matrix)
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    for row, cells in enumerate(matrix):
        top = y + size - (row + 1) * module
        column = 0
        while column < len(cells):
            if not cells[column]:
                column += 1
                continue
            start = column
            while column < len(cells) and cells[column]:
                column += 1
            # One rectangle per run of dark modules; a hair wider so no seam shows.
            canvas.rect(
                x + start * module, top, (column - start) * module + 0.01, module + 0.01, 0, 1
            )
    canvas.restoreState()


def wrap_text(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` in lines no wider than `width` points (a longer single word keeps its line)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if pdfmetrics.stringWidth(candidate, font, size) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def fitting_size(text: str, font: str, size: float, width: float) -> float:
    """`size`, or smaller so that `text` fits `width` on one line (a link cannot wrap)."""
    return min(size, size * width / max(pdfmetrics.stringWidth(text, font, size), 1e-6))


def centred_lines(
    canvas: Canvas,
    text: str,
    *,
    font: str,
    size: float,
    centre: float,
    top: float,
    width: float,
    max_lines: int = 3,
) -> float:
    """Write `text` wrapped and centred below `top`; returns the baseline after the last line."""
    y = top
    canvas.setFont(font, size)
    for line in wrap_text(text, font, size, width)[:max_lines]:
        y -= size * 1.2
        canvas.drawCentredString(centre, y, line)
    return y


@dataclass(frozen=True)
class CardGrid:
    """Cards of one size laid out `columns` × `rows` on a page."""

    page: tuple[float, float]
    columns: int
    rows: int

    @property
    def card(self) -> tuple[float, float]:
        return self.page[0] / self.columns, self.page[1] / self.rows

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def origins(self, count: int) -> Iterator[tuple[int, float, float]]:
        """(index on its page, x, y of the card's lower-left corner), reading order."""
        width, height = self.card
        for index in range(count):
            slot = index % self.per_page
            column, row = slot % self.columns, slot // self.columns
            yield slot, column * width, self.page[1] - (row + 1) * height


def cut_lines(canvas: Canvas, grid: CardGrid) -> None:
    """Dashed grey lines between the cards of a page, to cut along."""
    if grid.per_page == 1:
        return
    width, height = grid.card
    canvas.saveState()
    canvas.setStrokeColor(CUT_LINE_GREY)
    canvas.setLineWidth(0.5)
    canvas.setDash(4, 3)
    for column in range(1, grid.columns):
        canvas.line(column * width, 0, column * width, grid.page[1])
    for row in range(1, grid.rows):
        canvas.line(0, row * height, grid.page[0], row * height)
    canvas.restoreState()


# Draws card number `index` with its lower-left corner at (x, y), `width` × `height` points.
DrawCard = Callable[[Canvas, int, float, float, float, float], None]


def write_cards(target: Path, grid: CardGrid, count: int, draw_card: DrawCard) -> None:
    """`count` cards on as many pages as needed, with cut lines when a page holds several."""
    canvas = Canvas(str(target), pagesize=grid.page, pageCompression=1)
    width, height = grid.card
    for index, (slot, x, y) in enumerate(grid.origins(count)):
        if slot == 0 and index > 0:
            cut_lines(canvas, grid)
            canvas.showPage()
        draw_card(canvas, index, x, y, width, height)
    cut_lines(canvas, grid)
    canvas.showPage()
    canvas.save()
