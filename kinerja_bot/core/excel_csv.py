"""CSV files that an Indonesian Excel opens right with a double click. Blocking: call it from
the CLI or `asyncio.to_thread`. Every CSV the project writes goes through `write_csv`.

Excel on a Windows set to Indonesian uses `;` as its list separator (the comma is the decimal
sign), so a `,` file opens as one column, and it reads a CSV without a byte-order mark in the
ANSI code page (names with "é" or "—" garble). So the file is:

- UTF-8 with a BOM, `;` between fields, CRLF line ends, a header row; no `sep=;` first line
  (Excel ignores the BOM when that line is present);
- numbers with a decimal comma and no thousands separator (`12,5`, `1250`), which Excel-ID
  reads as numbers and `kinerja_bot.core.rules.numbers.parse_number` reads back;
- dates `dd/mm/yyyy` and times `dd/mm/yyyy HH:MM` in WIB, the order Excel-ID reads;
- text that Excel would turn into a number or a date (an 18-digit NIP becomes `1,98501E+17`
  and loses its last digits, a code `007` loses its zeros, a period `2026-11` becomes a date)
  written with a leading tab. Excel takes a field that is not a number as text and keeps every
  digit; the tab is invisible in the cell and removed by any `strip()`, our importer's included.
  The alternatives fail: a leading apostrophe only means "text" when typed into a cell, in a
  CSV it shows as a literal `'`; `="…"` makes a formula, which other programs show verbatim
  and CSV-injection filters reject.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO

from kinerja_bot.core.db import private_file
from kinerja_bot.core.rules.periods import WIB

__all__ = ["CSV_DELIMITER", "Cell", "csv_cell", "write_csv"]

Cell = str | int | float | date | datetime | None

CSV_DELIMITER = ";"
TEXT_MARK = "\t"
# Text made only of digits and number/date punctuation: Excel would convert it.
_LOOKS_NUMERIC = re.compile(r"[\s+\-]*\d[\d\s.,/:\-]*")


def csv_cell(value: Cell) -> str:
    """One value as written in the file (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        moment = value.astimezone(WIB) if value.tzinfo is not None else value
        return moment.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        written = str(int(value)) if value.is_integer() else repr(value)
        return written.replace(".", ",")
    if isinstance(value, int):
        return str(value)
    if _LOOKS_NUMERIC.fullmatch(value):
        return TEXT_MARK + value
    return value


def write_csv(
    target: Path | IO[bytes], header: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> None:
    """Write a header and rows; a path becomes a file only its owner may read (0600)."""
    if isinstance(target, Path):
        with private_file(target).open("wb") as handle:
            write_csv(handle, header, rows)
        return
    text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(text, delimiter=CSV_DELIMITER, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([csv_cell(value) for value in row])
        text.flush()
    finally:
        text.detach()
