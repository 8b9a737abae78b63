"""Generated bad input in every state of the main conversations (issue 10, item 16).

Each conversation is walked from its start to its saved result (/lapor, /survei with a
complaint, /daftar, answering a /tiket, /nilai, /cuti). Before every step, hypothesis sends one
thing the step does not expect: text (any Unicode, NUL bytes, markup, up to 4096 characters),
a command of another feature, a sticker, a photo, a forged button (random data, or a real
prefix with an id that is nobody's), an old button, an edit of an earlier message, a message in
a group, a channel post. Then the step is taken as a user would.

What must hold, for every input in every state:
- a private input is always answered (a message, an edit, or the pressed button's answer);
  a group message gets at most the pointer to the private chat and nothing in private; a
  channel post gets nothing at all;
- the conversation's state is untouched: the walk goes on and ends with exactly one saved
  result (a report, a survey answer and its ticket, a linked account, an answer, an
  evaluation, a leave);
- nobody is shown markup as text (the `api` fixture) and PTB caught no exception (`bot`).

Where a step's state takes typed text as its answer (a number, a NIP, a note), text is not
"bad" there and is not generated; the same goes for a photo where evidence is asked for.
Forged ids stay within int32 and no forged `/hapusdata` confirmation is generated: ids beyond
int32 and forged expiry timestamps are issue 10, break 10, tested where it is fixed.

Bounded and deterministic: few examples, no deadline, derandomized, no shrinking (a failure
prints the generated inputs), no example database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import count

import pytest
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlmodel import col, func, select

from kinerja_bot.activation.service import issue_codes
from kinerja_bot.complaints.texts import TEXTS as COMPLAINTS
from kinerja_bot.core.db import Database
from kinerja_bot.core.models import (
    Complaint,
    ComplaintStatus,
    Consent,
    Employee,
    Evaluation,
    Leave,
    ProgressReport,
    SurveyResponse,
    id_of,
    utcnow,
)
from kinerja_bot.core.rules.periods import wib_today
from kinerja_bot.core.settings import Settings
from kinerja_bot.core.telegram_ui import COMMON_TEXTS
from kinerja_bot.evaluation.handlers import TEXTS as EVALUATION
from kinerja_bot.reporting.texts import TEXTS as REPORTING
from kinerja_bot.survey.texts import TEXTS as SURVEY
from kinerja_bot.survey.texts import questionnaire
from kinerja_bot.testing.fake_bot_api import FakeBotAPI, SentMessage
from tests.conftest import RunningBot
from tests.factories import add_employee, add_indicator, add_unit
from tests.survey.conftest import HANDLER, City, city  # noqa: F401  (a fixture, used by name)

GROUP, CHANNEL = -1001000000001, -1001000000002
# New users for every example: each walk starts from nothing.
_user_ids = count(7_700_000_001)

# Commands that answer without starting a journey (a journey's own command restarts it, and
# another journey's command starts that one: both are the user's choice, not bad input).
COMMANDS = ("kinerja", "tim", "evaluasi", "laporansaya", "analisis", "ikm", "tiket", "privasi")
COMMANDS += ("datasaya", "hapusdata", "bantuan", "start", "tidakada", "start@KinerjaTangselBot")
MARKUP = (
    "<b>tebal</b>",
    "</i>",
    "&amp; &lt;b&gt;",
    "<script>alert(1)</script>",
    '<a href="tg://user?id=1">x</a>',
    "a\x00b",
    "\x00",
    "‮terbalik",
    "𝓤𝓷𝓲𝓬𝓸𝓭𝓮 🇮🇩 ́",
)
ID_PREFIXES = (
    "lapor:ind",
    "lapor:kor",
    "kin:hal",
    "tim:org",
    "tim:baca",
    "tim:ub",
    "tim:ingat",
    "ub:balas",
    "nilai:e",
    "svy:u",
    "svy:s",
    "svy:up",
    "svy:b",
    "tkt:l",
    "tkt:v",
    "tkt:j",
    "tkt:p",
    "tkt:t",
    "tkt:tt",
    "tkt:ok",
    "tkt:no",
    "cuti:hapus",
)

texts = st.one_of(
    st.text(max_size=60),
    st.sampled_from(MARKUP),
    st.builds(
        lambda unit, times: (unit * times)[:4096],
        st.text(min_size=1, max_size=3),
        st.integers(1400, 4096),
    ),
).filter(lambda text: bool(text.strip()) and not text.startswith("/"))
forged_data = st.one_of(
    st.text(min_size=1, max_size=64).filter(lambda data: 1 <= len(data.encode()) <= 64),
    st.builds("{}:{}".format, st.sampled_from(ID_PREFIXES), st.integers(10_000, 2**31 - 1)),
)


class Bad:
    """One unexpected input; its repr stays short even for 4096 characters of text."""

    def __init__(self, kind: str, text: str = "") -> None:
        self.kind, self.text = kind, text

    def __repr__(self) -> str:
        text = repr(self.text) if len(self.text) <= 40 else f"{self.text[:40]!r}…{len(self.text)}"
        return f"Bad({self.kind}, {text})"


TEXT_KINDS = frozenset({"text"})


def bad_inputs(excluded: frozenset[str]) -> st.SearchStrategy[Bad]:
    """One unexpected input, of any kind but those the state takes as an answer."""
    kinds = {
        "text": texts.map(lambda text: Bad("text", text)),
        "command": st.sampled_from(COMMANDS).map(lambda name: Bad("command", f"/{name}")),
        "sticker": st.just(Bad("sticker")),
        "photo": st.just(Bad("photo")),
        "forged": forged_data.map(lambda data: Bad("forged", data)),
        "stale": st.just(Bad("stale")),
        "edit": texts.map(lambda text: Bad("edit", text)),
        "group": texts.map(lambda text: Bad("group", text)),
        "channel": texts.map(lambda text: Bad("channel", text)),
    }
    return st.one_of(*(strategy for kind, strategy in kinds.items() if kind not in excluded))


@dataclass
class Walk:
    """One user on their way through a conversation."""

    bot: RunningBot
    user: int
    anchor: SentMessage  # a message without buttons: forged presses land here
    last_typed: dict[str, object]  # the user's last message, for edits
    values: dict[str, str] = field(default_factory=dict)  # what this walk's steps fill in
    current: SentMessage | None = None  # the newest message with buttons
    old: tuple[SentMessage, str] | None = None  # an earlier message's button

    @property
    def api(self) -> FakeBotAPI:
        return self.bot.api

    def seen(self) -> tuple[int, int]:
        sent = self.api.sent_to(self.user)
        return len(sent), sum(message.edit_count for message in sent)

    async def finish(self) -> None:
        await self.bot.handled.wait(self.api.last_update_id)

    def versions(self) -> dict[int, int]:
        return {m.message_id: m.edit_count for m in self.api.sent_to(self.user)}

    async def say(self, text: str) -> None:
        before = self.versions()
        self.last_typed = self.api.send_text(self.user, text.format(**self.values))
        await self.finish()
        self.step_done(before)

    async def press(self, label: str | None = None, *, data: str | None = None) -> None:
        assert self.current is not None, "no message with buttons to press"
        data = data.format(**self.values) if data else None
        label = label.format(**self.values) if label else None
        before = self.versions()
        query = self.api.press_button(self.user, self.current, data, label=label, check=not data)
        await self.finish()
        assert self.api.callback_answer(query["id"]) is not None
        self.step_done(before)

    def step_done(self, before: dict[int, int]) -> None:
        """The step's answer with buttons (new or edited by this step) is pressed next; what
        answered a bad input earlier (a /tiket list, a /hapusdata question) is not."""
        changed = [
            m
            for m in self.api.sent_to(self.user)
            if m.callback_data and not m.deleted and before.get(m.message_id) != m.edit_count
        ]
        newest = max(changed, key=lambda m: m.message_id, default=self.current)
        previous = self.current
        if self.old is None and previous and newest is not previous and previous.callback_data:
            self.old = (previous, previous.callback_data[0])
        self.current = newest

    async def send(self, bad: Bad, answer: str | None) -> None:
        """Send one bad input and check that it was answered as it should be. `answer` is
        what the state takes as typed text, if it does: an edit then says exactly that."""
        api, user = self.api, self.user
        before = self.seen()
        in_group = len(api.sent_to(GROUP))
        in_channel = len(api.sent_to(CHANNEL))
        query = None
        if bad.kind == "text":
            self.last_typed = api.send_text(user, bad.text)
        elif bad.kind == "command":
            api.send_text(user, bad.text)
        elif bad.kind == "sticker":
            api.send_sticker(user)
        elif bad.kind == "photo":
            api.send_photo(user)
        elif bad.kind == "stale" and self.old is not None and self.old[0] is not self.current:
            query = api.press_button(user, self.old[0], self.old[1], check=False)
        elif bad.kind in ("forged", "stale"):
            query = api.press_button(user, self.anchor, bad.text or "lapor:ind:99999", check=False)
        elif bad.kind == "edit":
            api.edit_text(self.last_typed, answer.format(**self.values) if answer else bad.text)
        elif bad.kind == "group":
            api.send_group_text(GROUP, user, bad.text)
        elif bad.kind == "channel":
            api.send_channel_post(CHANNEL, bad.text)
        await self.finish()
        if bad.kind == "channel":
            assert (self.seen(), len(api.sent_to(CHANNEL))) == (before, in_channel)
        elif bad.kind == "group":
            assert self.seen() == before, "a group message was answered in private"
            notices = [m.plain_text for m in api.sent_to(GROUP)[in_group:]]
            link = f"https://t.me/{api.bot.username}"
            assert notices in ([], [str(COMMON_TEXTS.get("hanya_chat_pribadi", tautan=link))])
        elif bad.kind == "edit":
            said = [m.plain_text for m in api.sent_to(user)[before[0] :]]
            assert said == [COMMON_TEXTS.get("pesan_diubah")], f"an edit drove something: {said}"
        elif query is not None:
            assert api.callback_answer(query["id"]) is not None, f"{bad} never answered"
        else:
            assert self.seen() != before, f"{bad} got no answer"


@dataclass(frozen=True)
class Step:
    """What the user does next, and what their state takes as an answer (not generated)."""

    take: Callable[[Walk], Awaitable[None]]
    answers: frozenset[str] = frozenset()
    typed: str | None = None  # the text typed as the answer, if any


def say(text: str, answers: frozenset[str] = TEXT_KINDS) -> Step:
    return Step(lambda walk: walk.say(text), answers, text if answers else None)


def press(
    label: str | None = None, *, data: str | None = None, answers: frozenset[str] = frozenset()
) -> Step:
    return Step(lambda walk: walk.press(label, data=data), answers)


def press_first(answers: frozenset[str] = frozenset()) -> Step:
    async def take(walk: Walk) -> None:
        assert walk.current is not None
        await walk.press(walk.current.button_labels[0])

    return Step(take, answers)


async def walk_with_bad_input(
    bot: RunningBot, user: int, steps: list[Step], bad: list[Bad], **values: object
) -> None:
    """Walk the steps, each after one bad input; `values` fill in the steps' texts."""
    bot.api.user(user)
    help_request = bot.api.send_text(user, "/bantuan")
    await bot.handled.wait(bot.api.last_update_id)
    anchor = bot.api.sent_to(user)[-1]
    walk = Walk(bot, user, anchor, help_request, {k: str(v) for k, v in values.items()})
    for step, unexpected in zip(steps, bad, strict=True):
        await walk.send(unexpected, step.typed)
        await step.take(walk)


