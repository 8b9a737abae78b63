"""The NIP, the 18-digit number of an ASN, and the checks it must pass.

Structure (Peraturan Kepala BKN No. 22 Tahun 2007 on the NIP of PNS), e.g. 198503122010011002:

| digits | meaning                                             | example    |
|--------|-----------------------------------------------------|------------|
| 1–8    | birth date, YYYYMMDD                                | `19850312` |
| 9–14   | appointment as CPNS (TMT), YYYYMM                   | `201001`   |
| 15     | sex: 1 = male (pria), 2 = female (wanita)           | `1`        |
| 16–18  | sequence number (nomor urut)                        | `002`      |

PPPK numbers (NI PPPK) keep this layout but put a code (`21`) where a PNS number has the
appointment month, so digits 13–14 are a month 01–12 or that code.

What is checked: exactly 18 ASCII digits, digits 1–8 are a real date from 1900 on and not
after today (WIB), digits 13–14 are a month 01–12 (or the PPPK code `21`), and digit 15 is 1
or 2. Spaces are allowed and removed (the printed form `19850312 201001 1 002`
is common), and so is one leading apostrophe (Excel's "store as text" mark, which sometimes
survives a copy and paste).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kinerja_bot.core.rules.periods import wib_today

__all__ = ["NIP_LENGTH", "NipError", "NipParts", "normalize_nip", "parse_nip"]

NIP_LENGTH = 18
EARLIEST_BIRTH_YEAR = 1900

# The Indonesian reason for every error code; user-facing code may map `code` to its own texts.
REASONS: dict[str, str] = {
    "kosong": "NIP tidak boleh kosong",
    "bukan_angka": "NIP hanya boleh berisi angka",
    "panjang": "NIP harus 18 digit angka",
    "tanggal_lahir": "8 digit pertama NIP harus tanggal lahir yang valid (TTTTBBHH)",
    "tanggal_lahir_akan_datang": "8 digit pertama NIP (tanggal lahir) tidak boleh di masa depan",
    "bulan_pengangkatan": "digit ke-13 dan ke-14 NIP (bulan pengangkatan) harus 01 sampai 12",
    "jenis_kelamin": "digit ke-15 NIP (jenis kelamin) harus 1 atau 2",
}
# Where a PNS number has the appointment month, an NI PPPK has this code.
PPPK_CODE = "21"


class NipError(ValueError):
    """Not a valid NIP; `code` names the problem, `str()` is an Indonesian reason.

    `digits` is the number of digits found (for `panjang`); `text` is what was given.
    """

    def __init__(self, code: str, text: str, *, digits: int = 0) -> None:
        super().__init__(REASONS[code])
        self.code = code
        self.text = text
        self.digits = digits


@dataclass(frozen=True, slots=True)
class NipParts:
    """The parts of a valid NIP."""

    nip: str
    birth_date: date
    appointment: str  # YYYYMM for PNS; YYYY + a code for PPPK
    sex: int  # 1 male, 2 female
    sequence: str


def normalize_nip(text: str, *, today: date | None = None) -> str:
    """Return the 18-digit NIP in `text` (spaces removed), or raise NipError."""
    return parse_nip(text, today=today).nip


def parse_nip(text: str, *, today: date | None = None) -> NipParts:
    """Check `text` as a NIP and split it into its parts (see the module docstring).

    `today` (default: today in WIB) bounds the birth date: nobody is born in the future.
    """
    nip = "".join(text.split())
    nip = nip.removeprefix("'")
    if not nip:
        raise NipError("kosong", text)
    if not (nip.isascii() and nip.isdigit()):
        raise NipError("bukan_angka", text)
    if len(nip) != NIP_LENGTH:
        raise NipError("panjang", text, digits=len(nip))
    try:
        birth = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise NipError("tanggal_lahir", text) from None
    if birth.year < EARLIEST_BIRTH_YEAR:
        raise NipError("tanggal_lahir", text)
    if birth > (today if today is not None else wib_today()):
        raise NipError("tanggal_lahir_akan_datang", text)
    month = nip[12:14]
    if month != PPPK_CODE and not 1 <= int(month) <= 12:
        raise NipError("bulan_pengangkatan", text)
    if nip[14] not in "12":
        raise NipError("jenis_kelamin", text)
    return NipParts(
        nip=nip, birth_date=birth, appointment=nip[8:14], sex=int(nip[14]), sequence=nip[15:]
    )
