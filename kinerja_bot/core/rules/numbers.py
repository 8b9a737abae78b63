"""Reading numbers typed or exported the Indonesian way: `1.250,5`, `12,5`, `1.250.000`.

Indonesian writes `.` between groups of thousands and `,` before the decimals (PUEBI), which
is also what Excel produces with Indonesian regional settings. Excel and other tools with
English settings produce `12.5`, so a lone dot is read by how many digits follow it:

| written       | read as    | why                                                         |
|---------------|------------|-------------------------------------------------------------|
| `1250`        | 1250       | plain digits                                                |
| `12,5`        | 12.5       | `,` is always the decimal comma                             |
| `1.250,5`     | 1250.5     | dots before a comma separate thousands                      |
| `1.250.000`   | 1250000    | several dots: thousands, each followed by exactly 3 digits  |
| `1.250`       | 1250       | one dot, exactly 3 digits after, 1–3 digits before (not 0)  |
| `12.5`, `0.75`| 12.5, 0.75 | one dot with 1–2 (or 4+) digits after: a decimal point      |
| `0.750`       | 0.75       | a thousands group never starts with a lone 0: decimal point |
| `1234.567`    | 1234.567   | 4 digits before the dot cannot be a thousands group         |
| `1 250 000`   | 1250000    | spaces between groups of exactly 3 digits (SI style)        |
| `75%`, `75 %` | 75         | a trailing `%` is dropped; the value stays in percent       |
| `Rp 1.500.000`| 1500000    | a leading `Rp` / `Rp.` (rupiah) is dropped                  |
| `-3`, `+3`    | -3, 3      | a sign is allowed (also `−`, U+2212); callers decide ranges |

`parse_quantity(text, unit)` also takes the indicator's unit typed after the number, the way
people write a quantity: `48 dokumen`, `24,5 menit`, `85 persen` (`%` is always accepted by
`parse_number`). Any other word is refused (`satuan_lain`): `1,5 juta` must never be read as 1.5.

Rejected, each with its own reason: empty text, `abc`, `1,2,3` (two commas), `1.25.0` and
`12.34,5` (dots not separating groups of 3), `1,250.5` (English thousands commas: ambiguous
with the Indonesian decimal comma, so refused instead of guessed), `1,5E+17` (scientific
notation: Excel has already lost digits), `5,` / `,5` / `.5` (incomplete), and numbers too
large for a float. Note the one real ambiguity: `1,250` is 1.25 here (Indonesian), never 1250.
"""

from __future__ import annotations

import math
import re

__all__ = ["REASONS", "NumberFormatError", "is_percent_unit", "parse_number", "parse_quantity"]

# The Indonesian reason for every error code; user-facing code may map `code` to its own texts.
REASONS: dict[str, str] = {
    "kosong": "angka tidak boleh kosong",
    "bukan_angka": "bukan angka",
    "tidak_lengkap": "angka tidak lengkap di sekitar tanda pemisah",
    "koma_ganda": "koma desimal hanya boleh satu",
    "pemisah_ribuan": "titik pemisah ribuan harus diikuti tepat 3 digit",
    "format_campuran": "gunakan titik untuk ribuan dan koma untuk desimal, contoh 1.250,5",
    "notasi_ilmiah": "notasi ilmiah (E+) tidak diterima, tulis angkanya lengkap",
    "terlalu_besar": "angka terlalu besar",
    "satuan_lain": "setelah angka hanya boleh satuan indikator ini",
}

# Ways a percentage unit is written in indicator lists.
PERCENT_UNITS = frozenset({"%", "persen", "prosen"})

_SPACES = "\u00a0\u202f\u2009"  # no-break, narrow no-break and thin spaces (Excel, Word)
_CURRENCY = re.compile(r"^rp\.?\s*", re.IGNORECASE)
_SPACE_GROUPED = re.compile(r"\d{1,3}(?: \d{3})+(?:,\d+)?")
_SCIENTIFIC = re.compile(r"\d+(?:[.,]\d+)?e[+-]?\d+", re.IGNORECASE)
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+")
_DIGITS = re.compile(r"\d+")
# A number, then words: the number part is everything up to the first letter.
_TRAILING_WORDS = re.compile(r"^(?P<number>[^a-zA-Z]*?)\s*(?P<words>[a-zA-Z][a-zA-Z\s./-]*)$")


