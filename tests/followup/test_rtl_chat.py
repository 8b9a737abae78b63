"""/rtl in chat: a unit head sees the open RTL actions of their units and marks progress."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import FollowUpAction, FollowUpStatus, id_of
from kinerja_bot.core.rules.periods import WIB, wib_today
from kinerja_bot.ikm.followup.handlers import TEXTS
from kinerja_bot.ikm.followup.service import add_action
from tests.conftest import RunningBot
from tests.survey.conftest import HEAD, OUTSIDER, City, alert_for


async def statuses(database: Database) -> dict[int, str]:
    async with database.session() as session:
        rows = (await session.exec(select(FollowUpAction))).all()
    return {id_of(row): row.status for row in rows}


async def test_a_head_marks_the_units_actions(
    bot: RunningBot, database: Database, city: City
) -> None:
    year = wib_today().year
    now = datetime(year, 1, 5, 9, tzinfo=WIB)
    async with database.session() as session:
        own = await add_action(
            session,
            unit_id=id_of(city.disdukcapil),
            period=f"{year}-S1",
            unsur="U3",
            tindakan="Tambah satu loket perekaman",
            penanggung_jawab="Kepala Bidang PIAK",
            tenggat=date(year, 12, 31),
            now=now,
        )
        other = await add_action(
            session,
            unit_id=id_of(city.dinkes),
            period=f"{year}-S1",
            unsur="U6",
            tindakan="Pelatihan pelayanan prima",
            penanggung_jawab="Kepala Puskesmas",
            tenggat=date(year, 12, 31),
            now=now,
        )

    (refused,) = await bot.say(OUTSIDER, "/rtl")  # a complaint handler, not a unit head
    assert refused.plain_text == TEXTS.get("tidak_berhak")

    (listing,) = await bot.say(HEAD, "/rtl")
    assert "Tambah satu loket perekaman" in listing.plain_text
    assert "Pelatihan pelayanan prima" not in listing.plain_text  # not their unit
    number = id_of(own)
    assert listing.button_labels == [
        TEXTS.get("tombol_berjalan", nomor=number),
        TEXTS.get("tombol_selesai", nomor=number),
        TEXTS.get("tombol_baru"),
    ]

    # Another unit's action, by forged button data: refused, nothing changes.
    alert = await alert_for(bot, HEAD, listing, f"rtl:{id_of(other)}:s")
    assert alert == TEXTS.get("peringatan_bukan_wewenang")
    assert (await statuses(database))[id_of(other)] == FollowUpStatus.PLANNED

    bot.api.press_button(HEAD, listing, label=TEXTS.get("tombol_selesai", nomor=number))
    await bot.api.wait_until(lambda: TEXTS.get("kosong") in listing.plain_text)
    assert "1 dari 1 tindakan (100%)" in listing.plain_text
    assert (await statuses(database))[number] == FollowUpStatus.DONE
    assert bot.errors == []


async def test_a_head_records_an_action_in_chat(
    bot: RunningBot, database: Database, city: City
) -> None:
    (listing,) = await bot.say(HEAD, "/rtl")
    assert TEXTS.get("kosong") in listing.plain_text
    bot.api.press_button(HEAD, listing, label=TEXTS.get("tombol_baru"))
    question = await bot.api.next_message(HEAD)
    assert "Dinas Kependudukan dan Pencatatan Sipil" in question.plain_text
    bot.api.press_button(HEAD, question, label="U3 Waktu Penyelesaian")
    prompt = await bot.api.next_message(HEAD)
    assert "U3 Waktu Penyelesaian" in prompt.plain_text
    (reply,) = await bot.say(HEAD, "Tambah satu loket perekaman pada jam sibuk")
    assert reply.plain_text == TEXTS.get("minta_pj")
    (reply,) = await bot.say(HEAD, "Kepala Bidang PIAK")
    assert reply.plain_text == TEXTS.get("minta_tenggat")
    (reply,) = await bot.say(HEAD, "31-02-2099")
    assert "tidak dikenal" in reply.plain_text
    (reply,) = await bot.say(HEAD, "1-1-2000")
    assert reply.plain_text == TEXTS.get("tanggal_lampau")
    year = wib_today().year + 1
    (reply,) = await bot.say(HEAD, f"30 Juni {year}")
    async with database.session() as session:
        (action,) = (await session.exec(select(FollowUpAction))).all()
    assert (action.unit_id, action.unsur, action.status) == (
        id_of(city.disdukcapil),
        "U3",
        FollowUpStatus.PLANNED,
    )
    assert action.period == str(wib_today().year)
    assert action.penanggung_jawab == "Kepala Bidang PIAK"
    assert action.tenggat == date(year, 6, 30)
    assert f"RTL #{action.id} dicatat" in reply.plain_text
    assert bot.errors == []


async def test_only_heads_may_record(bot: RunningBot, city: City) -> None:
    (listing,) = await bot.say(HEAD, "/rtl")
    data = listing.callback_data[-1]
    alert = await alert_for(bot, OUTSIDER, listing, data)
    assert alert == TEXTS.get("peringatan_bukan_wewenang")
