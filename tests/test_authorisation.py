"""Who may use what (issue 10, item 17): every command and every button that opens a feature,
typed or pressed by each kind of user, against one table, `EXPECTED` (the same table is in
docs/reliability.md, "Authorisation").

A button is pressed with data the user was never shown (a forged press): the decision must be
the server's, never the keyboard's. Every press must be answered (answerCallbackQuery), so
no client is left with a spinning button, and a refused press changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from kinerja_bot.activation.handlers import TEXTS as ACTIVATION
from kinerja_bot.activation.service import Outcome
from kinerja_bot.analysis.render import TEXTS as ANALYSIS
from kinerja_bot.complaints.texts import TEXTS as COMPLAINTS
from kinerja_bot.core.commands import COMMANDS
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    Complaint,
    ComplaintStatus,
    Consent,
    Feedback,
    Leave,
    ProgressReport,
    UnitRoleKind,
    id_of,
)
from kinerja_bot.core.rules.periods import wib_today
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.texts import TextBook
from kinerja_bot.development.texts import TEXTS as DEVELOPMENT
from kinerja_bot.evaluation.competency_handlers import TEXTS as COMPETENCY
from kinerja_bot.evaluation.handlers import TEXTS as EVALUATION
from kinerja_bot.exports.handlers import TEXTS as FILES
from kinerja_bot.ikm.followup.handlers import TEXTS as FOLLOWUP
from kinerja_bot.ikm.texts import TEXTS as IKM
from kinerja_bot.leave.handlers import TEXTS as LEAVE
from kinerja_bot.reminders.jobs import TEXTS as REMINDERS
from kinerja_bot.reporting.texts import PROGRESS_TEXTS
from kinerja_bot.reporting.texts import TEXTS as REPORTING
from kinerja_bot.team.handlers import TEXTS as TEAM
from kinerja_bot.testing.fake_bot_api import FakeBotAPI, SentMessage
from kinerja_bot.testing.formatting import parse_html
from tests.conftest import RunningBot
from tests.factories import add_employee, add_indicator, add_report, add_unit
from tests.survey.conftest import add_role, add_service

# The columns of the table, in order.
ROLES = {
    "stranger": 5100001,  # never used the bot
    "citizen": 5100002,  # filed a complaint that has been answered
    "asn": 5100003,  # linked employee, reports to "atasan"
    "atasan_other_unit": 5100004,  # leads someone in another unit
    "atasan": 5100005,  # the ASN's direct superior
    "complaint_handler": 5100006,  # handles the complaints of the ASN's unit
    "unit_head": 5100007,  # heads the ASN's unit (no direct subordinates)
    "admin": 900001,  # in ADMIN_TELEGRAM_IDS of the test settings, no employee record
}

# ✓ served: the feature answers (possibly "nothing to show"); ✗ refused. Columns as in ROLES:
# stranger, citizen, asn, atasan of another unit, atasan, complaint handler, unit head, admin.
EXPECTED = {
    "/start": "✓✓✓✓✓✓✓✓",
    "/daftar": "✓✓✗✗✗✗✗✓",  # refused: already linked
    "/lapor": "✗✗✓✓✓✓✓✗",
    "/kinerja": "✗✗✓✓✓✓✓✗",
    "/tim": "✗✗✗✓✓✗✓✗",
    "/cuti": "✗✗✓✓✓✓✓✗",
    "/nilai": "✗✗✗✓✓✗✗✗",
    "/kompetensi": "✗✗✗✓✓✗✗✗",
    "/evaluasi": "✗✗✓✓✓✓✓✗",
    "/laporansaya": "✗✗✓✓✓✓✓✗",
    "/pengembangan": "✗✗✓✓✓✓✓✗",
    "/analisis": "✗✗✗✗✗✗✓✓",
    "/survei": "✓✓✓✓✓✓✓✓",
    "/adu": "✓✓✓✓✓✓✓✓",  # a complaint without the survey
    "/tiket": "✓✓✓✓✓✓✓✓",  # each sees their own tickets, staff their units' open ones
    "/ikm": "✗✗✗✗✗✗✓✓",
    "/rtl": "✗✗✗✗✗✗✓✗",  # unit heads record and follow their RTL
    "/privasi": "✓✓✓✓✓✓✓✓",
    "/datasaya": "✓✓✓✓✓✓✓✓",
    "/hapusdata": "✓✓✓✓✓✓✓✓",
    "/bantuan": "✓✓✓✓✓✓✓✓",
    "/batal": "✓✓✓✓✓✓✓✓",
    "lapor:mulai": "✗✗✓✓✓✓✓✗",  # "Lapor sekarang" under a reminder
    "lapor:kor:{report}": "✗✗✓✗✗✗✗✗",  # correct the ASN's report
    "kin:hal:1": "✗✗✓✓✓✓✓✗",  # /kinerja, next page
    "ingat:tunda": "✗✗✓✓✓✓✓✗",  # snooze a reminder
    "tim:buka": "✗✗✗✓✓✗✓✗",  # open /tim from the weekly summary
    "tim:lingkup:unit": "✗✗✗✓✓✗✓✗",  # whole unit (a unit head; others see their team)
    "tim:org:{asn}": "✗✗✗✗✓✗✓✗",  # the ASN's page
    "tim:baca:{report}": "✗✗✗✗✓✗✓✗",  # mark the ASN's report read
    "tim:ub:{report}": "✗✗✓✗✓✗✓✗",  # feedback on the report (the ASN: reply)
    "tim:ingat:{asn}": "✗✗✗✗✓✗✓✗",  # nudge the ASN
    "ub:balas:{report}": "✗✗✓✗✓✗✓✗",  # answer in the feedback thread
    "tkt:l:0": "✗✗✗✗✗✓✓✓",  # the unit's ticket list
    "tkt:v:{ticket}": "✗✗✗✗✗✓✓✓",  # a ticket
    "tkt:j:{ticket}": "✗✗✗✗✗✓✓✓",  # answer it
    "tkt:t:{ticket}": "✗✗✗✗✗✓✓✓",  # close it (asks to confirm)
    "tkt:p:{ticket}": "✗✗✗✗✗✓✓✓",  # mark it in progress
    "tkt:ok:{answered}": "✗✓✗✗✗✗✗✗",  # the citizen accepts the answer
    "tkt:bk:{answered}": "✗✓✗✗✗✗✗✗",  # the citizen asks to reopen (confirms next)
    "cuti:hapus:{leave}": "✗✗✓✗✗✗✗✗",  # withdraw the ASN's declared leave (Tarik)
    "adu:mulai": "✓✓✓✓✓✓✓✓",  # start /adu from the reply to "saya mau mengadu"
    "ana:l:2026-Q4:0:0": "✗✗✗✗✗✗✓✓",  # /analisis summary (units, needs: ana:u, ana:k)
    "ikm:l:2026:0:0": "✗✗✗✗✗✗✓✓",  # /ikm summary (a unit, a service: ikm:u, ikm:s)
    "xlsx:ana:2026-Q4:0": "✗✗✗✗✗✗✓✓",  # the full needs analysis as .xlsx
    "xlsx:ikm:2026:0": "✗✗✗✗✗✗✓✓",  # the IKM and its answers as .xlsx
}


def refusals(nip_and_name: tuple[str, str] | None) -> set[str]:
    """What the bot says (in the chat or a pop-up) when it refuses, as the user reads it."""
    keys: list[tuple[TextBook, str]] = [
        (REPORTING, "bukan_pegawai"),
        (REPORTING, "bukan_milik"),
        (PROGRESS_TEXTS, "bukan_pegawai"),
        (TEAM, "bukan_atasan"),
        (TEAM, "peringatan_bukan_bawahan"),
        (LEAVE, "bukan_pegawai"),
        (LEAVE, "peringatan_bukan_milik"),
        (EVALUATION, "bukan_atasan"),
        (COMPETENCY, "bukan_atasan"),
        (FILES, "bukan_pegawai"),
        (DEVELOPMENT, "bukan_pegawai"),
        (ANALYSIS, "bukan_kepala"),
        (ANALYSIS, "peringatan_bukan_kepala"),
        (FILES, "peringatan_bukan_kepala"),
        (IKM, "peringatan_bukan_wewenang"),
        (IKM, "ikm_tidak_berhak"),
        (FOLLOWUP, "tidak_berhak"),
        (COMPLAINTS, "tidak_berhak"),
        (COMPLAINTS, "peringatan_bukan_milik"),
        (COMPLAINTS, "peringatan_bukan_wewenang"),
        (REMINDERS, "bukan_pegawai"),
    ]
    texts = {book.get(key) for book, key in keys}
    if nip_and_name is not None:
        nip, name = nip_and_name
        texts.add(ACTIVATION.get(Outcome.ACCOUNT_ALREADY_LINKED, nip=nip, nama=name))
    return {parse_html(str(text))[0] for text in texts}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Each user sends some 80 updates within seconds here: that is not a flood."""
    return settings.model_copy(update={"user_message_limit": 10_000})


