"""Writing checked rows to the database: one transaction, bulk statements, async throughout.

Per import: one query per table loads what exists (keys, ids, the imported fields); new rows
go in with executemany `INSERT … RETURNING id`, changed rows with an executemany `UPDATE` by
id. Self-references (a unit's parent, an employee's atasan) are set in a second pass, once
every row of the file has an id, so a file may name an atasan further down. Rows not in the
file are left alone: an import adds and updates, it never deletes or deactivates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable, Iterable, Mapping, Sequence
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel
from tqdm import tqdm

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    Employee,
    Indicator,
    Service,
    SurveyAnswer,
    SurveyResponse,
    TrainingOffer,
    Unit,
    utcnow,
)
from kinerja_bot.core.rules.periods import WIB
from kinerja_bot.core.survey_tally import Counted, add_to_tallies
from kinerja_bot.importing.messages import TEXTS, ImportRejected, ImportResult, RowError
from kinerja_bot.importing.progress import bar, wants_progress
from kinerja_bot.importing.reading import Cell
from kinerja_bot.importing.validation import (
    Absent,
    EmployeeRow,
    IndicatorRow,
    OfferRow,
    Parsed,
    ServiceRow,
    SurveyRow,
    UnitRow,
    check_employees,
    check_indicators,
    check_services,
    check_survey_rows,
    check_units,
    parse_rows,
    sort_errors,
    spec_for,
    survey_fingerprints,
)

BATCH = 1000
INDICATOR_FIELDS = (
    "employee_id",
    "rhk",
    "nama",
    "aspek",
    "satuan",
    "target",
    "arah",
    "cara_hitung",
    "jenis",
    "iku_unit",
)
OFFER_FIELDS = (
    "nama",
    "penyelenggara",
    "jenis",
    "bentuk",
    "jp",
    "kompetensi",
    "kata_kunci",
    "unsur",
    "mulai",
    "selesai",
    "kuota",
    "tautan",
)


async def import_rows(
    database: Database,
    kind: str,
    rows: Iterable[Mapping[str, Cell]],
    *,
    columns: Iterable[str] | None = None,
    progress: bool | None = None,
) -> ImportResult:
    """Check and save `rows` of one kind (`unit`, `pegawai`, `indikator`, `layanan`,
    `pelatihan`).

    `rows` are mappings from column name to value, as a spreadsheet would give them: row `i`
    is spreadsheet row `i + 2` (the header is row 1), used in error messages. Values are text
    (`"1.250,5"`, `""` for empty) or, as from XLSX, int/float. Column names are matched like a
    header (case-insensitive, spaces ignored); every column of the kind must be present, empty
    values are fine where the column is optional (see `validation`). `columns` is the header
    when known (needed to check a file without data rows); by default the rows' keys.

    All or nothing: on any error nothing is written and ImportRejected lists every error with
    its row and column. Rows are matched by key (unit/layanan `kode`, pegawai `nip`, indikator
    `kode` + `tahun`): new ones are created, changed ones updated, equal ones left unchanged.
    `progress=None` shows progress bars on a terminal for 1000 rows or more.
    """
    spec = spec_for(kind)
    rows = rows if isinstance(rows, Sequence) else list(rows)
    show = wants_progress(progress, len(rows))
    parsed = await asyncio.to_thread(parse_rows, kind, rows, columns=columns, progress=show)
    if not parsed.header_ok:
        raise ImportRejected(kind, parsed.errors)
    writer = _WRITERS[spec.kind]
    async with database.session() as session:
        connection = await session.connection()
        with bar(TEXTS.get("progres_menyimpan"), len(parsed.records), enabled=show) as counter:
            result = await writer(connection, parsed, counter)
            counter.update(result.unchanged)
    return result


def _reject_if_errors(parsed: Parsed, more: Sequence[RowError]) -> None:
    if parsed.errors or more:
        raise ImportRejected(parsed.kind, sort_errors(parsed.kind, [*parsed.errors, *more]))


def _table(model: type[SQLModel]) -> Table:
    table: Table = getattr(model, "__table__")  # noqa: B009  (SQLModel declares it loosely)
    return table


async def _ids(connection: AsyncConnection, model: type[SQLModel], key: str) -> dict[Any, int]:
    table = _table(model)
    result = await connection.execute(select(table.c[key], table.c.id))
    return {row[0]: row[1] for row in result}


async def _insert(
    connection: AsyncConnection,
    model: type[SQLModel],
    rows: list[dict[str, Any]],
    counter: tqdm[Any] | None = None,
    *,
    returning: str | None = None,
) -> dict[Any, int]:
    """Insert `rows` in batches; with `returning`, map that column's values to the new ids."""
    table = _table(model)
    ids: dict[Any, int] = {}
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        if returning is None:
            await connection.execute(insert(table), batch)
        else:
            statement = insert(table).returning(table.c[returning], table.c.id)
            result = await connection.execute(statement, batch)
            ids.update((row[0], row[1]) for row in result)
        if counter is not None:
            counter.update(len(batch))
    return ids


