"""/adu: a citizen files a complaint without taking the survey (DESIGN §2, Pengaduan langsung).

CHOOSE (units by the names residents know, then the unit's services, or "Lainnya / tidak ada di
daftar": a complaint about the unit with no service kept; `core.service_picker`) →
TEXT (the complaint, typed; or a photo whose caption is the text — a photo without one is kept
and the text asked for next) → CONSENT (keep the chat id for the answer, or stay anonymous) →
the ticket number at once, through `filing.file_ticket` as the survey files its tickets.
`/start adu-<KODE>` (a QR code at a counter) and the "Sampaikan pengaduan" button under the
reply to a typed "saya mau mengadu" start it too; the deep link skips to TEXT.
"""

from __future__ import annotations

from typing import Any, TypedDict

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from kinerja_bot.complaints.filing import (
    consent_version,
    contact_consent_view,
    file_ticket,
    ticket_filed_text,
)
from kinerja_bot.complaints.service import COMPLAINT_MAX_CHARS
from kinerja_bot.complaints.texts import TEXTS
from kinerja_bot.core import service_picker
from kinerja_bot.core.context import BotContext
from kinerja_bot.core.drafts import DraftSlot
from kinerja_bot.core.models import Service, id_of
from kinerja_bot.core.organisation import citizen_unit_names, service_by_kode
from kinerja_bot.core.telegram_ui import (
    COMMON_TEXTS,
    answer_with,
    callback_int,
    cancel_forgetting,
    conversation,
    show,
    stale,
    update_key,
)

__all__ = ["DEEP_LINK", "START_BUTTON", "build_direct_complaint_conversation"]

CHOOSE, TEXT, CONSENT = range(3)
PREFIX = "adu"
DEEP_LINK = r"^/start(@\w+)?\s+adu-"
# The button that starts /adu from elsewhere (the reply to "saya mau mengadu").
START_BUTTON = f"{PREFIX}:mulai"


class ComplaintDraft(TypedDict):
    """The complaint being written: its unit and service, and the text once typed."""

    service_id: int | None  # None: "lainnya", about the unit but none of its listed services
    unit_id: int
    text: str | None
    photo: str | None  # the Telegram file_id of the photo sent with it


DRAFT = DraftSlot[ComplaintDraft]("adu.v3")


async def _units(update: Update, context: BotContext, page: int, prefix_text: str = "") -> int:
    view = await service_picker.unit_page(context.db, TEXTS, PREFIX, page)
    if view is None:
        await show(update, TEXTS.get("adu_tidak_ada_layanan"))
        return ConversationHandler.END
    text, markup = view
    await show(update, f"{prefix_text}\n\n{text}" if prefix_text else text, markup)
    return CHOOSE


async def start(update: Update, context: BotContext) -> int:
    """/adu (or its button): the units offering services."""
    DRAFT.drop(context)
    return await _units(update, context, 0)


async def start_from_link(update: Update, context: BotContext) -> int:
    """`/start adu-<KODE>`: the service is chosen; an unknown code shows the units."""
    DRAFT.drop(context)
    kode = (context.args or [""])[0].removeprefix("adu-")[:64]
    async with context.db.session() as session:
        service = await service_by_kode(session, kode) if kode else None
    if service is None:
        return await _units(update, context, 0, TEXTS.get("adu_kode_tidak_dikenal", kode=kode))
    return await _ask_text(update, context, service)


async def unit_page(update: Update, context: BotContext) -> int:
    """◀ / ▶ in the units, and "Pilih unit lain"."""
    page = callback_int(update)
    if page is None:
        await stale(update)
        return CHOOSE
    return await _units(update, context, page)


async def service_page(update: Update, context: BotContext) -> int:
    """A unit (its first page of services) or ◀ / ▶ in them."""
    query = update.callback_query
    parts = (query.data or "").split(":") if query is not None else []
    unit_id = callback_int(update, 2)
    page = callback_int(update) if len(parts) == 4 else 0
    if unit_id is None or page is None:
        await stale(update)
        return CHOOSE
    view = await service_picker.service_page(
        context.db, TEXTS, PREFIX, unit_id, page, other=TEXTS.get("tombol_lainnya")
    )
    if view is None:
        await stale(update, TEXTS.get("adu_unit_tanpa_layanan"))
        return CHOOSE
    await show(update, *view)
    return CHOOSE


async def choose_service(update: Update, context: BotContext) -> int:
    service_id = callback_int(update)
    async with context.db.session() as session:
        service = await session.get(Service, service_id) if service_id is not None else None
    if service is None:
        await stale(update)
        return CHOOSE
    return await _ask_text(update, context, service)


async def choose_other(update: Update, context: BotContext) -> int:
    """ "Lainnya / tidak ada di daftar": a complaint about the chosen unit, without a service."""
    unit_id = callback_int(update)
    async with context.db.session() as session:
        names = await citizen_unit_names(session)
    if unit_id is None or unit_id not in names:
        await stale(update)
        return CHOOSE
    DRAFT.new(
        context,
        {"service_id": None, "unit_id": unit_id, "text": None, "photo": None},
    )
    await show(
        update, TEXTS.get("adu_minta_teks_lainnya", unit=names[unit_id], batas=COMPLAINT_MAX_CHARS)
    )
    return TEXT


