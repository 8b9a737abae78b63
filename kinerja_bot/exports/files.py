"""The words of an ASN's own files and of the full lists behind a one-screen summary, and those
lists as a spreadsheet file: what the 📎 button under /analisis and /ikm sends, and what the
quarterly analysis attaches to its summary (one name, one caption for both)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from kinerja_bot.core.rules.periods import Period
from kinerja_bot.core.texts import TextBook
from kinerja_bot.exports.workbook import Table, xlsx_bytes

__all__ = ["TEXTS", "ListFile", "list_file"]

TEXTS = TextBook(
    "berkas_saya",
    {
        "bukan_pegawai": (),
        "bukan_periode_evaluasi": ("periode",),
        "periode_salah": ("pesan",),
        "evaluasi_keterangan": ("periode", "nama", "status"),
        "evaluasi_status_dinilai": ("predikat",),
        "evaluasi_status_belum": (),
        "laporansaya_keterangan": ("periode", "jumlah"),
        "laporansaya_kosong": ("periode",),
        "daftar_keterangan": ("jenis", "periode", "jumlah"),
        "jenis_analisis": (),
        "jenis_ikm": (),
        "peringatan_bukan_kepala": (),
    },
)


@dataclass(frozen=True)
class ListFile:
    """A spreadsheet ready to send as a document."""

    content: bytes
    filename: str
    caption: str


def list_file(
    kind: Literal["analisis", "ikm"], period: Period, tables: Sequence[Table]
) -> ListFile:
    """The full list as `<kind>-<period>.xlsx`, captioned with what it holds and how many rows
    its first sheet has. Blocking (openpyxl): call it in a worker thread from the event loop."""
    return ListFile(
        content=xlsx_bytes(tables),
        filename=f"{kind}-{period.label}.xlsx",
        caption=TEXTS.get(
            "daftar_keterangan",
            jenis=TEXTS.get(f"jenis_{kind}"),
            periode=period.title,
            jumlah=len(tables[0].rows) if tables else 0,
        ),
    )
