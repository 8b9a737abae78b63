"""Handled twice after a kill (issue 10): the inbox hands back an update whose handling was
under way, with the conversation state and drafts as they were last written, which may be
the state before the update. Each case walks a journey to the step before its effect, lets
the bot carry the step out, then "kills" the bot between the handler's commit and the writes
of state and inbox mark (the state and drafts of before are put back, the update is left
unfinished in the inbox), starts the bot again and lets the inbox's own re-feed hand the same
update (same update_id) back. There must be exactly one effect, and the user an answer.

The table is in docs/reliability.md, "Handled twice after a kill"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import delete, func, update
from sqlmodel import SQLModel, col, select

from kinerja_bot.activation.handlers import TEXTS as ACTIVATION
from kinerja_bot.activation.service import Outcome, issue_codes
from kinerja_bot.app import refeed
from kinerja_bot.complaints.texts import TEXTS as COMPLAINTS
from kinerja_bot.complaints.texts import status_name
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    Appreciation,
    Complaint,
    ComplaintEvent,
    ComplaintStatus,
    Consent,
    ConversationState,
    Delivery,
    Employee,
    Enrolment,
    EnrolmentStatus,
    Feedback,
    FollowUpAction,
    InboxUpdate,
    LearningRecord,
    Leave,
    ProgressReport,
    SurveyResponse,
    UserData,
    id_of,
    utcnow,
)
from kinerja_bot.core.outbox import NOTICE_ATTEMPTS_PER_PASS, DeliveryReport, deliver_notices
from kinerja_bot.core.rules.periods import wib_today
from kinerja_bot.core.settings import Settings
from kinerja_bot.development.texts import TEXTS as DEVELOPMENT
from kinerja_bot.general import TEXTS as GENERAL
from kinerja_bot.ikm.followup.handlers import TEXTS as FOLLOWUP
from kinerja_bot.leave.handlers import TEXTS as LEAVE
from kinerja_bot.privacy.handlers import TEXTS as PRIVACY
from kinerja_bot.reminders.service import SNOOZE_JOB
from kinerja_bot.reporting.texts import TEXTS as REPORTING
from kinerja_bot.scheduling.registry import notices_callback, services_of
from kinerja_bot.survey.texts import TEXTS as SURVEY
from kinerja_bot.testing.fake_bot_api import FakeBotAPI, SentMessage
from kinerja_bot.testing.formatting import parse_html
from tests.conftest import RunningBot, running_bot
from tests.factories import add_employee, add_indicator, add_offer, add_report
from tests.survey.conftest import CITIZEN, HANDLER, HEAD, City, all_scores, answer_all, tap
from tests.survey.conftest import city as city  # a fixture, used by name

ASN, ATASAN, NEWCOMER = 7300001, 7300002, 7300003


@dataclass
class World:
    city: City
    asn: Employee
    atasan: Employee
    newcomer: Employee  # not linked yet: has an activation code
    code: str
    report_id: int  # last week's report of the ASN (feedback)
    ticket: Complaint  # a new ticket of the citizen, with their contact


@pytest.fixture
async def world(database: Database, api: FakeBotAPI, city: City) -> World:
    for user in (ASN, ATASAN, NEWCOMER, CITIZEN, HANDLER, HEAD):
        api.user(user)
    unit = city.disdukcapil
    atasan = await add_employee(database, unit, nama="Dewi Lestari", telegram_id=ATASAN)
    asn = await add_employee(database, unit, nama="Siti Rahmawati", telegram_id=ASN, atasan=atasan)
    indicator = await add_indicator(database, asn, nama="Jumlah KTP-el dicetak", target=1200)
    report = await add_report(database, indicator, 100, at=utcnow() - timedelta(days=7))
    newcomer = await add_employee(database, unit, nama="Budi Santoso")
    async with database.session() as session:
        (issued,) = await issue_codes(session, [newcomer], utcnow(), 14)
        consent = Consent(telegram_id=CITIZEN, purpose="kontak_pengaduan", text_version="1")
        session.add(consent)
        await session.flush()
        ticket = Complaint(
            nomor="ADU-2612-0900",
            service_id=id_of(city.ktp),
            unit_id=id_of(unit),
            text="Antrean panjang",
            chat_id=CITIZEN,
            consent_id=consent.id,
            due_date=wib_today() + timedelta(days=5),
        )
        session.add(ticket)
    return World(city, asn, atasan, newcomer, issued.kode, id_of(report), ticket)


async def count(database: Database, model: type[SQLModel], *where: Any) -> int:
    async with database.session() as session:
        return (await session.exec(select(func.count()).select_from(model).where(*where))).one()


async def tap_next(bot: RunningBot, user: int, message: SentMessage, label: str) -> SentMessage:
    """Press a button; the bot's next new message."""
    bot.api.press_button(user, message, label=label)
    return await bot.api.next_message(user)


