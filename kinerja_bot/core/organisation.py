"""Queries about the organisation: units, their sub-units, and the services they offer."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import Service, Unit


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
