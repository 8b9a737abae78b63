"""/lapor and the correction of a sent report.

/lapor states: CHOOSE (indicator buttons) → [SAME_WEEK (Ganti / Tambahkan / Batal) when the
indicator was already reported this week] → REALISATION (typed number, the unit may follow) →
EVIDENCE (photo, document, link, text or Lewati) → OBSTACLE (category or Tidak ada) →
OBSTACLE_TEXT → SUPPORT (category or Tidak ada) → SUPPORT_TEXT → SUMMARY (Kirim / Ubah /
Batal; for an unlikely figure "Yakin?" with Ya, benar / Ubah angka / Batal); Ubah → CHANGE
(which part) → that step → back to SUMMARY. A second /lapor while one is open → RESUME
(Lanjutkan / Mulai ulang). The draft lives in user_data, persisted after every update.

Correction states: FIELD (realisasi, kendala, dukungan) → VALUE → saved as a new version.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

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
from kinerja_bot.core.guards import is_asn, only
from kinerja_bot.core.models import Indicator, ProgressReport, id_of, utcnow
from kinerja_bot.core.people import Person
from kinerja_bot.core.rules.formatting import format_number_id, format_percent_id
from kinerja_bot.core.rules.periods import wib_today
from kinerja_bot.core.telegram_ui import (
    COMMON_TEXTS,
    Button,
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
)
from kinerja_bot.core.texts import Markup
from kinerja_bot.core.vocabulary import CATEGORIES, category_label
from kinerja_bot.reporting.drafts import (
    CORRECTION_DRAFT,
    REPORT_DRAFT,
    ReportDraft,
)
from kinerja_bot.reporting.presentation import (
    achievement_label,
    describe,
    describe_evidence,
    describe_note,
    wib_date,
)
from kinerja_bot.reporting.progress import indicator_progress, single_indicator_progress
from kinerja_bot.reporting.service import (
    EDITABLE_FIELDS,
    TEXT_LIMIT,
    EditRefusal,
    Merge,
    RealisationCheck,
    SubmitOutcome,
    check_realisation,
    correct_report,
    draft_doubt,
    editable_report,
    evidence_from_text,
    merge_offers,
    submit_report,
    this_weeks_report,
)
from kinerja_bot.reporting.texts import TEXTS

(
    CHOOSE,
    REALISATION,
    EVIDENCE,
    OBSTACLE,
    OBSTACLE_TEXT,
    SUPPORT,
    SUPPORT_TEXT,
    SUMMARY,
    CHANGE,
    RESUME,
    SAME_WEEK,
) = range(11)
FIELD, VALUE = range(100, 102)
TYPED = filters.TEXT & ~filters.COMMAND
cancel_report = cancel_forgetting(REPORT_DRAFT.key)
# Ubah → which part → its step.
PARTS = {"realisasi": REALISATION, "bukti": EVIDENCE, "kendala": OBSTACLE, "dukungan": SUPPORT}


def new_draft(context: BotContext) -> ReportDraft:
    return REPORT_DRAFT.new(context, {"id": uuid.uuid4().hex, "step": CHOOSE})


# --- Prompts -------------------------------------------------------------------------------


Prompt = tuple[str, InlineKeyboardMarkup | None]


def realisation_prompt(draft: ReportDraft) -> Prompt:
    text = TEXTS.get(
        f"minta_realisasi_{draft['cara_hitung']}",
        indikator=draft["indicator_name"],
        target=draft["target_text"],
        satuan=draft["satuan"],
        realisasi=draft["realisasi_to_date"],
    )
    return text, None


def evidence_prompt(draft: ReportDraft) -> Prompt:
    return TEXTS.get("minta_bukti"), keyboard([[(TEXTS.get("tombol_lewati"), "lapor:lewati")]])


def category_prompt(kind: str) -> Prompt:
    """Kendala or dukungan: the categories two by two, then Tidak ada."""
    buttons: list[Button] = [
        (category_label(kind, code), f"lapor:{kind}:{code}") for code in CATEGORIES[kind]
    ]
    buttons.append((TEXTS.get("tombol_tidak_ada"), f"lapor:{kind}:-"))
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return TEXTS.get(f"minta_{kind}"), keyboard(rows)


def note_prompt(kind: str, category: str | None) -> Prompt:
    label = category_label(kind, category)
    return TEXTS.get(f"minta_{kind}_teks", kategori=label), None


def summary_prompt(draft: ReportDraft) -> Prompt:
    """The summary with Kirim / Ubah / Batal; for an unlikely figure, "Yakin?" instead, with
    the figure repeated and a one-press way to type it again."""
    found = draft_doubt(draft)
    if found is None:
        buttons = [("tombol_kirim", "kirim"), ("tombol_ubah", "ubah"), ("tombol_batal", "batal")]
        row = [(TEXTS.get(label), f"lapor:{action}") for label, action in buttons]
        return summary_text(draft, TEXTS.get("tanya_kirim")), keyboard([row])
    question = TEXTS.get(
        found.reason,
        nilai=format_number_id(found.figure, 2, trim=True),
        satuan=draft["satuan"],
        target=draft["target_text"],
        capaian="-"
        if found.achievement_pct is None
        else format_percent_id(found.achievement_pct, 1, trim=True),
    )
    return summary_text(draft, question), keyboard(
        [
            [
                (TEXTS.get("tombol_yakin"), "lapor:kirim"),
                (TEXTS.get("tombol_ubah_angka"), "lapor:ubah:realisasi"),
            ],
            [(TEXTS.get("tombol_batal"), "lapor:batal")],
        ]
    )


def same_week_prompt(draft: ReportDraft) -> Prompt:
    """The indicator was reported this week already: replace that report or add to it."""
    earlier = draft["this_week"]
    text = TEXTS.get(
        "minggu_ini_ada",
        indikator=draft["indicator_name"],
        nilai=format_number_id(earlier["realisasi"], 2, trim=True),
        satuan=draft["satuan"],
        tanggal=earlier["sent_on"],
        catatan=Markup("" if earlier["editable"] else TEXTS.get("minggu_ini_terkunci")),
    )
    offers = merge_offers(draft["cara_hitung"], earlier["editable"])
    buttons = [(TEXTS.get(f"tombol_{merge}"), f"lapor:minggu:{merge}") for merge in offers]
    return text, keyboard([buttons, [(TEXTS.get("tombol_batal"), "lapor:batal")]])


def change_prompt(draft: ReportDraft) -> Prompt:
    rows = [["realisasi", "bukti"], ["kendala", "dukungan"]]
    return TEXTS.get("pilih_ubahan"), keyboard(
        [[(TEXTS.get(f"tombol_ubah_{part}"), f"lapor:ubah:{part}") for part in row] for row in rows]
    )


PROMPTS: dict[int, Callable[[ReportDraft], Prompt]] = {
    REALISATION: realisation_prompt,
    EVIDENCE: evidence_prompt,
    OBSTACLE: lambda draft: category_prompt("kendala"),
    OBSTACLE_TEXT: lambda draft: note_prompt("kendala", draft.get("kendala_kategori")),
    SUPPORT: lambda draft: category_prompt("dukungan"),
    SUPPORT_TEXT: lambda draft: note_prompt("dukungan", draft.get("dukungan_kategori")),
    SUMMARY: summary_prompt,
    CHANGE: change_prompt,
    SAME_WEEK: same_week_prompt,
}


async def ask(step: int, update: Update, context: BotContext, draft: ReportDraft) -> int:
    """Send the question of `step` and make it the current one."""
    draft["step"] = step
    if step == CHOOSE:
        return await ask_indicator(update, context)
    await reply(update, *PROMPTS[step](draft))
    return step


def summary_text(draft: ReportDraft, question: str) -> str:
    return TEXTS.get(
        "ringkasan",
        indikator=draft["indicator_name"],
        realisasi=format_number_id(draft["realisasi"], 2, trim=True),
        satuan=draft["satuan"],
        minggu_ini=Markup(merge_note(draft)),
        pertanyaan=Markup(question),
        bukti=describe_evidence(draft.get("evidence")),
        kendala=describe_note("kendala", draft.get("kendala_kategori"), draft.get("kendala")),
        dukungan=describe_note("dukungan", draft.get("dukungan_kategori"), draft.get("dukungan")),
    )


def merge_note(draft: ReportDraft) -> str:
    """What the figure does to this week's earlier report, for the summary; else nothing."""
    if "this_week" not in draft or "merge" not in draft:
        return ""
    earlier = draft["this_week"]["realisasi"]
    total = earlier + draft["realisasi"] if draft["merge"] == Merge.ADD else draft["realisasi"]
    note = TEXTS.get(
        f"ringkasan_{draft['merge']}",
        lama=format_number_id(earlier, 2, trim=True),
        baru=format_number_id(total, 2, trim=True),
        satuan=draft["satuan"],
    )
    return f" {note}"  # after "Realisasi: … {satuan}" on the same line