@dataclass
class World:
    ids: dict[str, int]
    linked: dict[int, tuple[str, str]]  # telegram id → (NIP, name)


@pytest.fixture
async def world(database: Database, api: FakeBotAPI) -> World:
    """Disdukcapil: a head, a complaint handler, an atasan and the ASN (an indicator, a report
    with feedback, declared leave); Dinkes: an atasan of someone else; the citizen's tickets,
    one new and one answered."""
    for user in ROLES.values():
        api.user(user)
    disdukcapil = await add_unit(database, "DISDUKCAPIL", "Dinas Kependudukan")
    dinkes = await add_unit(database, "DINKES", "Dinas Kesehatan")
    staff = {
        "unit_head": await add_employee(database, disdukcapil, nama="Hendra Gunawan"),
        "complaint_handler": await add_employee(database, disdukcapil, nama="Rina Marlina"),
        "atasan": await add_employee(database, disdukcapil, nama="Dewi Lestari"),
        "atasan_other_unit": await add_employee(database, dinkes, nama="Agus Salim"),
    }
    staff["asn"] = await add_employee(
        database, disdukcapil, nama="Siti Rahmawati", atasan=staff["atasan"]
    )
    await add_employee(database, dinkes, nama="Bawahan Agus", atasan=staff["atasan_other_unit"])
    await add_role(database, staff["unit_head"], disdukcapil, UnitRoleKind.HEAD)
    await add_role(
        database, staff["complaint_handler"], disdukcapil, UnitRoleKind.COMPLAINT_HANDLER
    )
    indicator = await add_indicator(database, staff["asn"], nama="Jumlah KTP-el dicetak")
    report = await add_report(database, indicator, 100)
    ktp = await add_service(database, disdukcapil, "L-KTP", "Perekaman KTP-el")
    today = wib_today()
    async with database.session() as session:
        for role, employee in staff.items():
            employee.telegram_id = ROLES[role]
            session.add(employee)
        consent = Consent(
            telegram_id=ROLES["citizen"], purpose="kontak_pengaduan", text_version="1"
        )
        session.add(consent)
        await session.flush()
        new, answered = (
            Complaint(
                nomor=nomor,
                service_id=id_of(ktp),
                unit_id=id_of(disdukcapil),
                text="Antrean panjang",
                status=status,
                chat_id=ROLES["citizen"],
                consent_id=consent.id,
                due_date=today + timedelta(days=5),
                answer=answer,
            )
            for nomor, status, answer in (
                ("ADU-0001", ComplaintStatus.RECEIVED, None),
                ("ADU-0002", ComplaintStatus.ANSWERED, "Petugas loket sudah kami tambah"),
            )
        )
        feedback = Feedback(report_id=id_of(report), author_id=id_of(staff["atasan"]), text="Ok")
        leave = Leave(employee_id=id_of(staff["asn"]), first_day=today, last_day=today)
        session.add_all([new, answered, feedback, leave])
        await session.flush()
        ids = {
            "asn": id_of(staff["asn"]),
            "report": id_of(report),
            "ticket": id_of(new),
            "answered": id_of(answered),
            "leave": id_of(leave),
        }
    linked = {ROLES[role]: (employee.nip, employee.nama) for role, employee in staff.items()}
    return World(ids, linked)