async def _update(
    connection: AsyncConnection,
    model: type[SQLModel],
    rows: list[dict[str, Any]],
    counter: tqdm[Any] | None = None,
) -> None:
    """Update rows by id; each dict has `id` and the same set of columns to set."""
    if not rows:
        return
    table = _table(model)
    names = [name for name in rows[0] if name != "id"]
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values({name: bindparam(f"b_{name}") for name in names})
    )
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        await connection.execute(
            statement, [{f"b_{name}": value for name, value in row.items()} for row in batch]
        )
        if counter is not None:
            counter.update(len(batch))


def _timestamps(now: datetime) -> dict[str, datetime]:
    return {"created_at": now, "updated_at": now}


async def _write_units(
    connection: AsyncConnection, parsed: Parsed, counter: tqdm[Any]
) -> ImportResult:
    table = _table(Unit)
    existing = {
        row.kode: row
        for row in await connection.execute(
            select(table.c.id, table.c.kode, table.c.nama, table.c.parent_id, table.c.singkatan)
        )
    }
    kode_by_id = {row.id: kode for kode, row in existing.items()}
    db_parents = {kode: kode_by_id.get(row.parent_id) for kode, row in existing.items()}
    records: list[UnitRow] = parsed.records
    _reject_if_errors(parsed, check_units(records, parsed.declared, db_parents))

    now = utcnow()
    new = [record for record in records if record.kode not in existing]
    ids = {kode: row.id for kode, row in existing.items()}
    inserted = [
        {
            "kode": r.kode,
            "nama": r.nama,
            "singkatan": None if isinstance(r.singkatan, Absent) else r.singkatan,
            # A parent already in the database is set at once; a new one in the second pass.
            "parent_id": ids.get(r.induk_kode) if r.induk_kode else None,
            **_timestamps(now),
        }
        for r in new
    ]
    ids.update(await _insert(connection, Unit, inserted, counter, returning="kode"))

    parents: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for record, row in zip(new, inserted, strict=True):
        if record.induk_kode and row["parent_id"] is None:
            parents.append({"id": ids[record.kode], "parent_id": ids[record.induk_kode]})
    for record in records:
        old = existing.get(record.kode)
        if old is None:
            continue
        parent_id = ids[record.induk_kode] if record.induk_kode else None
        # The optional column, when the file has it; else the stored value stays.
        short = old.singkatan if isinstance(record.singkatan, Absent) else record.singkatan
        if (old.nama, old.parent_id, old.singkatan) != (record.nama, parent_id, short):
            changed.append(
                {
                    "id": old.id,
                    "nama": record.nama,
                    "singkatan": short,
                    "parent_id": parent_id,
                    "updated_at": now,
                }
            )
    await _update(connection, Unit, parents)
    await _update(connection, Unit, changed, counter)
    return _result(parsed, len(new), len(changed))


