"""Telegram side of the periodic evaluation: the /nilai conversation for atasan, and the
(/evaluasi and /laporansaya, an ASN's own files, are in `exports.handlers`).

/nilai states: PERIOD → EMPLOYEE → RESULT → NOTE (× 7 BerAKHLAK values) → BEHAVIOUR →
CONFIRM → back to EMPLOYEE after saving. `/batal` leaves at any step. The draft lives in
`EVALUATION_DRAFT` (typed, JSON only, so it survives a restart). Every press that names or acts
on an employee checks again that the presser is that employee's atasan.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardMarkup, Update
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
from kinerja_bot.core.guards import stray_input_fallbacks
from kinerja_bot.core.models import Employee, Evaluation, id_of, utcnow
from kinerja_bot.core.outbox import queue_notice
from kinerja_bot.core.people import current_person
from kinerja_bot.core.rules.formatting import format_number_id, format_percent_id
from kinerja_bot.core.rules.periods import (
    Period,
    PeriodError,
    format_date_id,
    parse_period,
    wib_today,
)
from kinerja_bot.core.rules.predikat import BERAKHLAK, Rating, predikat
from kinerja_bot.core.telegram_ui import (
    Button,
    answer_with,
    back_button,
    callback_int,
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
from kinerja_bot.core.vocabulary import status_label
from kinerja_bot.evaluation.service import (
    BERAKHLAK_CODES,
    CODE_OF_RATING,
    NOTE_MAX_CHARS,
    RATING_CODES,
    DistributionCheck,
    EvaluationBasis,
    NotAnEvaluationPeriod,
    distribution_check,
    evaluation_basis,
    evaluations_for,
    offered_periods,
    parse_evaluation_period,
    save_evaluation,
    subordinate,
    subordinates,
    target_to_date,
)
from kinerja_bot.reporting import IndicatorProgress

# The outbox's job of the ASN's notice of a saved evaluation (queue_notice), keyed by the update.
EVALUATION_JOB = "penilaian"

TEXTS = TextBook(
    "evaluasi",
    {
        "bukan_atasan": (),
        "bukan_periode_evaluasi": ("periode",),
        "periode_salah": ("pesan",),
        "pilih_periode": (),
        "tombol_periode": ("judul",),
        "pilih_pegawai": ("periode", "dinilai", "jumlah"),
        "tombol_pegawai": ("nama",),
        "tombol_pegawai_dinilai": ("nama", "predikat"),
        "tombol_selesai": (),
        "kembali_bawahan": (),
        "selesai": ("periode", "dinilai", "jumlah"),
        "dasar_penilaian": (
            "nama",
            "jabatan",
            "periode",
            "tanggal",
            "indikator",
            "saran",
            "alasan",
            "sebelumnya",
        ),
        "baris_indikator": ("nama", "jenis", "realisasi", "target", "satuan", "capaian", "status"),
        "baris_indikator_tanpa_capaian": ("nama", "jenis"),
        "tanpa_indikator": (),
        "jenis_utama": (),
        "jenis_tambahan": (),
        "saran_tidak_ada": (),
        "alasan_bawah": (),
        "alasan_sesuai": (),
        "alasan_atas": (),
        "alasan_tidak_ada": (),
        "sebelumnya": ("hasil", "perilaku", "predikat"),
        "tombol_rating_atas": (),
        "tombol_rating_sesuai": (),
        "tombol_rating_bawah": (),
        "tombol_saran": ("label",),
        "minta_catatan": ("nomor", "nilai", "nama", "batas"),
        "tombol_lewati": (),
        "catatan_terlalu_panjang": ("panjang", "batas"),
        "minta_rating_perilaku": ("nama",),
        "ringkasan": (
            "periode",
            "nama",
            "nip",
            "hasil",
            "saran",
            "perilaku",
            "catatan",
            "predikat",
            "distribusi",
        ),
        "baris_catatan": ("nilai", "catatan"),
        "tanpa_catatan": (),
        "tombol_simpan": (),
        "tombol_ubah": (),
        "tombol_batal": (),
        "tersimpan": ("nama", "periode", "predikat"),
        "distribusi_peringatan": ("unit", "rating", "dinilai", "pegawai", "aturan"),
        "baris_aturan": ("aturan", "jumlah", "total", "persen"),
        "distribusi_sesuai": (),
        "dibatalkan_pegawai": ("nama",),
        "peringatan_bukan_bawahan": (),
        "catatan_teks": (),
        "sedang_menilai": (),
        "batal": (),
        "mulai_lagi": (),
        "penilaian_diterima": ("atasan", "periode", "hasil", "perilaku", "predikat", "kode"),
        "bukan_pegawai": (),
    },
)

PERIOD, EMPLOYEE, RESULT, NOTE, BEHAVIOUR, CONFIRM = range(6)
PREFIX = "nilai"
# Shown per indicator in the basis message; a job has a handful, the cap keeps it in one message.
MAX_INDICATORS_SHOWN = 20

_RATING_PATTERN = "|".join(RATING_CODES)


# --- Helpers ---------------------------------------------------------------------------------


class EvaluationDraft(TypedDict):
    """A /nilai round: the period, and the employee being rated with what is chosen so far
    (rating codes, as on the buttons; keys named after the Evaluation columns)."""

    period: str
    employee_id: NotRequired[int]
    suggested_result_rating: NotRequired[str | None]
    result_rating: NotRequired[str | None]
    behaviour_notes: NotRequired[dict[str, str]]
    behaviour_rating: NotRequired[str | None]


EVALUATION_DRAFT = DraftSlot[EvaluationDraft]("nilai.v2")


def _rating(code: str | None) -> Rating | None:
    """The rating of a button code kept in the draft (None when not chosen or unknown)."""
    return RATING_CODES.get(code) if code else None


def _rating_label(rating: Rating) -> str:
    return TEXTS.get(f"tombol_rating_{CODE_OF_RATING[rating]}")


def _rating_buttons(step: str, suggested: Rating | None = None) -> InlineKeyboardMarkup:
    """The three ratings, one per row, and ◀ back to the team without saving."""
    rows: list[list[Button]] = []
    for code, rating in RATING_CODES.items():
        label = _rating_label(rating)
        if rating is suggested:
            label = TEXTS.get("tombol_saran", label=label)
        rows.append([(label, f"{PREFIX}:{step}:{code}")])
    rows.append(back_button(TEXTS.get("kembali_bawahan"), f"{PREFIX}:d"))
    return keyboard(rows)


async def _atasan(update: Update, context: BotContext) -> Employee | None:
    """The linked employee behind this update (None for citizens and unknown users)."""
    person = await current_person(update, context)
    return person.employee if person is not None else None


async def _checked_subordinate(
    update: Update, context: BotContext, employee_id: int
) -> tuple[Employee, Employee] | None:
    """(atasan, subordinate) if the presser is the atasan of `employee_id`, else None (after
    telling them with an alert)."""
    atasan = await _atasan(update, context)
    employee = None
    if atasan is not None:
        async with context.db.session() as session:
            employee = await subordinate(session, id_of(atasan), employee_id)
    if atasan is None or employee is None:
        if update.callback_query is not None:
            await update.callback_query.answer(
                TEXTS.get("peringatan_bukan_bawahan"), show_alert=True
            )
        return None
    return atasan, employee


def _callback_part(update: Update) -> str:
    query = update.callback_query
    return (query.data or "").rsplit(":", 1)[-1] if query else ""


# --- Entry, period and employee list -----------------------------------------------------------


async def start(update: Update, context: BotContext) -> int:
    """/nilai [periode]: only for atasan; ask the period unless it was given."""
    atasan = await _atasan(update, context)
    if atasan is None or context.user_data is None:
        await reply(update, TEXTS.get("bukan_atasan"))
        return ConversationHandler.END
    async with context.db.session() as session:
        team = await subordinates(session, id_of(atasan))
    if not team:
        await reply(update, TEXTS.get("bukan_atasan"))
        return ConversationHandler.END
    EVALUATION_DRAFT.drop(context)
    if context.args:
        period = await _parse_or_explain(update, " ".join(context.args))
        if period is None:
            return ConversationHandler.END
        EVALUATION_DRAFT.new(context, {"period": period.label})
        return await show_employees(update, context)
    today = wib_today()
    buttons = [
        (TEXTS.get("tombol_periode", judul=p.title), f"{PREFIX}:p:{p.label}")
        for p in offered_periods(today)
    ]
    await reply(update, TEXTS.get("pilih_periode"), one_per_row(buttons))
    return PERIOD


async def _parse_or_explain(update: Update, text: str) -> Period | None:
    try:
        return parse_evaluation_period(text)
    except NotAnEvaluationPeriod:
        await reply(update, TEXTS.get("bukan_periode_evaluasi", periode=text.strip()))
    except PeriodError as error:
        await reply(update, TEXTS.get("periode_salah", pesan=str(error)))
    return None


async def choose_period(update: Update, context: BotContext) -> int:
    """A period button: remember it and list the team."""
    await take_press(update)
    period = await _parse_or_explain(update, _callback_part(update))
    if period is None or context.user_data is None:
        return ConversationHandler.END
    EVALUATION_DRAFT.new(context, {"period": period.label})
    return await show_employees(update, context)


async def show_employees(update: Update, context: BotContext) -> int:
    """The atasan's subordinates as buttons, those already rated for the period ticked."""
    draft = EVALUATION_DRAFT.get(context)
    atasan = await _atasan(update, context)
    if draft is None or atasan is None:
        await reply(update, TEXTS.get("mulai_lagi"))
        return ConversationHandler.END
    period = parse_period(draft["period"])
    async with context.db.session() as session:
        team = await subordinates(session, id_of(atasan))
        rated = await evaluations_for(session, [id_of(e) for e in team], period.label)
    buttons: list[Button] = []
    for employee in team:
        done = rated.get(id_of(employee))
        label = (
            TEXTS.get(
                "tombol_pegawai_dinilai", nama=shorten(employee.nama, 40), predikat=done.predikat
            )
            if done
            else TEXTS.get("tombol_pegawai", nama=shorten(employee.nama, 60))
        )
        buttons.append((label, f"{PREFIX}:e:{id_of(employee)}"))
    buttons.append((TEXTS.get("tombol_selesai"), f"{PREFIX}:x"))
    text = TEXTS.get("pilih_pegawai", periode=period.title, dinilai=len(rated), jumlah=len(team))
    await reply(update, text, one_per_row(buttons))
    return EMPLOYEE