class NumberFormatError(ValueError):
    """Text that is not a number; `code` names the problem, `str()` is an Indonesian reason."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(REASONS[code])
        self.code = code
        self.text = text

    @property
    def reason(self) -> str:
        return REASONS[self.code]


def parse_number(text: str) -> float:
    """Read a number written the Indonesian (or plain English-decimal) way; see the module doc.

    Raises NumberFormatError (a ValueError) with an Indonesian reason. Negative numbers are
    returned as they are: whether they make sense is for the caller to decide.
    """
    original = text
    cleaned = text.strip()
    for space in _SPACES:
        cleaned = cleaned.replace(space, " ")
    cleaned = cleaned.strip()
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1].rstrip()
    cleaned = _CURRENCY.sub("", cleaned)
    sign = ""
    if cleaned[:1] in ("-", "+", "\u2212"):
        sign = "-" if cleaned[0] != "+" else ""
        cleaned = _CURRENCY.sub("", cleaned[1:].lstrip())
    if not cleaned:
        raise NumberFormatError("kosong", original)
    if " " in cleaned:
        if not _SPACE_GROUPED.fullmatch(cleaned):
            raise NumberFormatError("bukan_angka", original)
        cleaned = cleaned.replace(" ", "")
    value = float(sign + _plain_decimal(cleaned, original))
    if not math.isfinite(value):
        raise NumberFormatError("terlalu_besar", original)
    return value


def is_percent_unit(unit: str) -> bool:
    """`%`, `persen`: the unit of an indicator whose values are percentages."""
    return unit.strip().casefold() in PERCENT_UNITS


def parse_quantity(text: str, unit: str) -> float:
    """`parse_number`, also accepting the indicator's `unit` (or its first word) after the
    number, in any letter case: `48 dokumen`, `48 Dokumen` for unit `dokumen KTP-el`."""
    match = _TRAILING_WORDS.match(text.strip())
    if match is None or not match["number"].strip() or _CURRENCY.match(text.strip()):
        return parse_number(text)
    words = " ".join(match["words"].casefold().split())
    wanted = " ".join(unit.casefold().split())
    accepted = {wanted, wanted.split(" ")[0]} if wanted else set()
    if is_percent_unit(unit):
        accepted |= PERCENT_UNITS
    if words not in accepted:
        raise NumberFormatError("satuan_lain", text)
    return parse_number(match["number"])


def _plain_decimal(body: str, original: str) -> str:
    """Turn the unsigned body (digits, dots, commas) into `1234.5` form, or raise."""
    if not body.isascii() or body.strip("0123456789.,"):
        code = "notasi_ilmiah" if _SCIENTIFIC.fullmatch(body) else "bukan_angka"
        raise NumberFormatError(code, original)
    if body.count(",") > 1:
        raise NumberFormatError("koma_ganda", original)
    if "," in body:
        whole, decimals = body.split(",")
        if "." in decimals:
            raise NumberFormatError("format_campuran", original)
        if not whole or not decimals:
            raise NumberFormatError("tidak_lengkap", original)
        return f"{_whole_part(whole, original)}.{decimals}"
    if body.count(".") == 1:
        whole, decimals = body.split(".")
        if not whole or not decimals:
            raise NumberFormatError("tidak_lengkap", original)
        if _THOUSANDS.fullmatch(body):
            return whole + decimals  # `1.250`: one thousands dot
        return f"{whole}.{decimals}"  # `12.5`, `0.750`, `1234.567`: a decimal point
    return _whole_part(body, original)


def _whole_part(whole: str, original: str) -> str:
    """The digits before the decimals: plain, or grouped by thousands dots."""
    if _DIGITS.fullmatch(whole):
        return whole
    if _THOUSANDS.fullmatch(whole):
        return whole.replace(".", "")
    if whole.startswith(".") or whole.endswith(".") or ".." in whole:
        raise NumberFormatError("tidak_lengkap", original)
    raise NumberFormatError("pemisah_ribuan", original)
