"""/pengembangan end to end: enrol → the atasan approves → completion with a certificate → JP
counted; a decline with its reason; a full quota and its waiting list; learning outside the
catalog verified by the atasan; stale, forged and someone else's buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlmodel import select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    Employee,
    Enrolment,
    EnrolmentStatus,
    LearningRecord,
    LearningStatus,
    TrainingOffer,
)
from kinerja_bot.core.rules.periods import format_date_id, wib_today
from kinerja_bot.development.texts import TEXTS
from kinerja_bot.testing.fake_bot_api import FakeBotAPI, SentMessage
from kinerja_bot.testing.formatting import plain_text
from tests.conftest import RunningBot
from tests.factories import add_employee, add_indicator, add_offer, add_report, add_unit

ATASAN, SITI, BUDI, OUTSIDER = 8200001, 8200002, 8200003, 8200004
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@dataclass
class People:
    atasan: Employee
    siti: Employee
    budi: Employee
    outsider: Employee


@pytest.fixture
async def people(database: Database, api: FakeBotAPI) -> People:
    for user in (ATASAN, SITI, BUDI, OUTSIDER):
        api.user(user)
    unit = await add_unit(database, "BAPPEDA", "Badan Perencanaan Pembangunan Daerah")
    atasan = await add_employee(database, unit, nama="Hendra Gunawan", telegram_id=ATASAN)
    siti = await add_employee(
        database, unit, nama="Siti Rahmawati", atasan=atasan, telegram_id=SITI
    )
    budi = await add_employee(database, unit, nama="Budi Santoso", atasan=atasan, telegram_id=BUDI)
    outsider = await add_employee(database, unit, nama="Orang Luar", telegram_id=OUTSIDER)
    await add_employee(database, unit, nama="Bawahan Orang Luar", atasan=outsider)
    indicator = await add_indicator(database, siti, nama="Dokumen perencanaan disusun")
    await add_report(
        database, indicator, 3, dukungan=("pelatihan", "Pelatihan Excel untuk analisis data")
    )
    return People(atasan, siti, budi, outsider)


async def press_and_see(bot: RunningBot, user: int, message: SentMessage, label: str) -> None:
    """Press a button that edits its own message; wait until the edit arrived."""
    before = message.edit_count
    bot.api.press_button(user, message, label=label)
    await bot.api.wait_until(lambda: message.edit_count > before)


async def alert_after(bot: RunningBot, user: int, message: SentMessage, data: str) -> str:
    query = bot.api.press_button(user, message, data, check=False)
    answer = await bot.api.wait_until(lambda: bot.api.callback_answer(query["id"]))
    return str(answer.get("text"))


async def enrolments(database: Database) -> list[Enrolment]:
    async with database.session() as session:
        return list((await session.exec(select(Enrolment).order_by(Enrolment.id))).all())


async def start_course(database: Database, offer: TrainingOffer) -> None:
    """Time passes: the course has started."""
    async with database.session() as session:
        stored = await session.get(TrainingOffer, offer.id)
        assert stored is not None
        stored.mulai = wib_today() - timedelta(days=2)
        stored.selesai = wib_today()
        session.add(stored)


async def enrol(bot: RunningBot, user: int, offer: TrainingOffer) -> SentMessage:
    """From /pengembangan through the catalog to Daftar; returns the bot's answer."""
    (page,) = await bot.say(user, "/pengembangan")
    await press_and_see(bot, user, page, TEXTS.get("tombol_katalog"))
    await press_and_see(bot, user, page, TEXTS.get("tombol_penawaran", nama=offer.nama))
    bot.api.press_button(user, page, label=TEXTS.get("tombol_daftar"))
    return await bot.api.next_message(user)


