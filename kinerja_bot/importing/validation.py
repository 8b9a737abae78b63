"""Checking imported rows: pure functions from rows to records, or to a list of RowError.

Two stages, both free of I/O:

1. `parse_rows(kind, rows)` checks the header and each row on its own: required values,
   lengths (the model's `max_length`), NIP, year, number, choices, a row naming itself as its
   own parent or atasan, and a key used twice in the file.
2. `check_units`, `check_employees`, `check_indicators`, `check_services` check the records
   against each other and against a snapshot of the database (loaded by the caller in one
   query per table): unknown unit, atasan or pegawai, and cycles in the unit parent chain or
   the atasan chain, taking rows of the file over their database versions.

Defaults for empty optional values: `induk_kode`, `atasan_nip` and `iku_unit` become empty
(no parent, no atasan, no IKU); `arah` becomes `naik`, `cara_hitung` `kumulatif` and `jenis`
`utama`. Every column must be in the header even when its values may be empty, so that a
misspelt column never silently clears data on re-import.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Callable, Container, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum, StrEnum
from functools import cache
from typing import Any

from sqlmodel import SQLModel

from kinerja_bot.core.models import (
    Aggregation,
    Aspect,
    CompetencyType,
    Direction,
    Employee,
    Indicator,
    IndicatorKind,
    LearningRoute,
    Service,
    SurveyChannel,
    TrainingOffer,
    Unit,
)
from kinerja_bot.core.rules.nip import NipError, normalize_nip
from kinerja_bot.core.rules.numbers import NumberFormatError, parse_number
from kinerja_bot.core.rules.periods import DateError, parse_date_id
from kinerja_bot.core.rules.skm import SCORE_MAX, SCORE_MIN, UNSUR_CODES
from kinerja_bot.importing.messages import TEXTS, RowError
from kinerja_bot.importing.progress import bar
from kinerja_bot.importing.reading import Cell, is_blank, normalize_column
from kinerja_bot.survey import profile_questions

KINDS = ("unit", "pegawai", "indikator", "layanan", "skm", "pelatihan")
# The questionnaire columns of `impor skm`, by unsur code (u1 is U1 …), never by position.
SCORE_COLUMNS: dict[str, str] = {code.lower(): code for code in UNSUR_CODES}
# Channels an imported questionnaire may come from (the bot's own is telegram).
IMPORTED_CHANNELS = (SurveyChannel.PAPER, SurveyChannel.OTHER)
SUGGESTION_MAX_CHARS = 1000
EARLIEST_YEAR = 1900
LATEST_YEAR = 2100
# Excel keeps 15 significant digits: a number cell at or above this has lost digits.
EXACT_FLOAT_LIMIT = 10**15
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")
_YEAR = re.compile(r"\d{4}")
_CHAIN_SHOWN = 8
KEYWORDS_LIMIT = 1000


class Problem(Exception):
    """A value that fails a check: a key of `impor.yaml` and its placeholders."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# --- Records -------------------------------------------------------------------------------


class Absent(Enum):
    """The value of an optional column that is not in the file: keep what is stored."""

    ABSENT = "absent"


ABSENT = Absent.ABSENT


@dataclass(frozen=True, slots=True)
class UnitRow:
    row: int
    kode: str
    nama: str
    induk_kode: str | None
    # Optional column: the short name residents know the unit by; ABSENT keeps the stored.
    singkatan: str | Absent | None = ABSENT


@dataclass(frozen=True, slots=True)
class EmployeeRow:
    row: int
    nip: str
    nama: str
    jabatan: str
    unit_kode: str
    atasan_nip: str | None


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    row: int
    kode: str
    nip: str
    tahun: int
    rhk: str
    nama: str
    aspek: str
    satuan: str
    target: float
    arah: str
    cara_hitung: str
    jenis: str
    iku_unit: str | None


@dataclass(frozen=True, slots=True)
class ServiceRow:
    row: int
    kode: str
    nama: str
    unit_kode: str
    # Optional column: yearly number of service users (SKM sample size); ABSENT keeps the stored.
    pengguna_per_tahun: int | Absent | None = ABSENT