def after(step: int, draft: ReportDraft) -> int:
    """The step that follows an answer: the next question, or the summary when changing."""
    return SUMMARY if draft.get("changing") else step


async def draft_lost(update: Update, context: BotContext) -> int:
    """A step answered without a draft (e.g. lost data): say so plainly and end."""
    await reply(update, TEXTS.get("mulai_lagi"))
    return ConversationHandler.END


async def press_without_draft(update: Update, context: BotContext) -> int:
    """A button of /lapor pressed by someone who cannot be writing one (no longer linked)."""
    await take_press(update)
    return await draft_lost(update, context)


async def not_an_asn(update: Update, context: BotContext) -> int:
    """/lapor (or Lapor sekarang, whose press is already answered) from someone not linked."""
    await reply(update, TEXTS.get("bukan_pegawai"))
    REPORT_DRAFT.drop(context)
    return ConversationHandler.END


@only(is_asn, not_an_asn)
async def ask_indicator(update: Update, context: BotContext, person: Person) -> int:
    today = wib_today(utcnow())
    employee_id = id_of(person.asn)
    async with context.db.session() as session:
        progress = await indicator_progress(session, [employee_id], today.year, today)
    items = progress.get(employee_id, [])
    if not items:
        await reply(update, TEXTS.get("tidak_ada_indikator", tahun=today.year))
        REPORT_DRAFT.drop(context)
        return ConversationHandler.END
    buttons = [
        (
            TEXTS.get(
                "tombol_indikator", nama=shorten(p.indicator.nama, 44), capaian=achievement_label(p)
            ),
            f"lapor:ind:{p.indicator.id}",
        )
        for p in items
    ]
    await reply(update, TEXTS.get("pilih_indikator"), one_per_row(buttons))
    return CHOOSE