async def _ask_text(update: Update, context: BotContext, service: Service) -> int:
    async with context.db.session() as session:
        unit = (await citizen_unit_names(session)).get(service.unit_id, "-")
    DRAFT.new(
        context,
        {
            "service_id": id_of(service),
            "unit_id": service.unit_id,
            "text": None,
            "photo": None,
        },
    )
    text = TEXTS.get("adu_minta_teks", layanan=service.nama, unit=unit, batas=COMPLAINT_MAX_CHARS)
    await show(update, text)
    return TEXT


async def receive_text(update: Update, context: BotContext) -> int:
    """The complaint typed: within the limit, then the consent question."""
    message, draft = update.effective_message, DRAFT.get(context)
    if message is None or message.text is None or draft is None:
        return ConversationHandler.END
    return await _take_text(update, context, draft, message.text)


async def receive_photo(update: Update, context: BotContext) -> int:
    """A photo: kept (a later one replaces it); its caption is the complaint, else ask for it."""
    message, draft = update.effective_message, DRAFT.get(context)
    if message is None or not message.photo or draft is None:
        return ConversationHandler.END
    draft["photo"] = message.photo[-1].file_id  # the largest size
    if message.caption and message.caption.strip():
        return await _take_text(update, context, draft, message.caption)
    await message.reply_text(TEXTS.get("adu_foto_minta_teks", batas=COMPLAINT_MAX_CHARS))
    return TEXT


async def _take_text(update: Update, context: BotContext, draft: ComplaintDraft, given: str) -> int:
    message = update.effective_message
    if message is None:
        return ConversationHandler.END
    typed = given.strip()
    if len(typed) > COMPLAINT_MAX_CHARS:
        await message.reply_text(
            TEXTS.get("adu_terlalu_panjang", panjang=len(typed), batas=COMPLAINT_MAX_CHARS)
        )
        return TEXT
    if not typed:
        await message.reply_text(TEXTS.get("adu_bukan_teks"))
        return TEXT
    draft["text"] = typed
    await show(update, *contact_consent_view(PREFIX, context.settings.personal_data_retention_days))
    return CONSENT


async def consent_answer(update: Update, context: BotContext) -> int:
    """Setuju / Tanpa kontak: file the ticket and give its number at once."""
    draft, user, query = DRAFT.get(context), update.effective_user, update.callback_query
    text = draft.get("text") if draft is not None else None
    if draft is None or text is None or user is None or query is None:
        await stale(update)
        return ConversationHandler.END
    contact = query.data == f"{PREFIX}:c:ya"
    complaint = await file_ticket(
        context.db,
        context.settings,
        service_id=draft["service_id"],
        unit_id=draft["unit_id"],
        text=text,
        contact_chat_id=user.id if contact else None,
        consent_version=consent_version(),
        note=TEXTS.get("catatan_adu"),
        update_key=update_key(update),
        photo_file_id=draft.get("photo"),
    )
    DRAFT.drop(context)
    if complaint is None:
        await stale(update)
        return ConversationHandler.END
    context.send_queued_notices()
    await show(update, ticket_filed_text(complaint, contact=contact))
    return ConversationHandler.END


async def timed_out(update: Update, context: BotContext) -> None:
    DRAFT.drop(context)
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, TEXTS.get("adu_habis_waktu"))


def build_direct_complaint_conversation() -> ConversationHandler[BotContext]:
    """/adu, its button and /start adu-KODE — states CHOOSE, TEXT, CONSENT."""
    entries: list[BaseHandler[Update, BotContext, Any]] = [
        CommandHandler("adu", start),
        CommandHandler("start", start_from_link, filters=filters.Regex(DEEP_LINK)),
        CallbackQueryHandler(start, pattern=rf"^{START_BUTTON}$"),
    ]
    return conversation(
        "adu",
        entry_points=entries,
        states={
            CHOOSE: [
                CallbackQueryHandler(unit_page, pattern=rf"^{PREFIX}:up:\d+$"),
                CallbackQueryHandler(service_page, pattern=rf"^{PREFIX}:(u:\d+|sp:\d+:\d+)$"),
                CallbackQueryHandler(choose_service, pattern=rf"^{PREFIX}:s:\d+$"),
                CallbackQueryHandler(choose_other, pattern=rf"^{PREFIX}:o:\d+$"),
            ],
            TEXT: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, receive_text),
                MessageHandler(filters.PHOTO, receive_photo),
                MessageHandler(
                    ~filters.TEXT & ~filters.PHOTO & ~filters.COMMAND,
                    answer_with(TEXTS, "adu_bukan_teks"),
                ),
            ],
            CONSENT: [CallbackQueryHandler(consent_answer, pattern=rf"^{PREFIX}:c:(ya|tidak)$")],
        },
        fallbacks=[
            CommandHandler("batal", cancel_forgetting(DRAFT.key, book=TEXTS, key="adu_batal")),
            *entries,
            MessageHandler(filters.COMMAND, answer_with(TEXTS, "adu_sedang")),
            MessageHandler(~filters.COMMAND, answer_with(COMMON_TEXTS, "pilih_tombol")),
        ],
        on_timeout=timed_out,
    )