@dataclass(frozen=True, slots=True)
class SurveyRow:
    """One questionnaire from paper or another survey tool (`impor skm`)."""

    row: int
    layanan_kode: str
    tanggal: date
    scores: dict[str, int]  # unsur code → 1–4; an unsur left blank is not there
    jenis_kelamin: str | None
    usia: str | None
    pendidikan: str | None
    pekerjaan: str | None
    saran: str | None
    kanal: str

    def content(self) -> str:
        """Everything the questionnaire says, in one canonical line (for its fingerprint)."""
        scores = ",".join(f"{code}={self.scores.get(code, '')}" for code in UNSUR_CODES)
        profile = "|".join(
            value or ""
            for value in (self.jenis_kelamin, self.usia, self.pendidikan, self.pekerjaan)
        )
        return "|".join(
            (
                self.layanan_kode,
                self.tanggal.isoformat(),
                scores,
                profile,
                self.saran or "",
                self.kanal,
            )
        )


@dataclass(frozen=True)
class OfferRow:
    """An offer of the training catalog; lists are kept as `;`-joined text, tidied."""

    row: int
    kode: str
    nama: str
    penyelenggara: str
    jenis: str
    bentuk: str
    jp: float
    kompetensi: str
    kata_kunci: str
    unsur: str | None
    mulai: date
    selesai: date
    kuota: int | None
    tautan: str | None


Record = UnitRow | EmployeeRow | IndicatorRow | ServiceRow | SurveyRow | OfferRow


# --- Value parsers -------------------------------------------------------------------------

Parser = Callable[[Cell], Any]


def _as_text(value: Cell) -> str:
    """A cell as text; an XLSX number cell as its digits (`101`, `1.5`)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float):
        if not math.isfinite(value) or abs(value) >= EXACT_FLOAT_LIMIT:
            raise Problem("notasi_ilmiah", nilai=f"{value:.6G}")
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _max_length(model: type[SQLModel], column: str) -> int | None:
    table = getattr(model, "__table__")  # noqa: B009  (SQLModel declares it loosely)
    length = getattr(table.c[column].type, "length", None)
    return length if isinstance(length, int) else None


def text(model: type[SQLModel], column: str) -> Parser:
    """Text, no longer than the model's column allows."""
    limit = _max_length(model, column)

    def parse(value: Cell) -> str:
        result = _as_text(value)
        if limit is not None and len(result) > limit:
            raise Problem("terlalu_panjang", batas=limit, panjang=len(result))
        return result

    return parse


def nip(value: Cell) -> str:
    """An 18-digit NIP (see kinerja_bot.core.rules.nip); catches digits Excel has already lost."""
    if isinstance(value, str) and _SCIENTIFIC.fullmatch(value.strip()):
        raise Problem("notasi_ilmiah", nilai=value.strip())
    written = _as_text(value)
    try:
        return normalize_nip(written)
    except NipError as error:
        if error.code == "kosong":
            raise Problem("wajib_diisi") from None
        if error.code == "panjang":
            raise Problem("nip_panjang", jumlah=error.digits) from None
        digits = "".join(written.split()).removeprefix("'")
        if error.code == "tanggal_lahir":
            raise Problem("nip_tanggal_lahir", tanggal=digits[:8]) from None
        if error.code == "tanggal_lahir_akan_datang":
            raise Problem("nip_lahir_akan_datang", tanggal=digits[:8]) from None
        if error.code == "bulan_pengangkatan":
            raise Problem("nip_bulan_pengangkatan", bulan=digits[12:14]) from None
        if error.code == "jenis_kelamin":
            raise Problem("nip_jenis_kelamin", digit=digits[14]) from None
        raise Problem("nip_bukan_angka", nilai=written) from None


def year(value: Cell) -> int:
    """A four-digit year between 1900 and 2100."""
    written = _as_text(value)
    if not _YEAR.fullmatch(written) or not EARLIEST_YEAR <= int(written) <= LATEST_YEAR:
        raise Problem("tahun_salah", nilai=written)
    return int(written)


