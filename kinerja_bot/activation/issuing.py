"""`kinerja-bot aktivasi`: issue activation codes and write them out for distribution: a list
(.csv for Excel, or .xlsx) and/or printable slips (.pdf) for staff who read no e-mail.

One run issues one code per person (issuing again voids the older code), so every file of the
run is named with `-o` at once: `aktivasi --unit X -o kode.xlsx -o slip.pdf`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from sqlmodel import col, select

from kinerja_bot.activation.service import IssuedCode, issue_codes
from kinerja_bot.core.cli_common import TEXTS, CliError, bot_username, with_database, writable
from kinerja_bot.core.db import Database, private_file
from kinerja_bot.core.models import Employee, Unit, id_of, utcnow
from kinerja_bot.core.organisation import unit_by_kode, unit_tree_ids
from kinerja_bot.core.printing import (
    CardGrid,
    centred_lines,
    draw_qr,
    pdf_fonts,
    wrap_text,
    write_cards,
)
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import TextBook
from kinerja_bot.exports.workbook import Column, Kind, Table, write_tables

SLIP_TEXTS = TextBook(
    "slip_aktivasi",
    {
        "judul": (),
        "nip": ("nip",),
        "kode_label": (),
        "berlaku": ("tanggal", "jam"),
        "langkah_judul": (),
        "langkah_1": (),
        "langkah_2": (),
        "langkah_3": ("bot",),
        "rahasia": (),
    },
    html=False,
)
SUFFIXES = (".csv", ".xlsx", ".pdf")
COLUMNS = (
    Column("nip"),
    Column("nama"),
    Column("unit"),
    Column("kode_aktivasi"),
    Column("berlaku_sampai", Kind.DATETIME),
    Column("tautan_aktivasi"),
)
# Eight slips per A4 page (two columns, four rows: each 105 × 74 mm).
SLIP_GRID = CardGrid(A4, columns=2, rows=4)


@dataclass(frozen=True)
class Slip:
    """One person's code with what is printed around it."""

    code: IssuedCode
    unit: str
    link: str


def activation_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start=aktivasi-{code}"


async def select_employees(
    database: Database, *, unit: str | None, nip: str | None
) -> tuple[list[Employee], int]:
    """Employees in scope who still need a code, and how many were skipped as already linked."""
    async with database.session() as session:
        statement = select(Employee).where(Employee.active).order_by(col(Employee.nip))
        if nip is not None:
            statement = statement.where(Employee.nip == nip)
        if unit is not None:
            found = await unit_by_kode(session, unit)
            if found is None or found.id is None:
                raise CliError(TEXTS.get("unknown_unit", kode=unit))
            statement = statement.where(
                col(Employee.unit_id).in_(await unit_tree_ids(session, found.id))
            )
        employees = list((await session.exec(statement)).all())
    if nip is not None and not employees:
        raise CliError(TEXTS.get("unknown_nip", nip=nip))
    unlinked = [e for e in employees if e.telegram_id is None]
    return unlinked, len(employees) - len(unlinked)


async def issue_and_collect(
    database: Database, settings: Settings, *, unit: str | None, nip: str | None, now: datetime
) -> tuple[list[Slip], int, str]:
    username = await bot_username(settings)
    employees, skipped = await select_employees(database, unit=unit, nip=nip)
    async with database.session() as session:
        issued = await issue_codes(session, employees, now, settings.activation_code_days)
        units = {id_of(u): u.nama for u in (await session.exec(select(Unit))).all()}
    unit_of = {e.nip: units.get(e.unit_id, "") for e in employees}
    slips = [Slip(code, unit_of[code.nip], activation_link(username, code.kode)) for code in issued]
    return slips, skipped, username


def codes_table(slips: list[Slip]) -> Table:
    rows = [
        (s.code.nip, s.code.nama, s.unit, s.code.kode, s.code.berlaku_sampai, s.link) for s in slips
    ]
    return Table("aktivasi", COLUMNS, list(rows))


