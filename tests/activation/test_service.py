"""Activation codes and linking: every refusal of the issue, on the database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from kinerja_bot.activation.service import (
    MAX_FAILURES,
    Outcome,
    Result,
    activate,
    check_nip,
    hash_code,
    issue_codes,
)
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import ActivationCode, Employee
from tests.factories import add_employee, add_unit

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
USER = 7001


async def issue_for(
    database: Database, employee: Employee, now: datetime = NOW, days: int = 14
) -> str:
    async with database.session() as session:
        (issued,) = await issue_codes(session, [employee], now, days)
    return issued.kode


async def run_activate(
    database: Database, code: str, *, user: int = USER, nip: str | None = None, now: datetime = NOW
):  # type: ignore[no-untyped-def]
    async with database.session() as session:
        return await activate(session, user, code, now, nip=nip)


@pytest.fixture
async def employee(database: Database) -> Employee:
    unit = await add_unit(database, "DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil")
    return await add_employee(database, unit, nama="Siti Rahmawati")


async def test_only_a_hash_is_stored_and_the_code_expires_in_14_days(
    database: Database, employee: Employee
) -> None:
    code = await issue_for(database, employee)
    async with database.session() as session:
        stored = (await session.exec(select(ActivationCode))).one()
    assert stored.code_hash == hash_code(code)
    assert code not in stored.code_hash
    assert stored.expires_at == NOW + timedelta(days=14)


async def test_a_valid_code_links_the_account(database: Database, employee: Employee) -> None:
    code = await issue_for(database, employee)
    result = await run_activate(database, code.lower())  # typed in lower case still works
    assert result.outcome is Outcome.LINKED
    async with database.session() as session:
        linked = await session.get(Employee, employee.id)
    assert linked is not None and linked.telegram_id == USER


async def test_a_used_code_is_refused(database: Database, employee: Employee) -> None:
    code = await issue_for(database, employee)
    await run_activate(database, code)
    assert (await run_activate(database, code, user=USER + 1)).outcome is Outcome.USED_CODE


async def test_an_expired_code_is_refused(database: Database, employee: Employee) -> None:
    code = await issue_for(database, employee, days=14)
    later = NOW + timedelta(days=14, seconds=1)
    assert (await run_activate(database, code, now=later)).outcome is Outcome.EXPIRED_CODE


async def test_a_new_code_voids_the_old_one(database: Database, employee: Employee) -> None:
    old = await issue_for(database, employee)
    new = await issue_for(database, employee)
    assert (await run_activate(database, old)).outcome is Outcome.REPLACED_CODE
    assert (await run_activate(database, new)).outcome is Outcome.LINKED


async def test_a_linked_account_cannot_activate_again(
    database: Database, employee: Employee
) -> None:
    unit = await add_unit(database, "DINKES")
    other = await add_employee(database, unit, nama="Budi Santoso")
    await run_activate(database, await issue_for(database, employee))
    result = await run_activate(database, await issue_for(database, other))
    assert result.outcome is Outcome.ACCOUNT_ALREADY_LINKED
    assert result.employee is not None and result.employee.nama == "Siti Rahmawati"


async def test_a_nip_linked_to_another_account_is_refused(
    database: Database, employee: Employee
) -> None:
    await run_activate(database, await issue_for(database, employee))
    fresh = await issue_for(database, employee)
    assert (await run_activate(database, fresh, user=USER + 5)).outcome is (
        Outcome.NIP_LINKED_ELSEWHERE
    )


async def test_a_code_of_someone_else_is_wrong_for_the_nip_typed(
    database: Database, employee: Employee
) -> None:
    unit = await add_unit(database, "DINKES")
    other = await add_employee(database, unit, nama="Budi Santoso")
    code_of_other = await issue_for(database, other)
    result = await run_activate(database, code_of_other, nip=employee.nip)
    assert result.outcome is Outcome.WRONG_CODE


async def test_wrong_codes_are_counted_then_throttled(
    database: Database, employee: Employee
) -> None:
    await issue_for(database, employee)
    results = [await run_activate(database, "ZZZZZZZZ") for _ in range(MAX_FAILURES)]
    assert [r.tries_left for r in results[:-1]] == list(range(MAX_FAILURES - 1, 0, -1))
    assert results[-1].outcome is Outcome.THROTTLED
    assert results[-1].wait == timedelta(minutes=15)
    # Even the right code waits until the window has passed.
    code = await issue_for(database, employee)
    assert (await run_activate(database, code)).outcome is Outcome.THROTTLED
    later = NOW + timedelta(minutes=15, seconds=1)
    assert (await run_activate(database, code, now=later)).outcome is Outcome.LINKED


async def test_nip_checks_say_nothing_about_whose_nip_it_is(
    database: Database, employee: Employee
) -> None:
    async with database.session() as session:
        bad = await check_nip(session, USER, "12345", NOW)
        assert isinstance(bad, Result) and bad.outcome is Outcome.NIP_FORMAT
        unknown = await check_nip(session, USER, employee.nip[:-3] + "999", NOW)
        known = await check_nip(session, USER, " ".join(employee.nip), NOW)
    assert (unknown, known) == (employee.nip[:-3] + "999", employee.nip)


def make_writes_wait_for_each_other(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, two sessions each pause before their first write until both got there:
    both have read the code as unused before either uses it (the race, every time)."""
    both_have_read = asyncio.Barrier(2)
    waited: set[int] = set()
    exec_, flush = AsyncSession.exec, AsyncSession.flush

    async def first_write(session: AsyncSession) -> None:
        if id(session) not in waited:
            waited.add(id(session))
            await both_have_read.wait()

    async def exec_waiting(self: AsyncSession, statement: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(statement, Update):
            await first_write(self)
        return await exec_(self, statement, *args, **kwargs)

    async def flush_waiting(self: AsyncSession, *args: Any, **kwargs: Any) -> None:
        await first_write(self)
        await flush(self, *args, **kwargs)

    monkeypatch.setattr(AsyncSession, "exec", exec_waiting)
    monkeypatch.setattr(AsyncSession, "flush", flush_waiting)


async def test_two_accounts_using_one_code_at_once_only_one_is_linked(
    database: Database, employee: Employee, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = await issue_for(database, employee)
    make_writes_wait_for_each_other(monkeypatch)
    results = await asyncio.gather(
        run_activate(database, code, user=USER), run_activate(database, code, user=USER + 1)
    )
    monkeypatch.undo()
    outcomes = sorted(result.outcome for result in results)
    assert outcomes == sorted([Outcome.LINKED, Outcome.USED_CODE])
    winner = USER if results[0].outcome is Outcome.LINKED else USER + 1
    async with database.session() as session:
        linked = await session.get(Employee, employee.id)
    assert linked is not None and linked.telegram_id == winner