async def finish(update: Update, context: BotContext) -> int:
    """Selesai: close the round, saying how many are rated."""
    await take_press(update)
    draft = EVALUATION_DRAFT.get(context)
    atasan = await _atasan(update, context)
    if draft is not None and atasan is not None:
        period = parse_period(draft["period"])
        async with context.db.session() as session:
            team = await subordinates(session, id_of(atasan))
            rated = await evaluations_for(session, [id_of(e) for e in team], period.label)
        await reply(
            update,
            TEXTS.get("selesai", periode=period.title, dinilai=len(rated), jumlah=len(team)),
        )
    EVALUATION_DRAFT.drop(context)
    return ConversationHandler.END


# --- Rating one employee ---------------------------------------------------------------------


async def choose_employee(update: Update, context: BotContext) -> int:
    """An employee button: check the atasan, then show the basis and ask the result rating."""
    draft = EVALUATION_DRAFT.get(context)
    if draft is None:
        return await _lost(update, context)
    employee_id = callback_int(update)
    if employee_id is None:
        await stale(update)
        return EMPLOYEE
    checked = await _checked_subordinate(update, context, employee_id)
    if checked is None:
        return EMPLOYEE
    await take_press(update)
    _, employee = checked
    period = parse_period(draft["period"])
    async with context.db.session() as session:
        basis = await evaluation_basis(session, employee, period, wib_today())
    draft.update(
        {
            "employee_id": id_of(employee),
            "suggested_result_rating": CODE_OF_RATING[basis.suggested] if basis.suggested else None,
            "result_rating": None,
            "behaviour_notes": {},
            "behaviour_rating": None,
        }
    )
    await reply(update, _basis_text(basis), _rating_buttons("h", basis.suggested))
    return RESULT