@dataclass
class Response:
    answered: bool  # a press: answerCallbackQuery was called
    seen: list[str]  # pop-up, new messages and the anchor's new text, as the user reads them


async def act(
    bot: RunningBot,
    user: int,
    anchor: SentMessage,
    entry: str,
    ids: dict[str, int],
) -> Response:
    """Type the command or press the button; what the user got once the update was handled.
    Then /batal, so that the next entry starts outside any conversation."""
    api, handled = bot.api, bot.handled
    edits = anchor.edit_count
    if entry.startswith("/"):
        api.send_text(user, entry)
        query_id = None
    else:
        query_id = api.press_button(user, anchor, entry.format(**ids), check=False)["id"]
    await handled.wait(api.last_update_id)
    answer = api.callback_answer(query_id) if query_id else None
    seen = [str(answer["text"])] if answer and answer.get("text") else []
    seen += [message.plain_text for message in api.unread(user)]
    if anchor.edit_count > edits:
        seen.append(anchor.plain_text)
    api.mark_read(user)
    api.send_text(user, "/batal")
    await handled.wait(api.last_update_id)
    api.mark_read(user)
    return Response(answered=query_id is None or answer is not None, seen=seen)


def changed_state(role: str) -> set[str]:
    """Which of the world's rows this role's presses may change."""
    allowed = {entry for entry, row in EXPECTED.items() if row[list(ROLES).index(role)] == "✓"}
    return {
        name
        for name, entry in (
            ("report read", "tim:baca:{report}"),
            ("leave withdrawn", "cuti:hapus:{leave}"),
            ("ticket in progress", "tkt:p:{ticket}"),
            ("answer accepted", "tkt:ok:{answered}"),
        )
        if entry in allowed
    }


