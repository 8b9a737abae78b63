"""/lapor and the correction of a sent report.

/lapor states: CHOOSE (indicator buttons) → REALISATION (typed number) → EVIDENCE (photo,
document, link, text or Lewati) → OBSTACLE (category or Tidak ada) → OBSTACLE_TEXT →
SUPPORT (category or Tidak ada) → SUPPORT_TEXT → SUMMARY (Kirim / Ubah / Batal);
Ubah → CHANGE (which part) → that step → back to SUMMARY. A second /lapor while one is open
→ RESUME (Lanjutkan / Mulai ulang). The draft lives in user_data, persisted after every update.

Correction states: FIELD (realisasi, kendala, dukungan) → VALUE → saved as a new version.
"""

from __future__ import annotations

import uuid
from typing import Any

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from kinerja_bot.context import BotContext
from kinerja_bot.general import TEXTS as GENERAL
from kinerja_bot.general import conversation_timed_out, current_person, stale_button
from kinerja_bot.models import Indicator, utcnow
from kinerja_bot.reporting.overview import achievement_label, describe, wib_date
from kinerja_bot.reporting.progress import indicator_progress, single_indicator_progress
from kinerja_bot.reporting.service import (
    EDITABLE_FIELDS,
    OBSTACLE_CATEGORIES,
    SUPPORT_CATEGORIES,
    TEXT_LIMIT,
    SubmitOutcome,
    check_realisation,
    correct_report,
    editable_report,
    evidence_from_text,
    own_indicator,
    submit_report,
)
from kinerja_bot.rules.formatting import format_number_id
from kinerja_bot.rules.periods import wib_today
from kinerja_bot.telegram_ui import (
    Button,
    answer_with,
    callback_int,
    cancel_forgetting,
    conversation,
    keyboard,
    one_per_row,
    reply,
    shorten,
    take_press,
)
from kinerja_bot.texts import Markup, TextBook

TEXTS = TextBook(
    "lapor",
    {
        "bukan_pegawai": (),
        "tidak_ada_indikator": ("tahun",),
        "pilih_indikator": (),
        "tombol_indikator": ("nama", "capaian"),
        "minta_realisasi_kumulatif": ("indikator", "target", "satuan", "realisasi"),
        "minta_realisasi_terakhir": ("indikator", "target", "satuan", "realisasi"),
        "bukan_angka": ("alasan",),
        "negatif": (),
        "tidak_wajar": ("nilai", "target", "satuan"),
        "minta_bukti": (),
        "tombol_lewati": (),
        "terlalu_panjang": ("batas",),
        "minta_kendala": (),
        "minta_kendala_teks": ("kategori",),
        "minta_dukungan": (),
        "minta_dukungan_teks": ("kategori",),
        "tombol_tidak_ada": (),
        "ringkasan": ("indikator", "realisasi", "satuan", "bukti", "kendala", "dukungan"),
        "tombol_kirim": (),
        "tombol_ubah": (),
        "tombol_batal": (),
        "pilih_ubahan": (),
        "tombol_ubah_realisasi": (),
        "tombol_ubah_bukti": (),
        "tombol_ubah_kendala": (),
        "tombol_ubah_dukungan": (),
        "tersimpan": ("ringkasan",),
        "sudah_tersimpan": ("ringkasan",),
        "bukan_milik": (),
        "sedang_berjalan": (),
        "tombol_lanjutkan": (),
        "tombol_mulai_ulang": (),
        "mulai_lagi": (),
        "sedang_melapor": (),
        "jawab_dengan_teks": (),
        "bukti_foto": (),
        "bukti_dokumen": ("nama",),
        "bukti_tautan": ("isi",),
        "bukti_teks": ("isi",),
        "tidak_ada": (),
        "dengan_kategori": ("kategori", "isi"),
        "tombol_koreksi": (),
        "pilih_koreksi": ("indikator", "tanggal"),
        "tombol_koreksi_realisasi": (),
        "tombol_koreksi_kendala": (),
        "tombol_koreksi_dukungan": (),
        "minta_koreksi_realisasi": ("satuan", "lama"),
        "minta_koreksi_teks": ("lama",),
        "koreksi_tersimpan": ("versi", "ringkasan"),
        "sudah_dibaca": (),
        "lewat_batas": ("tanggal",),
    },
    data=("kategori_kendala", "kategori_dukungan"),
)

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
) = range(10)
FIELD, VALUE = range(100, 102)
DRAFT = "lapor"
CORRECTION = "koreksi"
TYPED = filters.TEXT & ~filters.COMMAND
cancel_report = cancel_forgetting(DRAFT, book=GENERAL, key="batal_selesai")