async def test_enrol_approve_complete_and_jp_counted(
    bot: RunningBot, database: Database, people: People
) -> None:
    excel = await add_offer(
        database, "PLT-01", "Analisis Data dengan Excel", kata_kunci="excel;analisis data"
    )
    await add_offer(database, "PLT-02", "Manajemen Arsip", kata_kunci="arsip")

    (page,) = await bot.say(SITI, "/pengembangan")
    text = page.plain_text
    assert "JP tahun ini: ▱▱▱▱▱▱▱▱▱▱ 0/20 JP" in text
    assert "Kurang 20 JP lagi" in text
    assert "• Pelatihan Excel untuk analisis data" in text
    assert "cocok: topik excel, analisis data" in text
    assert "Manajemen Arsip" not in text  # not asked for
    assert page.button_labels[0] == TEXTS.get("tombol_penawaran", nama=excel.nama)

    await press_and_see(bot, SITI, page, TEXTS.get("tombol_penawaran", nama=excel.nama))
    assert "24 JP" in page.plain_text and "Kuota: tanpa batas" in page.plain_text
    bot.api.press_button(SITI, page, label=TEXTS.get("tombol_daftar"))
    told = await bot.api.next_message(SITI)
    assert told.plain_text == plain_text(
        TEXTS.get("terdaftar", nama="Analisis Data dengan Excel", atasan="Hendra Gunawan")
    )

    request = await bot.api.next_message(ATASAN)
    assert "Siti Rahmawati (Analis Kependudukan) mendaftar Analisis Data dengan Excel" in (
        request.plain_text
    )
    assert "JP Siti Rahmawati tahun ini: ▱▱▱▱▱▱▱▱▱▱ 0/20 JP" in request.plain_text
    bot.api.press_button(ATASAN, request, label=TEXTS.get("tombol_setujui"))
    confirmed = await bot.api.next_message(ATASAN)
    assert confirmed.plain_text == TEXTS.get(
        "disetujui_atasan", nama="Siti Rahmawati", pelatihan=excel.nama
    )
    approved = await bot.api.next_message(SITI)
    assert approved.plain_text.startswith("✅ Atasan Anda, Hendra Gunawan, menyetujui")
    (enrolment,) = await enrolments(database)
    assert (enrolment.status, enrolment.decided_by_id) == (
        EnrolmentStatus.APPROVED,
        people.atasan.id,
    )

    # Enrolled: not proposed again; its page shows the state instead of Daftar.
    (page,) = await bot.say(SITI, "/pengembangan")
    assert TEXTS.get("tombol_penawaran", nama=excel.nama) not in page.button_labels
    await press_and_see(bot, SITI, page, TEXTS.get("tombol_katalog"))
    await press_and_see(bot, SITI, page, TEXTS.get("tombol_penawaran", nama=excel.nama))
    assert page.plain_text.endswith("Status Anda: disetujui")
    assert page.button_labels == [TEXTS.get("tombol_batalkan"), TEXTS.get("tombol_kembali")]

    await start_course(database, excel)
    (page,) = await bot.say(SITI, "/pengembangan")
    assert "Analisis Data dengan Excel" in page.plain_text and "— disetujui" in page.plain_text
    await press_and_see(bot, SITI, page, TEXTS.get("tombol_catat"))
    bot.api.press_button(SITI, page, label=TEXTS.get("tombol_selesai", nama=excel.nama))
    asked = await bot.api.next_message(SITI)
    assert (
        asked.plain_text == "Kirim sertifikat Analisis Data dengan Excel sebagai foto atau "
        "berkas PDF."
    )
    (wrong,) = await bot.say(SITI, "sudah selesai pak")
    assert wrong.plain_text == TEXTS.get("sertifikat_salah")
    bot.api.send_document(SITI, PDF, file_name="sertifikat-excel.pdf")
    done = await bot.api.next_message(SITI)
    assert done.plain_text == (
        "🎓 Tercatat: Analisis Data dengan Excel, 24 JP.\nJP tahun ini: ▰▰▰▰▰▰▰▰▰▰ 24/20 JP"
    )

    async with database.session() as session:
        (record,) = (await session.exec(select(LearningRecord))).all()
    assert (record.jp, record.status, record.certificate_kind, record.certificate_name) == (
        24,
        LearningStatus.VERIFIED,
        "document",
        "sertifikat-excel.pdf",
    )
    assert bot.api.files[record.certificate_file_id].content == PDF
    assert (await enrolments(database))[0].status == EnrolmentStatus.COMPLETED

    (page,) = await bot.say(SITI, "/pengembangan")
    assert TEXTS.get("status_tercapai") in page.plain_text
    await press_and_see(bot, SITI, page, TEXTS.get("tombol_riwayat"))
    assert (
        f"• {format_date_id(wib_today())} — Analisis Data dengan Excel (klasikal), 24 JP — dihitung"
        in page.plain_text
    )