async def state_of(database: Database, world: World) -> set[str]:
    async with database.session() as session:
        report = await session.get(ProgressReport, world.ids["report"])
        new = await session.get(Complaint, world.ids["ticket"])
        answered = await session.get(Complaint, world.ids["answered"])
        leave = (await session.exec(select(Leave))).first()
    assert report is not None and new is not None and answered is not None
    changes = {
        "report read": report.acknowledged_at is not None,
        "leave withdrawn": leave is None,
        "ticket in progress": new.status != ComplaintStatus.RECEIVED,
        "answer accepted": answered.status != ComplaintStatus.ANSWERED,
    }
    return {name for name, changed in changes.items() if changed}


@pytest.mark.parametrize("role", list(ROLES))
async def test_every_command_and_button_serves_exactly_the_roles_in_the_table(
    bot: RunningBot, database: Database, world: World, role: str
) -> None:
    user = ROLES[role]
    column = list(ROLES).index(role)
    refused_texts = refusals(world.linked.get(user))
    (anchor,) = await bot.say(user, "/bantuan")  # the message the forged buttons sit on
    listed = {f"/{c.name}" for c in COMMANDS if f"/{c.name} — " in anchor.plain_text}

    got: dict[str, str] = {}
    for entry in EXPECTED:
        outcome = await act(bot, user, anchor, entry, world.ids)
        assert outcome.answered, f"{role}: the press of {entry} was never answered"
        assert outcome.seen, f"{role}: {entry} got no answer at all"
        got[entry] = "✗" if refused_texts & set(outcome.seen) else "✓"

    expected = {entry: row[column] for entry, row in EXPECTED.items()}
    assert got == expected
    # /bantuan lists exactly the commands this person is served.
    assert listed == {entry for entry, mark in got.items() if entry.startswith("/") and mark == "✓"}
    assert await state_of(database, world) <= changed_state(role)


def test_the_table_covers_every_command() -> None:
    assert {f"/{command.name}" for command in COMMANDS} <= set(EXPECTED)
    assert all(len(row) == len(ROLES) for row in EXPECTED.values())


def test_the_docs_show_the_tested_table() -> None:
    doc = (Path(__file__).parents[1] / "docs" / "reliability.md").read_text(encoding="utf-8")
    rows = {
        cells[0].strip("` "): "".join(cell.strip() for cell in cells[2:])
        for line in doc.split("## Authorisation", 1)[1].split("\n## ", 1)[0].splitlines()
        if line.startswith("| `")
        for cells in [line.strip("|").split("|")]
    }
    assert rows == EXPECTED