# --- /lapor callbacks ----------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> int:
    """/lapor: a fresh draft, then the indicator list."""
    return await ask(CHOOSE, update, context, new_draft(context))


async def start_from_button(update: Update, context: BotContext) -> int:
    """Lapor sekarang (under a reminder)."""
    await take_press(update)
    return await start(update, context)


@only(is_asn, press_without_draft)
async def choose_indicator(update: Update, context: BotContext, person: Person) -> int:
    draft, indicator_id = REPORT_DRAFT.get(context), callback_int(update)
    await take_press(update)
    if draft is None or indicator_id is None:
        return await draft_lost(update, context)
    now = utcnow()
    today = wib_today(now)
    async with context.db.session() as session:
        # Only the chosen indicator's progress: it is also the check that it is theirs and of
        # this year (a button from last year's /lapor names an indicator no longer offered).
        current = await single_indicator_progress(session, indicator_id, today)
        if (
            current is None
            or current.indicator.employee_id != person.asn.id
            or current.indicator.tahun != today.year
        ):
            await reply(update, TEXTS.get("bukan_milik"))
            return CHOOSE
        earlier, editable = await this_weeks_report(session, person.asn, indicator_id, now)
    indicator = current.indicator
    draft.update(
        {
            "arah": indicator.arah,
            "realisation_before": current.realisation,
            "indicator_id": indicator_id,
            "indicator_name": indicator.nama,
            "satuan": indicator.satuan,
            "target": indicator.target,
            "cara_hitung": indicator.cara_hitung,
            "target_text": format_number_id(indicator.target, 2, trim=True),
            "realisasi_to_date": (
                "-"
                if current.realisation is None
                else format_number_id(current.realisation, 2, trim=True)
            ),
        }
    )
    if earlier is None:
        return await ask(REALISATION, update, context, draft)
    draft["this_week"] = {
        "report_id": id_of(earlier),
        "realisasi": earlier.realisasi,
        "sent_on": wib_date(earlier.submitted_at),
        "editable": editable,
    }
    return await ask(SAME_WEEK, update, context, draft)