def bad_for(steps: list[Step]) -> st.SearchStrategy[list[Bad]]:
    return st.tuples(*(bad_inputs(step.answers) for step in steps)).map(list)


def bounded(examples: int) -> Callable[..., object]:
    return hypothesis_settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Staff walk many times within seconds here: that is not a flood."""
    return settings.model_copy(update={"user_message_limit": 10_000})


async def rows(database: Database, model: type, *where: object) -> int:
    async with database.session() as session:
        return int(
            (await session.exec(select(func.count()).select_from(model).where(*where))).one()
        )


# --- /lapor ----------------------------------------------------------------------------------

LAPOR = [
    say("/lapor", answers=frozenset()),
    press_first(),  # CHOOSE: the indicator
    say("120"),  # REALISATION
    press(REPORTING.get("tombol_lewati"), answers=frozenset({"text", "photo"})),  # EVIDENCE
    press(REPORTING.get("tombol_tidak_ada")),  # OBSTACLE
    press(REPORTING.get("tombol_tidak_ada")),  # SUPPORT
    press(REPORTING.get("tombol_kirim")),  # SUMMARY
]


@bounded(10)
@given(bad=bad_for(LAPOR))
async def test_lapor_in_every_state(bot: RunningBot, database: Database, bad: list[Bad]) -> None:
    user = next(_user_ids)
    unit = await add_unit(database, f"U{user}")
    asn = await add_employee(database, unit, telegram_id=user)
    await add_indicator(database, asn)
    await walk_with_bad_input(bot, user, LAPOR, bad)
    assert await rows(database, ProgressReport, ProgressReport.employee_id == asn.id) == 1


# --- /survei, ending in a complaint ----------------------------------------------------------

SCORES = {question.unsur: 1 if question.unsur == "U3" else 3 for question in questionnaire()}
SURVEY_STEPS = [
    say("/start layanan-L-KTP", answers=frozenset()),
    *(press(q.labels[SCORES[q.unsur] - 1]) for q in questionnaire()),  # QUESTION
    press(SURVEY.get("tombol_lewati")),  # PROFILE
    press(SURVEY.get("tombol_lewati"), answers=TEXT_KINDS),  # SUGGESTION
    press(SURVEY.get("tombol_buat_tiket")),  # OFFER
    say("Antrean <b>3 jam</b> & petugas tidak ada"),  # COMPLAINT
    press(COMPLAINTS.get("tombol_setuju_kontak")),  # CONSENT
]


@bounded(6)
@given(bad=bad_for(SURVEY_STEPS))
async def test_survei_in_every_state(
    bot: RunningBot,
    database: Database,
    city: City,  # noqa: F811  (the fixture imported above)
    bad: list[Bad],
) -> None:
    user = next(_user_ids)
    bot.api.user(HANDLER)  # told of each new ticket
    responses = await rows(database, SurveyResponse)
    await walk_with_bad_input(bot, user, SURVEY_STEPS, bad)
    assert await rows(database, SurveyResponse) == responses + 1
    assert await rows(database, Complaint, Complaint.chat_id == user) == 1


# --- /daftar ---------------------------------------------------------------------------------

DAFTAR = [say("/daftar", answers=frozenset()), say("{nip}"), say("{code}")]


@bounded(10)
@given(bad=bad_for(DAFTAR))
async def test_daftar_in_every_state(bot: RunningBot, database: Database, bad: list[Bad]) -> None:
    user = next(_user_ids)
    unit = await add_unit(database, f"U{user}")
    employee = await add_employee(database, unit)
    async with database.session() as session:
        (issued,) = await issue_codes(session, [employee], utcnow(), 14)
    await walk_with_bad_input(bot, user, DAFTAR, bad, nip=employee.nip, code=issued.kode)
    async with database.session() as session:
        linked = await session.get(Employee, employee.id)
    assert linked is not None and linked.telegram_id == user


# --- answering a /tiket ------------------------------------------------------------------------

ANSWER = "Loket tambahan dibuka mulai Senin."
TIKET = [
    say("/tiket", answers=frozenset()),
    press(data="tkt:v:{ticket}"),  # the list: the new ticket
    press(COMPLAINTS.get("tombol_jawab")),  # the ticket
    say(ANSWER),  # ANSWER
    press(COMPLAINTS.get("tombol_kirim")),  # CONFIRM
]


@bounded(10)
@given(bad=bad_for(TIKET))
async def test_tiket_answer_in_every_state(
    bot: RunningBot,
    database: Database,
    city: City,  # noqa: F811  (the fixture imported above)
    bad: list[Bad],
) -> None:
    citizen = next(_user_ids)
    bot.api.user(citizen)
    async with database.session() as session:
        consent = Consent(telegram_id=citizen, purpose="kontak_pengaduan", text_version="1")
        session.add(consent)
        await session.flush()
        complaint = Complaint(
            nomor=f"ADU-{citizen}",
            service_id=id_of(city.ktp),
            unit_id=id_of(city.disdukcapil),
            text="Antrean panjang",
            chat_id=citizen,
            consent_id=consent.id,
            due_date=wib_today() + timedelta(days=5),
        )
        session.add(complaint)
        await session.flush()
        ticket = id_of(complaint)
    await walk_with_bad_input(bot, HANDLER, TIKET, bad, ticket=ticket)
    async with database.session() as session:
        answered = await session.get(Complaint, ticket)
    assert answered is not None and answered.status == ComplaintStatus.ANSWERED
    assert answered.answer == ANSWER
    (sent,) = await bot.api.wait_for_messages(citizen, 1)  # queued, sent right after
    assert ANSWER in sent.plain_text
    assert len(bot.api.sent_to(citizen)) == 1


# --- /nilai ----------------------------------------------------------------------------------

NOTES = 7  # one per BerAKHLAK value
NILAI = [
    say("/nilai", answers=frozenset()),
    press_first(),  # PERIOD
    press("{employee}"),  # EMPLOYEE
    press_first(),  # RESULT
    *(press(EVALUATION.get("tombol_lewati"), answers=TEXT_KINDS) for _ in range(NOTES)),  # NOTE
    press_first(),  # BEHAVIOUR
    press(EVALUATION.get("tombol_simpan")),  # CONFIRM
]


@bounded(6)
@given(bad=bad_for(NILAI))
async def test_nilai_in_every_state(bot: RunningBot, database: Database, bad: list[Bad]) -> None:
    user = next(_user_ids)
    unit = await add_unit(database, f"U{user}")
    atasan = await add_employee(database, unit, nama="Dewi Lestari", telegram_id=user)
    member = await add_employee(database, unit, nama=f"Pegawai {user}", atasan=atasan)
    label = EVALUATION.get("tombol_pegawai", nama=member.nama)
    await walk_with_bad_input(bot, user, NILAI, bad, employee=label)
    assert await rows(database, Evaluation, Evaluation.employee_id == member.id) == 1


# --- /cuti -----------------------------------------------------------------------------------

CUTI = [
    say("/cuti", answers=frozenset()),
    say("1 Desember 2099"),  # DAYS
    say("5 Desember 2099"),  # LAST_DAY
    press_first(),  # KIND
]


@bounded(10)
@given(bad=bad_for(CUTI))
async def test_cuti_in_every_state(bot: RunningBot, database: Database, bad: list[Bad]) -> None:
    user = next(_user_ids)
    unit = await add_unit(database, f"U{user}")
    asn = await add_employee(database, unit, telegram_id=user)
    await walk_with_bad_input(bot, user, CUTI, bad)
    assert await rows(database, Leave, col(Leave.employee_id) == asn.id) == 1
