"""Telegram side of the survey: `/survei` and `/start layanan-<KODE>` (the QR code at a counter).

States of the conversation (one message is edited from step to step):
CHOOSE (unit list → service list, paginated) → QUESTION (the nine SKM questions, "3/9",
◀ Kembali) → PROFILE (optional; one tap skips it) → SUGGESTION (optional text; the response is
saved here) → OFFER (a ticket, after a score of 1 or a text) → COMPLAINT (the complaint text, if
none was typed) → CONSENT (keep the chat id for the answer, or stay anonymous) → end.

The draft (`SURVEY_DRAFT`, typed) lives in `user_data`, persisted after every update, so the survey
continues after a restart; once the response is saved, the answers leave the draft.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, NotRequired, TypedDict

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from kinerja_bot.complaints import (
    COMPLAINT_MAX_CHARS,
    consent_version,
    contact_consent_view,
    file_ticket,
    low_score_note,
    ticket_filed_text,
)
from kinerja_bot.core import service_picker
from kinerja_bot.core.context import BotContext
from kinerja_bot.core.drafts import DraftSlot
from kinerja_bot.core.models import Service, id_of, utcnow
from kinerja_bot.core.organisation import service_by_kode
from kinerja_bot.core.rules.periods import format_date_id
from kinerja_bot.core.rules.skm import UNSUR_BY_CODE
from kinerja_bot.core.telegram_ui import (
    COMMON_TEXTS,
    Button,
    answer_with,
    callback_int,
    conversation,
    keyboard,
    show,
    stale,
    update_key,
)
from kinerja_bot.privacy import (
    PURPOSE_SURVEY_PROFILE,
    record_consent,
)
from kinerja_bot.survey.service import (
    SUGGESTION_MAX_CHARS,
    low_unsur,
    next_allowed_day,
    submit_response,
)
from kinerja_bot.survey.texts import TEXTS, profile_questions, questionnaire

log = logging.getLogger(__name__)

CHOOSE, QUESTION, PROFILE, SUGGESTION, OFFER, COMPLAINT, CONSENT = range(7)
DEEP_LINK = r"^/start(@\w+)?\s+layanan-"


class Draft(TypedDict):
    """The survey being answered; once saved, only what a ticket needs (no answers)."""

    service_id: int
    service: str  # the service's name, as shown
    step: NotRequired[int]  # the question being asked
    answers: NotRequired[dict[str, int]]  # unsur code → score 1–4
    profile: NotRequired[dict[str, str]]  # respondent profile column → option code
    profile_step: NotRequired[int]
    prompt: NotRequired[int]  # the message asking for a suggestion, edited in place
    low: NotRequired[list[str]]  # unsur codes scored low: a ticket is offered
    complaint: NotRequired[str | None]
    saved: NotRequired[bool]


SURVEY_DRAFT = DraftSlot[Draft]("survei.v2")


def _stale_alert() -> str:
    return COMMON_TEXTS.get("peringatan_tombol_usang")


# --- Views ----------------------------------------------------------------------------------


async def unit_list(context: BotContext, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    view = await service_picker.unit_page(context.db, TEXTS, "svy", page)
    return view if view is not None else (TEXTS.get("tidak_ada_layanan"), None)


async def service_list(
    context: BotContext, unit_id: int, page: int
) -> tuple[str, InlineKeyboardMarkup] | None:
    return await service_picker.service_page(context.db, TEXTS, "svy", unit_id, page)


def question_view(draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    questions = questionnaire()
    step = int(draft["step"])
    question = questions[step]
    text = TEXTS.get(
        "pertanyaan",
        layanan=draft["service"],
        nomor=step + 1,
        jumlah=len(questions),
        pertanyaan=question.text,
    )
    if step == 0:
        text = TEXTS.get("catatan_anonim") + "\n\n" + text
    rows: list[list[Button]] = [
        [(label, f"svy:a:{step}:{score}")] for score, label in enumerate(question.labels, start=1)
    ]
    if step > 0:
        rows.append([(TEXTS.get("tombol_kembali"), f"svy:b:{step}")])
    return text, keyboard(rows)


def profile_intro_view(draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    rows: list[list[Button]] = [
        [
            (TEXTS.get("tombol_isi_profil"), "svy:p:isi"),
            (TEXTS.get("tombol_lewati"), "svy:p:lewati"),
        ],
        [(TEXTS.get("tombol_kembali"), f"svy:b:{draft['step']}")],
    ]
    return TEXTS.get("profil_ajakan"), keyboard(rows)


def profile_question_view(step: int) -> tuple[str, InlineKeyboardMarkup]:
    questions = profile_questions()
    question = questions[step]
    rows: list[list[Button]] = [
        [(option.label, f"svy:pa:{step}:{index}")] for index, option in enumerate(question.options)
    ]
    rows.append([(TEXTS.get("tombol_lewati"), "svy:p:lewati")])
    text = TEXTS.get(
        "profil_pertanyaan", nomor=step + 1, jumlah=len(questions), pertanyaan=question.text
    )
    return text, keyboard(rows)


def suggestion_view(draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    text = TEXTS.get("saran_minta", layanan=draft["service"], batas=SUGGESTION_MAX_CHARS)
    return text, keyboard([[(TEXTS.get("tombol_lewati"), "svy:x:lewati")]])


def offer_view(draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    if draft.get("complaint"):
        text = TEXTS.get("tawar_tiket_teks")
    else:
        names = ", ".join(UNSUR_BY_CODE[code].name for code in draft["low"])
        text = TEXTS.get("tawar_tiket_nilai", unsur=names)
    rows: list[list[Button]] = [
        [(TEXTS.get("tombol_buat_tiket"), "svy:t:ya")],
        [(TEXTS.get("tombol_tidak_perlu"), "svy:t:tidak")],
    ]
    return text, keyboard(rows)


def consent_view(context: BotContext) -> tuple[str, InlineKeyboardMarkup]:
    return contact_consent_view("svy", context.settings.personal_data_retention_days)


def refusal(service_name: str, day: date, limit: int) -> str:
    return TEXTS.get(
        "sudah_menilai",
        layanan=service_name,
        batas=limit,
        tanggal=format_date_id(day, with_weekday=True),
    )


# --- Choosing the service -------------------------------------------------------------------


async def start_menu(update: Update, context: BotContext) -> int:
    """/survei: the list of units."""
    SURVEY_DRAFT.drop(context)
    text, markup = await unit_list(context, 0)
    await show(update, text, markup)
    return CHOOSE if markup is not None else ConversationHandler.END


async def start_from_link(update: Update, context: BotContext) -> int:
    """`/start layanan-<KODE>`: the service is chosen; an unknown code shows the list."""
    SURVEY_DRAFT.drop(context)
    kode = (context.args or [""])[0].removeprefix("layanan-")[:64]
    async with context.db.session() as session:
        service = await service_by_kode(session, kode) if kode else None
    if service is None:
        text, markup = await unit_list(context, 0)
        await show(update, TEXTS.get("kode_tidak_dikenal", kode=kode) + "\n\n" + text, markup)
        return CHOOSE if markup is not None else ConversationHandler.END
    return await begin(update, context, service)


async def unit_page(update: Update, context: BotContext) -> int:
    """◀ / ▶ in the unit list, and "Pilih unit lain"."""
    page = callback_int(update)
    if page is None:
        await stale(update, _stale_alert())
        return CHOOSE
    text, markup = await unit_list(context, page)
    await show(update, text, markup)
    return CHOOSE


async def choose_unit(update: Update, context: BotContext) -> int:
    """A unit: its services."""
    unit_id = callback_int(update)
    if unit_id is None:
        await stale(update, _stale_alert())
        return CHOOSE
    view = await service_list(context, unit_id, 0)
    if view is None:
        await stale(update, TEXTS.get("unit_tanpa_layanan"))
        return CHOOSE
    await show(update, *view)
    return CHOOSE


async def service_page(update: Update, context: BotContext) -> int:
    """◀ / ▶ in a service list."""
    unit_id, page = callback_int(update, -2), callback_int(update)
    if unit_id is None or page is None:
        await stale(update, _stale_alert())
        return CHOOSE
    view = await service_list(context, unit_id, page)
    if view is None:
        await stale(update, TEXTS.get("unit_tanpa_layanan"))
        return CHOOSE
    await show(update, *view)
    return CHOOSE


async def choose_service(update: Update, context: BotContext) -> int:
    """A service: the first question (unless it was rated today already)."""
    service_id = callback_int(update)
    if service_id is None:
        await stale(update, _stale_alert())
        return CHOOSE
    async with context.db.session() as session:
        service = await session.get(Service, service_id)
    if service is None:
        await stale(update, _stale_alert())
        return CHOOSE
    return await begin(update, context, service)


async def begin(update: Update, context: BotContext, service: Service) -> int:
    """Check the daily limit, then start the questions."""
    user = update.effective_user
    if user is None or context.user_data is None:
        return ConversationHandler.END
    async with context.db.session() as session:
        refused = await next_allowed_day(
            session, context.settings, user.id, id_of(service), utcnow()
        )
    if refused is not None:
        await show(update, refusal(service.nama, refused, context.settings.survey_daily_limit))
        return ConversationHandler.END
    draft: Draft = {
        "service_id": id_of(service),
        "service": service.nama,
        "step": 0,
        "answers": {},
        "profile": {},
        "profile_step": 0,
    }
    SURVEY_DRAFT.new(context, draft)
    await show(update, *question_view(draft))
    return QUESTION


# --- The questions ----------------------------------------------------------------------------


async def answer(update: Update, context: BotContext) -> int:
    """One of the four answers: keep it, then the next question or the profile."""
    draft = SURVEY_DRAFT.get(context)
    if draft is None:
        await stale(update, _stale_alert())
        return ConversationHandler.END
    step, score = callback_int(update, -2), callback_int(update)
    if step is None or score is None or step != draft["step"]:
        await stale(update, _stale_alert())
        return QUESTION
    questions = questionnaire()
    draft["answers"][questions[step].unsur] = score
    draft["step"] = step + 1
    if draft["step"] == len(questions):
        await show(update, *profile_intro_view(draft))
        return PROFILE
    await show(update, *question_view(draft))
    return QUESTION


async def back(update: Update, context: BotContext) -> int:
    """◀ Kembali: the previous question (its answer can be changed)."""
    draft = SURVEY_DRAFT.get(context)
    if draft is None:
        await stale(update, _stale_alert())
        return ConversationHandler.END
    step = callback_int(update)
    if step is None or step != draft["step"] or step == 0:
        await stale(update, _stale_alert())
        return PROFILE if draft["step"] == len(questionnaire()) else QUESTION
    draft["step"] = step - 1
    await show(update, *question_view(draft))
    return QUESTION


# --- Profile and suggestion -----------------------------------------------------------------


async def fill_profile(update: Update, context: BotContext) -> int:
    """Isi profil: the first profile question."""
    draft = SURVEY_DRAFT.get(context)
    if draft is None:
        await stale(update, _stale_alert())
        return ConversationHandler.END
    draft["profile"], draft["profile_step"] = {}, 0
    await show(update, *profile_question_view(0))
    return PROFILE


async def profile_answer(update: Update, context: BotContext) -> int:
    """A profile option: keep its code, then the next question or the suggestion."""
    draft = SURVEY_DRAFT.get(context)
    if draft is None:
        await stale(update, _stale_alert())
        return ConversationHandler.END
    step, index = callback_int(update, -2), callback_int(update)
    questions = profile_questions()
    if step is None or index is None or step != draft["profile_step"]:
        await stale(update, _stale_alert())
        return PROFILE
    if index >= len(questions[step].options):
        await stale(update, _stale_alert())
        return PROFILE
    draft["profile"][questions[step].column] = questions[step].options[index].kode
    draft["profile_step"] = step + 1
    if draft["profile_step"] < len(questions):
        await show(update, *profile_question_view(step + 1))
        return PROFILE
    return await ask_suggestion(update, context, draft)


async def skip_profile(update: Update, context: BotContext) -> int:
    """Lewati: no (more) profile; on to the suggestion."""
    draft = SURVEY_DRAFT.get(context)
    if draft is None:
        await stale(update, _stale_alert())
        return ConversationHandler.END
    return await ask_suggestion(update, context, draft)


async def ask_suggestion(update: Update, context: BotContext, draft: Draft) -> int:
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        draft["prompt"] = query.message.message_id
    await show(update, *suggestion_view(draft))
    return SUGGESTION


async def receive_suggestion(update: Update, context: BotContext) -> int:
    """A typed suggestion or complaint: save the response, then offer a ticket."""
    message, draft = update.effective_message, SURVEY_DRAFT.get(context)
    if message is None or message.text is None or draft is None:
        return ConversationHandler.END
    if len(message.text) > SUGGESTION_MAX_CHARS:
        await message.reply_text(
            TEXTS.get("terlalu_panjang", panjang=len(message.text), batas=SUGGESTION_MAX_CHARS)
        )
        return SUGGESTION
    await _drop_keyboard(context, message.chat_id, draft.pop("prompt", None))
    return await save(update, context, draft, message.text.strip())


async def skip_suggestion(update: Update, context: BotContext) -> int:
    """Lewati: save the response without text."""
    draft = SURVEY_DRAFT.get(context)
    if draft is None:
        await stale(update, _stale_alert())
        return ConversationHandler.END
    draft.pop("prompt", None)
    return await save(update, context, draft, None)


async def _drop_keyboard(context: BotContext, chat_id: int, message_id: int | None) -> None:
    """Remove the buttons of an earlier step (its "Lewati" no longer applies)."""
    if message_id is None:
        return
    try:
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except BadRequest:
        log.debug("buttons of message %s were already gone", message_id)


async def save(update: Update, context: BotContext, draft: Draft, saran: str | None) -> int:
    """Store the anonymous response; then a ticket offer (score 1 or a text) or thanks."""
    user = update.effective_user
    if user is None:
        return ConversationHandler.END
    now = utcnow()
    async with context.db.session() as session:
        submitted = await submit_response(
            session,
            context.settings,
            telegram_id=user.id,
            service_id=int(draft["service_id"]),
            answers={code: int(score) for code, score in draft["answers"].items()},
            profile=draft["profile"],
            saran=saran or None,
            now=now,
            submission=update_key(update),
        )
        if submitted.stored and submitted.first_time and draft["profile"]:
            await record_consent(
                session,
                telegram_id=None,
                purpose=PURPOSE_SURVEY_PROFILE,
                text_version=TEXTS.get("profil_ajakan_versi"),
                now=now,
            )
    if submitted.next_day is not None:
        SURVEY_DRAFT.drop(context)
        await show(
            update,
            refusal(draft["service"], submitted.next_day, context.settings.survey_daily_limit),
        )
        return ConversationHandler.END
    low = low_unsur(draft["answers"])
    # From here on the draft holds nothing of the answers: only what a ticket needs.
    kept: Draft = {
        "service_id": draft["service_id"],
        "service": draft["service"],
        "low": low,
        "complaint": saran or None,
        "saved": True,
    }
    SURVEY_DRAFT.new(context, kept)
    if not low and not saran:
        SURVEY_DRAFT.drop(context)
        await show(update, TEXTS.get("terima_kasih", layanan=kept["service"]))
        return ConversationHandler.END
    await show(update, *offer_view(kept))
    return OFFER


# --- A ticket ---------------------------------------------------------------------------------


async def offer_answer(update: Update, context: BotContext) -> int:
    """Ya, buat tiket: the complaint text (if none yet) or the consent; Tidak: thanks."""
    draft = SURVEY_DRAFT.get(context)
    if draft is None:
        await stale(update, _stale_alert())
        return ConversationHandler.END
    if update.callback_query is not None and update.callback_query.data == "svy:t:tidak":
        SURVEY_DRAFT.drop(context)
        await show(update, TEXTS.get("terima_kasih", layanan=draft["service"]))
        return ConversationHandler.END
    if draft.get("complaint"):
        await show(update, *consent_view(context))
        return CONSENT
    text = TEXTS.get("minta_pengaduan", layanan=draft["service"], batas=COMPLAINT_MAX_CHARS)
    await show(update, text)
    return COMPLAINT


async def receive_complaint(update: Update, context: BotContext) -> int:
    """The complaint text typed after a low score; then the consent question."""
    message, draft = update.effective_message, SURVEY_DRAFT.get(context)
    if message is None or message.text is None or draft is None:
        return ConversationHandler.END
    if len(message.text) > COMPLAINT_MAX_CHARS:
        await message.reply_text(
            TEXTS.get("terlalu_panjang", panjang=len(message.text), batas=COMPLAINT_MAX_CHARS)
        )
        return COMPLAINT
    if not message.text.strip():
        await message.reply_text(TEXTS.get("bukan_teks"))
        return COMPLAINT
    draft["complaint"] = message.text.strip()
    await show(update, *consent_view(context))
    return CONSENT


async def consent_answer(update: Update, context: BotContext) -> int:
    """Setuju / Tanpa kontak: file the ticket and give its number at once."""
    draft, user = SURVEY_DRAFT.get(context), update.effective_user
    text = draft.get("complaint") if draft is not None else None
    if draft is None or text is None or user is None or update.callback_query is None:
        await stale(update, _stale_alert())
        return ConversationHandler.END
    contact = update.callback_query.data == "svy:c:ya"
    complaint = await file_ticket(
        context.db,
        context.settings,
        service_id=draft["service_id"],
        text=text,
        contact_chat_id=user.id if contact else None,
        consent_version=consent_version(),
        note=low_score_note(draft.get("low", [])),
        update_key=update_key(update),
    )
    SURVEY_DRAFT.drop(context)
    if complaint is None:
        await stale(update, _stale_alert())
        return ConversationHandler.END
    context.send_queued_notices()
    await show(update, ticket_filed_text(complaint, contact=contact))
    return ConversationHandler.END


# --- Leaving, strays, timeout ----------------------------------------------------------------


async def cancel(update: Update, context: BotContext) -> int:
    """/batal inside the survey."""
    draft = SURVEY_DRAFT.get(context)
    SURVEY_DRAFT.drop(context)
    key = "batal_setelah_simpan" if draft and draft.get("saved") else "batal_survei"
    if update.effective_message is not None:
        await update.effective_message.reply_text(TEXTS.get(key))
    return ConversationHandler.END


async def timed_out(update: Update, context: BotContext) -> None:
    """30 idle minutes: drop the draft and say so."""
    draft = SURVEY_DRAFT.get(context)
    SURVEY_DRAFT.drop(context)
    key = "habis_waktu_tersimpan" if draft and draft.get("saved") else "habis_waktu"
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, TEXTS.get(key))


def build_survey_conversation() -> ConversationHandler[BotContext]:
    """/survei and /start layanan-KODE — states: CHOOSE, QUESTION, PROFILE, SUGGESTION, OFFER,
    COMPLAINT, CONSENT (see the module docstring). Either command restarts a running survey."""
    menu = CommandHandler("survei", start_menu)
    link = CommandHandler("start", start_from_link, filters=filters.Regex(DEEP_LINK))
    typed = filters.TEXT & ~filters.COMMAND
    untyped = ~filters.TEXT & ~filters.COMMAND
    return conversation(
        "survei",
        entry_points=[menu, link],
        states={
            CHOOSE: [
                CallbackQueryHandler(unit_page, pattern=r"^svy:up:\d+$"),
                CallbackQueryHandler(choose_unit, pattern=r"^svy:u:\d+$"),
                CallbackQueryHandler(service_page, pattern=r"^svy:sp:\d+:\d+$"),
                CallbackQueryHandler(choose_service, pattern=r"^svy:s:\d+$"),
            ],
            QUESTION: [
                CallbackQueryHandler(answer, pattern=r"^svy:a:\d+:[1-4]$"),
                CallbackQueryHandler(back, pattern=r"^svy:b:\d+$"),
            ],
            PROFILE: [
                CallbackQueryHandler(fill_profile, pattern=r"^svy:p:isi$"),
                CallbackQueryHandler(skip_profile, pattern=r"^svy:p:lewati$"),
                CallbackQueryHandler(profile_answer, pattern=r"^svy:pa:\d+:\d+$"),
                CallbackQueryHandler(back, pattern=r"^svy:b:\d+$"),
            ],
            SUGGESTION: [
                MessageHandler(typed, receive_suggestion),
                MessageHandler(untyped, answer_with(TEXTS, "bukan_teks")),
                CallbackQueryHandler(skip_suggestion, pattern=r"^svy:x:lewati$"),
            ],
            OFFER: [CallbackQueryHandler(offer_answer, pattern=r"^svy:t:(ya|tidak)$")],
            COMPLAINT: [
                MessageHandler(typed, receive_complaint),
                MessageHandler(untyped, answer_with(TEXTS, "bukan_teks")),
            ],
            CONSENT: [CallbackQueryHandler(consent_answer, pattern=r"^svy:c:(ya|tidak)$")],
        },
        fallbacks=[
            CommandHandler("batal", cancel),
            menu,
            link,
            MessageHandler(filters.COMMAND, answer_with(TEXTS, "sedang_survei")),
            MessageHandler(~filters.COMMAND, answer_with(TEXTS, "pakai_tombol")),
        ],
        on_timeout=timed_out,
    )


def build_survey_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """The survey conversation; its deep link must come before the general /start."""
    return [build_survey_conversation()]