# --- The journeys: each walks to the step before its effect and returns that step ----------

Step = Callable[[], object]  # sends the update that has the effect


async def lapor_kirim(bot: RunningBot, world: World) -> Step:
    (choose,) = await bot.say(ASN, "/lapor")
    await tap_next(bot, ASN, choose, choose.button_labels[0])
    await bot.say(ASN, "300")
    (ask_obstacle,) = await bot.say(ASN, "https://drive.example.go.id/bukti-ktp")
    ask_support = await tap_next(bot, ASN, ask_obstacle, REPORTING.get("tombol_tidak_ada"))
    summary = await tap_next(bot, ASN, ask_support, REPORTING.get("tombol_tidak_ada"))
    return lambda: bot.api.press_button(ASN, summary, label=REPORTING.get("tombol_kirim"))


async def cuti_kind(bot: RunningBot, world: World) -> Step:
    await bot.say(ASN, "/cuti", replies=2)
    (kind,) = await bot.say(ASN, "besok - lusa")
    return lambda: bot.api.press_button(ASN, kind, label=LEAVE.get("tombol_jenis", jenis="sakit"))


async def cuti_withdraw(bot: RunningBot, world: World) -> Step:
    today = wib_today()
    async with bot.application.bot_data["database"].session() as session:
        session.add(
            Leave(
                employee_id=world.asn.id,
                first_day=today + timedelta(days=3),
                last_day=today + timedelta(days=4),
            )
        )
    listing, _ = await bot.say(ASN, "/cuti", replies=2)
    return lambda: bot.api.press_button(ASN, listing, label=listing.button_labels[0])


async def adu_consent(bot: RunningBot, world: World) -> Step:
    (units,) = await bot.say(CITIZEN, "/adu")
    services = await tap(bot, CITIZEN, units, "Disdukcapil")
    await tap(bot, CITIZEN, services, "Perekaman KTP-el")
    (consent,) = await bot.say(CITIZEN, "Petugas loket 2 meminta biaya tambahan.")
    return lambda: bot.api.press_button(
        CITIZEN, consent, label=COMPLAINTS.get("tombol_setuju_kontak")
    )


async def ticket_answer(bot: RunningBot, world: World) -> Step:
    (view,) = await bot.say(HANDLER, f"/tiket {world.ticket.nomor}")
    prompt = await tap(bot, HANDLER, view, COMPLAINTS.get("tombol_jawab"))
    assert prompt.plain_text.startswith("Ketik jawaban")
    (confirm,) = await bot.say(HANDLER, "Loket tambahan dibuka mulai Senin.")
    return lambda: bot.api.press_button(HANDLER, confirm, label=COMPLAINTS.get("tombol_kirim"))


async def feedback_text(bot: RunningBot, world: World) -> Step:
    (anchor,) = await bot.say(ATASAN, "/tim")
    bot.api.press_button(ATASAN, anchor, f"tim:ub:{world.report_id}", check=False)
    prompt = await bot.api.next_message(ATASAN)
    assert "Tulis umpan balik" in prompt.plain_text
    return lambda: bot.api.send_text(ATASAN, "Bagus, pertahankan.")