def target(value: Cell) -> float:
    """A target above zero: an XLSX number, or text read by `rules.numbers.parse_number`.

    Zero or less is refused: achievement divides by the target (DESIGN.md §3).
    """
    return positive_number(value, "target_tidak_positif")


def jp(value: Cell) -> float:
    """The JP of an offer: a number above zero (`2,5` or `32`)."""
    return positive_number(value, "jp_tidak_positif")


def positive_number(value: Cell, refusal: str) -> float:
    """A number above zero, in XLSX or Indonesian text; `refusal` names zero or less."""
    if isinstance(value, int | float):
        written = str(value)
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise Problem("angka_terlalu_besar", nilai=written)
    else:
        written = value.strip()
        try:
            number = parse_number(written)
        except NumberFormatError as error:
            raise Problem(f"angka_{error.code}", nilai=written) from None
    if number <= 0:
        raise Problem(refusal, nilai=written)
    return number


def day(value: Cell) -> date:
    """A date as Indonesians write it (`1-12-2026`, `1 Desember 2026`) or an XLSX date."""
    written = _as_text(value)
    try:
        return parse_date_id(written.split("T")[0])
    except DateError:
        raise Problem("tanggal_salah", nilai=written) from None


def keywords(value: Cell) -> str:
    """A `;`-separated list of topics, tidied: `pelayanan; ; Excel ` → `pelayanan;Excel`."""
    items = [item.strip() for item in _as_text(value).split(";") if item.strip()]
    if not items:
        raise Problem("wajib_diisi")
    result = ";".join(dict.fromkeys(items))
    if len(result) > KEYWORDS_LIMIT:
        raise Problem("terlalu_panjang", batas=KEYWORDS_LIMIT, panjang=len(result))
    return result


def unsur_codes(value: Cell) -> str | None:
    """SKM unsur codes, `;`-separated (`U6; u7`), checked and upper-cased."""
    items = [item.strip().upper() for item in _as_text(value).split(";") if item.strip()]
    for item in items:
        if item not in UNSUR_CODES:
            raise Problem("unsur_salah", nilai=item, pilihan=", ".join(UNSUR_CODES))
    return ";".join(dict.fromkeys(items)) or None


def whole_number(value: Cell) -> int:
    """A whole number of 0 or more: an XLSX number, or text such as `12.500` (Indonesian)."""
    written = str(value).strip() if not isinstance(value, str) else value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        try:
            number = parse_number(written)
        except NumberFormatError as error:
            raise Problem(f"angka_{error.code}", nilai=written) from None
    if not math.isfinite(number) or number < 0 or not number.is_integer():
        raise Problem("bilangan_bulat", nilai=written)
    if number >= EXACT_FLOAT_LIMIT:
        raise Problem("angka_terlalu_besar", nilai=written)
    return int(number)


def score(value: Cell) -> int:
    """An SKM answer: a whole number 1–4."""
    written = _as_text(value)
    if written not in {str(n) for n in range(SCORE_MIN, SCORE_MAX + 1)}:
        raise Problem("skor_salah", nilai=written)
    return int(written)


@cache
def _profile_options() -> dict[str, dict[str, str]]:
    """Per profile column: what may be written (code or label, lower case) → the stored code."""
    return {
        question.column: {
            written.lower(): option.kode
            for option in question.options
            for written in (option.kode, option.label)
        }
        for question in profile_questions()
    }


def profile(column: str) -> Parser:
    """A respondent profile answer as the bot stores it: an option's code or its label."""

    def parse(value: Cell) -> str:
        written = _as_text(value)
        options = _profile_options()[column]
        if written.lower() not in options:
            codes = ", ".join(dict.fromkeys(options.values()))
            raise Problem("pilihan_salah", nilai=written, pilihan=codes)
        return options[written.lower()]

    return parse


def text_up_to(limit: int) -> Parser:
    """Text of at most `limit` characters."""

    def parse(value: Cell) -> str:
        result = _as_text(value)
        if len(result) > limit:
            raise Problem("terlalu_panjang", batas=limit, panjang=len(result))
        return result

    return parse


