"""A unit head offers a proposed course to the people concerned by a need, with one press,
under /analisis; each person receives it once and enrols through /pengembangan."""

from __future__ import annotations

from sqlmodel import col, select, update

from kinerja_bot.analysis.needs import NeedsReport, build_needs_report
from kinerja_bot.analysis.offering import OFFER_JOB
from kinerja_bot.analysis.render import TEXTS, need_texts, proposed_offers
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Delivery, Employee, Enrolment, TrainingOffer, id_of
from kinerja_bot.core.rules.periods import parse_period, wib_today
from kinerja_bot.core.texts import Markup
from kinerja_bot.testing.records import SentMessage
from tests.analysis.factories import PERIOD, known_needs_data
from tests.analysis.test_command import make_head
from tests.analysis.test_offers import add_catalog
from tests.conftest import RunningBot
from tests.survey.conftest import tap

KEPALA = 7200001
# Ani and Budi asked for "pelatihan pelayanan prima"; Citra and Dodi did not.
ANI, BUDI, CITRA, DODI = 7200011, 7200012, 7200013, 7200014
PRIMA_LABEL = TEXTS.get("tombol_tawarkan", nomor=1, kode="PLT-PRIMA", jumlah=2)


async def open_need(bot: RunningBot, summary: SentMessage, report: NeedsReport, kode: str) -> None:
    """From the /analisis summary to the page of the need a catalog course `kode` is proposed
    for, by pressing the buttons a head sees."""
    for number, unit in enumerate(report.with_needs, start=1):
        for position, need in enumerate(unit.needs, start=1):
            if need.concerned and kode in {
                m.offer.kode for m in proposed_offers(need, report.offers)
            }:
                await tap(
                    bot,
                    KEPALA,
                    summary,
                    TEXTS.get("tombol_unit", nomor=number, unit=unit.unit.nama),
                )
                words = need_texts(need)
                label = TEXTS.get(
                    "tombol_kebutuhan",
                    nomor=position,
                    ikon=Markup(words.ikon),
                    subjek=Markup(words.subjek),
                )
                await tap(bot, KEPALA, summary, label)
                return
    raise AssertionError(f"no need proposes {kode}")


async def setup(bot: RunningBot, database: Database) -> SentMessage:
    """The known needs, the catalog, telegram ids for the staff; the head's offer buttons on
    the page of the need "pelatihan pelayanan prima"."""
    data = await known_needs_data(database)
    await add_catalog(database)
    await make_head(database, data.bidang, KEPALA, "Hendra Kepala")
    async with database.session() as session:
        for employee, telegram_id in zip(data.staff, (ANI, BUDI, CITRA, DODI), strict=True):
            await session.exec(
                update(Employee)
                .where(col(Employee.id) == id_of(employee))
                .values(telegram_id=telegram_id)
            )
            bot.api.user(telegram_id)  # each has talked to the bot before
    bot.api.send_text(KEPALA, f"/analisis {PERIOD} BIDANG")
    _, summary = await bot.api.wait_for_messages(KEPALA, 2, timeout=60)
    async with database.session() as session:
        report = await build_needs_report(
            session, id_of(data.bidang), parse_period(PERIOD), today=wib_today()
        )
    await open_need(bot, summary, report, "PLT-PRIMA")
    assert PRIMA_LABEL in summary.button_labels
    return summary


async def offer_rows(database: Database) -> list[Delivery]:
    async with database.session() as session:
        rows = await session.exec(select(Delivery).where(col(Delivery.job) == OFFER_JOB))
        return list(rows)


async def test_the_head_offers_once_and_the_requesters_can_enrol(
    bot: RunningBot, database: Database
) -> None:
    buttons = await setup(bot, database)
    bot.api.mark_read(KEPALA)

    bot.api.press_button(KEPALA, buttons, label=PRIMA_LABEL)
    told = await bot.api.next_message(KEPALA)
    assert told.text == TEXTS.get(
        "tawaran_terkirim", nama="Pelayanan Prima", terkirim=2, sudah=0, tak_terjangkau=0
    )
    for person in (ANI, BUDI):
        [offer] = bot.api.sent_to(person)
        assert "Pelayanan Prima" in offer.plain_text
        assert "BPSDM Provinsi Banten" in offer.plain_text and "JP: 24" in offer.plain_text
        assert "11 Januari 2027" in offer.plain_text
    assert bot.api.sent_to(CITRA) == [] and bot.api.sent_to(DODI) == []

    # A second press sends nothing again and says so.
    bot.api.press_button(KEPALA, buttons, label=PRIMA_LABEL)
    again = await bot.api.next_message(KEPALA)
    assert again.text == TEXTS.get("sudah_ditawarkan", nama="Pelayanan Prima")
    assert len(bot.api.sent_to(ANI)) == 1 and len(bot.api.sent_to(BUDI)) == 1
    assert sorted(row.chat_id for row in await offer_rows(database)) == [ANI, BUDI]

    # The recipient's button is /pengembangan's enrolment.
    [offer] = bot.api.sent_to(ANI)
    bot.api.mark_read(ANI)
    bot.api.press_button(ANI, offer, label=TEXTS.get("tombol_daftar_tawaran"))
    await bot.api.next_message(ANI)
    async with database.session() as session:
        prima = (
            await session.exec(select(TrainingOffer).where(TrainingOffer.kode == "PLT-PRIMA"))
        ).one()
        ani = (await session.exec(select(Employee).where(Employee.telegram_id == ANI))).one()
        enrolled = [(e.offer_id, e.employee_id) for e in await session.exec(select(Enrolment))]
    assert enrolled == [(id_of(prima), id_of(ani))]


async def test_only_a_head_of_the_unit_may_offer(bot: RunningBot, database: Database) -> None:
    buttons = await setup(bot, database)
    data = buttons.button(PRIMA_LABEL)["callback_data"]

    query = bot.api.press_button(CITRA, buttons, data, check=False)
    answer = await bot.api.wait_until(lambda: bot.api.callback_answer(query["id"]))
    assert answer["text"] == TEXTS.get("peringatan_bukan_kepala")
    assert bot.api.sent_to(ANI) == [] and await offer_rows(database) == []

    # A forged need or offer finds no proposal: a stale button.
    forged = data.rsplit(":", 2)[0] + ":00000000:" + data.rsplit(":", 1)[1]
    query = bot.api.press_button(KEPALA, buttons, forged, check=False)
    answer = await bot.api.wait_until(lambda: bot.api.callback_answer(query["id"]))
    assert answer["show_alert"] and answer["text"] != TEXTS.get("peringatan_bukan_kepala")
    assert bot.api.sent_to(ANI) == [] and await offer_rows(database) == []
