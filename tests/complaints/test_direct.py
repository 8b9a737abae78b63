"""/adu: a complaint without the survey, from the command, a QR deep link or typed words."""

from __future__ import annotations

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
from kinerja_bot.general import wants_to_complain
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
