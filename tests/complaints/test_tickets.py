"""End to end: a complaint from the survey, to its answer, reopening and closing; /tiket rights."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlmodel import col, select

from kinerja_bot.complaints.closing import CLOSED_JOB
from kinerja_bot.complaints.jobs import auto_close_job
from kinerja_bot.complaints.service import ANSWER_MAX_CHARS
from kinerja_bot.complaints.texts import TEXTS, status_name
from kinerja_bot.core.context import BotContext
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    Consent,
    Delivery,
    DeliveryStatus,
    utcnow,
)
from kinerja_bot.core.rules.periods import WIB, format_date_id
from kinerja_bot.core.rules.workdays import complaint_due_date, reopen_until
from kinerja_bot.privacy.service import PURPOSE_COMPLAINT_CONTACT
from kinerja_bot.survey.texts import TEXTS as SURVEY
from kinerja_bot.testing.fake_bot_api import SentMessage
from tests.conftest import RunningBot
from tests.survey.conftest import (
    ADMIN,
    CITIZEN,
    HANDLER,
    HEAD,
    OTHER_CITIZEN,
    OUTSIDER,
    City,
    alert_for,
    all_scores,
    answer_all,
    tap,
)

COMPLAINT = "Antrean <b>3 jam</b> & petugas tidak ada"
# The citizen types tags; they must reach the handler as typed, tags and all.


def plain(html: str) -> str:
    for tag in ("<b>", "</b>", "<i>", "</i>"):
        html = html.replace(tag, "")
    return html.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


async def ticket(database: Database) -> Complaint:
    async with database.session() as session:
        (complaint,) = (await session.exec(select(Complaint))).all()
    return complaint


async def events(database: Database) -> list[str]:
    async with database.session() as session:
        rows = (await session.exec(select(ComplaintEvent).order_by(col(ComplaintEvent.id)))).all()
    return [row.status for row in rows]


async def file_ticket(bot: RunningBot, *, contact: bool = True) -> SentMessage:
    """A citizen rates Waktu Penyelesaian 1, then files a complaint from the survey."""
    for user in (CITIZEN, HANDLER, HEAD, OUTSIDER, OTHER_CITIZEN, ADMIN):
        bot.api.user(user)
    (question,) = await bot.say(CITIZEN, "/start layanan-L-KTP")
    intro = await answer_all(bot, CITIZEN, question, all_scores(3) | {"U3": 1})
    prompt = await tap(bot, CITIZEN, intro, SURVEY.get("tombol_lewati"))
    offer = await tap(bot, CITIZEN, prompt, SURVEY.get("tombol_lewati"))
    assert "Waktu Penyelesaian" in offer.plain_text
    ask = await tap(bot, CITIZEN, offer, SURVEY.get("tombol_buat_tiket"))
    assert ask.plain_text.startswith("Ceritakan pengaduan Anda")
    (consent,) = await bot.say(CITIZEN, COMPLAINT)
    assert "id chat Telegram" in consent.plain_text
    label = TEXTS.get("tombol_setuju_kontak" if contact else "tombol_tanpa_kontak")
    done = await tap(bot, CITIZEN, consent, label)
    await bot.api.wait_until(lambda: bot.api.unread(HANDLER))  # the unit's notification
    return done


async def test_from_ticket_to_answer_to_reopen_to_close(
    bot: RunningBot, database: Database, city: City
) -> None:
    done = await file_ticket(bot)
    complaint = await ticket(database)
    today = utcnow().astimezone(WIB).date()
    assert complaint.nomor == f"ADU-{today:%y%m}-0001"
    assert complaint.status == ComplaintStatus.RECEIVED
    assert complaint.due_date == complaint_due_date(today)
    assert complaint.text == COMPLAINT and complaint.chat_id == CITIZEN
    assert done.plain_text == plain(
        TEXTS.get(
            "tiket_dibuat",
            nomor=complaint.nomor,
            status=status_name(ComplaintStatus.RECEIVED),
            tenggat=format_date_id(complaint.due_date, with_weekday=True),
            kontak=TEXTS.get("kontak_ya"),
        )
    )
    async with database.session() as session:
        (consent,) = (await session.exec(select(Consent))).all()
    assert (consent.telegram_id, consent.purpose) == (CITIZEN, PURPOSE_COMPLAINT_CONTACT)
    assert consent.text_version == TEXTS.get("persetujuan_kontak_versi")
    assert complaint.consent_id == consent.id

    # The unit's complaint handler is told at once, without the citizen's identity.
    notice = await bot.api.next_message(HANDLER)
    assert notice.plain_text.startswith(f"🔔 Pengaduan baru {complaint.nomor}")
    assert COMPLAINT in notice.plain_text  # echoed literally, escaped on the way
    assert str(CITIZEN) not in notice.plain_text
    view = await tap(bot, HANDLER, notice, TEXTS.get("tombol_lihat"))
    assert "Dari survei: nilai terendah untuk Waktu Penyelesaian." in view.plain_text
    assert TEXTS.get("kontak_ada") in view.plain_text
    assert str(CITIZEN) not in view.plain_text

    view = await tap(bot, HANDLER, view, TEXTS.get("tombol_proses"))
    assert f"Status: {status_name(ComplaintStatus.IN_PROGRESS)}" in view.plain_text
    bot.api.press_button(HANDLER, view, label=TEXTS.get("tombol_jawab"))
    prompt = await bot.api.next_message(HANDLER)
    assert prompt.plain_text.startswith(f"Ketik jawaban untuk tiket {complaint.nomor}")
    (reply,) = await bot.say(HANDLER, "x" * (ANSWER_MAX_CHARS + 1))
    assert reply.plain_text == TEXTS.get(
        "terlalu_panjang", panjang=ANSWER_MAX_CHARS + 1, batas=ANSWER_MAX_CHARS
    )
    (confirm,) = await bot.say(HANDLER, "Loket tambahan dibuka mulai Senin.")
    sent = await tap(bot, HANDLER, confirm, TEXTS.get("tombol_kirim"))
    assert sent.plain_text == plain(TEXTS.get("jawaban_terkirim", nomor=complaint.nomor))

    answer = await bot.api.next_message(CITIZEN)
    assert "Loket tambahan dibuka mulai Senin." in answer.plain_text
    assert answer.button_labels == [
        TEXTS.get("tombol_sudah_selesai"),
        TEXTS.get("tombol_belum_selesai"),
    ]
    # Not solved: the ticket opens again with a new due date, and the unit is told.
    bot.api.press_button(CITIZEN, answer, label=TEXTS.get("tombol_belum_selesai"))
    reopened = await bot.api.next_message(CITIZEN)
    assert reopened.plain_text.startswith(f"Tiket {complaint.nomor} dibuka kembali")
    assert answer.button_labels == []
    notice = await bot.api.next_message(HANDLER)
    assert notice.plain_text.startswith(f"🔔 Tiket {complaint.nomor} dibuka kembali oleh warga")
    assert (await ticket(database)).status == ComplaintStatus.REOPENED

    view = await tap(bot, HANDLER, notice, TEXTS.get("tombol_lihat"))
    bot.api.press_button(HANDLER, view, label=TEXTS.get("tombol_jawab"))
    await bot.api.next_message(HANDLER)
    (confirm,) = await bot.say(HANDLER, "Sudah kami tambah dua petugas.")
    await tap(bot, HANDLER, confirm, TEXTS.get("tombol_kirim"))
    answer = await bot.api.next_message(CITIZEN)
    bot.api.press_button(CITIZEN, answer, label=TEXTS.get("tombol_sudah_selesai"))
    thanks = await bot.api.next_message(CITIZEN)
    assert thanks.plain_text == plain(TEXTS.get("warga_selesai", nomor=complaint.nomor))
    closed = await ticket(database)
    assert closed.status == ComplaintStatus.CLOSED and closed.closed_at is not None
    assert closed.answer == "Sudah kami tambah dua petugas."
    assert await events(database) == [
        ComplaintStatus.RECEIVED,
        ComplaintStatus.IN_PROGRESS,
        ComplaintStatus.ANSWERED,
        ComplaintStatus.REOPENED,
        ComplaintStatus.ANSWERED,
        ComplaintStatus.CLOSED,
    ]

    # A reply button pressed again once the ticket is closed is refused politely.
    alert = await alert_for(bot, CITIZEN, answer, f"tkt:ok:{closed.id}")
    assert alert == TEXTS.get(
        "peringatan_status_berubah", status=status_name(ComplaintStatus.CLOSED)
    )


async def test_tiket_nomor_shows_each_person_what_is_theirs(
    bot: RunningBot, database: Database, city: City
) -> None:
    await file_ticket(bot)
    complaint = await ticket(database)
    (own,) = await bot.say(CITIZEN, f"/tiket {complaint.nomor.lower()}")
    assert own.plain_text.startswith(f"Tiket {complaint.nomor}")
    assert COMPLAINT in own.plain_text
    (other,) = await bot.say(OTHER_CITIZEN, f"/tiket {complaint.nomor}")
    assert COMPLAINT not in other.plain_text
    assert f"Status: {status_name(ComplaintStatus.RECEIVED)}" in other.plain_text
    (missing,) = await bot.say(OTHER_CITIZEN, "/tiket ADU-0101-9999")
    assert missing.plain_text == plain(TEXTS.get("tidak_ditemukan", nomor="ADU-0101-9999"))
    (mine,) = await bot.say(CITIZEN, "/tiket")
    assert complaint.nomor in mine.plain_text
    (none,) = await bot.say(OTHER_CITIZEN, "/tiket")
    assert none.plain_text == plain(TEXTS.get("tiket_warga_kosong"))
    bot.api.mark_read(HANDLER)  # the notification of the new ticket
    (staff,) = await bot.say(HANDLER, f"/tiket {complaint.nomor}")
    assert TEXTS.get("tombol_jawab") in staff.button_labels


async def test_tiket_list_and_buttons_are_checked_on_every_press(
    bot: RunningBot, database: Database, city: City
) -> None:
    await file_ticket(bot)
    complaint = await ticket(database)
    view_data = f"tkt:v:{complaint.id}"
    bot.api.mark_read(HANDLER)  # the notification of the new ticket

    (listing,) = await bot.say(HANDLER, "/tiket")
    assert listing.plain_text.startswith("Tiket pengaduan terbuka: 1")
    assert complaint.nomor in listing.plain_text
    (head_list,) = await bot.say(HEAD, "/tiket")
    assert complaint.nomor in head_list.plain_text
    (admin_list,) = await bot.say(ADMIN, "/tiket")
    assert complaint.nomor in admin_list.plain_text
    (outsider_list,) = await bot.say(OUTSIDER, "/tiket")
    assert outsider_list.plain_text == TEXTS.get("daftar_kosong")

    # Someone else's button: the outsider (another unit) and a citizen are refused.
    for user in (OUTSIDER, OTHER_CITIZEN):
        message = outsider_list if user == OUTSIDER else (await bot.say(user, "/tiket"))[0]
        for data in (
            view_data,
            f"tkt:p:{complaint.id}",
            f"tkt:j:{complaint.id}",
            f"tkt:tt:{complaint.id}",
        ):
            alert = await alert_for(bot, user, message, data)
            assert alert == TEXTS.get("peringatan_bukan_wewenang")
        alert = await alert_for(bot, user, message, f"tkt:ok:{complaint.id}")
        assert alert == TEXTS.get("peringatan_bukan_milik")
    assert (await ticket(database)).status == ComplaintStatus.RECEIVED

    # The head closes it (after confirming); the citizen is told.
    view = await tap(bot, HEAD, head_list, head_list.button_labels[0])
    confirm = await tap(bot, HEAD, view, TEXTS.get("tombol_tutup"))
    view = await tap(bot, HEAD, confirm, TEXTS.get("tombol_ya_tutup"))
    assert f"Status: {status_name(ComplaintStatus.CLOSED)}" in view.plain_text
    told = await bot.api.next_message(CITIZEN)
    closed = await ticket(database)
    assert closed.closed_at is not None
    last_day = reopen_until(closed.closed_at.astimezone(WIB).date())
    assert told.plain_text == plain(
        TEXTS.get("ditutup_untuk_warga", nomor=complaint.nomor, batas=format_date_id(last_day))
    )
    assert told.button_labels == [TEXTS.get("tombol_buka_kembali")]
    (listing,) = await bot.say(HANDLER, "/tiket")
    assert listing.plain_text == TEXTS.get("daftar_kosong")


async def test_an_anonymous_ticket_cannot_be_answered_to_the_citizen(
    bot: RunningBot, database: Database, city: City
) -> None:
    done = await file_ticket(bot, contact=False)
    assert TEXTS.get("kontak_tidak") in done.plain_text
    complaint = await ticket(database)
    assert complaint.chat_id is None and complaint.consent_id is None
    async with database.session() as session:
        assert (await session.exec(select(Consent))).all() == []
    notice = await bot.api.next_message(HANDLER)
    view = await tap(bot, HANDLER, notice, TEXTS.get("tombol_lihat"))
    assert TEXTS.get("kontak_tidak_ada") in view.plain_text
    bot.api.press_button(HANDLER, view, label=TEXTS.get("tombol_jawab"))
    await bot.api.next_message(HANDLER)
    (confirm,) = await bot.say(HANDLER, "Terima kasih, sudah ditindaklanjuti.")
    done = await tap(bot, HANDLER, confirm, TEXTS.get("tombol_kirim"))
    assert done.plain_text == plain(TEXTS.get("jawaban_tanpa_kontak", nomor=complaint.nomor))
    assert bot.api.unread(CITIZEN) == []


async def test_answering_can_be_changed_or_cancelled(
    bot: RunningBot, database: Database, city: City
) -> None:
    await file_ticket(bot)
    complaint = await ticket(database)
    notice = await bot.api.next_message(HANDLER)
    bot.api.press_button(HANDLER, notice, f"tkt:j:{complaint.id}", check=False)
    await bot.api.next_message(HANDLER)
    (reply,) = await bot.say(HANDLER, "/survei")
    assert reply.plain_text == TEXTS.get("sedang_menjawab")
    (confirm,) = await bot.say(HANDLER, "Draf pertama")
    again = await tap(bot, HANDLER, confirm, TEXTS.get("tombol_ubah"))
    assert again.plain_text.startswith(f"Ketik jawaban untuk tiket {complaint.nomor}")
    (confirm,) = await bot.say(HANDLER, "Draf kedua")
    cancelled = await tap(bot, HANDLER, confirm, TEXTS.get("tombol_batal"))
    assert cancelled.plain_text == TEXTS.get("batal_jawab")
    assert (await ticket(database)).status == ComplaintStatus.RECEIVED


async def test_the_auto_close_job_tells_the_citizen(
    bot: RunningBot, database: Database, city: City
) -> None:
    await file_ticket(bot)
    notice = await bot.api.next_message(HANDLER)
    view = await tap(bot, HANDLER, notice, TEXTS.get("tombol_lihat"))
    bot.api.press_button(HANDLER, view, label=TEXTS.get("tombol_jawab"))
    await bot.api.next_message(HANDLER)
    (confirm,) = await bot.say(HANDLER, "Sudah selesai kami tangani.")
    await tap(bot, HANDLER, confirm, TEXTS.get("tombol_kirim"))
    await bot.api.next_message(CITIZEN)
    async with database.session() as session:
        complaint = (await session.exec(select(Complaint))).one()
        complaint.answered_at = utcnow() - timedelta(days=40)
        session.add(complaint)
    await auto_close_job(BotContext(bot.application))
    told = await bot.api.next_message(CITIZEN)
    closed = await ticket(database)
    assert closed.status == ComplaintStatus.CLOSED and closed.closed_at is not None
    last_day = reopen_until(closed.closed_at.astimezone(WIB).date())
    assert told.plain_text == plain(
        TEXTS.get(
            "ditutup_otomatis_untuk_warga", nomor=complaint.nomor, batas=format_date_id(last_day)
        )
    )
    assert told.button_labels == [TEXTS.get("tombol_buka_kembali")]
    await auto_close_job(BotContext(bot.application))  # idempotent: nothing more to tell
    assert bot.api.unread(CITIZEN) == []
    # The courier records the send once Telegram has answered: the message can arrive first
    # (polled: a database row has no event to wait on).
    async with asyncio.timeout(5):
        while (rows := await closing_notices(database))[0].status == DeliveryStatus.SENDING:  # noqa: ASYNC110
            await asyncio.sleep(0.02)
    (row,) = rows
    assert (row.job, row.chat_id, row.status) == (CLOSED_JOB, CITIZEN, DeliveryStatus.SENT)


async def closing_notices(database: Database) -> list[Delivery]:
    async with database.session() as session:
        return list((await session.exec(select(Delivery).where(Delivery.job == CLOSED_JOB))).all())


async def close_by_staff(bot: RunningBot, database: Database) -> SentMessage:
    """The handler closes the citizen's new ticket; the closing notice the citizen gets."""
    await file_ticket(bot)
    complaint = await ticket(database)
    bot.api.mark_read(HANDLER)
    (listing,) = await bot.say(HANDLER, "/tiket")
    view = await tap(bot, HANDLER, listing, listing.button_labels[0])
    confirm = await tap(bot, HANDLER, view, TEXTS.get("tombol_tutup"))
    await tap(bot, HANDLER, confirm, TEXTS.get("tombol_ya_tutup"))
    told = await bot.api.next_message(CITIZEN)
    assert told.plain_text.startswith(f"Tiket pengaduan {complaint.nomor} telah ditutup")
    return told


