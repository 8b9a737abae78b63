"""What the importer tells the admin: texts of `percakapan/impor.yaml`, errors and results."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kinerja_bot.core.rules.formatting import format_number_id
from kinerja_bot.core.texts import TextBook

TEXTS = TextBook(
    "impor",
    {
        # the file as a whole
        "berkas_tidak_ada": ("file",),
        "format_tidak_didukung": ("file",),
        "berkas_tidak_terbaca": ("file", "alasan"),
        "xlsx_rusak": ("file", "alasan"),
        "bukan_utf8": ("file",),
        "berkas_kosong": ("file",),
        "bentrok": ("jenis",),
        "basis_data_gagal": ("alasan",),
        # the header row
        "kolom_hilang": ("kolom", "kolom_wajib"),
        "kolom_ganda": ("kolom",),
        # one value
        "wajib_diisi": (),
        "terlalu_panjang": ("batas", "panjang"),
        "notasi_ilmiah": ("nilai", "kolom"),
        "nip_bukan_angka": ("nilai",),
        "nip_panjang": ("jumlah",),
        "nip_tanggal_lahir": ("tanggal",),
        "nip_jenis_kelamin": ("digit",),
        "nip_lahir_akan_datang": ("tanggal",),
        "nip_bulan_pengangkatan": ("bulan",),
        "angka_kosong": ("nilai",),
        "angka_bukan_angka": ("nilai",),
        "angka_tidak_lengkap": ("nilai",),
        "angka_koma_ganda": ("nilai",),
        "angka_pemisah_ribuan": ("nilai",),
        "angka_format_campuran": ("nilai",),
        "angka_notasi_ilmiah": ("nilai",),
        "angka_terlalu_besar": ("nilai",),
        "target_tidak_positif": ("nilai",),
        "jp_tidak_positif": ("nilai",),
        "tanggal_salah": ("nilai",),
        "unsur_salah": ("nilai", "pilihan"),
        "selesai_sebelum_mulai": (),
        "kuota_nol": (),
        "bilangan_bulat": ("nilai",),
        "tahun_salah": ("nilai",),
        "pilihan_salah": ("nilai", "pilihan"),
        "skor_salah": ("nilai",),
        # one row against the others and the database
        "kunci_ganda": ("kolom", "nilai", "baris_pertama"),
        "indikator_ganda": ("kode", "tahun", "baris_pertama"),
        "induk_diri_sendiri": (),
        "induk_tidak_dikenal": ("kode",),
        "induk_berputar": ("rantai",),
        "unit_tidak_dikenal": ("kode",),
        "layanan_tidak_dikenal": ("kode",),
        "tanpa_jawaban": (),
        "atasan_diri_sendiri": (),
        "atasan_tidak_dikenal": ("nip",),
        "atasan_berputar": ("rantai",),
        "pegawai_tidak_dikenal": ("nip",),
        # how an error is shown, and the outcome
        "baris_kolom": ("baris", "kolom", "pesan"),
        "baris": ("baris", "pesan"),
        "dibatalkan": ("jenis", "jumlah"),
        "kesalahan_lain": ("jumlah",),
        "selesai": ("jenis", "baru", "diperbarui", "tidak_berubah"),
        "selesai_skm": ("baru", "sudah_ada"),
        "progres_membaca": (),
        "progres_memeriksa": (),
        "progres_menyimpan": (),
    },
    html=False,
)

MAX_ERRORS_SHOWN = 50


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in the file: the spreadsheet row (the header is row 1), the column, and what.

    `code` is a key of `percakapan/impor.yaml` and `params` its placeholders; `message` is the
    rendered text and `str(error)` the full line, e.g. "Baris 7, kolom nip: NIP harus …".
    `column` is None for a problem of the whole row.
    """

    row: int
    column: str | None
    code: str
    params: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def message(self) -> str:
        return TEXTS.get(self.code, **self.params)

    def __str__(self) -> str:
        if self.column is None:
            return TEXTS.get("baris", baris=self.row, pesan=self.message)
        return TEXTS.get("baris_kolom", baris=self.row, kolom=self.column, pesan=self.message)


class ImportFileError(Exception):
    """The file cannot be read at all (missing, wrong format, not a spreadsheet)."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(TEXTS.get(code, **params))


class ImportRejected(Exception):
    """The rows have errors; nothing was written. `errors` is sorted by row."""

    def __init__(self, kind: str, errors: Sequence[RowError]) -> None:
        self.kind = kind
        self.errors = list(errors)
        super().__init__(format_errors(kind, self.errors))


def format_errors(kind: str, errors: Sequence[RowError], limit: int = MAX_ERRORS_SHOWN) -> str:
    """The admin's report: a title line, at most `limit` error lines, then how many are left."""
    lines = [TEXTS.get("dibatalkan", jenis=kind, jumlah=_count(len(errors)))]
    lines.extend(str(error) for error in errors[:limit])
    if len(errors) > limit:
        lines.append(TEXTS.get("kesalahan_lain", jumlah=_count(len(errors) - limit)))
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: rows inserted, rows changed, rows already equal to the file."""

    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        """E.g. "Impor pegawai selesai: 120 baru, 3 diperbarui, 40 tidak berubah."."""
        if self.kind == "skm":  # questionnaires are added, never updated
            return TEXTS.get(
                "selesai_skm", baru=_count(self.created), sudah_ada=_count(self.unchanged)
            )
        return TEXTS.get(
            "selesai",
            jenis=self.kind,
            baru=_count(self.created),
            diperbarui=_count(self.updated),
            tidak_berubah=_count(self.unchanged),
        )


def _count(number: int) -> str:
    """`15000` → `"15.000"`."""
    return format_number_id(number, 0)
