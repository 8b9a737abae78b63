"""Apresiasi end to end: from a /tim person page (the week, or one report) to the ASN, once a
day per giver and receiver, only from the atasan or unit head, and listed in the weekly summary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlmodel import select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Appreciation, Employee, ProgressReport, UnitRole, utcnow
from kinerja_bot.core.rules.periods import format_date_id, wib_today
from kinerja_bot.recognition.handlers import TEXTS
from kinerja_bot.summaries.weekly import TEXTS as SUMMARY
from kinerja_bot.summaries.weekly import build_summary, render
from kinerja_bot.team.handlers import TEXTS as TIM
from kinerja_bot.testing.fake_bot_api import FakeBotAPI, SentMessage
from tests.conftest import RunningBot
from tests.factories import add_employee, add_indicator, add_report, add_unit

ATASAN, SITI, BUDI, KEPALA = 8300001, 8300002, 8300003, 8300004


@dataclass
class Team:
    atasan: Employee
    siti: Employee
    budi: Employee
    kepala: Employee
    report: ProgressReport


@pytest.fixture
async def team(database: Database, api: FakeBotAPI) -> Team:
    for user in (ATASAN, SITI, BUDI, KEPALA):
        api.user(user)
    dinas = await add_unit(database, "DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil")
    unit = await add_unit(database, "DISDUKCAPIL-PIAK", "Bidang PIAK", parent=dinas)
    kepala = await add_employee(database, dinas, nama="Kepala Dinas", telegram_id=KEPALA)
    atasan = await add_employee(
        database, unit, nama="Hendra Gunawan", atasan=kepala, telegram_id=ATASAN
    )
    siti = await add_employee(
        database, unit, nama="Siti Rahmawati", atasan=atasan, telegram_id=SITI
    )
    budi = await add_employee(database, unit, nama="Budi Santoso", atasan=atasan, telegram_id=BUDI)
    async with database.session() as session:
        session.add(UnitRole(unit_id=dinas.id, employee_id=kepala.id, role="kepala"))
    ktp = await add_indicator(database, siti, nama="Jumlah KTP-el dicetak", target=1200)
    report = await add_report(database, ktp, 100)
    return Team(atasan, siti, budi, kepala, report)


async def person_page(bot: RunningBot, user: int, name: str) -> SentMessage:
    (page,) = await bot.say(user, "/tim")
    label = next(label for label in page.button_labels if name in label)
    bot.api.press_button(user, page, label=label)
    return await bot.api.next_message(user)


async def alert_after(bot: RunningBot, user: int, message: SentMessage, data: str) -> str:
    query = bot.api.press_button(user, message, data, check=False)
    answer = await bot.api.wait_until(lambda: bot.api.callback_answer(query["id"]))
    return str(answer.get("text"))


async def stored(database: Database) -> list[Appreciation]:
    async with database.session() as session:
        return list((await session.exec(select(Appreciation).order_by(Appreciation.id))).all())


async def test_thanks_for_a_report_reach_the_asn_once_a_day(
    bot: RunningBot, database: Database, team: Team
) -> None:
    page = await person_page(bot, ATASAN, "Siti Rahmawati")
    bot.api.press_button(ATASAN, page, label=TIM.get("tombol_apresiasi_laporan", no=1))
    prompt = await bot.api.next_message(ATASAN)
    tanggal = format_date_id(wib_today())
    assert prompt.plain_text == TEXTS.get(
        "tulis_laporan",
        nama="Siti Rahmawati",
        indikator="Jumlah KTP-el dicetak",
        tanggal=tanggal,
        batas=300,
    )
    (sent,) = await bot.say(ATASAN, "Terima kasih, 100 KTP-el dalam seminggu <luar biasa>!")
    assert sent.plain_text == TEXTS.get("terkirim", nama="Siti Rahmawati")
    received = await bot.api.next_message(SITI)
    assert received.plain_text == (
        f"🙏 Apresiasi dari Hendra Gunawan atas laporan Jumlah KTP-el dicetak ({tanggal}):\n"
        "“Terima kasih, 100 KTP-el dalam seminggu <luar biasa>!”"
    )
    (thanks,) = await stored(database)
    assert (thanks.giver_id, thanks.receiver_id, thanks.report_id, thanks.given_on) == (
        team.atasan.id,
        team.siti.id,
        team.report.id,
        wib_today(),
    )

    # A second one today, for the week this time, is refused politely.
    page = await person_page(bot, ATASAN, "Siti Rahmawati")
    data = page.button(TIM.get("tombol_apresiasi_minggu"))["callback_data"]
    assert await alert_after(bot, ATASAN, page, data) == TEXTS.get("peringatan_sudah_hari_ini")
    assert len(await stored(database)) == 1


async def test_a_unit_head_thanks_for_the_week_and_others_may_not(
    bot: RunningBot, database: Database, team: Team
) -> None:
    (page,) = await bot.say(KEPALA, "/tim")
    bot.api.press_button(KEPALA, page, label=TIM.get("tombol_seluruh_unit"))
    unit_page = await bot.api.next_message(KEPALA)
    budi = next(label for label in unit_page.button_labels if "Budi Santoso" in label)
    bot.api.press_button(KEPALA, unit_page, label=budi)
    budi_page = await bot.api.next_message(KEPALA)
    bot.api.press_button(KEPALA, budi_page, label=TIM.get("tombol_apresiasi_minggu"))
    await bot.api.next_message(KEPALA)
    await bot.say(KEPALA, "Kerja bagus minggu ini.")
    received = await bot.api.next_message(BUDI)
    assert received.plain_text == (
        "🙏 Apresiasi dari Kepala Dinas atas kerja Anda minggu ini:\n“Kerja bagus minggu ini.”"
    )

    # Budi may not thank his colleague, nor Siti her atasan; forged ids are refused too.
    (siti_page,) = await bot.say(SITI, "/bantuan")
    refusal = TEXTS.get("peringatan_tidak_boleh")
    assert await alert_after(bot, BUDI, received, f"apr:mg:{team.siti.id}") == refusal
    assert await alert_after(bot, SITI, siti_page, f"apr:mg:{team.atasan.id}") == refusal
    assert await alert_after(bot, SITI, siti_page, f"apr:lap:{team.report.id}") == refusal
    assert await alert_after(bot, ATASAN, siti_page, "apr:lap:999999") == refusal
    assert [a.receiver_id for a in await stored(database)] == [team.budi.id]


async def test_the_weekly_summary_lists_appreciation_given(database: Database, team: Team) -> None:
    async with database.session() as session:
        for receiver, note in ((team.siti, "Laporan rapi"), (team.budi, "Terima kasih lemburnya")):
            session.add(
                Appreciation(
                    giver_id=team.atasan.id,
                    receiver_id=receiver.id,
                    week_start=wib_today(),
                    note=note,
                    given_on=wib_today(),
                )
            )
        session.add(  # last week's is not this week's
            Appreciation(
                giver_id=team.kepala.id,
                receiver_id=team.siti.id,
                week_start=wib_today() - timedelta(days=7),
                note="Lama",
                given_on=wib_today() - timedelta(days=7),
                created_at=utcnow() - timedelta(days=7),
            )
        )
    async with database.session() as session:
        summary = await build_summary(session, team.atasan, wib_today())
    assert summary is not None
    block = next(b for b in render(summary) if SUMMARY.get("apresiasi_judul") in b)
    assert block.splitlines()[1:] == [
        SUMMARY.get(
            "apresiasi", pemberi="Hendra Gunawan", penerima="Siti Rahmawati", catatan="Laporan rapi"
        ),
        SUMMARY.get(
            "apresiasi",
            pemberi="Hendra Gunawan",
            penerima="Budi Santoso",
            catatan="Terima kasih lemburnya",
        ),
    ]
