"""Activation codes and account linking, as plain functions on a database session."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.core.models import ActivationCode, ActivationFailure, Employee, id_of
from kinerja_bot.core.people import employee_by_telegram_id
from kinerja_bot.core.rules.nip import NipError, normalize_nip

# 32 symbols without look-alikes (no I, O, 0, 1): 8 of them give 2^40 codes.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
# Five wrong tries per quarter hour: enough for typos, far too few to guess 2^40 codes.
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


class Outcome(StrEnum):
    LINKED = "tertaut"
    ACCOUNT_ALREADY_LINKED = "akun_sudah_tertaut"
    NIP_FORMAT = "format_nip"
    WRONG_CODE = "kode_salah"
    USED_CODE = "kode_terpakai"
    EXPIRED_CODE = "kode_kedaluwarsa"
    REPLACED_CODE = "kode_diganti"
    NIP_LINKED_ELSEWHERE = "nip_tertaut_akun_lain"
    THROTTLED = "terlalu_banyak_percobaan"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    employee: Employee | None = None
    detail: str = ""
    wait: timedelta | None = None
    tries_left: int | None = None


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """Codes are read case-insensitively, ignoring spaces and dashes people add."""
    return "".join(ch for ch in text.upper() if ch not in " -\t")


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode("ascii", "replace")).hexdigest()


async def failures_in_window(
    session: AsyncSession, telegram_id: int, now: datetime
) -> list[datetime]:
    statement = (
        select(ActivationFailure.at)
        .where(ActivationFailure.telegram_id == telegram_id)
        .where(ActivationFailure.at > now - FAILURE_WINDOW)
        .order_by(col(ActivationFailure.at))
    )
    return list((await session.exec(statement)).all())


async def throttled_for(session: AsyncSession, telegram_id: int, now: datetime) -> timedelta | None:
    """How long this account must wait before trying again, or None."""
    failures = await failures_in_window(session, telegram_id, now)
    if len(failures) < MAX_FAILURES:
        return None
    return failures[-MAX_FAILURES] + FAILURE_WINDOW - now


async def _fail(session: AsyncSession, telegram_id: int, now: datetime, outcome: Outcome) -> Result:
    session.add(ActivationFailure(telegram_id=telegram_id, at=now))
    await session.flush()
    failures = await failures_in_window(session, telegram_id, now)
    wait = await throttled_for(session, telegram_id, now)
    if wait is not None:
        return Result(Outcome.THROTTLED, wait=wait)
    return Result(outcome, tries_left=MAX_FAILURES - len(failures))


async def precheck(session: AsyncSession, telegram_id: int, now: datetime) -> Result | None:
    """Refusals that apply before any NIP or code is read: linked account, throttling."""
    linked = await employee_by_telegram_id(session, telegram_id)
    if linked is not None:
        return Result(Outcome.ACCOUNT_ALREADY_LINKED, employee=linked)
    wait = await throttled_for(session, telegram_id, now)
    if wait is not None:
        return Result(Outcome.THROTTLED, wait=wait)
    return None


async def check_nip(
    session: AsyncSession, telegram_id: int, nip: str, now: datetime
) -> Result | str:
    """The first step of /daftar: the normalised NIP, or a refusal. Only its format is
    checked: whether a NIP is known, and whose it is, is said only once NIP and code match,
    so nobody can look names up by NIP."""
    refusal = await precheck(session, telegram_id, now)
    if refusal is not None:
        return refusal
    try:
        return normalize_nip(nip)
    except NipError as error:
        return Result(Outcome.NIP_FORMAT, detail=f"{error}.")


async def activate(
    session: AsyncSession, telegram_id: int, code: str, now: datetime, *, nip: str | None = None
) -> Result:
    """Link the account if the code is valid (and belongs to `nip` when one was typed)."""
    refusal = await precheck(session, telegram_id, now)
    if refusal is not None:
        return refusal
    statement = (
        select(ActivationCode, Employee)
        .join(Employee)
        .where(ActivationCode.code_hash == hash_code(code))
    )
    found = (await session.exec(statement)).first()
    if found is None or (nip is not None and found[1].nip != nip):
        return await _fail(session, telegram_id, now, Outcome.WRONG_CODE)
    activation, employee = found
    if activation.used_at is not None:
        return Result(Outcome.USED_CODE, employee=employee)
    if activation.voided_at is not None:
        return Result(Outcome.REPLACED_CODE, employee=employee)
    if activation.expires_at <= now:
        return Result(Outcome.EXPIRED_CODE, employee=employee)
    if employee.telegram_id is not None or not employee.active:
        return Result(Outcome.NIP_LINKED_ELSEWHERE, employee=employee)
    return await _link(session, activation, employee, telegram_id, now)


async def _link(
    session: AsyncSession,
    activation: ActivationCode,
    employee: Employee,
    telegram_id: int,
    now: datetime,
) -> Result:
    """Use the code and link the account, each a compare-and-set on what is stored now: of two
    accounts using one code at once exactly one is linked; the other is told it was used."""
    used = await session.exec(
        update(ActivationCode)
        .where(col(ActivationCode.id) == activation.id)
        .where(col(ActivationCode.used_at).is_(None), col(ActivationCode.voided_at).is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        return Result(Outcome.USED_CODE)
    try:
        linked = await session.exec(
            update(Employee)
            .where(col(Employee.id) == employee.id, col(Employee.telegram_id).is_(None))
            .where(col(Employee.active))
            .values(telegram_id=telegram_id, linked_at=now)
            .execution_options(synchronize_session=False)
        )
    except IntegrityError:
        # This account was linked to another NIP a moment ago.
        await session.rollback()
        return Result(Outcome.ACCOUNT_ALREADY_LINKED)
    if linked.rowcount != 1:
        await session.rollback()
        return Result(Outcome.NIP_LINKED_ELSEWHERE)
    await session.refresh(employee)
    return Result(Outcome.LINKED, employee=employee)


@dataclass(frozen=True)
class IssuedCode:
    nip: str
    nama: str
    kode: str
    berlaku_sampai: datetime


async def issue_codes(
    session: AsyncSession, employees: list[Employee], now: datetime, days: int
) -> list[IssuedCode]:
    """Give each employee a fresh code valid for `days`; older unused codes become void."""
    employee_ids = [id_of(e) for e in employees]
    await session.exec(
        update(ActivationCode)
        .where(col(ActivationCode.employee_id).in_(employee_ids))
        .where(col(ActivationCode.used_at).is_(None), col(ActivationCode.voided_at).is_(None))
        .values(voided_at=now)
    )
    expires = now + timedelta(days=days)
    issued: list[IssuedCode] = []
    for employee in employees:
        code = new_code()
        session.add(
            ActivationCode(
                employee_id=id_of(employee),
                code_hash=hash_code(code),
                created_at=now,
                expires_at=expires,
            )
        )
        issued.append(IssuedCode(employee.nip, employee.nama, code, expires))
    await session.flush()
    return issued
