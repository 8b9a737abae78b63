"""Queries about the organisation: units, their sub-units, and the services they offer."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import Service, Unit, id_of


def descendants(parent_of: dict[int, int | None], root: int) -> set[int]:
    """The unit `root` and every unit below it, from a child → parent map."""
    children: dict[int, list[int]] = {}
    for child, parent in parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(child)
    found, stack = set(), [root]
    while stack:
        unit = stack.pop()
        if unit not in found:
            found.add(unit)
            stack.extend(children.get(unit, []))
    return found


async def unit_parents(session: AsyncSession) -> dict[int, int | None]:
    """Every unit's parent (None at the top): one read for any number of `descendants`."""
    rows = (await session.exec(select(Unit.id, Unit.parent_id))).all()
    return {unit_id: parent for unit_id, parent in rows if unit_id is not None}


async def unit_tree_ids(session: AsyncSession, root_id: int) -> set[int]:
    """Ids of a unit and all its sub-units."""
    return descendants(await unit_parents(session), root_id)


async def unit_by_kode(session: AsyncSession, kode: str) -> Unit | None:
    return (await session.exec(select(Unit).where(Unit.kode == kode))).first()


async def service_by_kode(session: AsyncSession, kode: str) -> Service | None:
    """The service with this code; codes are matched without regard to letter case."""
    exact = (await session.exec(select(Service).where(Service.kode == kode))).first()
    if exact is not None:
        return exact
    statement = select(Service).where(func.upper(Service.kode) == kode.upper())
    return (await session.exec(statement)).first()


async def units_with_services(session: AsyncSession) -> list[Unit]:
    """Units that own at least one service."""
    with_services = select(Service.unit_id).distinct()
    statement = select(Unit).where(col(Unit.id).in_(with_services)).order_by(col(Unit.nama))
    return list((await session.exec(statement)).all())


async def services_of_unit(session: AsyncSession, unit_id: int) -> list[Service]:
    statement = select(Service).where(Service.unit_id == unit_id).order_by(col(Service.nama))
    return list((await session.exec(statement)).all())


def citizen_name(unit: Unit, opd: Unit) -> str:
    """A unit as residents know it: the OPD's short name (its full name when it has none),
    then the sub-unit — "Disdukcapil — Bidang Pelayanan Pendaftaran Penduduk"; an OPD alone
    is its short name."""
    head = opd.singkatan or opd.nama
    if id_of(unit) == id_of(opd):
        return head
    return f"{head} — {unit.singkatan or unit.nama}"


async def citizen_unit_names(session: AsyncSession) -> dict[int, str]:
    """Every unit's `citizen_name`, its OPD being the top of its tree (one query)."""
    units = {id_of(unit): unit for unit in (await session.exec(select(Unit))).all()}

    def opd_of(unit: Unit) -> Unit:
        seen: set[int] = set()
        while unit.parent_id is not None and unit.parent_id in units and id_of(unit) not in seen:
            seen.add(id_of(unit))
            unit = units[unit.parent_id]
        return unit

    return {unit_id: citizen_name(unit, opd_of(unit)) for unit_id, unit in units.items()}