def choice(options: type[StrEnum]) -> Parser:
    """One of the values of `options`, case-insensitive."""
    return choice_of(tuple(options))


def choice_of(options: Iterable[StrEnum]) -> Parser:
    """One of `options`, case-insensitive."""
    allowed = [str(option) for option in options]

    def parse(value: Cell) -> str:
        written = _as_text(value)
        if written.lower() not in allowed:
            raise Problem("pilihan_salah", nilai=written, pilihan=", ".join(allowed))
        return written.lower()

    return parse


# --- Kinds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of an import: its parser, and its default when the value may be empty.

    `optional_column`: the column may be left out of the file altogether; its value is then
    ABSENT and the stored value is kept.
    """

    name: str
    parse: Parser
    required: bool = True
    default: Any = None
    optional_column: bool = False


@dataclass(frozen=True)
class KindSpec:
    kind: str
    columns: tuple[Column, ...]
    record: type[Record]
    key: tuple[str, ...]
    # Builds the record from the row number and the parsed values (default: by column name).
    build: Callable[[int, dict[str, Any]], Record] | None = None

    def record_of(self, row: int, values: dict[str, Any]) -> Record:
        if self.build is not None:
            return self.build(row, values)
        return self.record(row=row, **values)

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


SPECS: dict[str, KindSpec] = {
    "unit": KindSpec(
        "unit",
        (
            Column("kode", text(Unit, "kode")),
            Column("nama", text(Unit, "nama")),
            Column("induk_kode", text(Unit, "kode"), required=False),
            Column("singkatan", text(Unit, "singkatan"), required=False, optional_column=True),
        ),
        UnitRow,
        ("kode",),
    ),
    "pegawai": KindSpec(
        "pegawai",
        (
            Column("nip", nip),
            Column("nama", text(Employee, "nama")),
            Column("jabatan", text(Employee, "jabatan")),
            Column("unit_kode", text(Unit, "kode")),
            Column("atasan_nip", nip, required=False),
        ),
        EmployeeRow,
        ("nip",),
    ),
    "indikator": KindSpec(
        "indikator",
        (
            Column("kode", text(Indicator, "kode")),
            Column("nip", nip),
            Column("tahun", year),
            Column("rhk", text(Indicator, "rhk")),
            Column("nama", text(Indicator, "nama")),
            Column("aspek", choice(Aspect)),
            Column("satuan", text(Indicator, "satuan")),
            Column("target", target),
            Column(
                "arah", choice(Direction), required=False, default=Direction.HIGHER_IS_BETTER.value
            ),
            Column(
                "cara_hitung",
                choice(Aggregation),
                required=False,
                default=Aggregation.CUMULATIVE.value,
            ),
            Column(
                "jenis", choice(IndicatorKind), required=False, default=IndicatorKind.MAIN.value
            ),
            Column("iku_unit", text(Indicator, "iku_unit"), required=False),
        ),
        IndicatorRow,
        ("kode", "tahun"),
    ),
    "layanan": KindSpec(
        "layanan",
        (
            Column("kode", text(Service, "kode")),
            Column("nama", text(Service, "nama")),
            Column("unit_kode", text(Unit, "kode")),
            Column("pengguna_per_tahun", whole_number, required=False, optional_column=True),
        ),
        ServiceRow,
        ("kode",),
    ),
    # No key: two questionnaires may well say the same thing.
    "skm": KindSpec(
        "skm",
        (
            Column("layanan_kode", text(Service, "kode")),
            Column("tanggal", day),
            *(Column(name, score, required=False) for name in SCORE_COLUMNS),
            *(
                Column(name, profile(name), required=False, optional_column=True)
                for name in ("jenis_kelamin", "usia", "pendidikan", "pekerjaan")
            ),
            Column("saran", text_up_to(SUGGESTION_MAX_CHARS), required=False, optional_column=True),
            Column(
                "kanal",
                choice_of(IMPORTED_CHANNELS),
                required=False,
                default=SurveyChannel.PAPER.value,
                optional_column=True,
            ),
        ),
        SurveyRow,
        (),
        build=lambda row, values: _survey_row(row, values),
    ),
    "pelatihan": KindSpec(
        "pelatihan",
        (
            Column("kode", text(TrainingOffer, "kode")),
            Column("nama", text(TrainingOffer, "nama")),
            Column("penyelenggara", text(TrainingOffer, "penyelenggara")),
            Column("jenis", choice(LearningRoute)),
            Column("bentuk", text(TrainingOffer, "bentuk")),
            Column("jp", jp),
            Column("kompetensi", choice(CompetencyType)),
            Column("kata_kunci", keywords),
            Column("unsur", unsur_codes, required=False),
            Column("mulai", day),
            Column("selesai", day),
            Column("kuota", whole_number, required=False),
            Column("tautan", text(TrainingOffer, "tautan"), required=False),
        ),
        OfferRow,
        ("kode",),
    ),
}


def _survey_row(row: int, values: dict[str, Any]) -> SurveyRow:
    def given(name: str) -> Any:
        value = values[name]
        return None if isinstance(value, Absent) else value

    kanal = given("kanal") or SurveyChannel.PAPER.value
    return SurveyRow(
        row=row,
        layanan_kode=values["layanan_kode"],
        tanggal=values["tanggal"],
        scores={code: values[name] for name, code in SCORE_COLUMNS.items() if values[name]},
        jenis_kelamin=given("jenis_kelamin"),
        usia=given("usia"),
        pendidikan=given("pendidikan"),
        pekerjaan=given("pekerjaan"),
        saran=given("saran") or None,
        kanal=kanal,
    )


def spec_for(kind: str) -> KindSpec:
    try:
        return SPECS[kind]
    except KeyError:
        raise ValueError(f"unknown import kind {kind!r}; one of {', '.join(KINDS)}") from None


# --- Stage 1: the header and each row ------------------------------------------------------


@dataclass
class Parsed:
    """The outcome of stage 1: good records, errors, and every key the file declares.

    `declared` holds the keys of all rows whose key is readable, also rows with other errors,
    so that a bad row does not make the rows referring to it fail as well.
    """

    kind: str
    records: list[Any] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    declared: set[Hashable] = field(default_factory=set)
    header_ok: bool = True


def check_header(kind: str, columns: Iterable[str]) -> list[RowError]:
    """Every column of the kind present exactly once (extra columns are fine)."""
    spec = spec_for(kind)
    names = [normalize_column(name) for name in columns]
    needed = [column.name for column in spec.columns if not column.optional_column]
    required = ", ".join(needed)
    errors = [
        RowError(1, column, "kolom_hilang", {"kolom": column, "kolom_wajib": required})
        for column in needed
        if column not in names
    ]
    errors += [
        RowError(1, column, "kolom_ganda", {"kolom": column})
        for column in spec.column_names
        if names.count(column) > 1
    ]
    return errors


def parse_rows(
    kind: str,
    rows: Sequence[Mapping[str, Cell]],
    *,
    columns: Iterable[str] | None = None,
    progress: bool = False,
) -> Parsed:
    """Stage 1 for `rows` (row `i` is spreadsheet row `i + 2`); `columns` is the header.

    Without `columns` the header is the union of the rows' keys (an empty file then has no
    header to check). Keys are normalised like a header (`NIP` is `nip`). Blank rows are skipped.
    """
    spec = spec_for(kind)
    parsed = Parsed(kind)
    if columns is None:
        columns = list(dict.fromkeys(name for row in rows for name in row))
        if not rows:
            return parsed
    names = list(columns)
    parsed.errors = check_header(kind, names)
    if parsed.errors:
        parsed.header_ok = False
        return parsed
    renamed = {name: normalize_column(name) for name in names if normalize_column(name) != name}
    first_row: dict[Hashable, int] = {}
    with bar(TEXTS.get("progres_memeriksa"), len(rows), enabled=progress) as counter:
        for index, raw in enumerate(rows):
            if renamed:
                raw = {renamed.get(name, name): value for name, value in raw.items()}
            _parse_row(spec, index + 2, raw, parsed, first_row)
            if index % 500 == 499:
                counter.update(500)
        counter.update(len(rows) % 500)
    return parsed


def _parse_row(
    spec: KindSpec,
    number: int,
    raw: Mapping[str, Cell],
    parsed: Parsed,
    first_row: dict[Hashable, int],
) -> None:
    if all(is_blank(value) for value in raw.values()):
        return
    values: dict[str, Any] = {}
    errors: list[RowError] = []
    for column in spec.columns:
        if column.optional_column and column.name not in raw:
            values[column.name] = ABSENT
            continue
        value = raw.get(column.name, "")
        if is_blank(value):
            if column.required:
                errors.append(RowError(number, column.name, "wajib_diisi"))
            values[column.name] = column.default
            continue
        try:
            values[column.name] = column.parse(value)
        except Problem as problem:
            params = dict(problem.params)
            if "kolom" in TEXTS.keys[problem.code]:
                params["kolom"] = column.name
            errors.append(RowError(number, column.name, problem.code, params))
            values[column.name] = None
    key_values = tuple(values[name] for name in spec.key)
    if key_values and all(value is not None for value in key_values):
        key: Hashable = key_values[0] if len(key_values) == 1 else key_values
        if key in first_row:
            errors.append(_duplicate(spec, number, key_values, first_row[key]))
        else:
            first_row[key] = number
            parsed.declared.add(key)
    errors += _self_reference(spec.kind, number, values)
    if errors:
        parsed.errors += errors
    else:
        parsed.records.append(spec.record_of(number, values))


def _duplicate(spec: KindSpec, number: int, key_values: tuple[Any, ...], first: int) -> RowError:
    if spec.kind == "indikator":
        kode, tahun = key_values
        params = {"kode": kode, "tahun": tahun, "baris_pertama": first}
        return RowError(number, "kode", "indikator_ganda", params)
    column = spec.key[0]
    params = {"kolom": column, "nilai": key_values[0], "baris_pertama": first}
    return RowError(number, column, "kunci_ganda", params)


def _self_reference(kind: str, number: int, values: Mapping[str, Any]) -> list[RowError]:
    if kind == "unit" and values["induk_kode"] and values["induk_kode"] == values["kode"]:
        return [RowError(number, "induk_kode", "induk_diri_sendiri")]
    if kind == "pegawai" and values["atasan_nip"] and values["atasan_nip"] == values["nip"]:
        return [RowError(number, "atasan_nip", "atasan_diri_sendiri")]
    if kind == "skm" and not any(values[name] for name in SCORE_COLUMNS):
        return [RowError(number, None, "tanpa_jawaban")]
    starts, ends = values.get("mulai"), values.get("selesai")
    if kind == "pelatihan" and starts and ends and ends < starts:
        return [RowError(number, "selesai", "selesai_sebelum_mulai")]
    if kind == "pelatihan" and values["kuota"] == 0:
        return [RowError(number, "kuota", "kuota_nol")]
    return []


# --- Stage 2: the records against each other and the database ------------------------------


def check_units(
    records: Sequence[UnitRow], declared: Container[Hashable], db_parents: Mapping[str, str | None]
) -> list[RowError]:
    """Unknown parent units and cycles; `db_parents` maps every unit's kode to its parent's."""
    errors: list[RowError] = []
    parents: dict[str, str | None] = dict(db_parents)
    for record in records:
        parent = record.induk_kode
        if parent is not None and parent not in db_parents and parent not in declared:
            errors.append(
                RowError(record.row, "induk_kode", "induk_tidak_dikenal", {"kode": parent})
            )
            parent = None
        parents[record.kode] = parent
    rows = {record.kode: record.row for record in records}
    errors += _cycle_errors(parents, rows, "induk_kode", "induk_berputar")
    return errors


def check_employees(
    records: Sequence[EmployeeRow],
    declared: Container[Hashable],
    db_units: Container[str],
    db_atasan: Mapping[str, str | None],
) -> list[RowError]:
    """Unknown units and atasan, and cycles; `db_atasan` maps every NIP to its atasan's NIP."""
    errors: list[RowError] = []
    atasan: dict[str, str | None] = dict(db_atasan)
    for record in records:
        if record.unit_kode not in db_units:
            errors.append(
                RowError(record.row, "unit_kode", "unit_tidak_dikenal", {"kode": record.unit_kode})
            )
        boss = record.atasan_nip
        if boss is not None and boss not in db_atasan and boss not in declared:
            errors.append(RowError(record.row, "atasan_nip", "atasan_tidak_dikenal", {"nip": boss}))
            boss = None
        atasan[record.nip] = boss
    rows = {record.nip: record.row for record in records}
    errors += _cycle_errors(atasan, rows, "atasan_nip", "atasan_berputar")
    return errors


