"""/privasi, /datasaya and /hapusdata end to end; then the database is searched for the person."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from sqlalchemy import text
from sqlmodel import SQLModel, col, select

from kinerja_bot.complaints.texts import TEXTS as COMPLAINTS
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    ActivationFailure,
    Complaint,
    Consent,
    Employee,
    InboxUpdate,
    SurveyResponse,
    utcnow,
)
from kinerja_bot.core.settings import Settings
from kinerja_bot.general import TEXTS as GENERAL
from kinerja_bot.ikm.texts import TEXTS as IKM_TEXTS
from kinerja_bot.privacy.handlers import ASKED_KEY, CONFIRMATION_VALID, EXPORT_FILE, TEXTS
from kinerja_bot.privacy.service import PURPOSE_COMPLAINT_CONTACT
from kinerja_bot.survey.texts import TEXTS as SURVEY
from kinerja_bot.testing.fake_bot_api import FakeBotAPI, SentMessage
from tests.conftest import RunningBot, running_bot
from tests.survey.conftest import (
    CITIZEN,
    HANDLER,
    HEAD,
    City,
    alert_for,
    all_scores,
    answer_all,
    tap,
)

NAME = "Wulandari Kusumastuti"


def plain(html: str) -> str:
    for tag in ("<b>", "</b>", "<i>", "</i>"):
        html = html.replace(tag, "")
    return html


async def survey_with_ticket(bot: RunningBot, user: int) -> None:
    """A survey with a score of 1 and a complaint filed with the contact kept."""
    bot.api.user(user, NAME)
    bot.api.user(HANDLER)
    (question,) = await bot.say(user, "/start layanan-L-KTP")
    intro = await answer_all(bot, user, question, all_scores(3) | {"U7": 1})
    step = await tap(bot, user, intro, SURVEY.get("tombol_isi_profil"))
    for _ in range(4):
        step = await tap(bot, user, step, step.button_labels[0])
    (offer,) = await bot.say(user, "Petugas membentak saya.")
    consent = await tap(bot, user, offer, SURVEY.get("tombol_buat_tiket"))
    await tap(bot, user, consent, COMPLAINTS.get("tombol_setuju_kontak"))
    await bot.api.wait_until(lambda: bot.api.unread(HANDLER))


async def rows_mentioning(database: Database, *needles: str) -> list[str]:
    """Every table, row and column whose value contains one of `needles` (as text), once the
    bot is done with every update it received (the inbox keeps an update's content until its
    handling, the erasure's own included, is over)."""
    for _ in range(600):  # 30 s at most
        if not await unfinished_updates(database):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the bot never finished its updates")
    found = []
    async with database.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            result = await connection.execute(text(f'SELECT * FROM "{table.name}"'))
            for row in result.mappings():
                for column, value in row.items():
                    if value is not None and any(n in str(value) for n in needles):
                        found.append(f"{table.name}.{column}={value!r}")
    return found


async def unfinished_updates(database: Database) -> int:
    async with database.session() as session:
        unfinished = select(InboxUpdate).where(col(InboxUpdate.done_at).is_(None))
        return len((await session.exec(unfinished)).all())


async def confirm_erase(bot: RunningBot, user: int) -> SentMessage:
    (question,) = await bot.say(user, "/hapusdata")
    return await tap(bot, user, question, TEXTS.get("tombol_ya_hapus"))


async def test_privasi_explains_what_why_how_long_and_rights(
    bot: RunningBot, settings: Settings
) -> None:
    (reply,) = await bot.say(CITIZEN, "/privasi")
    expected = TEXTS.get("privasi", hari=settings.personal_data_retention_days)
    assert reply.text == expected
    for command in ("/datasaya", "/hapusdata"):
        assert command in reply.plain_text


async def test_datasaya_sends_everything_kept_about_me(
    bot: RunningBot, database: Database, city: City
) -> None:
    await survey_with_ticket(bot, CITIZEN)
    bot.api.send_text(CITIZEN, "/datasaya")
    document = await bot.api.next_message(CITIZEN)
    assert document.kind == "document"
    assert document.plain_text == TEXTS.get("datasaya_keterangan")
    stored = bot.api.files[document.file_id or ""]
    assert stored.file_name == EXPORT_FILE
    data = json.loads(stored.content)
    assert data["akun_telegram"] == {"id": CITIZEN}
    assert data["pegawai"] is None
    (ticket,) = data["tiket_pengaduan"]
    assert ticket["pengaduan"] == "Petugas membentak saya."
    (consent,) = data["persetujuan"]
    assert consent["tujuan"] == PURPOSE_COMPLAINT_CONTACT
    assert consent["versi_teks"] == COMPLAINTS.get("persetujuan_kontak_versi")
    assert data["survei"] == TEXTS.get("datasaya_catatan_survei")


async def test_datasaya_of_an_asn_includes_the_employee_record(bot: RunningBot, city: City) -> None:
    bot.api.send_text(HEAD, "/datasaya")
    document = await bot.api.next_message(HEAD)
    data: dict[str, Any] = json.loads(bot.api.files[document.file_id or ""].content)
    assert data["pegawai"]["nip"] == city.head.nip
    assert data["peran_unit"] == [
        {"unit": "Dinas Kependudukan dan Pencatatan Sipil", "peran": "kepala"}
    ]


async def test_hapusdata_of_a_citizen_leaves_no_trace(
    settings: Settings, database: Database, api: FakeBotAPI, city: City
) -> None:
    async with running_bot(settings, database, api) as bot:
        await survey_with_ticket(bot, CITIZEN)
        async with database.session() as session:
            session.add(ActivationFailure(telegram_id=CITIZEN, at=utcnow()))
        assert await rows_mentioning(database, str(CITIZEN))

        (question,) = await bot.say(CITIZEN, "/hapusdata")
        assert question.plain_text == plain(
            TEXTS.get("hapus_konfirmasi_warga", persetujuan=1, tiket=1)
        )
        done = await tap(bot, CITIZEN, question, TEXTS.get("tombol_ya_hapus"))
        assert done.plain_text == plain(TEXTS.get("hapus_selesai_warga", persetujuan=1, tiket=1))
        assert await rows_mentioning(database, str(CITIZEN), NAME) == []
    assert bot.errors == []

    async with database.session() as session:
        (complaint,) = (await session.exec(select(Complaint))).all()
        assert complaint.chat_id is None and complaint.consent_id is None
        assert complaint.text == "Petugas membentak saya."  # the ticket stays, anonymised
        assert (await session.exec(select(Consent))).all()[0].telegram_id is None  # profile
        assert len((await session.exec(select(SurveyResponse))).all()) == 1


async def test_no_trace_is_left_after_the_bot_stops(
    settings: Settings, database: Database, api: FakeBotAPI, city: City
) -> None:
    async with running_bot(settings, database, api) as bot:
        await survey_with_ticket(bot, CITIZEN)
        await confirm_erase(bot, CITIZEN)
    assert await rows_mentioning(database, str(CITIZEN), NAME) == []


async def test_hapusdata_of_an_asn_unlinks_and_keeps_the_employment_record(
    bot: RunningBot, database: Database, city: City
) -> None:
    await survey_with_ticket(bot, HEAD)
    (question,) = await bot.say(HEAD, "/hapusdata")
    assert f"NIP {city.head.nip}" in question.plain_text
    assert "tidak dihapus" in question.plain_text
    done = await tap(bot, HEAD, question, TEXTS.get("tombol_ya_hapus"))
    assert done.plain_text == plain(
        TEXTS.get("hapus_selesai_asn", nip=city.head.nip, persetujuan=1, tiket=1)
    )
    assert await rows_mentioning(database, str(HEAD)) == []
    async with database.session() as session:
        head = await session.get(Employee, city.head.id)
    assert head is not None and head.nama == "Hendra Gunawan" and head.telegram_id is None
    (reply,) = await bot.say(HEAD, "/ikm")  # no longer a linked unit head
    assert reply.plain_text == IKM_TEXTS.get("ikm_tidak_berhak")


async def test_batal_and_an_expired_confirmation_delete_nothing(
    bot: RunningBot, database: Database, city: City
) -> None:
    await survey_with_ticket(bot, CITIZEN)
    (question,) = await bot.say(CITIZEN, "/hapusdata")
    done = await tap(bot, CITIZEN, question, TEXTS.get("tombol_batal"))
    assert done.plain_text == TEXTS.get("hapus_dibatalkan")
    # The confirmation expires ten minutes after the question, by the server's record.
    (question,) = await bot.say(CITIZEN, "/hapusdata")
    drafts = bot.application.user_data[CITIZEN]
    drafts[ASKED_KEY] -= CONFIRMATION_VALID.total_seconds() + 1
    alert = await alert_for(bot, CITIZEN, question, "prv:hapus")
    assert alert == TEXTS.get("peringatan_kedaluwarsa")
    # A forged button with a future time (the old format) cannot skip the expiry, nor can
    # pressing Ya without a question asked.
    (question,) = await bot.say(CITIZEN, "/hapusdata")
    drafts[ASKED_KEY] -= CONFIRMATION_VALID.total_seconds() + 1
    forged = await alert_for(bot, CITIZEN, question, f"prv:hapus:{int(time.time()) + 3600}")
    assert forged == GENERAL.get("peringatan_tombol_usang")
    alert = await alert_for(bot, CITIZEN, question, "prv:hapus")  # the expired question
    assert alert == TEXTS.get("peringatan_kedaluwarsa")
    assert await alert_for(bot, CITIZEN, question, "prv:hapus") == alert  # none pending
    async with database.session() as session:
        (complaint,) = (await session.exec(select(Complaint))).all()
    assert complaint.chat_id == CITIZEN


async def test_a_complaint_photo_is_listed_by_datasaya_and_erased_by_hapusdata(
    bot: RunningBot, database: Database, city: City
) -> None:
    (units,) = await bot.say(CITIZEN, "/adu")
    services = await tap(bot, CITIZEN, units, "Disdukcapil")
    await tap(bot, CITIZEN, services, "Perekaman KTP-el")
    photo_id = bot.api.send_photo(CITIZEN, caption="Loket 3 tutup.")["photo"][-1]["file_id"]
    (consent,) = await bot.api.wait_for_messages(CITIZEN, 1)
    await tap(bot, CITIZEN, consent, COMPLAINTS.get("tombol_setuju_kontak"))

    bot.api.send_text(CITIZEN, "/datasaya")
    document = await bot.api.next_message(CITIZEN)
    (ticket,) = json.loads(bot.api.files[document.file_id or ""].content)["tiket_pengaduan"]
    assert (ticket["pengaduan"], ticket["foto_dilampirkan"]) == ("Loket 3 tutup.", True)
    assert await rows_mentioning(database, photo_id)

    await confirm_erase(bot, CITIZEN)
    assert await rows_mentioning(database, str(CITIZEN), photo_id) == []
    async with database.session() as session:
        (complaint,) = (await session.exec(select(Complaint))).all()
    assert complaint.text == "Loket 3 tutup."  # the ticket stays, without the photo


def stored_message(update_id: int, user: int, text: str) -> InboxUpdate:
    """An update received and stored in the inbox, whose handling has not finished (a kill
    came, or it waits behind the user's earlier updates)."""
    person = {"id": user, "is_bot": False, "first_name": "X"}
    message = {
        "message_id": update_id,
        "from": person,
        "chat": {"id": user, "type": "private", "first_name": "X"},
        "date": int(time.time()),
        "text": text,
    }
    return InboxUpdate(
        update_id=update_id, data={"update_id": update_id, "message": message}, received_at=utcnow()
    )


async def test_hapusdata_blanks_what_the_person_sent_that_is_still_in_the_inbox(
    bot: RunningBot, database: Database, city: City
) -> None:
    bot.api.user(CITIZEN, NAME)
    secret = "Nomor HP saya 0812-5555-0199"
    async with database.session() as session:
        session.add(stored_message(2_000_000_001, CITIZEN, secret))
        session.add(stored_message(2_000_000_002, HANDLER, "bukan urusan warga ini"))
    await confirm_erase(bot, CITIZEN)
    async with database.session() as session:
        rows = {row.update_id: row for row in (await session.exec(select(InboxUpdate))).all()}
    theirs, other = rows[2_000_000_001], rows[2_000_000_002]
    # Before: the typed text stayed until handled (after a restart, after the erasure).
    assert theirs.data is None and theirs.done_at is not None  # never handled after a restart
    assert other.data is not None and other.done_at is None
    assert secret not in json.dumps([row.data for row in rows.values()])
