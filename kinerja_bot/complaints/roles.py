"""`kinerja-bot peran`: who heads a unit and who handles its complaints.

`peran kepala NIP --unit KODE`, `peran pengelola-pengaduan NIP --unit KODE` (add `--hapus` to
remove), `peran daftar [--unit KODE]` to list. Unit heads get /ikm and /tiket for their unit
and its sub-units; complaint handlers get /tiket and are told about new tickets.
"""

from __future__ import annotations

import asyncio

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.cli_common import TEXTS as CLI_TEXTS
from kinerja_bot.core.cli_common import CliError, with_database
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Employee, Unit, UnitRole, UnitRoleKind, id_of
from kinerja_bot.core.organisation import unit_by_kode, unit_tree_ids
from kinerja_bot.core.rules.nip import NipError, normalize_nip
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import TextBook

ROLE_TEXTS = TextBook(
    "peran_cli",
    {
        "role_added": ("nama", "nip", "peran", "unit"),
        "role_exists": ("nama", "nip", "peran", "unit"),
        "role_removed": ("nama", "nip", "peran", "unit"),
        "role_missing": ("nama", "nip", "peran", "unit"),
        "role_need_nip": (),
        "role_list_line": ("unit", "kode", "peran", "nama", "nip", "akun"),
        "role_list_empty": (),
        "role_not_linked": (),
        "role_name_kepala": (),
        "role_name_pengelola_pengaduan": (),
    },
    html=False,
)
ROLE_ARGUMENTS = {
    "kepala": UnitRoleKind.HEAD,
    "pengelola-pengaduan": UnitRoleKind.COMPLAINT_HANDLER,
}


def role_name(role: str) -> str:
    return ROLE_TEXTS.get(f"role_name_{role}")


async def set_role(
    session: AsyncSession, employee: Employee, unit: Unit, role: UnitRoleKind, *, remove: bool
) -> bool:
    """Add (or remove) a role; False when there was nothing to change."""
    existing = (
        await session.exec(
            select(UnitRole).where(
                UnitRole.unit_id == id_of(unit),
                UnitRole.employee_id == id_of(employee),
                UnitRole.role == role,
            )
        )
    ).first()
    if remove:
        if existing is None:
            return False
        await session.delete(existing)
        return True
    if existing is not None:
        return False
    session.add(UnitRole(unit_id=id_of(unit), employee_id=id_of(employee), role=role))
    await session.flush()
    return True


async def change_role(
    database: Database, role: UnitRoleKind, nip: str, unit_kode: str, *, remove: bool
) -> str:
    async with database.session() as session:
        employee = (await session.exec(select(Employee).where(Employee.nip == nip))).first()
        if employee is None:
            raise CliError(CLI_TEXTS.get("unknown_nip", nip=nip))
        unit = await unit_by_kode(session, unit_kode)
        if unit is None:
            raise CliError(CLI_TEXTS.get("unknown_unit", kode=unit_kode))
        changed = await set_role(session, employee, unit, role, remove=remove)
    key = {
        (False, True): "role_added",
        (False, False): "role_exists",
        (True, True): "role_removed",
        (True, False): "role_missing",
    }[(remove, changed)]
    return ROLE_TEXTS.get(
        key, nama=employee.nama, nip=employee.nip, peran=role_name(role), unit=unit.nama
    )


async def list_roles(database: Database, unit_kode: str | None) -> list[str]:
    async with database.session() as session:
        statement = (
            select(UnitRole, Unit, Employee)
            .join(Unit, col(Unit.id) == UnitRole.unit_id)
            .join(Employee, col(Employee.id) == UnitRole.employee_id)
            .order_by(col(Unit.nama), col(UnitRole.role), col(Employee.nama))
        )
        if unit_kode is not None:
            unit = await unit_by_kode(session, unit_kode)
            if unit is None:
                raise CliError(CLI_TEXTS.get("unknown_unit", kode=unit_kode))
            tree = await unit_tree_ids(session, id_of(unit))
            statement = statement.where(col(UnitRole.unit_id).in_(tree))
        rows = (await session.exec(statement)).all()
    return [
        ROLE_TEXTS.get(
            "role_list_line",
            unit=unit.nama,
            kode=unit.kode,
            peran=role_name(role.role),
            nama=employee.nama,
            nip=employee.nip,
            akun="" if employee.telegram_id else ROLE_TEXTS.get("role_not_linked"),
        )
        for role, unit, employee in rows
    ]


def role_command(
    settings: Settings, *, action: str, nip: str | None, unit: str | None, remove: bool
) -> None:
    """`kinerja-bot peran kepala|pengelola-pengaduan NIP --unit KODE [--hapus]`, `peran daftar`."""
    if action == "daftar":
        lines = asyncio.run(with_database(settings, lambda db: list_roles(db, unit)))
        print("\n".join(lines) if lines else ROLE_TEXTS.get("role_list_empty"))
        return
    if nip is None or unit is None:
        raise CliError(ROLE_TEXTS.get("role_need_nip"))
    try:
        normalised = normalize_nip(nip)
    except NipError:
        raise CliError(CLI_TEXTS.get("unknown_nip", nip=nip)) from None
    role = ROLE_ARGUMENTS[action]
    message = asyncio.run(
        with_database(settings, lambda db: change_role(db, role, normalised, unit, remove=remove))
    )
    print(message)
