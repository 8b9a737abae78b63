"""/adu: a complaint without the survey, from the command, a QR deep link or typed words."""

from __future__ import annotations

import json

from sqlmodel import col, select

from kinerja_bot.complaints.service import COMPLAINT_MAX_CHARS
from kinerja_bot.complaints.texts import TEXTS, status_name
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    Consent,
    SurveyResponse,
)
from kinerja_bot.core.rules.periods import format_date_id
from kinerja_bot.core.telegram_ui import COMMON_TEXTS
from kinerja_bot.core.vocabulary import WORDS
from kinerja_bot.general import wants_to_complain
from kinerja_bot.testing.fake_bot_api import SentMessage
from tests.conftest import RunningBot
from tests.survey.conftest import CITIZEN, HANDLER, OTHER_CITIZEN, City, tap


def plain(html: str) -> str:
    return html.replace("<b>", "").replace("</b>", "")


async def only_ticket(database: Database) -> Complaint:
    async with database.session() as session:
        (complaint,) = (await session.exec(select(Complaint))).all()
    return complaint


async def test_adu_files_a_ticket_without_the_survey(
    bot: RunningBot, database: Database, city: City
) -> None:
    for user in (CITIZEN, HANDLER):
        bot.api.user(user)
    (units,) = await bot.say(CITIZEN, "/adu")
    assert units.plain_text == plain(TEXTS.get("pilih_unit", halaman=1, jumlah=1))
    assert units.button_labels == ["Dinkes — UPTD Puskesmas Pamulang", "Disdukcapil"]
    services = await tap(bot, CITIZEN, units, "Disdukcapil")
    assert services.plain_text == plain(
        TEXTS.get("pilih_layanan", unit="Disdukcapil", halaman=1, jumlah=1)
    )
    # ◀ back to the units, and in again.
    units = await tap(bot, CITIZEN, services, TEXTS.get("tombol_unit_lain"))
    assert units.button_labels[1] == "Disdukcapil"
    services = await tap(bot, CITIZEN, units, "Disdukcapil")
    ask = await tap(bot, CITIZEN, services, "Perekaman KTP-el")
    assert ask.plain_text == plain(
        TEXTS.get(
            "adu_minta_teks",
            layanan="Perekaman KTP-el",
            unit="Disdukcapil",
            batas=COMPLAINT_MAX_CHARS,
        )
    )
    (too_long,) = await bot.say(CITIZEN, "x" * (COMPLAINT_MAX_CHARS + 1))
    assert too_long.plain_text == TEXTS.get(
        "adu_terlalu_panjang", panjang=COMPLAINT_MAX_CHARS + 1, batas=COMPLAINT_MAX_CHARS
    )
    (consent,) = await bot.say(CITIZEN, "Petugas loket 2 meminta biaya tambahan.")
    done = await tap(bot, CITIZEN, consent, TEXTS.get("tombol_setuju_kontak"))
    complaint = await only_ticket(database)
    assert done.plain_text == plain(
        TEXTS.get(
            "tiket_dibuat",
            nomor=complaint.nomor,
            status=status_name(ComplaintStatus.RECEIVED),
            tenggat=format_date_id(complaint.due_date, with_weekday=True),
            kontak=TEXTS.get("kontak_ya"),
        )
    )
    assert (complaint.service_id, complaint.chat_id) == (city.ktp.id, CITIZEN)
    assert complaint.text == "Petugas loket 2 meminta biaya tambahan."
    async with database.session() as session:
        (consent_row,) = (await session.exec(select(Consent))).all()
        (event,) = (
            await session.exec(select(ComplaintEvent).order_by(col(ComplaintEvent.id)))
        ).all()
        assert (await session.exec(select(SurveyResponse))).all() == []  # no survey taken
    assert consent_row.text_version == TEXTS.get("persetujuan_kontak_versi")
    assert event.note == TEXTS.get("catatan_adu")
    notice = await bot.api.next_message(HANDLER)
    assert notice.plain_text.startswith(f"🔔 Pengaduan baru {complaint.nomor}")


async def test_a_qr_deep_link_goes_straight_to_the_text(
    bot: RunningBot, database: Database, city: City
) -> None:
    (ask,) = await bot.say(CITIZEN, "/start adu-PKM-UMUM")
    assert "Poli Umum Puskesmas Pamulang" in ask.plain_text
    assert "Dinkes — UPTD Puskesmas Pamulang" in ask.plain_text
    (other,) = await bot.say(CITIZEN, "/survei")
    assert other.plain_text == TEXTS.get("adu_sedang")
    (consent,) = await bot.say(CITIZEN, "Antrean obat dua jam.")
    await tap(bot, CITIZEN, consent, TEXTS.get("tombol_tanpa_kontak"))
    complaint = await only_ticket(database)
    assert (complaint.service_id, complaint.chat_id) == (city.pkm.id, None)

    (unknown,) = await bot.say(OTHER_CITIZEN, "/start adu-HILANG")
    assert unknown.plain_text.startswith("Kode layanan HILANG tidak dikenal.")
    assert "Disdukcapil" in unknown.button_labels
    (cancelled,) = await bot.say(OTHER_CITIZEN, "/batal")
    assert cancelled.plain_text == TEXTS.get("adu_batal")