async def _write_employees(
    connection: AsyncConnection, parsed: Parsed, counter: tqdm[Any]
) -> ImportResult:
    table = _table(Employee)
    units = await _ids(connection, Unit, "kode")
    existing = {
        row.nip: row
        for row in await connection.execute(
            select(
                table.c.id,
                table.c.nip,
                table.c.nama,
                table.c.jabatan,
                table.c.unit_id,
                table.c.atasan_id,
            )
        )
    }
    nip_by_id = {row.id: nip for nip, row in existing.items()}
    db_atasan = {nip: nip_by_id.get(row.atasan_id) for nip, row in existing.items()}
    records: list[EmployeeRow] = parsed.records
    _reject_if_errors(parsed, check_employees(records, parsed.declared, units, db_atasan))

    now = utcnow()
    new = [record for record in records if record.nip not in existing]
    ids = {nip: row.id for nip, row in existing.items()}
    inserted = [
        {
            "nip": r.nip,
            "nama": r.nama,
            "jabatan": r.jabatan,
            "unit_id": units[r.unit_kode],
            # An atasan already in the database is set at once; a new one in the second pass.
            "atasan_id": ids.get(r.atasan_nip) if r.atasan_nip else None,
            "active": True,
            **_timestamps(now),
        }
        for r in new
    ]
    ids.update(await _insert(connection, Employee, inserted, counter, returning="nip"))

    atasan: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for record, row in zip(new, inserted, strict=True):
        if record.atasan_nip and row["atasan_id"] is None:
            atasan.append({"id": ids[record.nip], "atasan_id": ids[record.atasan_nip]})
    for record in records:
        old = existing.get(record.nip)
        if old is None:
            continue
        wanted = (
            record.nama,
            record.jabatan,
            units[record.unit_kode],
            ids[record.atasan_nip] if record.atasan_nip else None,
        )
        if (old.nama, old.jabatan, old.unit_id, old.atasan_id) != wanted:
            nama, jabatan, unit_id, atasan_id = wanted
            changed.append(
                {
                    "id": old.id,
                    "nama": nama,
                    "jabatan": jabatan,
                    "unit_id": unit_id,
                    "atasan_id": atasan_id,
                    "updated_at": now,
                }
            )
    await _update(connection, Employee, atasan)
    await _update(connection, Employee, changed, counter)
    return _result(parsed, len(new), len(changed))


async def _write_indicators(
    connection: AsyncConnection, parsed: Parsed, counter: tqdm[Any]
) -> ImportResult:
    table = _table(Indicator)
    employees = await _ids(connection, Employee, "nip")
    records: list[IndicatorRow] = parsed.records
    _reject_if_errors(parsed, check_indicators(records, employees))

    years = sorted({record.tahun for record in records})
    columns = [table.c[name] for name in INDICATOR_FIELDS]
    existing: dict[Hashable, Any] = {}
    if years:
        query = select(table.c.id, table.c.kode, table.c.tahun, *columns).where(
            table.c.tahun.in_(years)
        )
        existing = {(row.kode, row.tahun): row for row in await connection.execute(query)}

    now = utcnow()
    inserted: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for record in records:
        values = {
            "employee_id": employees[record.nip],
            **{name: getattr(record, name) for name in INDICATOR_FIELDS[1:]},
        }
        old = existing.get((record.kode, record.tahun))
        if old is None:
            inserted.append(
                {"kode": record.kode, "tahun": record.tahun, **values, **_timestamps(now)}
            )
        elif any(getattr(old, name) != values[name] for name in INDICATOR_FIELDS):
            changed.append({"id": old.id, **values, "updated_at": now})
    await _insert(connection, Indicator, inserted, counter)
    await _update(connection, Indicator, changed, counter)
    return _result(parsed, len(inserted), len(changed))


async def _write_services(
    connection: AsyncConnection, parsed: Parsed, counter: tqdm[Any]
) -> ImportResult:
    table = _table(Service)
    units = await _ids(connection, Unit, "kode")
    records: list[ServiceRow] = parsed.records
    _reject_if_errors(parsed, check_services(records, units))
    existing = {
        row.kode: row
        for row in await connection.execute(
            select(
                table.c.id, table.c.kode, table.c.nama, table.c.unit_id, table.c.pengguna_per_tahun
            )
        )
    }
    now = utcnow()
    inserted: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for record in records:
        unit_id = units[record.unit_kode]
        old = existing.get(record.kode)
        # The optional column, when the file has it; else the stored value stays.
        given = not isinstance(record.pengguna_per_tahun, Absent)
        if old is None:
            inserted.append(
                {
                    "kode": record.kode,
                    "nama": record.nama,
                    "unit_id": unit_id,
                    "pengguna_per_tahun": record.pengguna_per_tahun if given else None,
                    **_timestamps(now),
                }
            )
            continue
        users = record.pengguna_per_tahun if given else old.pengguna_per_tahun
        if (old.nama, old.unit_id, old.pengguna_per_tahun) != (record.nama, unit_id, users):
            changed.append(
                {
                    "id": old.id,
                    "nama": record.nama,
                    "unit_id": unit_id,
                    "pengguna_per_tahun": users,
                    "updated_at": now,
                }
            )
    await _insert(connection, Service, inserted, counter)
    await _update(connection, Service, changed, counter)
    return _result(parsed, len(inserted), len(changed))