async def test_decline_needs_a_reason_which_the_asn_receives(
    bot: RunningBot, database: Database, people: People
) -> None:
    excel = await add_offer(database, "PLT-01", "Analisis Data dengan Excel", kata_kunci="excel")
    await enrol(bot, SITI, excel)
    request = await bot.api.next_message(ATASAN)
    bot.api.press_button(ATASAN, request, label=TEXTS.get("tombol_tolak"))
    asked = await bot.api.next_message(ATASAN)
    assert asked.plain_text == TEXTS.get(
        "tulis_alasan", nama="Siti Rahmawati", pelatihan=excel.nama
    )
    assert bot.api.sent_to(SITI)[-1].plain_text.startswith("Pendaftaran")  # nothing yet
    bot.api.send_photo(ATASAN)
    assert (await bot.api.next_message(ATASAN)).plain_text == TEXTS.get("sedang_menulis_alasan")
    (sent,) = await bot.say(ATASAN, "Anggaran diklat triwulan ini habis; ikut <batch> Januari.")
    assert sent.plain_text == TEXTS.get("ditolak_atasan", nama="Siti Rahmawati")
    declined = await bot.api.next_message(SITI)
    assert declined.plain_text == (
        "❌ Atasan Anda, Hendra Gunawan, menolak pendaftaran Analisis Data dengan Excel.\n"
        "Alasan: Anggaran diklat triwulan ini habis; ikut <batch> Januari."
    )
    (enrolment,) = await enrolments(database)
    assert enrolment.status == EnrolmentStatus.DECLINED
    assert enrolment.reason == "Anggaran diklat triwulan ini habis; ikut <batch> Januari."

    # The old request's buttons are answered politely; the decision stands.
    assert await alert_after(bot, ATASAN, request, f"pkb:ok:{enrolment.id}") == TEXTS.get(
        "peringatan_sudah_diputuskan"
    )
    assert (await enrolments(database))[0].status == EnrolmentStatus.DECLINED


async def test_a_full_quota_puts_the_next_on_the_waiting_list(
    bot: RunningBot, database: Database, people: People
) -> None:
    excel = await add_offer(
        database, "PLT-01", "Analisis Data dengan Excel", kata_kunci="excel", kuota=1
    )
    await enrol(bot, SITI, excel)
    first_request = await bot.api.next_message(ATASAN)
    waiting = await enrol(bot, BUDI, excel)
    assert waiting.text == TEXTS.get("daftar_tunggu", nama=excel.nama)
    assert [e.status for e in await enrolments(database)] == [
        EnrolmentStatus.PENDING,
        EnrolmentStatus.WAITING_LIST,
    ]
    assert bot.api.unread(ATASAN) == []  # the waiting list does not reach the atasan yet

    # Siti's place is declined: Budi moves up and his request reaches the atasan.
    bot.api.press_button(ATASAN, first_request, label=TEXTS.get("tombol_tolak"))
    await bot.api.next_message(ATASAN)
    await bot.say(ATASAN, "Bergantian dengan Budi.")
    moved = await bot.api.next_message(BUDI)
    assert moved.text == TEXTS.get("naik_daftar_tunggu", pelatihan=excel.nama)
    second_request = await bot.api.next_message(ATASAN)
    assert "Budi Santoso" in second_request.plain_text
    assert [e.status for e in await enrolments(database)] == [
        EnrolmentStatus.DECLINED,
        EnrolmentStatus.PENDING,
    ]