def _basis_text(basis: EvaluationBasis) -> str:
    lines = [_indicator_line(item, basis) for item in basis.progress[:MAX_INDICATORS_SHOWN]]
    suggested = basis.suggested
    existing = basis.existing
    return TEXTS.get(
        "dasar_penilaian",
        nama=basis.employee.nama,
        jabatan=basis.employee.jabatan,
        periode=basis.period.title,
        tanggal=format_date_id(basis.as_of),
        indikator=Markup("\n".join(lines) or TEXTS.get("tanpa_indikator")),
        saran=_rating_label(suggested) if suggested else TEXTS.get("saran_tidak_ada"),
        alasan=TEXTS.get(f"alasan_{CODE_OF_RATING[suggested] if suggested else 'tidak_ada'}"),
        sebelumnya=Markup(
            TEXTS.get(
                "sebelumnya",
                hasil=existing.result_rating,
                perilaku=existing.behaviour_rating,
                predikat=existing.predikat,
            )
            if existing
            else ""
        ),
    )


def _indicator_line(item: IndicatorProgress, basis: EvaluationBasis) -> str:
    indicator = item.indicator
    jenis = TEXTS.get(
        f"jenis_{indicator.jenis}" if indicator.jenis in ("utama", "tambahan") else "jenis_utama"
    )
    if item.prorata_pct is None or item.realisation is None:
        return TEXTS.get("baris_indikator_tanpa_capaian", nama=indicator.nama, jenis=jenis)
    return TEXTS.get(
        "baris_indikator",
        nama=indicator.nama,
        jenis=jenis,
        realisasi=format_number_id(item.realisation, 2, trim=True),
        target=format_number_id(target_to_date(item, basis.as_of), 2, trim=True),
        satuan=indicator.satuan,
        capaian=format_percent_id(item.prorata_pct, 2),
        status=status_label(item.status),
    )