# --- Drafts --------------------------------------------------------------------------------


def draft_of(context: BotContext) -> dict[str, Any] | None:
    return None if context.user_data is None else context.user_data.get(DRAFT)


def new_draft(context: BotContext) -> dict[str, Any]:
    assert context.user_data is not None
    draft: dict[str, Any] = {"id": uuid.uuid4().hex, "step": CHOOSE}
    context.user_data[DRAFT] = draft
    return draft


def drop_draft(context: BotContext) -> None:
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)


def category_label(kind: str, code: str | None) -> str:
    labels: dict[str, str] = TEXTS.data(kind)
    return labels.get(code or "", code or "")


def describe_evidence(evidence: dict[str, Any] | None) -> str:
    if not evidence:
        return TEXTS.get("tidak_ada")
    if evidence["kind"] == "foto":
        return TEXTS.get("bukti_foto")
    if evidence["kind"] == "dokumen":
        return TEXTS.get("bukti_dokumen", nama=evidence.get("file_name") or "-")
    key = "bukti_tautan" if evidence["kind"] == "tautan" else "bukti_teks"
    return TEXTS.get(key, isi=shorten(evidence.get("content") or "", 200))


def describe_note(kind: str, code: str | None, text: str | None) -> str:
    if not code:
        return TEXTS.get("tidak_ada")
    return TEXTS.get("dengan_kategori", kategori=category_label(kind, code), isi=text or "-")


# --- Prompts -------------------------------------------------------------------------------


async def ask(step: int, update: Update, context: BotContext, draft: dict[str, Any]) -> int:
    """Send the question of `step` and make it the current one."""
    draft["step"] = step
    if step == CHOOSE:
        return await ask_indicator(update, context)
    if step == REALISATION:
        key = f"minta_realisasi_{draft['cara_hitung']}"
        await reply(
            update,
            TEXTS.get(
                key,
                indikator=draft["indikator"],
                target=draft["target_teks"],
                satuan=draft["satuan"],
                realisasi=draft["realisasi_sejauh_ini"],
            ),
        )
    elif step == EVIDENCE:
        await reply(
            update,
            TEXTS.get("minta_bukti"),
            keyboard([[(TEXTS.get("tombol_lewati"), "lapor:lewati")]]),
        )
    elif step in (OBSTACLE, SUPPORT):
        kind, prefix, codes = (
            ("kategori_kendala", "kendala", OBSTACLE_CATEGORIES)
            if step == OBSTACLE
            else ("kategori_dukungan", "dukungan", SUPPORT_CATEGORIES)
        )
        buttons: list[Button] = [(category_label(kind, c), f"lapor:{prefix}:{c}") for c in codes]
        buttons.append((TEXTS.get("tombol_tidak_ada"), f"lapor:{prefix}:-"))
        question = "minta_kendala" if step == OBSTACLE else "minta_dukungan"
        await reply(
            update,
            TEXTS.get(question),
            keyboard([buttons[i : i + 2] for i in range(0, len(buttons), 2)]),
        )
    elif step in (OBSTACLE_TEXT, SUPPORT_TEXT):
        kind, field = (
            ("kategori_kendala", "kendala_kategori")
            if step == OBSTACLE_TEXT
            else ("kategori_dukungan", "dukungan_kategori")
        )
        question = "minta_kendala_teks" if step == OBSTACLE_TEXT else "minta_dukungan_teks"
        await reply(update, TEXTS.get(question, kategori=category_label(kind, draft[field])))
    elif step == SUMMARY:
        await reply(
            update,
            summary_text(draft),
            keyboard(
                [
                    [
                        (TEXTS.get("tombol_kirim"), "lapor:kirim"),
                        (TEXTS.get("tombol_ubah"), "lapor:ubah"),
                        (TEXTS.get("tombol_batal"), "lapor:batal"),
                    ]
                ]
            ),
        )
    elif step == CHANGE:
        await reply(
            update,
            TEXTS.get("pilih_ubahan"),
            keyboard(
                [
                    [
                        (TEXTS.get("tombol_ubah_realisasi"), "lapor:ubah:realisasi"),
                        (TEXTS.get("tombol_ubah_bukti"), "lapor:ubah:bukti"),
                    ],
                    [
                        (TEXTS.get("tombol_ubah_kendala"), "lapor:ubah:kendala"),
                        (TEXTS.get("tombol_ubah_dukungan"), "lapor:ubah:dukungan"),
                    ],
                ]
            ),
        )
    return step