async def _write_survey(
    connection: AsyncConnection, parsed: Parsed, counter: tqdm[Any]
) -> ImportResult:
    """Questionnaires are only added: one already imported (same fingerprint) is skipped.

    Each is stored at noon WIB of its date, like the bot's anonymous responses, with its
    channel; its answers keyed by unsur code.
    """
    services = await _ids(connection, Service, "kode")
    records: list[SurveyRow] = parsed.records
    _reject_if_errors(parsed, check_survey_rows(records, services))
    prints = survey_fingerprints(records)
    table = _table(SurveyResponse)
    known: set[str] = set()
    for start in range(0, len(prints), BATCH):
        batch = prints[start : start + BATCH]
        found = await connection.execute(
            select(table.c.fingerprint).where(table.c.fingerprint.in_(batch))
        )
        known.update(row[0] for row in found)
    new = [(r, p) for r, p in zip(records, prints, strict=True) if p not in known]
    responses = [
        {
            "service_id": services[record.layanan_kode],
            "submitted_at": anonymous_noon(record.tanggal),
            "channel": record.kanal,
            "fingerprint": fingerprint,
            "jenis_kelamin": record.jenis_kelamin,
            "usia": record.usia,
            "pendidikan": record.pendidikan,
            "pekerjaan": record.pekerjaan,
            "saran": record.saran,
        }
        for record, fingerprint in new
    ]
    ids = await _insert(connection, SurveyResponse, responses, counter, returning="fingerprint")
    answers = [
        {"response_id": ids[fingerprint], "unsur": code, "score": value}
        for record, fingerprint in new
        for code, value in sorted(record.scores.items())
    ]
    await _insert(connection, SurveyAnswer, answers)
    await add_to_tallies(
        connection,
        (
            Counted(
                services[record.layanan_kode],
                anonymous_noon(record.tanggal),
                record.kanal,
                record.scores,
            )
            for record, _ in new
        ),
    )
    return _result(parsed, len(new), 0)


def anonymous_noon(day: date) -> datetime:
    """Noon WIB of a questionnaire's date: the date is all that is known, as in the bot."""
    return datetime.combine(day, time(12), tzinfo=WIB)


async def _write_offers(
    connection: AsyncConnection, parsed: Parsed, counter: tqdm[Any]
) -> ImportResult:
    """The training catalog: nothing refers to another row, so stage 1 is the whole check."""
    _reject_if_errors(parsed, [])
    table = _table(TrainingOffer)
    columns = [table.c[name] for name in OFFER_FIELDS]
    existing = {
        row.kode: row
        for row in await connection.execute(select(table.c.id, table.c.kode, *columns))
    }
    records: list[OfferRow] = parsed.records
    now = utcnow()
    inserted: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for record in records:
        values = {name: getattr(record, name) for name in OFFER_FIELDS}
        old = existing.get(record.kode)
        if old is None:
            inserted.append({"kode": record.kode, **values, **_timestamps(now)})
        elif any(getattr(old, name) != values[name] for name in OFFER_FIELDS):
            changed.append({"id": old.id, **values, "updated_at": now})
    await _insert(connection, TrainingOffer, inserted, counter)
    await _update(connection, TrainingOffer, changed, counter)
    return _result(parsed, len(inserted), len(changed))


def _result(parsed: Parsed, created: int, updated: int) -> ImportResult:
    unchanged = len(parsed.records) - created - updated
    return ImportResult(parsed.kind, created=created, updated=updated, unchanged=unchanged)


_WRITERS = {
    "unit": _write_units,
    "pegawai": _write_employees,
    "indikator": _write_indicators,
    "layanan": _write_services,
    "skm": _write_survey,
    "pelatihan": _write_offers,
}