def write_slips(target: Path, slips: list[Slip], username: str, settings: Settings) -> None:
    """Eight slips per A4 page with cut lines: who, the code, its expiry, the QR of the
    deep link, and three steps to start."""
    regular, bold = pdf_fonts()

    def draw(canvas: Canvas, index: int, x: float, y: float, width: float, height: float) -> None:
        slip = slips[index]
        until = slip.code.berlaku_sampai.astimezone(settings.tz)
        margin = 14.0
        qr_size = 86.0
        text_width = width - qr_size - 3 * margin
        centre = x + margin + text_width / 2
        top = y + height - margin
        draw_qr(canvas, slip.link, x + width - margin - qr_size, top - qr_size, qr_size)
        line = centred_lines(
            canvas, SLIP_TEXTS.get("judul"), font=bold, size=10, centre=centre, top=top,
            width=text_width, max_lines=1,
        )  # fmt: skip
        line = centred_lines(
            canvas, slip.code.nama, font=bold, size=9.5, centre=centre, top=line - 3,
            width=text_width, max_lines=2,
        )  # fmt: skip
        for text in (SLIP_TEXTS.get("nip", nip=slip.code.nip), slip.unit):
            line = centred_lines(
                canvas, text, font=regular, size=7.5, centre=centre, top=line,
                width=text_width, max_lines=2,
            )  # fmt: skip
        line = centred_lines(
            canvas, SLIP_TEXTS.get("kode_label"), font=regular, size=7.5, centre=centre,
            top=line - 2, width=text_width, max_lines=1,
        )  # fmt: skip
        line = centred_lines(
            canvas, slip.code.kode, font=bold, size=15, centre=centre, top=line,
            width=text_width, max_lines=1,
        )  # fmt: skip
        berlaku = SLIP_TEXTS.get("berlaku", tanggal=f"{until:%d/%m/%Y}", jam=f"{until:%H:%M}")
        centred_lines(
            canvas, berlaku, font=regular, size=7, centre=centre, top=line - 1,
            width=text_width, max_lines=2,
        )  # fmt: skip
        steps_top = min(line - 22, top - qr_size - 4)
        canvas.setFont(bold, 7)
        canvas.drawString(x + margin, steps_top - 8, SLIP_TEXTS.get("langkah_judul"))
        step_y = steps_top - 8
        for key in ("langkah_1", "langkah_2", "langkah_3"):
            text = SLIP_TEXTS.get(key, **({"bot": f"@{username}"} if key == "langkah_3" else {}))
            for part in wrap_text(text, regular, 7, width - 2 * margin):
                step_y -= 8.5
                canvas.setFont(regular, 7)
                canvas.drawString(x + margin, step_y, part)
        canvas.setFont(regular, 6)
        canvas.drawString(x + margin, y + margin - 6, SLIP_TEXTS.get("rahasia"))

    write_cards(private_file(target), SLIP_GRID, len(slips), draw)


def activation_command(
    settings: Settings, *, unit: str | None, nip: str | None, outputs: list[str]
) -> None:
    """Issue codes for the employees in scope and write every requested file."""
    targets = [Path(output) for output in outputs]
    for target in targets:
        if target.suffix.lower() not in SUFFIXES:
            raise CliError(TEXTS.get("activation_bad_suffix", file=str(target)))
        # Checked before any code is issued: a failed write must not void older codes.
        writable(target)

    async def work(database: Database) -> tuple[list[Slip], int, str]:
        return await issue_and_collect(database, settings, unit=unit, nip=nip, now=utcnow())

    slips, skipped, username = asyncio.run(with_database(settings, work))
    if not slips:
        print(TEXTS.get("activation_none"))
        return
    for target in targets:
        if target.suffix.lower() == ".pdf":
            write_slips(target, slips, username, settings)
        else:
            write_tables(target, [codes_table(slips)])
        print(TEXTS.get("activation_written", count=len(slips), file=str(target), skipped=skipped))