async def snooze_press(bot: RunningBot, world: World) -> Step:
    (anchor,) = await bot.say(ASN, "/bantuan")  # the reminder's button, pressed under any message
    return lambda: bot.api.press_button(ASN, anchor, "ingat:tunda", check=False)


async def restarted_minutes_later(database: Database) -> None:
    """The restart came a few minutes later: the snooze stored before is due earlier than
    one stored now would be (its key holds the minute it is due)."""
    async with database.session() as session:
        (row,) = (await session.exec(select(Delivery).where(Delivery.job == SNOOZE_JOB))).all()
        week, due = row.period.split("@")
        row.period = f"{week}@{due[:-2]}{(int(due[-2:]) + 57) % 60:02d}"
        session.add(row)


async def activation_link(bot: RunningBot, world: World) -> Step:
    await bot.say(NEWCOMER, "/bantuan")
    return lambda: bot.api.send_text(NEWCOMER, f"/start aktivasi-{world.code}")


async def hapusdata_confirm(bot: RunningBot, world: World) -> Step:
    async with bot.application.bot_data["database"].session() as session:
        session.add(Consent(telegram_id=CITIZEN, purpose="profil", text_version="1"))
    (question,) = await bot.say(CITIZEN, "/hapusdata")
    return lambda: bot.api.press_button(CITIZEN, question, label=PRIVACY.get("tombol_ya_hapus"))


async def rtl_deadline(bot: RunningBot, world: World) -> Step:
    (listing,) = await bot.say(HEAD, "/rtl")
    question = await tap_next(bot, HEAD, listing, FOLLOWUP.get("tombol_baru"))
    await tap_next(bot, HEAD, question, "U3 Waktu Penyelesaian")
    await bot.say(HEAD, "Tambah satu loket perekaman pada jam sibuk")
    await bot.say(HEAD, "Kepala Bidang PIAK")
    return lambda: bot.api.send_text(HEAD, f"30 Juni {wib_today().year + 1}")


async def certificate_sent(bot: RunningBot, world: World) -> Step:
    (page,) = await bot.say(ASN, "/pengembangan")
    await tap(bot, ASN, page, DEVELOPMENT.get("tombol_catat"))
    await tap_next(bot, ASN, page, DEVELOPMENT.get("tombol_luar_katalog"))
    await bot.say(ASN, "E-learning Literasi Digital ASN")
    await bot.say(ASN, "100")
    return lambda: bot.api.send_photo(ASN)


async def citizen_accepts(bot: RunningBot, world: World) -> Step:
    async with bot.application.bot_data["database"].session() as session:
        ticket = await session.get(Complaint, id_of(world.ticket))
        assert ticket is not None
        ticket.status, ticket.answer = ComplaintStatus.ANSWERED, "Loket ditambah."
        ticket.answered_at = utcnow()
        session.add(ticket)
    (anchor,) = await bot.say(CITIZEN, "/bantuan")  # under the answer, as it was sent
    return lambda: bot.api.press_button(
        CITIZEN, anchor, f"tkt:ok:{id_of(world.ticket)}", check=False
    )


async def ticket_close(bot: RunningBot, world: World) -> Step:
    (view,) = await bot.say(HANDLER, f"/tiket {world.ticket.nomor}")
    confirm = await tap(bot, HANDLER, view, COMPLAINTS.get("tombol_tutup"))
    return lambda: bot.api.press_button(HANDLER, confirm, label=COMPLAINTS.get("tombol_ya_tutup"))


async def citizen_reopens(bot: RunningBot, world: World) -> Step:
    await citizen_accepts(bot, world)  # the ticket answered, an anchor for the press
    (anchor,) = await bot.say(CITIZEN, "/bantuan")
    return lambda: bot.api.press_button(
        CITIZEN, anchor, f"tkt:no:{id_of(world.ticket)}", check=False
    )


async def enrol_press(bot: RunningBot, world: World) -> Step:
    database = bot.application.bot_data["database"]
    offer = await add_offer(database, "PLT-01", "Analisis Data dengan Excel", kata_kunci="excel")
    offer_id = id_of(offer)
    (anchor,) = await bot.say(ASN, "/bantuan")  # under the offer's page, as it was shown
    return lambda: bot.api.press_button(ASN, anchor, f"pkb:daftar:{offer_id}", check=False)


