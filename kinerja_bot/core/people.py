"""Who is talking to the bot: their employee record (if linked) and their roles.

Every handler learns it the same way, once per update: `current_person(update, context)`, or
`unit_of_work(update, context)` for a handler that works on the database too (one session for
both). Guards on who may do what are the decorators in `kinerja_bot.core.guards`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import bindparam, exists
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update

from kinerja_bot.core.context import BotContext
from kinerja_bot.core.models import Employee, UnitRole, UnitRoleKind
from kinerja_bot.core.organisation import unit_tree_ids
from kinerja_bot.core.settings import Settings


@dataclass(frozen=True)
class Person:
    """A Telegram user as the bot sees them; a citizen has no employee record."""

    telegram_id: int
    employee: Employee | None = None
    has_subordinates: bool = False
    head_of_units: frozenset[int] = field(default_factory=frozenset)
    complaint_units: frozenset[int] = field(default_factory=frozenset)
    is_admin: bool = False

    @property
    def is_employee(self) -> bool:
        return self.employee is not None

    @property
    def asn(self) -> Employee:
        """The employee record of a person a guard has checked to be a linked ASN."""
        if self.employee is None:
            raise LookupError("not a linked ASN: guard the handler with is_asn")
        return self.employee

    @property
    def roles(self) -> frozenset[str]:
        """Role names as used by the command list: warga, asn, atasan, kepala, pengaduan, admin."""
        roles = {"warga"}
        if self.employee is not None:
            roles.add("asn")
        if self.has_subordinates:
            roles.add("atasan")
        if self.head_of_units:
            roles.add("kepala")
        if self.complaint_units:
            roles.add("pengaduan")
        if self.is_admin:
            roles.add("admin")
        return frozenset(roles)


async def employee_by_telegram_id(session: AsyncSession, telegram_id: int) -> Employee | None:
    statement = select(Employee).where(Employee.telegram_id == telegram_id, Employee.active)
    return (await session.exec(statement)).first()


_SUBORDINATE = aliased(Employee)
# Who is talking, with every role they hold, in one statement (the employee, whether anyone
# reports to them, one row per unit role): it runs for most updates of a linked ASN, so it
# was three. Built once with the Telegram id as a parameter: building it per call (the alias,
# the select, its cache key) cost more Python than running it.
_WHO_IS = (
    select(
        Employee,
        exists().where(col(_SUBORDINATE.atasan_id) == Employee.id),
        UnitRole.unit_id,
        UnitRole.role,
    )
    .outerjoin(UnitRole, col(UnitRole.employee_id) == Employee.id)
    .where(Employee.telegram_id == bindparam("telegram_id"), Employee.active)
)


async def identify(session: AsyncSession, telegram_id: int, settings: Settings) -> Person:
    """Look up the person behind a Telegram id, with every role they hold."""
    rows = (await session.exec(_WHO_IS, params={"telegram_id": telegram_id})).all()
    is_admin = settings.is_admin(telegram_id)
    if not rows:
        return Person(telegram_id=telegram_id, is_admin=is_admin)
    employee, subordinates = rows[0][0], rows[0][1]

    def units(kind: str) -> frozenset[int]:
        return frozenset(unit for _, _, unit, role in rows if role == kind and unit is not None)

    return Person(
        telegram_id=telegram_id,
        employee=employee,
        has_subordinates=bool(subordinates),
        head_of_units=units(UnitRoleKind.HEAD),
        complaint_units=units(UnitRoleKind.COMPLAINT_HANDLER),
        is_admin=is_admin,
    )


async def _person_in(session: AsyncSession, update: Update, context: BotContext) -> Person | None:
    user = update.effective_user
    if user is None:
        return None
    known: Person | None = context.person_of_update
    if known is None or known.telegram_id != user.id:
        known = await identify(session, user.id, context.settings)
        context.person_of_update = known
    return known


async def current_person(update: Update, context: BotContext) -> Person | None:
    """The person behind this update (None for updates without a user), looked up once."""
    known: Person | None = context.person_of_update
    if update.effective_user is None or (
        known is not None and known.telegram_id == update.effective_user.id
    ):
        return known if update.effective_user is not None else None
    async with context.db.session() as session:
        return await _person_in(session, update, context)


@asynccontextmanager
async def unit_of_work(
    update: Update, context: BotContext
) -> AsyncIterator[tuple[AsyncSession, Person | None]]:
    """One session for a handler's work, together with who is talking (found in it if needed)."""
    async with context.db.session() as session:
        yield session, await _person_in(session, update, context)


def forget_person(context: BotContext) -> None:
    """After the update changed who the user is (linked an account), look them up again."""
    context.person_of_update = None


async def may_see_unit(session: AsyncSession, person: Person, unit_id: int) -> bool:
    """Admins see any unit, heads the trees of the units they lead (/analisis, /ikm and
    their spreadsheets)."""
    if person.is_admin:
        return True
    for root in person.head_of_units:
        if unit_id in await unit_tree_ids(session, root):
            return True
    return False


async def visible_units(
    session: AsyncSession, person: Person, root: int
) -> tuple[bool, set[int] | None]:
    """Whether the person may look at `root`'s tree (0: what they see by default), and its
    unit ids: that tree, the trees of the units they lead, or every unit (None) for an admin."""
    if root:
        if not await may_see_unit(session, person, root):
            return False, set()
        return True, await unit_tree_ids(session, root)
    if person.is_admin:
        return True, None
    scope: set[int] = set()
    for unit_id in person.head_of_units:
        scope |= await unit_tree_ids(session, unit_id)
    return bool(scope), scope
