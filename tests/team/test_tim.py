"""End to end: /tim for an atasan, feedback that reaches the ASN and a reply that reaches the
atasan, acknowledging, nudging, and every refusal to someone who is not the supervisor."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    Delivery,
    Employee,
    Evidence,
    Feedback,
    Indicator,
    ProgressReport,
    UnitRole,
    id_of,
)
from kinerja_bot.reporting.texts import TEXTS as LAPOR
from kinerja_bot.team.handlers import TEXTS
from kinerja_bot.testing.fake_bot_api import FakeBotAPI, SentMessage
from tests.conftest import RunningBot
from tests.factories import add_employee, add_indicator, add_report, add_unit

ATASAN, SITI, BUDI, OUTSIDER = 8100001, 8100002, 8100003, 8100004


@dataclass
class Team:
    atasan: Employee
    siti: Employee
    budi: Employee
    outsider: Employee
    siti_ktp: Indicator
    report: ProgressReport


@pytest.fixture
async def team(database: Database, api: FakeBotAPI) -> Team:
    for user in (ATASAN, SITI, BUDI, OUTSIDER):
        api.user(user)  # they talked to the bot when they activated their accounts
    unit = await add_unit(database, "DISDUKCAPIL-PIAK", "Bidang Pelayanan Pendaftaran Penduduk")
    other_unit = await add_unit(database, "DINKES", "Dinas Kesehatan")
    atasan = await add_employee(
        database, unit, nama="Hendra Gunawan", jabatan="Kepala Bidang", telegram_id=ATASAN
    )
    siti = await add_employee(
        database, unit, nama="Siti Rahmawati", atasan=atasan, telegram_id=SITI
    )
    budi = await add_employee(database, unit, nama="Budi Santoso", atasan=atasan, telegram_id=BUDI)
    outsider_boss = await add_employee(database, other_unit, nama="Dr. Allin")
    outsider = await add_employee(
        database, other_unit, nama="Orang Luar", atasan=outsider_boss, telegram_id=OUTSIDER
    )
    await add_employee(database, other_unit, nama="Bawahan Orang Luar", atasan=outsider)
    ktp = await add_indicator(database, siti, nama="Jumlah KTP-el dicetak", target=1200)
    await add_indicator(database, budi, nama="Jumlah KK diterbitkan", target=600)
    report = await add_report(database, ktp, 100)
    return Team(atasan, siti, budi, outsider, ktp, report)


async def press(bot: RunningBot, user: int, message: SentMessage, label: str) -> SentMessage:
    bot.api.press_button(user, message, label=label)
    return await bot.api.next_message(user)


async def alert_after(bot: RunningBot, user: int, message: SentMessage, data: str) -> str:
    query = bot.api.press_button(user, message, data, check=False)
    answer = await bot.api.wait_until(lambda: bot.api.callback_answer(query["id"]))
    return str(answer.get("text"))


async def test_tim_shows_who_has_reported(bot: RunningBot, team: Team) -> None:
    (page,) = await bot.say(ATASAN, "/tim")
    assert page.plain_text.startswith(TEXTS.get("judul_tim") + " — minggu")
    assert "1 dari 2 orang sudah melapor." in page.plain_text
    assert "✅ Siti Rahmawati — 1 laporan" in page.plain_text
    assert "⏳ Budi Santoso — belum melapor" in page.plain_text
    assert page.button_labels == ["⏳ Budi Santoso", "✅ Siti Rahmawati"]
    # A person's page leads back to the team.
    person = await press(bot, ATASAN, page, "✅ Siti Rahmawati")
    assert person.button_labels[-1] == "◀ " + TEXTS.get("judul_tim")
    again = await press(bot, ATASAN, person, "◀ " + TEXTS.get("judul_tim"))
    assert again.text == page.text
    (refused,) = await bot.say(SITI, "/tim")
    assert refused.plain_text == TEXTS.get("bukan_atasan")


async def test_feedback_reaches_the_asn_and_the_reply_reaches_the_atasan(
    bot: RunningBot, database: Database, team: Team
) -> None:
    (page,) = await bot.say(ATASAN, "/tim")
    person = await press(bot, ATASAN, page, "✅ Siti Rahmawati")
    assert "Jumlah KTP-el dicetak: 100 dokumen" in person.plain_text
    assert "Kendala: SDM — Petugas loket kurang" in person.plain_text
    prompt = await press(bot, ATASAN, person, TEXTS.get("tombol_umpan_balik", no=1))
    assert "Tulis umpan balik untuk Siti Rahmawati" in prompt.plain_text
    (sent,) = await bot.say(ATASAN, "Bagus, pertahankan. Lampirkan foto <antrian> & loket.")
    assert sent.plain_text == TEXTS.get("terkirim", nama="Siti Rahmawati").replace("&amp;", "&")

    received = await bot.api.next_message(SITI)
    assert "Jumlah KTP-el dicetak" in received.plain_text
    assert "Hendra Gunawan" in received.plain_text
    assert "Lampirkan foto <antrian> & loket." in received.plain_text  # escaped, shown as typed
    await press(bot, SITI, received, TEXTS.get("tombol_balas"))
    (sent,) = await bot.say(SITI, "Siap, Pak. Foto menyusul besok.")
    assert sent.plain_text == TEXTS.get("terkirim", nama="Hendra Gunawan")

    back = await bot.api.next_message(ATASAN)
    lines = back.plain_text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("Hendra Gunawan"))
    assert (
        lines[first + 1].startswith("Siti Rahmawati") and "Foto menyusul besok" in lines[first + 1]
    )
    async with database.session() as session:
        thread = (await session.exec(select(Feedback).order_by(Feedback.id))).all()
    assert [f.author_id for f in thread] == [team.atasan.id, team.siti.id]


async def test_markup_characters_in_reports_and_feedback_are_shown_as_typed(
    bot: RunningBot, database: Database, team: Team
) -> None:
    obstacle, support = 'Loket & "antrian" <panjang>', "Tinta > 2 dus & kertas"
    evidence = "Foto <loket> & antrian"
    report = await add_report(
        database, team.siti_ktp, 150, kendala=("sdm", obstacle), dukungan=("anggaran", support)
    )
    async with database.session() as session:
        session.add(Evidence(report_id=id_of(report), kind="teks", content=evidence))
    (page,) = await bot.say(ATASAN, "/tim")
    person = await press(bot, ATASAN, page, "✅ Siti Rahmawati")
    assert f"Bukti: {evidence} · Kendala: SDM — {obstacle}" in person.plain_text
    assert f"Dukungan: Anggaran — {support}" in person.plain_text

    prompt = await press(bot, ATASAN, person, TEXTS.get("tombol_umpan_balik", no=2))
    assert "Tulis umpan balik untuk Siti Rahmawati" in prompt.plain_text
    feedback, answer = 'Cek "loket" <3> & <4>', "Siap & <segera> > besok"
    await bot.say(ATASAN, feedback)
    received = await bot.api.next_message(SITI)
    assert feedback in received.plain_text
    await press(bot, SITI, received, TEXTS.get("tombol_balas"))
    await bot.say(SITI, answer)
    back = await bot.api.next_message(ATASAN)
    assert feedback in back.plain_text and answer in back.plain_text


async def test_acknowledge_tells_the_asn_and_ends_corrections(
    bot: RunningBot, database: Database, team: Team
) -> None:
    (page,) = await bot.say(ATASAN, "/tim")
    person = await press(bot, ATASAN, page, "✅ Siti Rahmawati")
    bot.api.press_button(ATASAN, person, label=TEXTS.get("tombol_tandai_dibaca", no=1))
    told = await bot.api.next_message(SITI)
    assert told.plain_text.startswith("👁 Hendra Gunawan sudah membaca laporan Anda")
    # The notice is queued and sent by the courier, maybe before the page is refreshed.
    await bot.api.wait_until(
        lambda: (
            TEXTS.get("tombol_tandai_dibaca", no=1) not in bot.api.sent_to(ATASAN)[-1].button_labels
        )
    )
    async with database.session() as session:
        report = await session.get(ProgressReport, team.report.id)
    assert report is not None and report.acknowledged_by_id == team.atasan.id
    bot.api.press_button(SITI, told, f"lapor:kor:{team.report.id}", check=False)
    assert (await bot.api.next_message(SITI)).plain_text == LAPOR.get("sudah_dibaca")


async def test_nudge_once_a_day_only_to_non_reporters(
    bot: RunningBot, database: Database, team: Team
) -> None:
    (page,) = await bot.say(ATASAN, "/tim")
    person = await press(bot, ATASAN, page, "⏳ Budi Santoso")
    assert TEXTS.get("belum_ada_laporan") in person.plain_text
    data = person.button("🔔 Ingatkan untuk melapor")["callback_data"]
    assert await alert_after(bot, ATASAN, person, data) == TEXTS.get(
        "peringatan_pengingat_terkirim", nama="Budi Santoso"
    )
    reminder = await bot.api.next_message(BUDI)
    assert reminder.plain_text == TEXTS.get("pengingat", nama="Hendra Gunawan")
    assert await alert_after(bot, ATASAN, person, data) == TEXTS.get(
        "peringatan_sudah_diingatkan", nama="Budi Santoso"
    )
    assert len(bot.api.sent_to(BUDI)) == 1
    async with database.session() as session:
        assert len((await session.exec(select(Delivery))).all()) == 1
    siti_data = f"tim:ingat:{team.siti.id}"
    assert await alert_after(bot, ATASAN, person, siti_data) == TEXTS.get(
        "peringatan_sudah_melapor", nama="Siti Rahmawati"
    )


async def test_forged_buttons_are_refused(bot: RunningBot, database: Database, team: Team) -> None:
    (page,) = await bot.say(OUTSIDER, "/tim")  # the outsider is an atasan of someone else
    refusal = TEXTS.get("peringatan_bukan_bawahan")
    for data in (
        f"tim:org:{team.siti.id}",
        f"tim:baca:{team.report.id}",
        f"tim:ub:{team.report.id}",
        f"tim:ingat:{team.budi.id}",
        f"ub:balas:{team.report.id}",
    ):
        assert await alert_after(bot, OUTSIDER, page, data) == refusal
    async with database.session() as session:
        report = await session.get(ProgressReport, team.report.id)
        assert report is not None and report.acknowledged_at is None
        assert (await session.exec(select(Feedback))).all() == []
    assert bot.api.sent_to(BUDI) == [] and bot.api.sent_to(SITI) == []


async def test_a_unit_head_may_see_the_whole_unit_tree(
    bot: RunningBot, database: Database, team: Team
) -> None:
    async with database.session() as session:
        session.add(
            UnitRole(unit_id=team.outsider.unit_id, employee_id=team.outsider.id, role="kepala")
        )
    (page,) = await bot.say(OUTSIDER, "/tim")
    assert "0 dari 1 orang sudah melapor." in page.plain_text
    assert page.plain_text.startswith(TEXTS.get("judul_tim"))
    whole = await press(bot, OUTSIDER, page, TEXTS.get("tombol_seluruh_unit"))
    # The title says what is shown: the whole unit, not "Tim Anda".
    assert whole.plain_text.startswith(TEXTS.get("judul_unit") + " — minggu")
    assert "0 dari 2 orang sudah melapor." in whole.plain_text  # the unit head's own atasan too
    assert "Dr. Allin" in whole.plain_text
    # A person opened from the whole unit leads back to the whole unit.
    person = await press(bot, OUTSIDER, whole, "⏳ Dr. Allin")
    back = "◀ " + TEXTS.get("judul_unit")
    assert person.button_labels[-1] == back
    again = await press(bot, OUTSIDER, person, back)
    assert again.text == whole.text