async def approve_press(bot: RunningBot, world: World) -> Step:
    database = bot.application.bot_data["database"]
    offer_id = id_of(
        await add_offer(database, "PLT-01", "Analisis Data dengan Excel", kata_kunci="excel")
    )
    async with database.session() as session:
        enrolment = Enrolment(
            offer_id=offer_id, employee_id=id_of(world.asn), requested_at=utcnow()
        )
        session.add(enrolment)
        await session.flush()
        enrolment_id = id_of(enrolment)
    (anchor,) = await bot.say(ATASAN, "/bantuan")  # under the request, as it was sent
    return lambda: bot.api.press_button(ATASAN, anchor, f"pkb:ok:{enrolment_id}", check=False)


async def thanks_written(bot: RunningBot, world: World) -> Step:
    (anchor,) = await bot.say(ATASAN, "/bantuan")  # under the report on /tim, as it was shown
    bot.api.press_button(ATASAN, anchor, f"apr:lap:{world.report_id}", check=False)
    prompt = await bot.api.next_message(ATASAN)
    assert "Siti Rahmawati" in prompt.plain_text
    return lambda: bot.api.send_text(ATASAN, "Terima kasih, target terlampaui.")


async def survey_sent(bot: RunningBot, world: World) -> Step:
    """A citizen's survey up to its last press (no suggestion): the response is stored."""
    (question,) = await bot.say(CITIZEN, "/start layanan-L-KTP")
    intro = await answer_all(bot, CITIZEN, question, all_scores(4))
    prompt = await tap(bot, CITIZEN, intro, SURVEY.get("tombol_lewati"))
    return lambda: bot.api.press_button(CITIZEN, prompt, label=SURVEY.get("tombol_lewati"))


async def report_read(bot: RunningBot, world: World) -> Step:
    (anchor,) = await bot.say(ATASAN, "/bantuan")  # under the member's page on /tim
    return lambda: bot.api.press_button(ATASAN, anchor, f"tim:baca:{world.report_id}", check=False)


@dataclass(frozen=True)
class Case:
    name: str
    user: int
    walk: Callable[[RunningBot, World], Awaitable[Step]]
    effect: Callable[[Database, World], Awaitable[int]]  # what the step does, counted
    once: int  # the count after the step, handled once or twice
    notices: dict[int, int] | None = None  # messages to others, by chat, after both runs
    wrong: str | None = None  # must not be the answer to the update handled again
    between: Callable[[Database], Awaitable[None]] | None = None  # after the kill