async def test_a_closed_ticket_is_reopened_from_its_closing_notice(
    bot: RunningBot, database: Database, city: City
) -> None:
    told = await close_by_staff(bot, database)
    complaint = await ticket(database)
    # Second thoughts first: "Tidak" keeps it closed and says so.
    confirm = await tap(bot, CITIZEN, told, TEXTS.get("tombol_buka_kembali"))
    assert confirm.plain_text == plain(TEXTS.get("konfirmasi_buka_kembali", nomor=complaint.nomor))
    kept = await tap(bot, CITIZEN, confirm, TEXTS.get("tombol_biarkan_selesai"))
    assert kept.plain_text == plain(TEXTS.get("tetap_selesai", nomor=complaint.nomor))
    assert (await ticket(database)).status == ComplaintStatus.CLOSED
    # Then for real: reopened with a new due date, the unit told as for an answered ticket.
    edits = told.edit_count
    bot.api.press_button(CITIZEN, told, f"tkt:bk:{complaint.id}", check=False)
    await bot.api.wait_until(lambda: told.edit_count > edits)
    bot.api.press_button(CITIZEN, told, label=TEXTS.get("tombol_ya_buka_kembali"))
    reopened = await bot.api.next_message(CITIZEN)
    assert told.button_labels == []
    assert reopened.plain_text.startswith(f"Tiket {complaint.nomor} dibuka kembali")
    notice = await bot.api.next_message(HANDLER)
    assert notice.plain_text.startswith(f"🔔 Tiket {complaint.nomor} dibuka kembali oleh warga")
    again = await ticket(database)
    assert again.status == ComplaintStatus.REOPENED and again.closed_at is None
    assert again.due_date == complaint_due_date(utcnow().astimezone(WIB).date())
    assert (await events(database))[-2:] == [ComplaintStatus.CLOSED, ComplaintStatus.REOPENED]
    # Another citizen's forged press changes nothing.
    (other,) = await bot.say(OTHER_CITIZEN, "/tiket")
    alert = await alert_for(bot, OTHER_CITIZEN, other, f"tkt:bk:{complaint.id}")
    assert alert == TEXTS.get("peringatan_bukan_milik")