async def test_learning_outside_the_catalog_is_verified_by_the_atasan(
    bot: RunningBot, database: Database, people: People
) -> None:
    (page,) = await bot.say(SITI, "/pengembangan")
    await press_and_see(bot, SITI, page, TEXTS.get("tombol_catat"))
    assert page.plain_text == TEXTS.get("tanpa_yang_dicatat")
    bot.api.press_button(SITI, page, label=TEXTS.get("tombol_luar_katalog"))
    assert (await bot.api.next_message(SITI)).plain_text == TEXTS.get("minta_judul")
    bot.api.send_photo(SITI)  # too early: the name comes first
    assert (await bot.api.next_message(SITI)).plain_text == TEXTS.get("minta_judul")
    await bot.say(SITI, "E-learning Literasi Digital ASN")
    (wrong,) = await bot.say(SITI, "satu setengah jam")
    assert wrong.plain_text.startswith("'satu setengah jam' bukan jumlah menit.")
    await bot.say(SITI, "100")
    bot.api.send_photo(SITI)
    (recorded,) = await bot.api.wait_for_messages(SITI)
    assert recorded.plain_text == (
        "Tercatat: E-learning Literasi Digital ASN, 100 menit = 2,22 JP, menunggu verifikasi "
        "atasan Anda."
    )
    certificate = await bot.api.next_message(ATASAN)
    assert certificate.kind == "photo"
    assert "Siti Rahmawati mencatat E-learning Literasi Digital ASN: 100 menit = 2,22 JP" in (
        certificate.plain_text
    )
    async with database.session() as session:
        (record,) = (await session.exec(select(LearningRecord))).all()
    assert (record.status, record.minutes, record.jp) == (LearningStatus.PENDING, 100, 2.22)
    assert certificate.file_id == record.certificate_file_id

    # Budi cannot verify his colleague's learning; the atasan can, once.
    assert await alert_after(bot, BUDI, certificate, f"pkb:vok:{record.id}") == TEXTS.get(
        "peringatan_bukan_bawahan"
    )
    bot.api.press_button(ATASAN, certificate, label=TEXTS.get("tombol_verifikasi"))
    await bot.api.next_message(ATASAN)
    verified = await bot.api.next_message(SITI)
    assert verified.plain_text.endswith("JP tahun ini: ▰▱▱▱▱▱▱▱▱▱ 2,22/20 JP")
    assert await alert_after(bot, ATASAN, certificate, f"pkb:vtolak:{record.id}") == TEXTS.get(
        "peringatan_sudah_diputuskan"
    )


async def test_forged_and_someone_elses_buttons_are_refused(
    bot: RunningBot, database: Database, people: People
) -> None:
    excel = await add_offer(database, "PLT-01", "Analisis Data dengan Excel", kata_kunci="excel")
    started = await add_offer(database, "PLT-02", "Sudah Mulai", kata_kunci="x", starts_in=0)
    await enrol(bot, SITI, excel)
    await bot.api.next_message(ATASAN)
    (enrolment,) = await enrolments(database)
    (page,) = await bot.say(BUDI, "/pengembangan")
    (outsider_page,) = await bot.say(OUTSIDER, "/pengembangan")
    expected = {
        (BUDI, f"pkb:selesai:{enrolment.id}"): "peringatan_bukan_milik_anda",
        (BUDI, f"pkb:ok:{enrolment.id}"): "peringatan_bukan_bawahan",
        (OUTSIDER, f"pkb:ok:{enrolment.id}"): "peringatan_bukan_bawahan",
        (OUTSIDER, f"pkb:tolak:{enrolment.id}"): "peringatan_bukan_bawahan",
        (BUDI, "pkb:of:999999"): "peringatan_tidak_ditemukan",
        (BUDI, "pkb:daftar:999999"): "peringatan_tidak_ditemukan",
        (BUDI, f"pkb:daftar:{started.id}"): "peringatan_pendaftaran_tutup",
        (BUDI, "pkb:vok:999999"): "peringatan_tidak_ditemukan",
    }
    for (user, data), key in expected.items():
        message = page if user == BUDI else outsider_page
        assert await alert_after(bot, user, message, data) == TEXTS.get(key), data
    # Siti's own approved-not-yet course, and a second enrolment in the same offer.
    siti_page = (await bot.say(SITI, "/pengembangan"))[0]
    assert await alert_after(bot, SITI, siti_page, f"pkb:selesai:{enrolment.id}") == TEXTS.get(
        "peringatan_belum_disetujui"
    )
    assert await alert_after(bot, SITI, siti_page, f"pkb:daftar:{excel.id}") == TEXTS.get(
        "peringatan_sudah_terdaftar"
    )
    (stored,) = await enrolments(database)
    assert stored.status == EnrolmentStatus.PENDING
    assert bot.api.unread(ATASAN) == [] and bot.api.unread(SITI) == []


