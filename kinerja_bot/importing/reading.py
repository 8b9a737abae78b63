"""Reading a spreadsheet into rows: CSV (`,` `;` or tab, UTF-8 with or without BOM) or XLSX.

Blocking and CPU-bound: call it before the event loop starts or in `asyncio.to_thread`.

- Row numbers are the ones the admin sees in the spreadsheet: the header is row 1, and
  `Table.rows[i]` is row `i + 2`. Blank rows keep their number; trailing blank rows are dropped.
- Column names are matched case-insensitively; surrounding spaces are ignored and inner
  spaces or hyphens count as `_` (`Unit Kode` is `unit_kode`). Unnamed columns are ignored.
- CSV: the delimiter is whichever of `;`, `,` and tab occurs most in the header row (column
  names never contain one); an Excel `sep=;` first line is honoured. The text is UTF-8 (a BOM
  is fine) or UTF-16 with a BOM; a file that is not UTF-8 is read as Windows-1252, which is
  what Excel's plain "CSV (Comma delimited)" writes on Indonesian Windows.
- XLSX: the first worksheet, read-only, cached formula values. Number cells stay numbers
  (int or float) so that the validators can tell an exact integer from a float that Excel has
  already rounded; dates become ISO text.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from kinerja_bot.importing.messages import TEXTS, ImportFileError
from kinerja_bot.importing.progress import bar, wants_progress

Cell = str | int | float
"""A value as read: text from CSV; text, int or float from XLSX."""

CSV_SUFFIXES = (".csv",)
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_DELIMITERS = (";", ",", "\t")


@dataclass
class Table:
    """A header and its rows; `rows[i]` is spreadsheet row `i + 2`."""

    columns: list[str]
    rows: list[dict[str, Cell]] = field(default_factory=list)


def normalize_column(name: object) -> str:
    """`" Unit Kode "` → `"unit_kode"`."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def is_blank(value: Cell | None) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_table(path: Path, *, progress: bool | None = None) -> Table:
    """Read a .csv or .xlsx file; raises ImportFileError when it cannot be read at all."""
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES:
        raise ImportFileError("format_tidak_didukung", file=path.name)
    if not path.is_file():
        raise ImportFileError("berkas_tidak_ada", file=str(path))
    table = _read_xlsx(path, progress) if suffix in XLSX_SUFFIXES else _read_csv(path, progress)
    while table.rows and all(is_blank(value) for value in table.rows[-1].values()):
        table.rows.pop()
    return table


def _read_csv(path: Path, progress: bool | None) -> Table:
    try:
        raw = path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ImportFileError("berkas_tidak_terbaca", file=path.name, alasan=reason) from None
    text = _decode(raw, path.name)
    first_line, _, rest = text.partition("\n")
    marker = first_line.strip()
    if marker.lower().startswith("sep=") and len(marker) == 5:
        delimiter, text = marker[4], rest  # Excel does not show this line as a row
    else:
        delimiter = max(_DELIMITERS, key=lambda candidate: first_line.count(candidate))
        if first_line.count(delimiter) == 0:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None or all(is_blank(name) for name in header):
        raise ImportFileError("berkas_kosong", file=path.name)
    columns = [normalize_column(name) for name in header]
    rows: list[dict[str, Cell]] = []
    lines = text.count("\n")
    with bar(
        TEXTS.get("progres_membaca"), lines, enabled=wants_progress(progress, lines)
    ) as counter:
        for values in reader:
            rows.append({name: value for name, value in zip(columns, values, strict=False) if name})
            counter.update()
    return Table(columns, rows)


def _decode(raw: bytes, name: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError("bukan_utf8", file=name) from None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError("bukan_utf8", file=name)


def _read_xlsx(path: Path, progress: bool | None) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ImportFileError("berkas_tidak_terbaca", file=path.name, alasan=reason) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError) as error:
        reason = str(error) or type(error).__name__
        raise ImportFileError("xlsx_rusak", file=path.name, alasan=reason) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError("berkas_kosong", file=path.name)
        sheet = workbook.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = next(values, None)
        if header is None or all(is_blank(_cell(name)) for name in header):
            raise ImportFileError("berkas_kosong", file=path.name)
        columns = [normalize_column(name) if name is not None else "" for name in header]
        total = sheet.max_row - 1 if isinstance(sheet.max_row, int) else None
        rows: list[dict[str, Cell]] = []
        with bar(
            TEXTS.get("progres_membaca"), total, enabled=wants_progress(progress, total)
        ) as counter:
            for row in values:
                rows.append(
                    {name: _cell(value) for name, value in zip(columns, row, strict=False) if name}
                )
                counter.update()
    finally:
        workbook.close()
    return Table(columns, rows)


def _cell(value: object) -> Cell:
    """An XLSX value as a Cell: numbers stay numbers, the rest becomes text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)