async def choose_merge(update: Update, context: BotContext) -> int:
    """Ganti or Tambahkan: remember it, then ask the figure."""
    draft, query = REPORT_DRAFT.get(context), update.callback_query
    await take_press(update)
    if draft is None or query is None or query.data is None or "this_week" not in draft:
        return await draft_lost(update, context)
    merge = Merge(query.data.rsplit(":", 1)[-1])
    if merge not in merge_offers(draft["cara_hitung"], draft["this_week"]["editable"]):
        return await draft_lost(update, context)
    draft["merge"] = merge
    return await ask(REALISATION, update, context, draft)


def refusal_text(checked: RealisationCheck, typed: str, target_text: str, satuan: str) -> str:
    """Why a typed realisation is not taken, for /lapor and for a correction alike."""
    return TEXTS.get(
        str(checked.problem),
        alasan=checked.reason,
        nilai=typed.strip()[:30],
        target=target_text,
        satuan=satuan,
    )


async def receive_realisation(update: Update, context: BotContext) -> int:
    draft, message = REPORT_DRAFT.get(context), update.effective_message
    if draft is None or message is None or message.text is None:
        return await draft_lost(update, context)
    checked = check_realisation(message.text, draft["target"], draft["satuan"])
    if checked.value is None:
        await reply(
            update, refusal_text(checked, message.text, draft["target_text"], draft["satuan"])
        )
        return REALISATION
    draft["realisasi"] = checked.value
    return await ask(after(EVIDENCE, draft), update, context, draft)


async def receive_evidence(update: Update, context: BotContext) -> int:
    draft, message = REPORT_DRAFT.get(context), update.effective_message
    if draft is None or message is None:
        return await draft_lost(update, context)
    if message.photo:
        photo = message.photo[-1]
        draft["evidence"] = {
            "kind": "foto",
            "telegram_file_id": photo.file_id,
            "file_size": photo.file_size,
            "mime_type": "image/jpeg",
        }
    elif message.document:
        document = message.document
        draft["evidence"] = {
            "kind": "dokumen",
            "telegram_file_id": document.file_id,
            "file_name": document.file_name,
            "mime_type": document.mime_type,
            "file_size": document.file_size,
        }
    elif message.text:
        if len(message.text) > TEXT_LIMIT:
            await reply(update, TEXTS.get("terlalu_panjang", batas=TEXT_LIMIT))
            return EVIDENCE
        draft["evidence"] = evidence_from_text(message.text)
    else:
        await reply(update, TEXTS.get("minta_bukti"))
        return EVIDENCE
    return await ask(after(OBSTACLE, draft), update, context, draft)


async def skip_evidence(update: Update, context: BotContext) -> int:
    draft = REPORT_DRAFT.get(context)
    await take_press(update)
    if draft is None:
        return await draft_lost(update, context)
    draft["evidence"] = None
    return await ask(after(OBSTACLE, draft), update, context, draft)


async def choose_category(update: Update, context: BotContext) -> int:
    """A kendala or dukungan category (or `-` for none)."""
    draft, query = REPORT_DRAFT.get(context), update.callback_query
    await take_press(update)
    if draft is None or query is None or query.data is None:
        return await draft_lost(update, context)
    _, kind, code = query.data.split(":")
    if code != "-" and code not in CATEGORIES.get(kind, ()):
        return await draft_lost(update, context)
    category = None if code == "-" else code
    if kind == "kendala":
        draft["kendala_kategori"] = category
    else:
        draft["dukungan_kategori"] = category
    if category is None:
        set_note(draft, kind, None)
        following = SUPPORT if kind == "kendala" else SUMMARY
        return await ask(after(following, draft), update, context, draft)
    return await ask(OBSTACLE_TEXT if kind == "kendala" else SUPPORT_TEXT, update, context, draft)


def set_note(draft: ReportDraft, kind: str, text: str | None) -> None:
    if kind == "kendala":
        draft["kendala"] = text
    else:
        draft["dukungan"] = text