def check_indicators(
    records: Sequence[IndicatorRow], db_employees: Container[str]
) -> list[RowError]:
    """Every indicator belongs to a known employee."""
    return [
        RowError(record.row, "nip", "pegawai_tidak_dikenal", {"nip": record.nip})
        for record in records
        if record.nip not in db_employees
    ]


def check_services(records: Sequence[ServiceRow], db_units: Container[str]) -> list[RowError]:
    """Every service belongs to a known unit."""
    return [
        RowError(record.row, "unit_kode", "unit_tidak_dikenal", {"kode": record.unit_kode})
        for record in records
        if record.unit_kode not in db_units
    ]


def check_survey_rows(records: Sequence[SurveyRow], db_services: Container[str]) -> list[RowError]:
    """Every questionnaire is for a known service."""
    return [
        RowError(record.row, "layanan_kode", "layanan_tidak_dikenal", {"kode": record.layanan_kode})
        for record in records
        if record.layanan_kode not in db_services
    ]


def survey_fingerprints(records: Sequence[SurveyRow]) -> list[str]:
    """One fingerprint per questionnaire: its content and how many equal ones came before it
    in the file, so importing the same file twice adds nothing, while two respondents who
    answered alike in one file are both kept."""
    seen: Counter[str] = Counter()
    prints = []
    for record in records:
        content = record.content()
        seen[content] += 1
        digest = hashlib.sha256(f"{content}#{seen[content]}".encode()).hexdigest()
        prints.append(digest)
    return prints