async def choose_result(update: Update, context: BotContext) -> int:
    """A result rating: remember it and ask the note on the first BerAKHLAK value."""
    draft = EVALUATION_DRAFT.get(context)
    if draft is None or draft.get("employee_id") is None:
        return await _lost(update, context)
    checked = await _checked_subordinate(update, context, draft["employee_id"])
    if checked is None:
        return RESULT
    await take_press(update)
    draft["result_rating"] = _callback_part(update)
    draft["behaviour_notes"] = {}
    return await _ask_note(update, draft, checked[1])


async def _ask_note(update: Update, draft: EvaluationDraft, employee: Employee) -> int:
    """Ask the note of the first BerAKHLAK value without one, or the behaviour rating."""
    notes: dict[str, str] = draft["behaviour_notes"]
    pending = [code for code in BERAKHLAK_CODES if code not in notes]
    if not pending:
        await reply(
            update, TEXTS.get("minta_rating_perilaku", nama=employee.nama), _rating_buttons("l")
        )
        return BEHAVIOUR
    code = pending[0]
    number = BERAKHLAK_CODES.index(code) + 1
    await reply(
        update,
        TEXTS.get(
            "minta_catatan",
            nomor=number,
            nilai=dict(BERAKHLAK)[code],
            nama=employee.nama,
            batas=NOTE_MAX_CHARS,
        ),
        keyboard(
            [
                [(TEXTS.get("tombol_lewati"), f"{PREFIX}:n:-")],
                back_button(TEXTS.get("kembali_bawahan"), f"{PREFIX}:d"),
            ]
        ),
    )
    return NOTE


async def receive_note(update: Update, context: BotContext) -> int:
    """A typed note for the current BerAKHLAK value."""
    draft = EVALUATION_DRAFT.get(context)
    message = update.effective_message
    if (
        draft is None
        or draft.get("result_rating") is None
        or message is None
        or message.text is None
    ):
        return await _lost(update, context)
    text = message.text.strip()
    if len(text) > NOTE_MAX_CHARS:
        await reply(
            update,
            TEXTS.get("catatan_terlalu_panjang", panjang=len(text), batas=NOTE_MAX_CHARS),
        )
        return NOTE
    return await _note_done(update, context, draft, text)


async def skip_note(update: Update, context: BotContext) -> int:
    """Lewati: no note for the current value."""
    draft = EVALUATION_DRAFT.get(context)
    if draft is None or draft.get("result_rating") is None:
        return await _lost(update, context)
    await take_press(update)
    return await _note_done(update, context, draft, "")


async def _note_done(update: Update, context: BotContext, draft: EvaluationDraft, text: str) -> int:
    checked = await _checked_subordinate(update, context, draft["employee_id"])
    if checked is None:
        return await _lost(update, context)
    notes: dict[str, str] = draft["behaviour_notes"]
    pending = [code for code in BERAKHLAK_CODES if code not in notes]
    notes[pending[0]] = text
    return await _ask_note(update, draft, checked[1])