async def receive_note(update: Update, context: BotContext) -> int:
    """The text of a kendala or dukungan."""
    draft, message = REPORT_DRAFT.get(context), update.effective_message
    if draft is None or message is None or message.text is None:
        return await draft_lost(update, context)
    step = draft["step"]
    if len(message.text) > TEXT_LIMIT:
        await reply(update, TEXTS.get("terlalu_panjang", batas=TEXT_LIMIT))
        return int(step)
    kind = "kendala" if step == OBSTACLE_TEXT else "dukungan"
    set_note(draft, kind, message.text.strip())
    following = SUPPORT if kind == "kendala" else SUMMARY
    return await ask(after(following, draft), update, context, draft)


@only(is_asn, press_without_draft)
async def send_report(update: Update, context: BotContext, person: Person) -> int:
    """Kirim: save once, then show the new realisation to date and achievement."""
    draft = REPORT_DRAFT.get(context)
    await take_press(update)
    if draft is None:
        return await draft_lost(update, context)
    async with context.db.session() as session:
        submitted = await submit_report(session, person.asn, draft, utcnow())
        report = submitted.report
        refused = submitted.outcome in (SubmitOutcome.NOT_YOURS, SubmitOutcome.LOCKED)
        summary = None
        if report is not None and not refused:
            summary = await standing(session, report.indicator_id)
    if report is None or summary is None:
        await reply(update, TEXTS.get(submitted.outcome))
    else:
        await reply(
            update,
            TEXTS.get(submitted.outcome, ringkasan=Markup(summary), versi=report.version),
            keyboard([[(TEXTS.get("tombol_koreksi"), f"lapor:kor:{report.id}")]]),
        )
    REPORT_DRAFT.drop(context)
    return ConversationHandler.END


async def standing(session: AsyncSession, indicator_id: int) -> str:
    """One indicator's standing right now, in the /kinerja wording: read in the session that
    saved the report (it sees the report, and one session fewer per Kirim)."""
    progress = await single_indicator_progress(session, indicator_id, wib_today(utcnow()))
    if progress is None:
        raise LookupError(f"indicator {indicator_id} does not exist")
    return describe(progress)


async def change(update: Update, context: BotContext) -> int:
    draft = REPORT_DRAFT.get(context)
    await take_press(update)
    if draft is None:
        return await draft_lost(update, context)
    return await ask(CHANGE, update, context, draft)


async def change_part(update: Update, context: BotContext) -> int:
    draft, query = REPORT_DRAFT.get(context), update.callback_query
    await take_press(update)
    if draft is None or query is None or query.data is None:
        return await draft_lost(update, context)
    step = PARTS.get(query.data.rsplit(":", 1)[-1])
    if step is None:
        return await draft_lost(update, context)
    draft["changing"] = True
    return await ask(step, update, context, draft)


async def offer_resume(update: Update, context: BotContext) -> int:
    """/lapor while a report is open: continue it or start over."""
    await take_press(update)
    if REPORT_DRAFT.get(context) is None:
        return await start(update, context)
    await reply(
        update,
        TEXTS.get("sedang_berjalan"),
        keyboard(
            [
                [
                    (TEXTS.get("tombol_lanjutkan"), "lapor:lanjut"),
                    (TEXTS.get("tombol_mulai_ulang"), "lapor:ulang"),
                ]
            ]
        ),
    )
    return RESUME


async def resume(update: Update, context: BotContext) -> int:
    draft = REPORT_DRAFT.get(context)
    await take_press(update)
    if draft is None:
        return await draft_lost(update, context)
    return await ask(int(draft["step"]), update, context, draft)


async def restart(update: Update, context: BotContext) -> int:
    await take_press(update)
    return await ask(CHOOSE, update, context, new_draft(context))


async def timed_out(update: Update, context: BotContext) -> None:
    REPORT_DRAFT.drop(context)
    await conversation_timed_out(update, context)