async def test_saying_one_wants_to_complain_offers_adu(bot: RunningBot, city: City) -> None:
    (reply,) = await bot.say(CITIZEN, "Saya mau MENGADU soal KTP")
    assert reply.plain_text == COMMON_TEXTS.get("mau_mengadu")
    units = await tap(bot, CITIZEN, reply, COMMON_TEXTS.get("tombol_adu"))
    assert units.button_labels == ["Dinkes — UPTD Puskesmas Pamulang", "Disdukcapil"]
    (other,) = await bot.say(OTHER_CITIZEN, "selamat pagi")
    assert other.plain_text == COMMON_TEXTS.get("teks_tidak_dipahami")


def test_complaint_words_are_whole_words() -> None:
    words = COMMON_TEXTS.data("kata_pengaduan")
    assert wants_to_complain("mau komplain", words)
    assert wants_to_complain("lapor pengaduan", words)
    assert wants_to_complain("Saya ingin mengadu.", words)
    assert not wants_to_complain("saya mau lapor kinerja", words)
    assert not wants_to_complain("padu padan", words)  # "adu" inside a word


async def ask_for_ktp_complaint(bot: RunningBot, user: int) -> SentMessage:
    """/adu through the units to Perekaman KTP-el: the question for the text."""
    (units,) = await bot.say(user, "/adu")
    services = await tap(bot, user, units, "Disdukcapil")
    return await tap(bot, user, services, "Perekaman KTP-el")


async def test_a_photo_with_a_caption_files_the_ticket_and_staff_see_the_photo(
    bot: RunningBot, database: Database, city: City
) -> None:
    for user in (CITIZEN, HANDLER):
        bot.api.user(user)
    ask = await ask_for_ktp_complaint(bot, CITIZEN)
    assert TEXTS.get("adu_minta_teks", layanan="x", unit="y", batas=1).splitlines()[-1] in (
        ask.plain_text
    )
    sent = bot.api.send_photo(CITIZEN, caption="  Loket 3 tutup padahal jam layanan.  ")
    photo_id = sent["photo"][-1]["file_id"]
    (consent,) = await bot.api.wait_for_messages(CITIZEN, 1)
    await tap(bot, CITIZEN, consent, TEXTS.get("tombol_tanpa_kontak"))
    complaint = await only_ticket(database)
    assert (complaint.text, complaint.photo_file_id) == (
        "Loket 3 tutup padahal jam layanan.",
        photo_id,
    )
    assert complaint.chat_id is None

    notice = await bot.api.next_message(HANDLER)
    detail = await tap(bot, HANDLER, notice, TEXTS.get("tombol_lihat"))
    assert f"Tiket {complaint.nomor}" in detail.plain_text
    photo = await bot.api.next_message(HANDLER)
    assert (photo.kind, photo.file_id, photo.plain_text) == ("photo", photo_id, complaint.nomor)

    staff_view, staff_photo = await bot.say(HANDLER, f"/tiket {complaint.nomor}", replies=2)
    assert f"Tiket {complaint.nomor}" in staff_view.plain_text
    assert (staff_photo.kind, staff_photo.file_id) == ("photo", photo_id)
    (status_only,) = await bot.say(OTHER_CITIZEN, f"/tiket {complaint.nomor}")
    assert status_only.kind == "text"
    (own,) = await bot.say(OTHER_CITIZEN, "/tiket")  # the next message, not the photo
    assert own.plain_text == TEXTS.get("tiket_warga_kosong")


async def test_a_photo_without_a_caption_is_kept_while_the_text_is_asked_for(
    bot: RunningBot, database: Database, city: City
) -> None:
    await ask_for_ktp_complaint(bot, CITIZEN)
    sent = bot.api.send_photo(CITIZEN)
    photo_id = sent["photo"][-1]["file_id"]
    (asked,) = await bot.api.wait_for_messages(CITIZEN, 1)
    assert asked.plain_text == TEXTS.get("adu_foto_minta_teks", batas=COMPLAINT_MAX_CHARS)
    bot.api.send_sticker(CITIZEN)
    (sticker,) = await bot.api.wait_for_messages(CITIZEN, 1)
    assert sticker.plain_text == TEXTS.get("adu_bukan_teks")
    (consent,) = await bot.say(CITIZEN, "Antrean tidak dipanggil sesuai nomor.")
    await tap(bot, CITIZEN, consent, TEXTS.get("tombol_setuju_kontak"))
    complaint = await only_ticket(database)
    assert complaint.text == "Antrean tidak dipanggil sesuai nomor."
    assert (complaint.photo_file_id, complaint.chat_id) == (photo_id, CITIZEN)


