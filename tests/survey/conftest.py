"""Shared by the citizen tests (survey, complaints, privacy): data builders and button taps."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Employee, Service, Unit, UnitRole, UnitRoleKind, id_of
from kinerja_bot.survey.texts import questionnaire
from kinerja_bot.testing.fake_bot_api import SentMessage
from tests.conftest import RunningBot
from tests.factories import add_employee, add_unit

CITIZEN = 7391846205
OTHER_CITIZEN = 7391846206
HANDLER = 6200000001
HEAD = 6200000002
OUTSIDER = 6200000003
ADMIN = 900001  # in ADMIN_TELEGRAM_IDS of the test settings


async def add_service(
    database: Database,
    unit: Unit,
    kode: str,
    nama: str | None = None,
    *,
    pengguna: int | None = None,
) -> Service:
    async with database.session() as session:
        service = Service(
            kode=kode,
            nama=nama or f"Layanan {kode}",
            unit_id=id_of(unit),
            pengguna_per_tahun=pengguna,
        )
        session.add(service)
        await session.flush()
        return service


async def add_role(database: Database, employee: Employee, unit: Unit, role: UnitRoleKind) -> None:
    async with database.session() as session:
        session.add(UnitRole(unit_id=id_of(unit), employee_id=id_of(employee), role=role))


@dataclass
class City:
    """Two OPD: Disdukcapil (KTP, KK) and Dinkes with a puskesmas; staff with roles."""

    disdukcapil: Unit
    dinkes: Unit
    puskesmas: Unit
    ktp: Service
    kk: Service
    pkm: Service
    handler: Employee
    head: Employee
    outsider: Employee


@pytest.fixture
async def city(database: Database) -> City:
    disdukcapil = await add_unit(database, "DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil")
    dinkes = await add_unit(database, "DINKES", "Dinas Kesehatan")
    puskesmas = await add_unit(database, "PKM-PAMULANG", "UPTD Puskesmas Pamulang", parent=dinkes)
    ktp = await add_service(database, disdukcapil, "L-KTP", "Perekaman KTP-el", pengguna=100)
    kk = await add_service(database, disdukcapil, "L-KK", "Penerbitan Kartu Keluarga")
    pkm = await add_service(database, puskesmas, "PKM-UMUM", "Poli Umum Puskesmas Pamulang")
    async with database.session() as session:  # the names residents know them by
        for unit, short in ((disdukcapil, "Disdukcapil"), (dinkes, "Dinkes")):
            unit.singkatan = short
            session.add(unit)
    handler = await add_employee(
        database,
        disdukcapil,
        nama="Rina Marlina",
        jabatan="Pengelola Pengaduan",
        telegram_id=HANDLER,
    )
    head = await add_employee(
        database, disdukcapil, nama="Hendra Gunawan", jabatan="Kepala Dinas", telegram_id=HEAD
    )
    outsider = await add_employee(
        database, dinkes, nama="Agus Salim", jabatan="Pengelola Pengaduan", telegram_id=OUTSIDER
    )
    await add_role(database, handler, disdukcapil, UnitRoleKind.COMPLAINT_HANDLER)
    await add_role(database, head, disdukcapil, UnitRoleKind.HEAD)
    await add_role(database, outsider, dinkes, UnitRoleKind.COMPLAINT_HANDLER)
    return City(disdukcapil, dinkes, puskesmas, ktp, kk, pkm, handler, head, outsider)


async def tap(bot: RunningBot, user: int, message: SentMessage, label: str) -> SentMessage:
    """Press a button and wait until the bot shows the next step: the same message edited, or
    a new message (returned instead)."""
    edits = message.edit_count
    unread = len(bot.api.unread(user))
    bot.api.press_button(user, message, label=label)
    await bot.api.wait_until(
        lambda: message.edit_count > edits or len(bot.api.unread(user)) > unread
    )
    if len(bot.api.unread(user)) > unread:
        return await bot.api.next_message(user)
    return message


async def alert_for(bot: RunningBot, user: int, message: SentMessage, data: str) -> str:
    """Press a button by its data (also one no longer shown) and return the bot's pop-up text."""
    before = len(bot.api.answered_callbacks)
    bot.api.press_button(user, message, data, check=False)
    await bot.api.wait_until(lambda: len(bot.api.answered_callbacks) > before)
    return str(bot.api.answered_callbacks[-1].get("text", ""))


async def answer_all(
    bot: RunningBot, user: int, message: SentMessage, scores: dict[str, int]
) -> SentMessage:
    """Answer the nine questions from the current one on, by unsur code → score."""
    for question in questionnaire():
        message = await tap(bot, user, message, question.labels[scores[question.unsur] - 1])
    return message


def all_scores(score: int) -> dict[str, int]:
    return {question.unsur: score for question in questionnaire()}