async def test_the_reopen_window_closes_after_ten_working_days(
    bot: RunningBot, database: Database, city: City
) -> None:
    told = await close_by_staff(bot, database)
    async with database.session() as session:
        complaint = (await session.exec(select(Complaint))).one()
        complaint.closed_at = utcnow() - timedelta(days=30)
        session.add(complaint)
    for data in (f"tkt:bk:{complaint.id}", f"tkt:no:{complaint.id}"):
        alert = await alert_for(bot, CITIZEN, told, data)
        assert alert == TEXTS.get("peringatan_batas_buka_lewat")
    assert (await ticket(database)).status == ComplaintStatus.CLOSED
    assert bot.api.unread(HANDLER) == []


async def test_two_staff_sending_answers_at_once_the_citizen_gets_one(
    bot: RunningBot, database: Database, city: City
) -> None:
    await file_ticket(bot)
    complaint = await ticket(database)
    bot.api.mark_read(HANDLER)
    confirms: dict[int, SentMessage] = {}
    for staff in (HANDLER, HEAD):
        (view,) = await bot.say(staff, f"/tiket {complaint.nomor}")
        bot.api.press_button(staff, view, label=TEXTS.get("tombol_jawab"))
        await bot.api.next_message(staff)  # "Ketik jawaban …"
        (confirms[staff],) = await bot.say(staff, f"Jawaban dari {staff}")
    bot.api.mark_read(CITIZEN)
    for staff, confirm in confirms.items():  # both press Kirim before either is answered
        bot.api.press_button(staff, confirm, label=TEXTS.get("tombol_kirim"))
    await bot.api.wait_until(lambda: all(not c.buttons for c in confirms.values()))

    stored = await ticket(database)
    winner = HANDLER if stored.answer == f"Jawaban dari {HANDLER}" else HEAD
    loser = HEAD if winner == HANDLER else HANDLER
    assert confirms[winner].plain_text == plain(
        TEXTS.get("jawaban_terkirim", nomor=complaint.nomor)
    )
    assert confirms[loser].plain_text == plain(
        TEXTS.get(
            "jawaban_didahului",
            nomor=complaint.nomor,
            status=status_name(ComplaintStatus.ANSWERED),
        )
    )
    (answer,) = await bot.api.wait_for_messages(CITIZEN, 1)  # queued, sent right after
    assert f"Jawaban dari {winner}" in answer.plain_text
    assert (await events(database)).count(ComplaintStatus.ANSWERED) == 1