async def test_citizens_are_told_what_the_feature_is_for(bot: RunningBot) -> None:
    (answer,) = await bot.say(7777, "/pengembangan")
    assert answer.plain_text == TEXTS.get("bukan_pegawai")


async def test_cancelling_frees_the_place_for_the_waiting_list(
    bot: RunningBot, database: Database, people: People
) -> None:
    excel = await add_offer(
        database, "PLT-01", "Analisis Data dengan Excel", kata_kunci="excel", kuota=1
    )
    await enrol(bot, SITI, excel)
    siti_request = await bot.api.next_message(ATASAN)
    await enrol(bot, BUDI, excel)
    siti_enrolment, _ = await enrolments(database)

    (page,) = await bot.say(BUDI, "/pengembangan")
    assert await alert_after(bot, BUDI, page, f"pkb:batal:{siti_enrolment.id}") == TEXTS.get(
        "peringatan_bukan_milik_anda"
    )
    (page,) = await bot.say(SITI, "/pengembangan")
    await press_and_see(bot, SITI, page, TEXTS.get("tombol_katalog"))
    await press_and_see(bot, SITI, page, TEXTS.get("tombol_penawaran", nama=excel.nama))
    assert page.plain_text.endswith("Status Anda: menunggu persetujuan atasan")
    bot.api.press_button(SITI, page, label=TEXTS.get("tombol_batalkan"))
    cancelled = await bot.api.next_message(SITI)
    assert cancelled.text == TEXTS.get("dibatalkan", nama=excel.nama)

    told = await bot.api.next_message(ATASAN)
    assert told.text == TEXTS.get("dibatalkan_atasan", nama="Siti Rahmawati", pelatihan=excel.nama)
    moved = await bot.api.next_message(BUDI)
    assert moved.text == TEXTS.get("naik_daftar_tunggu", pelatihan=excel.nama)
    budi_request = await bot.api.next_message(ATASAN)
    assert "Budi Santoso" in budi_request.plain_text
    assert [e.status for e in await enrolments(database)] == [
        EnrolmentStatus.CANCELLED,
        EnrolmentStatus.PENDING,
    ]
    # The atasan's older request for Siti is answered politely; cancelling twice too.
    assert await alert_after(bot, ATASAN, siti_request, f"pkb:ok:{siti_enrolment.id}") == (
        TEXTS.get("peringatan_sudah_diputuskan")
    )
    assert await alert_after(bot, SITI, page, f"pkb:batal:{siti_enrolment.id}") == TEXTS.get(
        "peringatan_tidak_dapat_dibatalkan"
    )


async def test_the_atasan_sees_a_persons_jp_on_their_tim_page(
    bot: RunningBot, database: Database, people: People
) -> None:
    async with database.session() as session:
        session.add(
            LearningRecord(
                employee_id=people.siti.id,
                nama="E-learning Literasi Digital",
                jenis="nonklasikal",
                jp=8,
                minutes=360,
                completed_on=wib_today(),
                certificate_file_id="x",
                certificate_kind="photo",
                status=LearningStatus.VERIFIED,
            )
        )
    (page,) = await bot.say(ATASAN, "/tim")
    label = next(label for label in page.button_labels if "Siti Rahmawati" in label)
    bot.api.press_button(ATASAN, page, label=label)
    person = await bot.api.next_message(ATASAN)
    assert "Pengembangan kompetensi tahun ini: ▰▰▰▰▱▱▱▱▱▱ 8/20 JP" in person.plain_text
