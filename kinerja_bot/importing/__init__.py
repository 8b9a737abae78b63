"""Importing organisation data from spreadsheets: `kinerja-bot impor KIND FILE` (DESIGN.md §4).

Kinds and their columns (header row, case-insensitive; extra columns are ignored):

| kind      | key          | columns                                                       |
|-----------|--------------|---------------------------------------------------------------|
| unit      | kode         | kode, nama, induk_kode                                        |
| pegawai   | nip          | nip, nama, jabatan, unit_kode, atasan_nip                     |
| indikator | kode + tahun | kode, nip, tahun, rhk, nama, aspek, satuan, target, arah,     |
|           |              | cara_hitung, jenis, iku_unit                                  |
| layanan   | kode         | kode, nama, unit_kode                                         |
| pelatihan | kode         | kode, nama, penyelenggara, jenis, bentuk, jp, kompetensi,     |
|           |              | kata_kunci, unsur, mulai, selesai, kuota, tautan              |

`layanan` may have one more column, `pengguna_per_tahun` (yearly number of service users, a
whole number, for the SKM sample size), and `unit` one more, `singkatan` (the short name
residents know an OPD by): either may be left out of the file altogether, and then the stored
values stay as they are; an empty value clears it.

Optional values (the column must still be there): `induk_kode`, `atasan_nip`, `iku_unit` (empty
means none); `arah` (default `naik`), `cara_hitung` (default `kumulatif`), `jenis` (default
`utama`); pelatihan `unsur`, `kuota` (empty: no limit), `tautan`. Choices are
case-insensitive; `aspek` is kuantitas|kualitas|waktu|biaya. `target` and `jp` are numbers
above zero in Indonesian format (`kinerja_bot.core.rules.numbers`), `tahun` four digits,
`mulai`/`selesai` Indonesian dates (`1-12-2026`, `1 Desember 2026`) or XLSX dates;
`kata_kunci` and `unsur` are `;`-separated lists (`unsur` SKM codes U1…U9).

The modules, in the order data flows:
- `reading`: a .csv or .xlsx file → `Table` (header + rows of cells). Blocking.
- `validation`: pure checks, rows → records or `RowError`s (stage 1 per row, stage 2 against
  the other rows and a snapshot of the database).
- `writing`: `import_rows()`, the async entry point for any caller (the CLI, the demo loader):
  one transaction, bulk statements, all or nothing.
- `command`: `import_command()`, the thin CLI wrapper that prints the summary.
- `messages`: the `impor` TextBook, `RowError`, `ImportRejected`, `ImportResult`.
"""

from kinerja_bot.importing.command import import_command
from kinerja_bot.importing.messages import (
    ImportFileError,
    ImportRejected,
    ImportResult,
    RowError,
    format_errors,
)
from kinerja_bot.importing.reading import Table, read_table
from kinerja_bot.importing.validation import KINDS
from kinerja_bot.importing.writing import import_rows

__all__ = [
    "KINDS",
    "ImportFileError",
    "ImportRejected",
    "ImportResult",
    "RowError",
    "Table",
    "format_errors",
    "import_command",
    "import_rows",
    "read_table",
]
