"""/cuti through the fake Bot API (issue 11, item 4): days typed the way people write them,
the kind asked, the atasan told, and leave withdrawn from the list; the ASN's answer does not
wait for the atasan's notice, which is sent exactly once, a restart included (issue 10)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from kinerja_bot.core.db import Database
from kinerja_bot.core.models import Employee, Leave, LeaveKind
from kinerja_bot.core.outbox import NOTICE_ATTEMPTS_PER_PASS, DeliveryReport, deliver_notices
from kinerja_bot.core.rules.periods import format_date_id, wib_today
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.telegram_ui import COMMON_TEXTS
from kinerja_bot.core.vocabulary import leave_kind_label
from kinerja_bot.leave.handlers import TEXTS, span
from kinerja_bot.scheduling.registry import notices_callback, services_of
from kinerja_bot.testing.fake_bot_api import FakeBotAPI, SentMessage
from kinerja_bot.testing.formatting import parse_html
from tests.conftest import RunningBot, running_bot
from tests.factories import add_employee, add_unit

SITI, DEWI, BUDI = 9200001, 9200002, 9200003


@pytest.fixture
async def dewi(database: Database, api: FakeBotAPI) -> Employee:
    for user, name in ((SITI, "Siti"), (DEWI, "Dewi"), (BUDI, "Budi")):
        api.user(user, name)
    unit = await add_unit(database, "DISDUKCAPIL")
    return await add_employee(database, unit, nama="Dewi Lestari", telegram_id=DEWI)


@pytest.fixture
async def siti(database: Database, dewi: Employee) -> Employee:
    unit = await add_unit(database, "DISDUKCAPIL-2")
    return await add_employee(database, unit, nama="Siti Rahmawati", telegram_id=SITI, atasan=dewi)


async def leaves(database: Database) -> list[Leave]:
    async with database.session() as session:
        return list((await session.exec(select(Leave).order_by(Leave.first_day))).all())


def plain(html: str) -> str:
    return parse_html(html)[0]


def days(first: date, last: date) -> dict[str, str]:
    return {"tanggal": span(first, last)}


async def press(bot: RunningBot, user: int, message: SentMessage, label: str) -> SentMessage:
    bot.api.press_button(user, message, label=label)
    (answer,) = await bot.api.wait_for_messages(user, 1)
    return answer


async def test_a_range_typed_at_once_asks_the_kind_saves_it_and_tells_the_atasan(
    bot: RunningBot, database: Database, siti: Employee, dewi: Employee
) -> None:
    today = wib_today()
    first, last = today + timedelta(days=10), today + timedelta(days=12)
    await bot.say(SITI, "/cuti", replies=2)
    # Before: "11/12–13/12" was "Tanggal … tidak dikenal" and the kind was never asked.
    (kind,) = await bot.say(SITI, f"{first:%d/%m}–{last:%d/%m}")
    assert kind.plain_text == plain(TEXTS.get("minta_jenis", hari=3, **days(first, last)))
    labels = [TEXTS.get("tombol_jenis", jenis=leave_kind_label(k)) for k in LeaveKind]
    assert kind.button_labels == labels
    saved = await press(bot, SITI, kind, TEXTS.get("tombol_jenis", jenis="dinas luar"))
    told = TEXTS.get("atasan_diberi_tahu", nama="Dewi Lestari")
    assert saved.plain_text == plain(
        TEXTS.get("tersimpan", jenis="dinas luar", atasan=told, **days(first, last))
    )
    (notice,) = await bot.api.wait_for_messages(DEWI, 1)
    assert notice.plain_text == plain(
        TEXTS.get(
            "kabar_atasan", nama="Siti Rahmawati", jenis="dinas luar", hari=3, **days(first, last)
        )
    )
    (leave,) = await leaves(database)
    assert (leave.first_day, leave.last_day, leave.kind) == (first, last, LeaveKind.OFFICIAL_TRAVEL)


async def test_typed_text_at_the_kind_question_and_cuti_again_inside_the_conversation(
    bot: RunningBot, database: Database, siti: Employee
) -> None:
    """Before: typed text at the kind question got the general "belum mengerti", /cuti inside
    the conversation "Perintah /cuti tidak dikenal", a sticker where a date is expected the same
    general answer (the soak's stopped /cuti walks)."""
    first = wib_today() + timedelta(days=3)
    await bot.say(SITI, "/cuti", replies=2)
    bot.api.send_sticker(SITI)
    (sticker_answer,) = await bot.api.wait_for_messages(SITI, 1)
    assert sticker_answer.plain_text == plain(TEXTS.get("tidak_dikenal"))
    (kind,) = await bot.say(SITI, f"{first:%d/%m}–{first + timedelta(days=1):%d/%m}")
    (typed,) = await bot.say(SITI, "sakit")
    assert typed.plain_text == plain(COMMON_TEXTS.get("pilih_tombol"))
    listed, ask = await bot.say(SITI, "/cuti", replies=2)
    assert ask.plain_text == plain(TEXTS.get("minta_tanggal"))
    assert listed.plain_text == plain(TEXTS.get("tidak_ada_cuti"))
    # The kind question of before is an earlier step now: its press changes nothing.
    query = await bot.press(SITI, kind, TEXTS.get("tombol_jenis", jenis="sakit"))
    answer = await bot.api.wait_until(lambda: bot.api.callback_answer(query["id"]))
    assert answer is not None
    assert answer["text"] == COMMON_TEXTS.get("peringatan_tombol_langkah_lalu")
    assert await leaves(database) == []
    second = first + timedelta(days=1)
    (kind_again,) = await bot.say(SITI, f"{first:%d/%m}–{second:%d/%m}")
    saved = await press(bot, SITI, kind_again, TEXTS.get("tombol_jenis", jenis="sakit"))
    assert saved.plain_text.startswith("✅")
    (leave,) = await leaves(database)
    assert (leave.first_day, leave.last_day, leave.kind) == (first, second, LeaveKind.SICK)


async def test_besok_then_only_one_day(bot: RunningBot, database: Database, siti: Employee) -> None:
    tomorrow = wib_today() + timedelta(days=1)
    await bot.say(SITI, "/cuti", replies=2)
    (until,) = await bot.say(SITI, "besok")
    assert until.plain_text == plain(TEXTS.get("minta_selesai", mulai=format_date_id(tomorrow)))
    kind = await press(bot, SITI, until, TEXTS.get("tombol_sehari", tanggal=f"{tomorrow:%d/%m}"))
    one_day = TEXTS.get("minta_jenis", tanggal=format_date_id(tomorrow), hari=1)
    assert kind.plain_text == plain(one_day)  # one date, not "1 Desember – 1 Desember"
    await press(bot, SITI, kind, TEXTS.get("tombol_jenis", jenis="sakit"))
    (leave,) = await leaves(database)
    assert (leave.first_day, leave.last_day, leave.kind) == (tomorrow, tomorrow, LeaveKind.SICK)


async def test_a_last_day_typed_alone_and_the_refusals(
    bot: RunningBot, database: Database, siti: Employee
) -> None:
    today = wib_today()
    await bot.say(SITI, "/cuti", replies=2)
    (reply,) = await bot.say(SITI, "kemarin")
    assert reply.plain_text == plain(TEXTS.get("tidak_dikenal"))
    (reply,) = await bot.say(SITI, "1-1-2020")
    assert reply.plain_text == TEXTS.get("tanggal_lampau")
    (reply,) = await bot.say(SITI, "31/11")
    assert reply.plain_text == TEXTS.get("tanggal_tidak_ada")
    (reply,) = await bot.say(SITI, "lusa")
    assert "Sampai tanggal berapa" in reply.plain_text
    last = today + timedelta(days=40)  # may cross a month and the year end
    (kind,) = await bot.say(SITI, f"{last:%d/%m}")
    assert kind.plain_text == plain(
        TEXTS.get("minta_jenis", hari=39, **days(today + timedelta(days=2), last))
    )
    await press(bot, SITI, kind, TEXTS.get("tombol_jenis", jenis="cuti tahunan"))
    (leave,) = await leaves(database)
    assert (leave.last_day, leave.kind) == (last, LeaveKind.ANNUAL)


async def test_withdrawing_future_leave_deletes_it_and_started_leave_keeps_the_days_taken(
    bot: RunningBot, database: Database, siti: Employee, dewi: Employee
) -> None:
    today = wib_today()
    async with database.session() as session:
        session.add_all(
            [
                Leave(
                    employee_id=siti.id,
                    first_day=today - timedelta(days=2),
                    last_day=today + timedelta(days=2),
                    kind=LeaveKind.SICK,
                ),
                Leave(
                    employee_id=siti.id,
                    first_day=today + timedelta(days=20),
                    last_day=today + timedelta(days=21),
                    kind=LeaveKind.ANNUAL,
                ),
            ]
        )
    listing, _ = await bot.say(SITI, "/cuti", replies=2)
    assert "• sakit: " in listing.plain_text and "• cuti tahunan: " in listing.plain_text
    # Someone else's press changes nothing.
    api = bot.api
    query = api.press_button(BUDI, listing, listing.callback_data[0], check=False)
    refused = await api.wait_until(lambda: api.callback_answer(query["id"]))
    assert refused["text"] == TEXTS.get("peringatan_bukan_milik")

    query = api.press_button(SITI, listing, label=listing.button_labels[0])
    shortened = await api.wait_until(lambda: api.callback_answer(query["id"]))
    yesterday = today - timedelta(days=1)
    assert shortened["text"] == TEXTS.get(
        "peringatan_dipersingkat", sampai=format_date_id(yesterday)
    )
    query = api.press_button(SITI, listing, label=listing.button_labels[1])
    withdrawn = await api.wait_until(lambda: api.callback_answer(query["id"]))
    assert withdrawn["text"] == TEXTS.get("peringatan_ditarik")
    (kept,) = await leaves(database)
    assert (kept.first_day, kept.last_day) == (today - timedelta(days=2), yesterday)
    notices = await api.wait_until(lambda: len(api.sent_to(DEWI)) == 2 and api.sent_to(DEWI))
    assert [n.plain_text for n in notices] == [
        plain(
            TEXTS.get(
                "kabar_atasan_dipersingkat",
                nama="Siti Rahmawati",
                jenis="sakit",
                sampai=format_date_id(yesterday),
                **days(today - timedelta(days=2), today + timedelta(days=2)),
            )
        ),
        plain(
            TEXTS.get(
                "kabar_atasan_ditarik",
                nama="Siti Rahmawati",
                jenis="cuti tahunan",
                **days(today + timedelta(days=20), today + timedelta(days=21)),
            )
        ),
    ]
    # The shortened leave is over (it ended yesterday): pressing again is refused.
    query = api.press_button(SITI, listing, label=listing.button_labels[0])
    again = await api.wait_until(lambda: api.callback_answer(query["id"]))
    assert again["text"] == TEXTS.get("peringatan_bukan_milik")


async def test_without_a_linked_atasan_nobody_is_told_and_nothing_is_claimed(
    bot: RunningBot, database: Database, dewi: Employee
) -> None:
    unit = await add_unit(database, "DINKES")
    await add_employee(database, unit, nama="Budi Santoso", telegram_id=BUDI)
    await bot.say(BUDI, "/cuti", replies=2)
    (kind,) = await bot.say(BUDI, "hari ini - besok")
    saved = await press(bot, BUDI, kind, TEXTS.get("tombol_jenis", jenis="lainnya"))
    assert TEXTS.get("atasan_diberi_tahu", nama="").split("(")[0] not in saved.plain_text
    (leave,) = await leaves(database)
    assert leave.kind == LeaveKind.OTHER


def failed_sends_to(api: FakeBotAPI, chat_id: int) -> int:
    return sum(
        1
        for call in api.calls("sendMessage")
        if call.params.get("chat_id") == chat_id and not call.ok
    )


async def test_the_asn_is_answered_while_the_atasan_is_unreachable_and_hears_once_after_a_restart(
    settings: Settings, database: Database, api: FakeBotAPI, siti: Employee, dewi: Employee
) -> None:
    tomorrow = wib_today() + timedelta(days=1)
    api.inject_fault("sendMessage", 502, chat_id=DEWI, times=None)  # every call to the atasan
    async with running_bot(settings, database, api) as bot:
        await bot.say(SITI, "/cuti", replies=2)
        (kind,) = await bot.say(SITI, "besok - lusa")
        # Before, the confirmation came only after the notice had been tried.
        saved = await press(bot, SITI, kind, TEXTS.get("tombol_jenis", jenis="sakit"))
        told = TEXTS.get("atasan_diberi_tahu", nama="Dewi Lestari")
        leave_days = days(tomorrow, tomorrow + timedelta(days=1))
        assert saved.plain_text == plain(
            TEXTS.get("tersimpan", jenis="sakit", atasan=told, **leave_days)
        )
        await api.wait_until(lambda: failed_sends_to(api, DEWI) >= NOTICE_ATTEMPTS_PER_PASS)
    assert bot.errors == []
    assert api.sent_to(DEWI) == []
    api.clear_faults()  # Telegram is back, and so is the bot
    async with running_bot(settings, database, api) as bot:
        # The check booked at start (schedule_all: at once, then every minute).
        assert bot.application.job_queue is not None
        bot.application.job_queue.run_once(notices_callback, when=0)
        (notice,) = await api.wait_for_messages(DEWI, 1, timeout=10)
        assert notice.plain_text == plain(
            TEXTS.get("kabar_atasan", nama="Siti Rahmawati", jenis="sakit", hari=2, **leave_days)
        )
        assert await deliver_notices(services_of(bot.application)) == DeliveryReport()
    assert bot.errors == []
    assert len(api.sent_to(DEWI)) == 1
    assert len(await leaves(database)) == 1


async def test_a_withdrawal_is_answered_at_once_and_its_notice_follows_the_faults(
    bot: RunningBot, database: Database, siti: Employee, dewi: Employee
) -> None:
    today, api = wib_today(), bot.api
    async with database.session() as session:
        session.add(
            Leave(
                employee_id=siti.id,
                first_day=today + timedelta(days=5),
                last_day=today + timedelta(days=6),
                kind=LeaveKind.ANNUAL,
            )
        )
    listing, _ = await bot.say(SITI, "/cuti", replies=2)
    api.inject_fault("sendMessage", 502, chat_id=DEWI, times=NOTICE_ATTEMPTS_PER_PASS - 1)
    query = api.press_button(SITI, listing, label=listing.button_labels[0])
    withdrawn = await api.wait_until(lambda: api.callback_answer(query["id"]))
    assert withdrawn["text"] == TEXTS.get("peringatan_ditarik")
    (notice,) = await api.wait_for_messages(DEWI, 1, timeout=10)
    assert notice.plain_text == plain(
        TEXTS.get(
            "kabar_atasan_ditarik",
            nama="Siti Rahmawati",
            jenis="cuti tahunan",
            **days(today + timedelta(days=5), today + timedelta(days=6)),
        )
    )
    assert failed_sends_to(api, DEWI) == NOTICE_ATTEMPTS_PER_PASS - 1
    assert await leaves(database) == []