async def choose_behaviour(update: Update, context: BotContext) -> int:
    """A behaviour rating: show the summary with the predikat and the distribution advice."""
    draft = EVALUATION_DRAFT.get(context)
    if draft is None or draft.get("result_rating") is None:
        return await _lost(update, context)
    checked = await _checked_subordinate(update, context, draft["employee_id"])
    if checked is None:
        return BEHAVIOUR
    await take_press(update)
    draft["behaviour_rating"] = _callback_part(update)
    employee = checked[1]
    hasil, perilaku = _rating(draft.get("result_rating")), _rating(draft.get("behaviour_rating"))
    if hasil is None or perilaku is None:
        return await _lost(update, context)
    grade = predikat(hasil, perilaku)
    async with context.db.session() as session:
        check = await distribution_check(
            session, employee.unit_id, draft["period"], pending=(id_of(employee), grade)
        )
    notes = "\n".join(
        TEXTS.get(
            "baris_catatan",
            nilai=name,
            catatan=shorten(draft["behaviour_notes"].get(code) or TEXTS.get("tanpa_catatan"), 200),
        )
        for code, name in BERAKHLAK
    )
    saran = draft.get("suggested_result_rating")
    text = TEXTS.get(
        "ringkasan",
        periode=parse_period(draft["period"]).title,
        nama=employee.nama,
        nip=employee.nip,
        hasil=_rating_label(hasil),
        saran=_rating_label(RATING_CODES[saran]) if saran else TEXTS.get("saran_tidak_ada"),
        perilaku=_rating_label(perilaku),
        catatan=Markup(notes),
        predikat=grade.value,
        distribusi=Markup(_as_block(distribution_text(check))),
    )
    buttons = keyboard(
        [
            [(TEXTS.get("tombol_simpan"), f"{PREFIX}:s")],
            [
                (TEXTS.get("tombol_ubah"), f"{PREFIX}:u"),
                (TEXTS.get("tombol_batal"), f"{PREFIX}:b"),
            ],
        ]
    )
    await reply(update, text, buttons)
    return CONFIRM


def _as_block(text: str) -> str:
    """A paragraph set off by blank lines, or nothing."""
    return f"\n{text}\n" if text else ""


def distribution_text(check: DistributionCheck) -> str:
    """The distribution advice (HTML), or the empty text when the pattern is kept."""
    if not check.warnings:
        return TEXTS.get("distribusi_sesuai")
    rules = "\n".join(
        TEXTS.get(
            "baris_aturan",
            aturan=warning.rule.text,
            jumlah=warning.count,
            total=warning.total,
            persen=format_percent_id(warning.share * 100, 0),
        )
        for warning in check.warnings
    )
    return TEXTS.get(
        "distribusi_peringatan",
        unit=check.unit.nama,
        rating=check.rating.value if check.rating is not None else "-",
        dinilai=check.evaluated,
        pegawai=check.headcount,
        aturan=Markup(rules),
    )


async def save(update: Update, context: BotContext) -> int:
    """Simpan: check the atasan once more, save, tell the ASN, and list the team again."""
    draft = EVALUATION_DRAFT.get(context)
    if draft is None or draft.get("behaviour_rating") is None:
        return await _lost(update, context)
    checked = await _checked_subordinate(update, context, draft["employee_id"])
    if checked is None:
        return CONFIRM
    await take_press(update)
    atasan, employee = checked
    period = parse_period(draft["period"])
    hasil, perilaku = _rating(draft.get("result_rating")), _rating(draft.get("behaviour_rating"))
    if hasil is None or perilaku is None:
        return await _lost(update, context)
    async with context.db.session() as session:
        saved = await save_evaluation(
            session,
            employee_id=id_of(employee),
            period=period,
            suggested=_rating(draft.get("suggested_result_rating")),
            result_rating=hasil,
            behaviour_rating=perilaku,
            notes=draft["behaviour_notes"],
            decided_by_id=id_of(atasan),
            now=utcnow(),
        )
        check = await distribution_check(session, employee.unit_id, period.label)
        told = await _tell_employee(session, update_key(update), atasan, employee, saved, period)
    if told:
        context.send_queued_notices()
    text = TEXTS.get("tersimpan", nama=employee.nama, periode=period.title, predikat=saved.predikat)
    advice = distribution_text(check)
    await reply(update, f"{text}\n\n{advice}" if advice else text)
    _reset_employee(draft)
    return await show_employees(update, context)


async def _tell_employee(
    session: AsyncSession,
    key: str,
    atasan: Employee,
    employee: Employee,
    saved: Evaluation,
    period: Period,
) -> bool:
    """Queue the ASN's notice with the saving, keyed by the update that saved it: a save
    handled again after a kill tells once; saving anew (a corrected rating) tells again."""
    if employee.telegram_id is None:
        return False
    return await queue_notice(
        session,
        EVALUATION_JOB,
        key,
        employee.telegram_id,
        [
            TEXTS.get(
                "penilaian_diterima",
                atasan=atasan.nama,
                periode=period.title,
                hasil=saved.result_rating,
                perilaku=saved.behaviour_rating,
                predikat=saved.predikat,
                kode=period.label,
            )
        ],
    )