def find_cycles(parents: Mapping[str, str | None], starts: Iterable[str]) -> list[list[str]]:
    """The cycles reachable from `starts` in a graph where each node has at most one parent.

    Each cycle is listed once, as its nodes in chain order. Linear time: every node is walked
    at most once.
    """
    done: set[str] = set()
    cycles: list[list[str]] = []
    for start in starts:
        path: list[str] = []
        position: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in done:
            if node in position:
                cycles.append(path[position[node] :])
                break
            position[node] = len(path)
            path.append(node)
            node = parents.get(node)
        done.update(path)
    return cycles


def _cycle_errors(
    parents: Mapping[str, str | None], rows: Mapping[str, int], column: str, code: str
) -> list[RowError]:
    """One error per row of the file that lies on a cycle, showing the chain from that row."""
    errors: list[RowError] = []
    for cycle in find_cycles(parents, rows):
        for offset, node in enumerate(cycle):
            if node in rows:
                chain = cycle[offset:] + cycle[:offset]
                errors.append(RowError(rows[node], column, code, {"rantai": _chain(chain)}))
    return errors


def _chain(nodes: list[str]) -> str:
    shown = nodes if len(nodes) <= _CHAIN_SHOWN else [*nodes[: _CHAIN_SHOWN - 1], "…"]
    return " → ".join([*shown, nodes[0]])


def sort_errors(kind: str, errors: Iterable[RowError]) -> list[RowError]:
    """By row, then by the column's place in the header."""
    order = {name: index for index, name in enumerate(spec_for(kind).column_names)}
    return sorted(errors, key=lambda error: (error.row, order.get(error.column or "", -1)))
