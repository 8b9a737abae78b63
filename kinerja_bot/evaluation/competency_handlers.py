"""/kompetensi: the atasan's competency evaluation of a subordinate (PermenPANRB 6/2022,
Format B.1.9), the Telegram side; the rule and the rows are in `evaluation.competency`.

States: PERIOD → EMPLOYEE → (SCORE → REASON) per competency → CONFIRM (Simpan / Batal).
`/batal` leaves at any step. The draft lives in `COMPETENCY_DRAFT`; every press that names an
employee or saves checks again that the presser is that employee's atasan.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from kinerja_bot.core.context import BotContext
from kinerja_bot.core.drafts import DraftSlot
from kinerja_bot.core.guards import alert_with, is_atasan, only, refuse_with, stray_input_fallbacks
from kinerja_bot.core.models import CompetencyType, Employee, id_of
from kinerja_bot.core.outbox import queue_notice
from kinerja_bot.core.people import Person
from kinerja_bot.core.rules.periods import Period, PeriodError, parse_period, wib_today
from kinerja_bot.core.telegram_ui import (
    COMMON_TEXTS,
    answer_with,
    callback_int,
    cancel_forgetting,
    conversation,
    conversation_timed_out,
    keyboard,
    one_per_row,
    reply,
    shorten,
    stale,
    take_press,
    update_key,
)
from kinerja_bot.core.texts import Markup, TextBook
from kinerja_bot.core.vocabulary import competency_label
from kinerja_bot.evaluation.competency import (
    COMPETENCIES,
    REASON_MAX_CHARS,
    SCORES,
    CompetencyScore,
    IncompleteAssessment,
    save_competency_scores,
    scored,
)
from kinerja_bot.evaluation.service import (
    NotAnEvaluationPeriod,
    offered_periods,
    parse_evaluation_period,
    subordinate,
    subordinates,
)

# The outbox's job of the ASN's notice of saved scores (queue_notice), keyed by the update.
COMPETENCY_JOB = "kompetensi"

TEXTS = TextBook(
    "kompetensi",
    {
        "bukan_atasan": (),
        "bukan_periode_evaluasi": ("periode",),
        "periode_salah": ("pesan",),
        "pilih_periode": (),
        "tombol_periode": ("judul",),
        "pilih_pegawai": ("periode",),
        "tombol_pegawai": ("nama",),
        "tanya_skor": ("nama", "nomor", "jumlah", "kompetensi"),
        "tombol_skor": ("skor",),
        "tanya_alasan": ("kompetensi", "skor", "batas"),
        "alasan_terlalu_panjang": ("panjang", "batas"),
        "ringkasan": ("periode", "nama", "rincian"),
        "baris_skor": ("kompetensi", "skor", "alasan"),
        "tombol_simpan": (),
        "tombol_batal": (),
        "tersimpan": ("nama", "periode"),
        "dibatalkan": (),
        "diterima": ("periode", "atasan", "rincian"),
        "peringatan_bukan_bawahan": (),
        "mulai_lagi": (),
        "alasan_teks": (),
        "sedang_menilai": (),
    },
)

PERIOD, EMPLOYEE, SCORE, REASON, CONFIRM = range(5)
PREFIX = "komp"


class CompetencyDraft(TypedDict):
    """A /kompetensi round: the period and the employee, with the scores and reasons so far
    (keyed by the CompetencyType value)."""

    period: str
    employee_id: NotRequired[int]
    scores: NotRequired[dict[str, int]]
    reasons: NotRequired[dict[str, str]]


COMPETENCY_DRAFT = DraftSlot[CompetencyDraft]("kompetensi.v1")

refuse = refuse_with(TEXTS, "bukan_atasan", ConversationHandler.END)
not_theirs = alert_with(TEXTS, "peringatan_bukan_bawahan")


def described(scores: list[CompetencyScore]) -> Markup:
    """One line per competency: its name, score and reason."""
    lines = (
        TEXTS.get(
            "baris_skor", kompetensi=competency_label(s.kompetensi), skor=s.score, alasan=s.reason
        )
        for s in scores
    )
    return Markup("\n".join(lines))


def _next_competency(draft: CompetencyDraft) -> CompetencyType | None:
    """The first competency without a reason yet (None when all are done)."""
    reasons = draft.get("reasons", {})
    return next((kind for kind in COMPETENCIES if kind.value not in reasons), None)


async def _checked(context: BotContext, atasan: Person, employee_id: int) -> Employee | None:
    """The employee if the person is their atasan now (callback data lies)."""
    async with context.db.session() as session:
        return await subordinate(session, id_of(atasan.asn), employee_id)


# --- Entry, period, employee -------------------------------------------------------------------


@only(is_atasan, refuse)
async def start(update: Update, context: BotContext, person: Person) -> int:
    """/kompetensi [periode]: ask the period unless it was given."""
    async with context.db.session() as session:
        team = await subordinates(session, id_of(person.asn))
    if not team:
        return await refuse(update, context)
    COMPETENCY_DRAFT.drop(context)
    if context.args:
        return await _period_chosen(update, context, person, " ".join(context.args))
    buttons = [
        (TEXTS.get("tombol_periode", judul=p.title), f"{PREFIX}:p:{p.label}")
        for p in offered_periods(wib_today())
    ]
    await reply(update, TEXTS.get("pilih_periode"), one_per_row(buttons))
    return PERIOD


@only(is_atasan, refuse)
async def choose_period(update: Update, context: BotContext, person: Person) -> int:
    await take_press(update)
    data = update.callback_query.data if update.callback_query else None
    return await _period_chosen(update, context, person, (data or "").rsplit(":", 1)[-1])


async def _period_chosen(update: Update, context: BotContext, person: Person, text: str) -> int:
    try:
        period = parse_evaluation_period(text)
    except NotAnEvaluationPeriod:
        await reply(update, TEXTS.get("bukan_periode_evaluasi", periode=text.strip()))
        return ConversationHandler.END
    except PeriodError as error:
        await reply(update, TEXTS.get("periode_salah", pesan=str(error)))
        return ConversationHandler.END
    COMPETENCY_DRAFT.new(context, {"period": period.label})
    async with context.db.session() as session:
        team = await subordinates(session, id_of(person.asn))
    buttons = [
        (TEXTS.get("tombol_pegawai", nama=shorten(e.nama, 60)), f"{PREFIX}:e:{id_of(e)}")
        for e in team
    ]
    await reply(update, TEXTS.get("pilih_pegawai", periode=period.title), one_per_row(buttons))
    return EMPLOYEE


@only(is_atasan, not_theirs)
async def choose_employee(update: Update, context: BotContext, person: Person) -> int | None:
    draft = COMPETENCY_DRAFT.get(context)
    if draft is None:
        return await _lost(update, context)
    employee_id = callback_int(update)
    if employee_id is None:
        await stale(update)
        return None
    employee = await _checked(context, person, employee_id)
    if employee is None:
        return await not_theirs(update, context)
    await take_press(update)
    draft.update({"employee_id": id_of(employee), "scores": {}, "reasons": {}})
    return await _ask_score(update, draft, employee.nama)


# --- Scores and reasons ------------------------------------------------------------------------


async def _ask_score(update: Update, draft: CompetencyDraft, name: str) -> int:
    kind = _next_competency(draft)
    assert kind is not None  # asked only while a competency is left
    buttons = [(TEXTS.get("tombol_skor", skor=score), f"{PREFIX}:n:{score}") for score in SCORES]
    text = TEXTS.get(
        "tanya_skor",
        nama=name,
        nomor=COMPETENCIES.index(kind) + 1,
        jumlah=len(COMPETENCIES),
        kompetensi=competency_label(kind),
    )
    await reply(update, text, keyboard([buttons]))
    return SCORE


@only(is_atasan, not_theirs)
async def choose_score(update: Update, context: BotContext, person: Person) -> int:
    draft = COMPETENCY_DRAFT.get(context)
    kind = _next_competency(draft) if draft is not None else None
    score = callback_int(update)
    if draft is None or kind is None or score is None or score not in SCORES:
        return await _lost(update, context)
    await take_press(update)
    draft.setdefault("scores", {})[kind.value] = score
    await reply(
        update,
        TEXTS.get(
            "tanya_alasan", kompetensi=competency_label(kind), skor=score, batas=REASON_MAX_CHARS
        ),
    )
    return REASON


@only(is_atasan, refuse)
async def receive_reason(update: Update, context: BotContext, person: Person) -> int:
    draft = COMPETENCY_DRAFT.get(context)
    kind = _next_competency(draft) if draft is not None else None
    message = update.effective_message
    if draft is None or kind is None or message is None or "employee_id" not in draft:
        return await _lost(update, context)
    reason = (message.text or "").strip()
    if len(reason) > REASON_MAX_CHARS:
        await reply(
            update,
            TEXTS.get("alasan_terlalu_panjang", panjang=len(reason), batas=REASON_MAX_CHARS),
        )
        return REASON
    if not reason:
        await reply(update, COMMON_TEXTS.get("pilih_tombol"))
        return REASON
    draft.setdefault("reasons", {})[kind.value] = reason
    async with context.db.session() as session:
        employee = await session.get(Employee, draft["employee_id"])
    name = employee.nama if employee else "-"
    if _next_competency(draft) is not None:
        return await _ask_score(update, draft, name)
    scores = scored(draft.get("scores", {}), draft.get("reasons", {}))
    summary = TEXTS.get(
        "ringkasan",
        periode=parse_period(draft["period"]).title,
        nama=name,
        rincian=described(scores),
    )
    buttons = [
        [(TEXTS.get("tombol_simpan"), f"{PREFIX}:s"), (TEXTS.get("tombol_batal"), f"{PREFIX}:b")]
    ]
    await reply(update, summary, keyboard(buttons))
    return CONFIRM


# --- Saving ------------------------------------------------------------------------------------


@only(is_atasan, not_theirs)
async def save(update: Update, context: BotContext, person: Person) -> int | None:
    draft = COMPETENCY_DRAFT.get(context)
    if draft is None or "employee_id" not in draft:
        return await _lost(update, context)
    employee = await _checked(context, person, draft["employee_id"])
    if employee is None:
        return await not_theirs(update, context)
    try:
        scores = scored(draft.get("scores", {}), draft.get("reasons", {}))
    except IncompleteAssessment:
        return await _lost(update, context)
    await take_press(update)
    period = parse_period(draft["period"])
    async with context.db.session() as session:
        await save_competency_scores(session, employee, person.asn, period.label, scores)
        told = await _tell_employee(
            session, update_key(update), person.asn, employee, period, scores
        )
    if told:
        context.send_queued_notices()
    COMPETENCY_DRAFT.drop(context)
    await reply(update, TEXTS.get("tersimpan", nama=employee.nama, periode=period.title))
    return ConversationHandler.END


async def _tell_employee(
    session: AsyncSession,
    key: str,
    atasan: Employee,
    employee: Employee,
    period: Period,
    scores: list[CompetencyScore],
) -> bool:
    """Queue the ASN's notice with the saving, keyed by the update that saved it: a save
    handled again after a kill tells once; saving anew tells again."""
    if employee.telegram_id is None:
        return False
    text = TEXTS.get(
        "diterima", periode=period.title, atasan=atasan.nama, rincian=described(scores)
    )
    return await queue_notice(session, COMPETENCY_JOB, key, employee.telegram_id, [text])


async def drop(update: Update, context: BotContext) -> int:
    """Batal on the summary: nothing is saved."""
    await take_press(update)
    COMPETENCY_DRAFT.drop(context)
    await reply(update, TEXTS.get("dibatalkan"))
    return ConversationHandler.END


async def _lost(update: Update, context: BotContext) -> int:
    """The draft is gone or does not fit the press (a very old button): start over."""
    await take_press(update)
    COMPETENCY_DRAFT.drop(context)
    await reply(update, TEXTS.get("mulai_lagi"))
    return ConversationHandler.END


def _button(step: str, callback: Any, suffix: str = "") -> CallbackQueryHandler[BotContext, Any]:
    return CallbackQueryHandler(callback, pattern=f"^{PREFIX}:{step}{suffix}$")


def build_competency_conversation() -> ConversationHandler[Any]:
    """/kompetensi — states: PERIOD (period buttons), EMPLOYEE (the team), SCORE (1–5 per
    competency), REASON (typed reason of that score), CONFIRM (Simpan / Batal)."""
    return conversation(
        "kompetensi",
        entry_points=[CommandHandler("kompetensi", start)],
        states={
            PERIOD: [_button("p", choose_period, r":[0-9A-Za-z-]{4,8}")],
            EMPLOYEE: [_button("e", choose_employee, r":\d+")],
            SCORE: [_button("n", choose_score, r":\d")],
            REASON: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, receive_reason),
                # A photo or a sticker where the reason is typed: say so, not "press a button".
                MessageHandler(~filters.COMMAND & ~filters.TEXT, answer_with(TEXTS, "alasan_teks")),
            ],
            CONFIRM: [_button("s", save), _button("b", drop)],
        },
        fallbacks=[
            CommandHandler(
                "batal", cancel_forgetting(COMPETENCY_DRAFT.key, book=TEXTS, key="dibatalkan")
            ),
            CommandHandler("kompetensi", start),
            *stray_input_fallbacks(PREFIX, TEXTS, "sedang_menilai"),
        ],
        on_timeout=conversation_timed_out,
    )


def build_competency_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """/kompetensi (a conversation)."""
    return [build_competency_conversation()]