def _reset_employee(draft: EvaluationDraft) -> None:
    for key in (
        "employee_id",
        "suggested_result_rating",
        "result_rating",
        "behaviour_notes",
        "behaviour_rating",
    ):
        draft.pop(key, None)  # type: ignore[misc]


async def change(update: Update, context: BotContext) -> int:
    """Ubah: start this employee again from the result rating."""
    draft = EVALUATION_DRAFT.get(context)
    if draft is None or draft.get("employee_id") is None:
        return await _lost(update, context)
    checked = await _checked_subordinate(update, context, draft["employee_id"])
    if checked is None:
        return CONFIRM
    await take_press(update)
    async with context.db.session() as session:
        basis = await evaluation_basis(
            session, checked[1], parse_period(draft["period"]), wib_today()
        )
    draft.update({"result_rating": None, "behaviour_notes": {}, "behaviour_rating": None})
    await reply(update, _basis_text(basis), _rating_buttons("h", basis.suggested))
    return RESULT


async def drop_employee(update: Update, context: BotContext) -> int:
    """Batal: forget this employee's unsaved rating and list the team again."""
    draft = EVALUATION_DRAFT.get(context)
    await take_press(update)
    if draft is None:
        return await _lost(update, context)
    name = "-"
    if draft.get("employee_id") is not None:
        async with context.db.session() as session:
            employee = await session.get(Employee, draft["employee_id"])
        name = employee.nama if employee else name
    _reset_employee(draft)
    await reply(update, TEXTS.get("dibatalkan_pegawai", nama=name))
    return await show_employees(update, context)


async def back_to_team(update: Update, context: BotContext) -> int:
    """◀ Daftar bawahan while rating someone: nothing of this rating is kept; the team again."""
    draft = EVALUATION_DRAFT.get(context)
    await take_press(update)
    if draft is None:
        return await _lost(update, context)
    _reset_employee(draft)
    return await show_employees(update, context)


async def _lost(update: Update, context: BotContext) -> int:
    """The draft is gone or incomplete (e.g. a very old button): start over."""
    if update.callback_query is not None:
        await take_press(update)
    EVALUATION_DRAFT.drop(context)
    await reply(update, TEXTS.get("mulai_lagi"))
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    """/batal inside /nilai: saved ratings stay, the draft goes."""
    EVALUATION_DRAFT.drop(context)
    await reply(update, TEXTS.get("batal"))
    return ConversationHandler.END


def _button(step: str, callback: Any, suffix: str = "") -> CallbackQueryHandler[BotContext, Any]:
    return CallbackQueryHandler(callback, pattern=f"^{PREFIX}:{step}{suffix}$")


def build_evaluation_conversation() -> ConversationHandler[Any]:
    """/nilai — states: PERIOD (period buttons), EMPLOYEE (team list), RESULT (rating hasil
    kerja), NOTE (typed note per BerAKHLAK value, or Lewati), BEHAVIOUR (rating perilaku
    kerja), CONFIRM (Simpan / Ubah / Batal)."""
    typed = filters.TEXT & ~filters.COMMAND
    return conversation(
        "nilai",
        entry_points=[CommandHandler("nilai", start)],
        states={
            PERIOD: [_button("p", choose_period, r":[0-9A-Za-z-]{4,8}")],
            EMPLOYEE: [
                _button("e", choose_employee, r":\d+"),
                _button("x", finish),
            ],
            RESULT: [
                _button("h", choose_result, f":({_RATING_PATTERN})"),
                _button("d", back_to_team),
            ],
            NOTE: [
                MessageHandler(typed, receive_note),
                _button("n", skip_note, ":-"),
                _button("d", back_to_team),
                # A photo or a sticker where a note is typed: say so, not "press a button".
                MessageHandler(
                    ~filters.COMMAND & ~filters.TEXT, answer_with(TEXTS, "catatan_teks")
                ),
            ],
            BEHAVIOUR: [
                _button("l", choose_behaviour, f":({_RATING_PATTERN})"),
                _button("d", back_to_team),
            ],
            CONFIRM: [_button("s", save), _button("u", change), _button("b", drop_employee)],
        },
        fallbacks=[
            CommandHandler("batal", cancel),
            CommandHandler("nilai", start),
            *stray_input_fallbacks(PREFIX, TEXTS, "sedang_menilai"),
        ],
        on_timeout=conversation_timed_out,
    )


def build_evaluation_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """/nilai (a conversation)."""
    return [build_evaluation_conversation()]