def build_report_conversation() -> ConversationHandler[BotContext]:
    """/lapor — states CHOOSE, SAME_WEEK, REALISATION, EVIDENCE, OBSTACLE, OBSTACLE_TEXT, SUPPORT,
    SUPPORT_TEXT, SUMMARY, CHANGE, RESUME (see the module docstring)."""
    categories = r"^lapor:(kendala|dukungan):[a-z-]+$"
    # Typed where only a button moves the walk on: say so (the fallback asks for typed text).
    press_a_button = MessageHandler(~filters.COMMAND, answer_with(COMMON_TEXTS, "pilih_tombol"))
    return conversation(
        "lapor",
        entry_points=[
            CommandHandler("lapor", start),
            CallbackQueryHandler(start_from_button, pattern=r"^lapor:mulai$"),
        ],
        states={
            CHOOSE: [
                CallbackQueryHandler(choose_indicator, pattern=r"^lapor:ind:\d+$"),
                press_a_button,
            ],
            SAME_WEEK: [
                CallbackQueryHandler(choose_merge, pattern=r"^lapor:minggu:(ganti|tambah)$"),
                CallbackQueryHandler(cancel_report, pattern=r"^lapor:batal$"),
                press_a_button,
            ],
            REALISATION: [MessageHandler(TYPED, receive_realisation)],
            EVIDENCE: [
                CallbackQueryHandler(skip_evidence, pattern=r"^lapor:lewati$"),
                MessageHandler((TYPED | filters.PHOTO | filters.Document.ALL), receive_evidence),
            ],
            OBSTACLE: [CallbackQueryHandler(choose_category, pattern=categories), press_a_button],
            OBSTACLE_TEXT: [MessageHandler(TYPED, receive_note)],
            SUPPORT: [CallbackQueryHandler(choose_category, pattern=categories), press_a_button],
            SUPPORT_TEXT: [MessageHandler(TYPED, receive_note)],
            SUMMARY: [
                CallbackQueryHandler(send_report, pattern=r"^lapor:kirim$"),
                CallbackQueryHandler(change, pattern=r"^lapor:ubah$"),
                # Ubah angka under "Yakin?": straight to the figure.
                CallbackQueryHandler(change_part, pattern=r"^lapor:ubah:realisasi$"),
                CallbackQueryHandler(cancel_report, pattern=r"^lapor:batal$"),
                press_a_button,
            ],
            CHANGE: [
                CallbackQueryHandler(change_part, pattern=r"^lapor:ubah:[a-z]+$"),
                press_a_button,
            ],
            RESUME: [
                CallbackQueryHandler(resume, pattern=r"^lapor:lanjut$"),
                CallbackQueryHandler(restart, pattern=r"^lapor:ulang$"),
                press_a_button,
            ],
        },
        fallbacks=[
            CommandHandler("batal", cancel_report),
            CommandHandler("lapor", offer_resume),
            CallbackQueryHandler(offer_resume, pattern=r"^lapor:mulai$"),
            MessageHandler(filters.COMMAND, answer_with(TEXTS, "sedang_melapor")),
            MessageHandler(~filters.COMMAND, answer_with(TEXTS, "jawab_dengan_teks")),
        ],
        on_timeout=timed_out,
    )


# --- Correcting a sent report --------------------------------------------------------------


async def not_yours(update: Update, context: BotContext) -> int:
    await take_press(update)
    await reply(update, TEXTS.get("bukan_milik"))
    return ConversationHandler.END


async def refuse_edit(
    update: Update, report: ProgressReport | None, refusal: EditRefusal | None
) -> int:
    tanggal = wib_date(report.submitted_at) if report else "-"
    await reply(update, TEXTS.get(refusal or "bukan_milik", tanggal=tanggal))
    return ConversationHandler.END


@only(is_asn, not_yours)
async def start_correction(update: Update, context: BotContext, person: Person) -> int:
    """Koreksi laporan: refuse with the reason, or ask which part to correct."""
    report_id = callback_int(update)
    if report_id is None:
        await stale(update)
        return ConversationHandler.END
    await take_press(update)
    async with context.db.session() as session:
        report, refusal = await editable_report(session, person.asn, report_id, utcnow())
        indicator = await session.get(Indicator, report.indicator_id) if report else None
    if report is None or indicator is None or refusal is not None:
        return await refuse_edit(update, report, refusal)
    CORRECTION_DRAFT.new(context, {"report_id": report_id, "satuan": indicator.satuan})
    await reply(
        update,
        TEXTS.get("pilih_koreksi", indikator=indicator.nama, tanggal=wib_date(report.submitted_at)),
        keyboard(
            [[(TEXTS.get(f"tombol_koreksi_{f}"), f"lapor:korf:{f}") for f in EDITABLE_FIELDS]]
        ),
    )
    return FIELD