async def test_a_photo_telegram_no_longer_knows_is_reported_to_staff(
    bot: RunningBot, database: Database, city: City
) -> None:
    """A file_id only holds for the bot token that received it (a new token loses it)."""
    for user in (CITIZEN, HANDLER):
        bot.api.user(user)
    await ask_for_ktp_complaint(bot, CITIZEN)
    bot.api.send_photo(CITIZEN, caption="Loket 3 tutup.")
    (consent,) = await bot.api.wait_for_messages(CITIZEN, 1)
    await tap(bot, CITIZEN, consent, TEXTS.get("tombol_tanpa_kontak"))
    await bot.api.next_message(HANDLER)  # the unit's notification, sent after the answer
    complaint = await only_ticket(database)
    async with database.session() as session:
        complaint.photo_file_id = "PHO-of-another-bot"
        session.add(complaint)
    _, missing = await bot.say(HANDLER, f"/tiket {complaint.nomor}", replies=2)
    assert missing.plain_text == TEXTS.get("rincian_foto_gagal", nomor=complaint.nomor)
    assert bot.errors == []


async def test_lainnya_files_a_ticket_about_the_unit_and_every_view_names_it(
    bot: RunningBot, database: Database, city: City
) -> None:
    """DESIGN §2: unit → service *or 'lainnya'*: a matter none of the unit's services covers."""
    other = WORDS.get("layanan_lainnya")
    for user in (CITIZEN, HANDLER):
        bot.api.user(user)
    (units,) = await bot.say(CITIZEN, "/adu")
    services = await tap(bot, CITIZEN, units, "Disdukcapil")
    assert services.button_labels[-2:] == [
        TEXTS.get("tombol_lainnya"),
        TEXTS.get("tombol_unit_lain"),
    ]
    ask = await tap(bot, CITIZEN, services, TEXTS.get("tombol_lainnya"))
    assert ask.plain_text == plain(
        TEXTS.get("adu_minta_teks_lainnya", unit="Disdukcapil", batas=COMPLAINT_MAX_CHARS)
    )
    (consent,) = await bot.say(CITIZEN, "Parkir liar di depan kantor menutup jalan.")
    done = await tap(bot, CITIZEN, consent, TEXTS.get("tombol_setuju_kontak"))
    complaint = await only_ticket(database)
    assert complaint.nomor in done.plain_text
    assert (complaint.service_id, complaint.unit_id, complaint.chat_id) == (
        None,
        city.disdukcapil.id,
        CITIZEN,
    )

    # The unit's handler is told, lists it, opens it and answers it.
    notice = await bot.api.next_message(HANDLER)
    assert notice.plain_text.startswith(f"🔔 Pengaduan baru {complaint.nomor}")
    assert f"Layanan: {other}" in notice.plain_text
    (listing,) = await bot.say(HANDLER, "/tiket")
    assert f"{complaint.nomor} — {other}" in listing.plain_text
    view = await tap(bot, HANDLER, listing, listing.button_labels[0])
    assert f"Layanan: {other}" in view.plain_text
    bot.api.press_button(HANDLER, view, label=TEXTS.get("tombol_jawab"))
    await bot.api.next_message(HANDLER)
    (confirm,) = await bot.say(HANDLER, "Sudah kami laporkan ke Dishub.")
    await tap(bot, HANDLER, confirm, TEXTS.get("tombol_kirim"))
    answer = await bot.api.next_message(CITIZEN)
    assert f"Layanan: {other}" in answer.plain_text
    assert "Sudah kami laporkan ke Dishub." in answer.plain_text

    # The citizen sees it among their tickets and in full.
    (mine,) = await bot.say(CITIZEN, "/tiket")
    assert (
        plain(
            TEXTS.get(
                "tiket_warga_baris",
                nomor=complaint.nomor,
                layanan=other,
                status=status_name(ComplaintStatus.ANSWERED),
            )
        )
        in mine.plain_text
    )
    (full,) = await bot.say(CITIZEN, f"/tiket {complaint.nomor}")
    assert f"Layanan: {other}" in full.plain_text
    (status_only,) = await bot.say(OTHER_CITIZEN, f"/tiket {complaint.nomor}")
    assert f"Layanan: {other}" in status_only.plain_text

    # Staff close it; the citizen hears so.
    (view,) = await bot.say(HANDLER, f"/tiket {complaint.nomor}")
    confirm = await tap(bot, HANDLER, view, TEXTS.get("tombol_tutup"))
    await tap(bot, HANDLER, confirm, TEXTS.get("tombol_ya_tutup"))
    told = await bot.api.next_message(CITIZEN)
    assert told.plain_text.startswith(f"Tiket pengaduan {complaint.nomor} telah ditutup")

    # /datasaya lists it too.
    bot.api.send_text(CITIZEN, "/datasaya")
    document = await bot.api.next_message(CITIZEN)
    (kept,) = json.loads(bot.api.files[document.file_id or ""].content)["tiket_pengaduan"]
    assert (kept["nomor"], kept["layanan"]) == (complaint.nomor, other)
    assert bot.errors == []
