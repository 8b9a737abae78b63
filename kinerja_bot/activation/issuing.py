"""`kinerja-bot aktivasi`: issue activation codes and write them to a CSV for distribution."""

from __future__ import annotations

import asyncio
import csv
from datetime import datetime
from pathlib import Path

from sqlmodel import col, select

from kinerja_bot.activation.service import IssuedCode, issue_codes
from kinerja_bot.core.cli_common import TEXTS, CliError, bot_username, with_database
from kinerja_bot.core.db import Database, private_file
from kinerja_bot.core.models import Employee, utcnow
from kinerja_bot.core.organisation import unit_by_kode, unit_tree_ids
from kinerja_bot.core.settings import Settings

CSV_COLUMNS = ("nip", "nama", "kode", "berlaku_sampai", "tautan")


def activation_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start=aktivasi-{code}"


async def select_employees(
    database: Database, *, unit: str | None, nip: str | None
) -> tuple[list[Employee], int]:
    """Employees in scope who still need a code, and how many were skipped as already linked."""
    async with database.session() as session:
        statement = select(Employee).where(Employee.active).order_by(col(Employee.nip))
        if nip is not None:
            statement = statement.where(Employee.nip == nip)
        if unit is not None:
            found = await unit_by_kode(session, unit)
            if found is None or found.id is None:
                raise CliError(TEXTS.get("unknown_unit", kode=unit))
            statement = statement.where(
                col(Employee.unit_id).in_(await unit_tree_ids(session, found.id))
            )
        employees = list((await session.exec(statement)).all())
    if nip is not None and not employees:
        raise CliError(TEXTS.get("unknown_nip", nip=nip))
    unlinked = [e for e in employees if e.telegram_id is None]
    return unlinked, len(employees) - len(unlinked)


async def issue_and_collect(
    database: Database, settings: Settings, *, unit: str | None, nip: str | None, now: datetime
) -> tuple[list[IssuedCode], int, str]:
    username = await bot_username(settings)
    employees, skipped = await select_employees(database, unit=unit, nip=nip)
    async with database.session() as session:
        issued = await issue_codes(session, employees, now, settings.activation_code_days)
    return issued, skipped, username


def write_csv(path: Path, issued: list[IssuedCode], username: str, settings: Settings) -> None:
    with private_file(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for code in issued:
            until = code.berlaku_sampai.astimezone(settings.tz).isoformat(timespec="minutes")
            writer.writerow(
                [code.nip, code.nama, code.kode, until, activation_link(username, code.kode)]
            )


def activation_command(
    settings: Settings, *, unit: str | None, nip: str | None, output: str
) -> None:
    """Issue codes for the employees in scope and write the distribution CSV."""
    target = Path(output)
    if not target.parent.is_dir():
        raise CliError(TEXTS.get("folder_missing", folder=str(target.parent)))

    async def work(database: Database) -> tuple[list[IssuedCode], int, str]:
        return await issue_and_collect(database, settings, unit=unit, nip=nip, now=utcnow())

    issued, skipped, username = asyncio.run(with_database(settings, work))
    if not issued:
        print(TEXTS.get("activation_none"))
        return
    write_csv(target, issued, username, settings)
    print(TEXTS.get("activation_written", count=len(issued), file=output, skipped=skipped))
