"""Writing tables to .xlsx and .csv. Blocking: call from the CLI or `asyncio.to_thread`.

A `Table` is typed columns and rows of Python values. In .xlsx: numbers stay numbers and dates
stay dates (shown with Indonesian-style formats; Excel then uses the reader's own separators),
the header row is bold and frozen, every column has a filter and a width that fits its
content. In .csv: the file an Indonesian Excel opens right (`kinerja_bot.core.excel_csv`:
UTF-8 with BOM, `;`, decimal comma, `dd/mm/yyyy`, NIPs kept as text). Times are written in
WIB without a zone, and the header says so.

Headers and sheet names are in `percakapan/ekspor.yaml`: a column's header is
`kolom_<key>`, filled with the column's `values` when the text has placeholders.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kinerja_bot.core import excel_csv
from kinerja_bot.core.db import private_file
from kinerja_bot.core.rules.periods import WIB
from kinerja_bot.exports.texts import TEXTS

__all__ = [
    "Column",
    "ExportFormatError",
    "Kind",
    "Table",
    "excel_value",
    "sheet_title",
    "write_csv",
    "write_tables",
    "write_xlsx",
    "xlsx_bytes",
]

Cell = excel_csv.Cell

SHEET_TITLE_LIMIT = 31
# Rows in one Excel sheet (the header included); longer tables continue on the next sheet.
EXCEL_MAX_ROWS = 1_048_576
MIN_WIDTH = 8
MAX_WIDTH = 50
WRAP_WIDTH = 60
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


class Kind(StrEnum):
    """The type of a column, which decides the cell type and its display format."""

    TEXT = "teks"
    INTEGER = "bilangan bulat"
    NUMBER = "angka"
    DATE = "tanggal"
    DATETIME = "waktu"


NUMBER_FORMATS: Mapping[Kind, str] = {
    Kind.INTEGER: "#,##0",
    Kind.NUMBER: "#,##0.00",
    Kind.DATE: "DD/MM/YYYY",
    Kind.DATETIME: "DD/MM/YYYY HH:MM",
}


@dataclass(frozen=True)
class Column:
    """A column: its text key (`kolom_<key>`), kind, whether long text wraps, and values
    for placeholders in its header (e.g. the unsur of an NRR column)."""

    key: str
    kind: Kind = Kind.TEXT
    wrap: bool = False
    values: Mapping[str, str] = field(default_factory=dict)

    @property
    def text_key(self) -> str:
        return f"kolom_{self.key}"

    @property
    def header(self) -> str:
        return TEXTS.get(self.text_key, **self.values)


@dataclass
class Table:
    """One sheet: a title key (`lembar_<name>`), columns and rows (one value per column)."""

    name: str
    columns: Sequence[Column]
    rows: list[Sequence[Cell]] = field(default_factory=list)
    # Placeholders of the title (e.g. the unit of one AKPK sheet per unit).
    title_values: Mapping[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return TEXTS.get(f"lembar_{self.name}", **self.title_values)


class ExportFormatError(ValueError):
    """The output file name ends in something other than .xlsx or .csv."""


def excel_value(value: Cell) -> Cell:
    """A value as openpyxl stores it: aware datetimes become naive WIB (Excel has no zones)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(WIB).replace(tzinfo=None)
    return value


_FORBIDDEN_IN_TITLES = re.compile(r"[\[\]:*?/\\]")


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique sheet title: no []:*?/\\, at most 31 characters."""
    base = _FORBIDDEN_IN_TITLES.sub("-", text).strip("'") or "Lembar"
    title = base[:SHEET_TITLE_LIMIT]
    number = 2
    while title.lower() in {t.lower() for t in taken}:
        suffix = f" ({number})"
        title = base[: SHEET_TITLE_LIMIT - len(suffix)] + suffix
        number += 1
    taken.add(title)
    return title


def _width(column: Column, header: str, rows: Sequence[Sequence[Cell]], index: int) -> float:
    if column.wrap:
        return WRAP_WIDTH
    longest = len(header)
    for row in rows[:500]:
        value = row[index]
        if isinstance(value, datetime):
            length = 16
        elif isinstance(value, date):
            length = 10
        elif isinstance(value, float):
            length = len(f"{value:,.2f}")
        elif isinstance(value, int):
            length = len(f"{value:,}")
        else:
            length = max((len(line) for line in str(value or "").split("\n")), default=0)
        longest = max(longest, length)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))


def fill_sheet(sheet: Worksheet, table: Table) -> None:
    """Write a table into an empty sheet: styled, frozen header, filters, widths, formats."""
    headers = [column.header for column in table.columns]
    sheet.append(headers)
    for row in table.rows:
        sheet.append([excel_value(value) for value in row])
    wrap = Alignment(wrap_text=True, vertical="top")
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _width(
            column, headers[index - 1], table.rows, index - 1
        )
        number_format = NUMBER_FORMATS.get(column.kind)
        if number_format is None and not column.wrap:
            continue
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            if number_format is not None:
                cell.number_format = number_format
            if column.wrap:
                cell.alignment = wrap
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(1, len(table.columns)))
    sheet.auto_filter.ref = f"A1:{last}{max(1, len(table.rows) + 1)}"


def new_workbook() -> Workbook:
    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def write_xlsx(target: Path | IO[bytes], tables: Sequence[Table]) -> None:
    """Write each table to its own sheet, in order. A table longer than an Excel sheet holds
    continues on the next sheets ("Laporan Kemajuan (2)", …), each with its header row."""
    workbook = new_workbook()
    taken: set[str] = set()
    for table in tables:
        for part in split_rows(table):
            fill_sheet(workbook.create_sheet(sheet_title(table.title, taken)), part)
    workbook.save(private_file(target) if isinstance(target, Path) else target)


def split_rows(table: Table, limit: int | None = None) -> list[Table]:
    """The table in parts that each fit a sheet (header + at most EXCEL_MAX_ROWS − 1 rows)."""
    size = (limit or EXCEL_MAX_ROWS) - 1
    if len(table.rows) <= size:
        return [table]
    return [
        Table(table.name, table.columns, table.rows[start : start + size])
        for start in range(0, len(table.rows), size)
    ]


def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, tables)
    return buffer.getvalue()


def write_csv(target: Path | IO[bytes], table: Table) -> None:
    """Write one table as an Excel-ready CSV with a header row."""
    excel_csv.write_csv(target, [column.header for column in table.columns], table.rows)


def output_format(path: Path) -> str:
    """`xlsx` or `csv` from the file name; ExportFormatError otherwise."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ExportFormatError(str(path))
    return suffix[1:]


def write_tables(path: Path, tables: Sequence[Table]) -> None:
    """Write to .xlsx (every table a sheet) or .csv (the first table: CSV has one sheet)."""
    if output_format(path) == "xlsx":
        write_xlsx(path, tables)
    else:
        write_csv(path, tables[0])


def row_count(tables: Sequence[Table]) -> int:
    return len(tables[0].rows) if tables else 0