def summary_text(draft: dict[str, Any]) -> str:
    return TEXTS.get(
        "ringkasan",
        indikator=draft["indikator"],
        realisasi=format_number_id(draft["realisasi"], 2, trim=True),
        satuan=draft["satuan"],
        bukti=describe_evidence(draft.get("bukti")),
        kendala=describe_note(
            "kategori_kendala", draft.get("kendala_kategori"), draft.get("kendala")
        ),
        dukungan=describe_note(
            "kategori_dukungan", draft.get("dukungan_kategori"), draft.get("dukungan")
        ),
    )


def after(step: int, draft: dict[str, Any]) -> int:
    """The step that follows an answer: the next question, or the summary when changing."""
    return SUMMARY if draft.get("changing") else step


async def ask_indicator(update: Update, context: BotContext) -> int:
    person = await current_person(update, context)
    if person is None or person.employee is None:
        await reply(update, TEXTS.get("bukan_pegawai"))
        drop_draft(context)
        return ConversationHandler.END
    today = wib_today(utcnow())
    async with context.db.session() as session:
        progress = await indicator_progress(session, [person.employee.id or 0], today.year, today)
    items = progress.get(person.employee.id or 0, [])
    if not items:
        await reply(update, TEXTS.get("tidak_ada_indikator", tahun=today.year))
        drop_draft(context)
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


async def draft_lost(update: Update, context: BotContext) -> int:
    """A step answered without a draft (e.g. lost data): say so plainly and end."""
    await reply(update, TEXTS.get("mulai_lagi"))
    return ConversationHandler.END


async def choose_indicator(update: Update, context: BotContext) -> int:
    draft, indicator_id = draft_of(context), callback_int(update)
    await take_press(update)
    person = await current_person(update, context)
    if draft is None or indicator_id is None or person is None or person.employee is None:
        return await draft_lost(update, context)
    today = wib_today(utcnow())
    async with context.db.session() as session:
        indicator = await own_indicator(session, person.employee, indicator_id)
        if indicator is None:
            await reply(update, TEXTS.get("bukan_milik"))
            return CHOOSE
        progress = await indicator_progress(session, [person.employee.id or 0], today.year, today)
    current = next(p for p in progress[person.employee.id or 0] if p.indicator.id == indicator_id)
    draft.update(
        indicator_id=indicator_id,
        indikator=indicator.nama,
        satuan=indicator.satuan,
        target=indicator.target,
        cara_hitung=indicator.cara_hitung,
        target_teks=format_number_id(indicator.target, 2, trim=True),
        realisasi_sejauh_ini=(
            "-"
            if current.realisation is None
            else format_number_id(current.realisation, 2, trim=True)
        ),
    )
    return await ask(REALISATION, update, context, draft)


async def receive_realisation(update: Update, context: BotContext) -> int:
    draft, message = draft_of(context), update.effective_message
    if draft is None or message is None or message.text is None:
        return await draft_lost(update, context)
    checked = check_realisation(message.text, draft["target"])
    if checked.problem is not None:
        await reply(
            update,
            TEXTS.get(
                checked.problem,
                alasan=checked.reason,
                nilai=message.text.strip()[:30],
                target=draft["target_teks"],
                satuan=draft["satuan"],
            ),
        )
        return REALISATION
    draft["realisasi"] = checked.value
    return await ask(after(EVIDENCE, draft), update, context, draft)