CASES = [
    Case(
        "/lapor Kirim",
        ASN,
        lapor_kirim,
        lambda db, w: count(db, ProgressReport, ProgressReport.realisasi == 300),
        1,
    ),
    Case(
        "/cuti kind",
        ASN,
        cuti_kind,
        lambda db, w: count(db, Leave),
        1,
        notices={ATASAN: 1},
    ),
    Case(
        "/cuti Tarik",
        ASN,
        cuti_withdraw,
        lambda db, w: count(db, Leave),
        0,
        notices={ATASAN: 1},
    ),
    Case(
        "/adu filed",
        CITIZEN,
        adu_consent,
        lambda db, w: count(db, Complaint, Complaint.text != "Antrean panjang"),
        1,
        notices={HANDLER: 1},
    ),
    Case(
        "ticket answered",
        HANDLER,
        ticket_answer,
        lambda db, w: count(db, ComplaintEvent, ComplaintEvent.status == ComplaintStatus.ANSWERED),
        1,
        notices={CITIZEN: 1},
        wrong=COMPLAINTS.get(
            "jawaban_didahului",
            nomor="ADU-2612-0900",
            status=status_name(ComplaintStatus.ANSWERED),
        ),
    ),
    Case(
        "ticket accepted by the citizen",
        CITIZEN,
        citizen_accepts,
        lambda db, w: count(db, ComplaintEvent, ComplaintEvent.status == ComplaintStatus.CLOSED),
        1,
    ),
    Case(
        "ticket closed by staff",
        HANDLER,
        ticket_close,
        lambda db, w: count(db, ComplaintEvent, ComplaintEvent.status == ComplaintStatus.CLOSED),
        1,
        notices={CITIZEN: 1},
    ),
    Case(
        "ticket reopened by the citizen",
        CITIZEN,
        citizen_reopens,
        lambda db, w: count(db, ComplaintEvent, ComplaintEvent.status == ComplaintStatus.REOPENED),
        1,
        notices={HANDLER: 1},
    ),
    Case(
        "feedback",
        ATASAN,
        feedback_text,
        lambda db, w: count(db, Feedback, Feedback.text == "Bagus, pertahankan."),
        1,
        notices={ASN: 1},
    ),
    Case(
        "apresiasi",
        ATASAN,
        thanks_written,
        lambda db, w: count(db, Appreciation),
        1,
        notices={ASN: 1},
    ),
    Case(
        "/tim mark read",
        ATASAN,
        report_read,
        lambda db, w: count(db, ProgressReport, col(ProgressReport.acknowledged_at).is_not(None)),
        1,
        notices={ASN: 1},
    ),
    Case(
        "snooze",
        ASN,
        snooze_press,
        lambda db, w: count(db, Delivery, Delivery.job == SNOOZE_JOB),
        1,
        between=restarted_minutes_later,
    ),
    Case(
        "/start aktivasi",
        NEWCOMER,
        activation_link,
        lambda db, w: count(db, Employee, Employee.telegram_id == NEWCOMER),
        1,
        wrong=ACTIVATION.get(Outcome.USED_CODE),
    ),
    Case(
        "/hapusdata",
        CITIZEN,
        hapusdata_confirm,
        lambda db, w: count(db, Consent, Consent.telegram_id == CITIZEN),
        0,
    ),
    Case(
        "/pengembangan certificate",
        ASN,
        certificate_sent,
        lambda db, w: count(db, LearningRecord),
        1,
        notices={ATASAN: 1},
    ),
    Case(
        "/pengembangan enrol",
        ASN,
        enrol_press,
        lambda db, w: count(db, Enrolment),
        1,
        notices={ATASAN: 1},
    ),
    Case(
        "/pengembangan approve",
        ATASAN,
        approve_press,
        lambda db, w: count(db, Enrolment, Enrolment.status == EnrolmentStatus.APPROVED),
        1,
        notices={ASN: 1},
    ),
    Case(
        "survey sent",
        CITIZEN,
        survey_sent,
        lambda db, w: count(db, SurveyResponse),
        1,
    ),
    Case(
        "/rtl recorded",
        HEAD,
        rtl_deadline,
        lambda db, w: count(db, FollowUpAction),
        1,
    ),
]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Many updates within seconds from one user are no flood here; two surveys a day, so
    that the daily limit does not hide a survey stored twice."""
    return settings.model_copy(update={"user_message_limit": 10_000, "survey_daily_limit": 2})


async def snapshot(database: Database) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    async with database.session() as session:
        states = (await session.exec(select(ConversationState))).all()
        drafts = (await session.exec(select(UserData))).all()
        return [s.model_dump() for s in states], [d.model_dump() for d in drafts]


async def killed_after_commit(
    database: Database,
    before: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    handled: dict[str, Any],
) -> None:
    """What a SIGKILL right after the handler's commit leaves: the state and drafts of before,
    and the update still unfinished in the inbox."""
    states, drafts = before
    async with database.session() as session:
        await session.exec(delete(ConversationState))
        await session.exec(delete(UserData))
        session.add_all([ConversationState(**row) for row in states])
        session.add_all([UserData(**row) for row in drafts])
        await session.exec(
            update(InboxUpdate)
            .where(col(InboxUpdate.update_id) == handled["update_id"])
            .values(done_at=None, data=handled)
        )


def heard(api: FakeBotAPI, user: int, calls: int) -> list[str]:
    """What the user was told since the `calls`-th call: new messages, pop-ups, edits."""
    told = [m.plain_text for m in api.unread(user)]
    # A pop-up counts as an answer, whether or not Telegram still takes it for that press.
    told += [
        str(call.params["text"])
        for call in api.method_calls[calls:]
        if call.method == "answerCallbackQuery" and call.params.get("text")
    ]
    told += [  # a step that answers by editing the pressed message
        parse_html(str(call.params["text"]))[0]
        for call in api.method_calls[calls:]
        if call.method == "editMessageText"  # refused as "not modified": shown already
    ]
    return told


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
async def test_an_update_handled_again_after_a_kill_has_one_effect(
    case: Case, settings: Settings, database: Database, api: FakeBotAPI, world: World
) -> None:
    async with running_bot(settings, database, api) as bot:
        step = await case.walk(bot, world)
        await bot.handled.wait(api.last_update_id)  # its state and drafts written
        before = await snapshot(database)
        step()
        handled = api.pending_updates[-1]  # as queued for getUpdates, before it is fetched
        await bot.handled.wait(handled["update_id"])
        assert await case.effect(database, world) == case.once
    assert bot.errors == []
    await killed_after_commit(database, before, handled)
    if case.between is not None:
        await case.between(database)
    api.mark_read(case.user)
    calls = len(api.method_calls)
    async with running_bot(settings, database, api) as again:
        await refeed(again.application)
        await again.handled.wait(handled["update_id"])
    assert again.errors == []
    assert await case.effect(database, world) == case.once
    told = heard(api, case.user, calls)
    assert told, "the user heard nothing"
    assert GENERAL.get("galat") not in told
    if case.wrong is not None:
        assert parse_html(case.wrong)[0] not in told
    for chat, notices in (case.notices or {}).items():
        assert len(api.sent_to(chat)) == notices


def failed_sends_to(api: FakeBotAPI, chat_id: int) -> int:
    return sum(
        1
        for call in api.method_calls
        if call.method in ("sendMessage", "sendPhoto")
        and call.params.get("chat_id") == chat_id
        and not call.ok
    )


NOTICE_CASES = [case for case in CASES if case.notices]


@pytest.mark.parametrize("case", NOTICE_CASES, ids=[case.name for case in NOTICE_CASES])
async def test_a_notice_to_someone_else_follows_once_when_telegram_is_back(
    case: Case, settings: Settings, database: Database, api: FakeBotAPI, world: World
) -> None:
    """Every call to the person told fails while the user is answered; the bot stops;
    Telegram recovers; the restarted bot's check sends the notice, once."""
    assert case.notices is not None
    async with running_bot(settings, database, api) as bot:
        step = await case.walk(bot, world)
        await bot.handled.wait(api.last_update_id)
        before = {chat: len(api.sent_to(chat)) for chat in case.notices}
        api.mark_read(case.user)
        calls = len(api.method_calls)
        for chat in case.notices:
            for method in ("sendMessage", "sendPhoto"):
                api.inject_fault(method, 502, chat_id=chat, times=None)
        step()
        await bot.handled.wait(api.pending_updates[-1]["update_id"])
        assert await case.effect(database, world) == case.once
        for chat in case.notices:
            await api.wait_until(
                lambda chat=chat: failed_sends_to(api, chat) >= NOTICE_ATTEMPTS_PER_PASS
            )
    assert bot.errors == []
    told = heard(api, case.user, calls)
    assert told, "the user heard nothing"
    assert GENERAL.get("galat") not in told
    api.clear_faults()
    async with running_bot(settings, database, api) as again:
        assert again.application.job_queue is not None
        again.application.job_queue.run_once(notices_callback, when=0)
        for chat, notices in case.notices.items():
            await api.wait_until(
                lambda chat=chat, notices=notices: len(api.sent_to(chat)) >= before[chat] + notices
            )
        assert await deliver_notices(services_of(again.application)) == DeliveryReport()
    assert again.errors == []
    assert {chat: len(api.sent_to(chat)) - before[chat] for chat in case.notices} == case.notices