@only(is_asn, press_without_draft)
async def choose_field(update: Update, context: BotContext, person: Person) -> int:
    query, correction = update.callback_query, CORRECTION_DRAFT.get(context)
    await take_press(update)
    if correction is None or query is None or query.data is None:
        return await draft_lost(update, context)
    field = query.data.rsplit(":", 1)[-1]
    if field not in EDITABLE_FIELDS:
        return await draft_lost(update, context)
    async with context.db.session() as session:
        report, refusal = await editable_report(
            session, person.asn, correction["report_id"], utcnow()
        )
    if report is None or refusal is not None:
        return await refuse_edit(update, report, refusal)
    correction["field"] = field
    old = getattr(report, field)
    if field == "realisasi":
        lama = format_number_id(old, 2, trim=True)
        await reply(
            update, TEXTS.get("minta_koreksi_realisasi", satuan=correction["satuan"], lama=lama)
        )
    else:
        await reply(update, TEXTS.get("minta_koreksi_teks", lama=old or TEXTS.get("tidak_ada")))
    return VALUE


@only(is_asn, draft_lost)
async def receive_correction(update: Update, context: BotContext, person: Person) -> int:
    message, correction = update.effective_message, CORRECTION_DRAFT.get(context)
    if message is None or message.text is None or correction is None or "field" not in correction:
        return await draft_lost(update, context)
    field = correction["field"]
    value: float | str | None = message.text.strip()
    if field == "realisasi":
        async with context.db.session() as session:
            report, _ = await editable_report(
                session, person.asn, correction["report_id"], utcnow()
            )
            indicator = await session.get(Indicator, report.indicator_id) if report else None
        target = indicator.target if indicator else 0
        checked = check_realisation(message.text, target, correction["satuan"])
        if checked.value is None:
            target_text = format_number_id(target, 2, trim=True)
            await reply(
                update, refusal_text(checked, message.text, target_text, correction["satuan"])
            )
            return VALUE
        value = checked.value
    elif len(message.text) > TEXT_LIMIT:
        await reply(update, TEXTS.get("terlalu_panjang", batas=TEXT_LIMIT))
        return VALUE
    async with context.db.session() as session:
        report, refusal = await correct_report(
            session, person.asn, correction["report_id"], field, value, utcnow()
        )
        summary = None
        if report is not None and refusal is None:
            summary = await standing(session, report.indicator_id)
    CORRECTION_DRAFT.drop(context)
    if report is None or summary is None:
        return await refuse_edit(update, report, refusal)
    await reply(
        update, TEXTS.get("koreksi_tersimpan", versi=report.version, ringkasan=Markup(summary))
    )
    return ConversationHandler.END


def build_correction_conversation() -> ConversationHandler[BotContext]:
    """Koreksi laporan (button under a sent report) — states FIELD, VALUE."""
    return conversation(
        "koreksi",
        entry_points=[CallbackQueryHandler(start_correction, pattern=r"^lapor:kor:\d+$")],
        states={
            FIELD: [
                CallbackQueryHandler(choose_field, pattern=r"^lapor:korf:[a-z]+$"),
                MessageHandler(~filters.COMMAND, answer_with(COMMON_TEXTS, "pilih_tombol")),
            ],
            VALUE: [MessageHandler(TYPED, receive_correction)],
        },
        fallbacks=[
            CommandHandler("batal", cancel_forgetting(CORRECTION_DRAFT.key)),
            MessageHandler(filters.COMMAND, answer_with(TEXTS, "sedang_melapor")),
            MessageHandler(~filters.COMMAND, answer_with(TEXTS, "jawab_dengan_teks")),
        ],
        on_timeout=conversation_timed_out,
    )


def build_reporting_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """Corrections first: a correction typed during an open /lapor belongs to the correction."""
    return [build_correction_conversation(), build_report_conversation()]