async def receive_evidence(update: Update, context: BotContext) -> int:
    draft, message = draft_of(context), update.effective_message
    if draft is None or message is None:
        return await draft_lost(update, context)
    if message.photo:
        photo = message.photo[-1]
        draft["bukti"] = {
            "kind": "foto",
            "telegram_file_id": photo.file_id,
            "file_size": photo.file_size,
            "mime_type": "image/jpeg",
        }
    elif message.document:
        document = message.document
        draft["bukti"] = {
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
        draft["bukti"] = evidence_from_text(message.text)
    else:
        await reply(update, TEXTS.get("minta_bukti"))
        return EVIDENCE
    return await ask(after(OBSTACLE, draft), update, context, draft)


async def skip_evidence(update: Update, context: BotContext) -> int:
    draft = draft_of(context)
    await take_press(update)
    if draft is None:
        return await draft_lost(update, context)
    draft["bukti"] = None
    return await ask(after(OBSTACLE, draft), update, context, draft)


async def choose_category(update: Update, context: BotContext) -> int:
    """A kendala or dukungan category (or `-` for none)."""
    draft, query = draft_of(context), update.callback_query
    await take_press(update)
    if draft is None or query is None or query.data is None:
        return await draft_lost(update, context)
    _, prefix, code = query.data.split(":")
    codes = OBSTACLE_CATEGORIES if prefix == "kendala" else SUPPORT_CATEGORIES
    if code != "-" and code not in codes:
        return await draft_lost(update, context)
    draft[f"{prefix}_kategori"] = None if code == "-" else code
    if code == "-":
        draft[prefix] = None
        following = SUPPORT if prefix == "kendala" else SUMMARY
        return await ask(after(following, draft), update, context, draft)
    return await ask(OBSTACLE_TEXT if prefix == "kendala" else SUPPORT_TEXT, update, context, draft)


async def receive_note(update: Update, context: BotContext) -> int:
    """The text of a kendala or dukungan."""
    draft, message = draft_of(context), update.effective_message
    if draft is None or message is None or message.text is None:
        return await draft_lost(update, context)
    step = draft["step"]
    if len(message.text) > TEXT_LIMIT:
        await reply(update, TEXTS.get("terlalu_panjang", batas=TEXT_LIMIT))
        return int(step)
    field = "kendala" if step == OBSTACLE_TEXT else "dukungan"
    draft[field] = message.text.strip()
    following = SUPPORT if field == "kendala" else SUMMARY
    return await ask(after(following, draft), update, context, draft)


async def send_report(update: Update, context: BotContext) -> int:
    """Kirim: save once, then show the new realisation to date and achievement."""
    draft = draft_of(context)
    await take_press(update)
    person = await current_person(update, context)
    if draft is None or person is None or person.employee is None:
        return await draft_lost(update, context)
    now = utcnow()
    async with context.db.session() as session:
        submitted = await submit_report(session, person.employee, draft, now)
    if submitted.outcome is SubmitOutcome.NOT_YOURS or submitted.report is None:
        await reply(update, TEXTS.get("bukan_milik"))
    else:
        summary = await standing(context, submitted.report.indicator_id)
        key = "tersimpan" if submitted.outcome is SubmitOutcome.SAVED else "sudah_tersimpan"
        await reply(
            update,
            TEXTS.get(key, ringkasan=Markup(summary)),
            keyboard([[(TEXTS.get("tombol_koreksi"), f"lapor:kor:{submitted.report.id}")]]),
        )
    drop_draft(context)
    return ConversationHandler.END


async def standing(context: BotContext, indicator_id: int) -> str:
    """One indicator's standing right now, in the /kinerja wording."""
    async with context.db.session() as session:
        progress = await single_indicator_progress(session, indicator_id, wib_today(utcnow()))
    return describe(progress)


async def change(update: Update, context: BotContext) -> int:
    draft = draft_of(context)
    await take_press(update)
    if draft is None:
        return await draft_lost(update, context)
    return await ask(CHANGE, update, context, draft)


async def change_part(update: Update, context: BotContext) -> int:
    draft, query = draft_of(context), update.callback_query
    await take_press(update)
    if draft is None or query is None or query.data is None:
        return await draft_lost(update, context)
    part = query.data.rsplit(":", 1)[-1]
    step = {
        "realisasi": REALISATION,
        "bukti": EVIDENCE,
        "kendala": OBSTACLE,
        "dukungan": SUPPORT,
    }.get(part)
    if step is None:
        return await draft_lost(update, context)
    draft["changing"] = True
    return await ask(step, update, context, draft)


async def offer_resume(update: Update, context: BotContext) -> int:
    """/lapor while a report is open: continue it or start over."""
    await take_press(update)
    if draft_of(context) is None:
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
    draft = draft_of(context)
    await take_press(update)
    if draft is None:
        return await draft_lost(update, context)
    return await ask(int(draft["step"]), update, context, draft)


async def restart(update: Update, context: BotContext) -> int:
    await take_press(update)
    return await ask(CHOOSE, update, context, new_draft(context))


async def timed_out(update: Update, context: BotContext) -> None:
    drop_draft(context)
    await conversation_timed_out(update, context)


def build_report_conversation() -> ConversationHandler[BotContext]:
    """/lapor — states CHOOSE, REALISATION, EVIDENCE, OBSTACLE, OBSTACLE_TEXT, SUPPORT,
    SUPPORT_TEXT, SUMMARY, CHANGE, RESUME (see the module docstring)."""
    categories = r"^lapor:(kendala|dukungan):[a-z-]+$"
    return conversation(
        "lapor",
        entry_points=[
            CommandHandler("lapor", start),
            CallbackQueryHandler(start_from_button, pattern=r"^lapor:mulai$"),
        ],
        states={
            CHOOSE: [CallbackQueryHandler(choose_indicator, pattern=r"^lapor:ind:\d+$")],
            REALISATION: [MessageHandler(TYPED, receive_realisation)],
            EVIDENCE: [
                CallbackQueryHandler(skip_evidence, pattern=r"^lapor:lewati$"),
                MessageHandler((TYPED | filters.PHOTO | filters.Document.ALL), receive_evidence),
            ],
            OBSTACLE: [CallbackQueryHandler(choose_category, pattern=categories)],
            OBSTACLE_TEXT: [MessageHandler(TYPED, receive_note)],
            SUPPORT: [CallbackQueryHandler(choose_category, pattern=categories)],
            SUPPORT_TEXT: [MessageHandler(TYPED, receive_note)],
            SUMMARY: [
                CallbackQueryHandler(send_report, pattern=r"^lapor:kirim$"),
                CallbackQueryHandler(change, pattern=r"^lapor:ubah$"),
                CallbackQueryHandler(cancel_report, pattern=r"^lapor:batal$"),
            ],
            CHANGE: [CallbackQueryHandler(change_part, pattern=r"^lapor:ubah:[a-z]+$")],
            RESUME: [
                CallbackQueryHandler(resume, pattern=r"^lapor:lanjut$"),
                CallbackQueryHandler(restart, pattern=r"^lapor:ulang$"),
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


async def start_correction(update: Update, context: BotContext) -> int:
    """Koreksi laporan: refuse with the reason, or ask which part to correct."""
    report_id = callback_int(update)
    if report_id is None:
        await stale_button(update, context)
        return ConversationHandler.END
    person = await current_person(update, context)
    if person is None or person.employee is None:
        await take_press(update)
        await reply(update, TEXTS.get("bukan_milik"))
        return ConversationHandler.END
    async with context.db.session() as session:
        report, refusal = await editable_report(session, person.employee, report_id, utcnow())
        indicator = await session.get(Indicator, report.indicator_id) if report else None
    if report is None or indicator is None or refusal is not None:
        await take_press(update)
        tanggal = wib_date(report.submitted_at) if report else "-"
        await reply(update, TEXTS.get(refusal or "bukan_milik", tanggal=tanggal))
        return ConversationHandler.END
    await take_press(update)
    assert context.user_data is not None
    context.user_data[CORRECTION] = {"report_id": report_id, "satuan": indicator.satuan}
    await reply(
        update,
        TEXTS.get("pilih_koreksi", indikator=indicator.nama, tanggal=wib_date(report.submitted_at)),
        keyboard(
            [[(TEXTS.get(f"tombol_koreksi_{f}"), f"lapor:korf:{f}") for f in EDITABLE_FIELDS]]
        ),
    )
    return FIELD


async def choose_field(update: Update, context: BotContext) -> int:
    query = update.callback_query
    await take_press(update)
    correction = None if context.user_data is None else context.user_data.get(CORRECTION)
    person = await current_person(update, context)
    if (
        correction is None
        or query is None
        or query.data is None
        or person is None
        or (person.employee is None)
    ):
        return await draft_lost(update, context)
    field = query.data.rsplit(":", 1)[-1]
    if field not in EDITABLE_FIELDS:
        return await draft_lost(update, context)
    async with context.db.session() as session:
        report, refusal = await editable_report(
            session, person.employee, correction["report_id"], utcnow()
        )
    if report is None or refusal is not None:
        await reply(
            update,
            TEXTS.get(
                refusal or "bukan_milik", tanggal=wib_date(report.submitted_at) if report else "-"
            ),
        )
        return ConversationHandler.END
    correction["field"] = field
    old = getattr(report, field)
    if field == "realisasi":
        await reply(
            update,
            TEXTS.get(
                "minta_koreksi_realisasi",
                satuan=correction["satuan"],
                lama=format_number_id(old, 2, trim=True),
            ),
        )
    else:
        await reply(update, TEXTS.get("minta_koreksi_teks", lama=old or TEXTS.get("tidak_ada")))
    return VALUE


async def receive_correction(update: Update, context: BotContext) -> int:
    message = update.effective_message
    correction = None if context.user_data is None else context.user_data.get(CORRECTION)
    person = await current_person(update, context)
    if (
        message is None
        or message.text is None
        or correction is None
        or person is None
        or (person.employee is None)
    ):
        return await draft_lost(update, context)
    field = correction["field"]
    value: Any = message.text.strip()
    if field == "realisasi":
        async with context.db.session() as session:
            report, _ = await editable_report(
                session, person.employee, correction["report_id"], utcnow()
            )
            indicator = await session.get(Indicator, report.indicator_id) if report else None
        checked = check_realisation(message.text, indicator.target if indicator else 0)
        if checked.problem is not None:
            await reply(
                update,
                TEXTS.get(
                    checked.problem,
                    alasan=checked.reason,
                    nilai=value[:30],
                    target=format_number_id(indicator.target if indicator else 0, 2, trim=True),
                    satuan=correction["satuan"],
                ),
            )
            return VALUE
        value = checked.value
    elif len(value) > TEXT_LIMIT:
        await reply(update, TEXTS.get("terlalu_panjang", batas=TEXT_LIMIT))
        return VALUE
    async with context.db.session() as session:
        report, refusal = await correct_report(
            session, person.employee, correction["report_id"], field, value, utcnow()
        )
    assert context.user_data is not None
    context.user_data.pop(CORRECTION, None)
    if report is None or refusal is not None:
        await reply(
            update,
            TEXTS.get(
                refusal or "bukan_milik", tanggal=wib_date(report.submitted_at) if report else "-"
            ),
        )
        return ConversationHandler.END
    summary = await standing(context, report.indicator_id)
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
            FIELD: [CallbackQueryHandler(choose_field, pattern=r"^lapor:korf:[a-z]+$")],
            VALUE: [MessageHandler(TYPED, receive_correction)],
        },
        fallbacks=[
            CommandHandler(
                "batal", cancel_forgetting(CORRECTION, book=GENERAL, key="batal_selesai")
            ),
            MessageHandler(filters.COMMAND, answer_with(TEXTS, "sedang_melapor")),
            MessageHandler(~filters.COMMAND, answer_with(TEXTS, "jawab_dengan_teks")),
        ],
        on_timeout=conversation_timed_out,
    )


def build_reporting_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """Corrections first: a correction typed during an open /lapor belongs to the correction."""
    return [build_correction_conversation(), build_report_conversation()]
