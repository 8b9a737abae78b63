"""Telegram side of complaints: /tiket for staff and citizens, answering, the citizen's reply.

- `/tiket` (complaint handlers, unit heads, admins): open tickets of their units by due date;
  a ticket's buttons mark it in progress, answer it, close it. `/tiket <NOMOR>`: staff see the
  ticket, the citizen who filed it with their contact sees it with the answer, anyone else only
  its status. Staff never see the citizen's Telegram identity.
- Answering is a conversation: ANSWER (typed text) → CONFIRM (Kirim / Ubah / Batal) → end.
- The answer reaches the citizen with **Sudah selesai** (closes) / **Belum selesai** (reopens).
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

from kinerja_bot.complaints.closing import queue_closed_notice
from kinerja_bot.complaints.direct import build_direct_complaint_conversation
from kinerja_bot.complaints.filing import REOPENED_JOB, queue_unit_notice
from kinerja_bot.complaints.service import (
    ANSWER_MAX_CHARS,
    NOT_CLOSED,
    OPEN_STATUSES,
    TransitionError,
    answer_complaint,
    close_complaint,
    complaint_by_number,
    first_note,
    handled_unit_ids,
    history,
    is_staff,
    mark_in_progress,
    may_handle,
    may_reopen,
    open_tickets,
    reopen_complaint,
    service_of,
    tickets_of_chat,
    working_days_left,
)
from kinerja_bot.complaints.texts import TEXTS, service_label, status_name
from kinerja_bot.core.context import BotContext
from kinerja_bot.core.drafts import DraftSlot
from kinerja_bot.core.models import Complaint, ComplaintStatus, Service, Unit, id_of, utcnow
from kinerja_bot.core.outbox import queue_notice
from kinerja_bot.core.people import Person, current_person
from kinerja_bot.core.rules.periods import format_date_id
from kinerja_bot.core.telegram_ui import (
    answer_with,
    callback_int,
    cancel_forgetting,
    conversation,
    keyboard,
    paginate,
    shorten,
    show,
    stale,
    update_key,
)
from kinerja_bot.core.texts import BUTTON_LABEL_LIMIT, Markup

log = logging.getLogger(__name__)

ANSWER, CONFIRM = range(2)


class AnswerDraft(TypedDict):
    """A ticket being answered by its unit's staff."""

    id: int  # the complaint
    nomor: str
    text: NotRequired[str]  # the answer, once typed


ANSWER_DRAFT = DraftSlot[AnswerDraft]("tiket_jawaban.v2")
ANSWER_JOB = "jawaban-tiket"  # the outbox's job of answers to citizens (queue_notice)
LIST_PAGE_SIZE = 10


# --- Views ---------------------------------------------------------------------------------


def deadline(due: date, today: date) -> str:
    left = working_days_left(due, today)
    if left > 0:
        return TEXTS.get("sisa_hari", hari=left)
    if left == 0:
        return TEXTS.get("jatuh_tempo")
    return TEXTS.get("terlambat", hari=-left)


def short_date(day: date) -> str:
    return f"{day:%d/%m}"


async def list_view(
    context: BotContext, person: Person, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Open tickets of the person's units, by due date, one page."""
    today = utcnow().astimezone(context.settings.tz).date()
    async with context.db.session() as session:
        rows = await open_tickets(session, await handled_unit_ids(session, person))
    if not rows:
        return TEXTS.get("daftar_kosong"), None
    items, page, pages = paginate(rows, page, LIST_PAGE_SIZE)
    lines = [
        TEXTS.get(
            "daftar_baris",
            nomor=complaint.nomor,
            layanan=service_label(service),
            status=status_name(complaint.status),
            tenggat=format_date_id(complaint.due_date),
            sisa=deadline(complaint.due_date, today),
        )
        for complaint, service in items
    ]
    title = TEXTS.get("daftar_judul", jumlah=len(rows), halaman=page + 1, total=pages)
    buttons: list[list[tuple[str, str]]] = [
        [
            (
                shorten(
                    TEXTS.get(
                        "tombol_tiket",
                        nomor=complaint.nomor,
                        tenggat=short_date(complaint.due_date),
                        status=status_name(complaint.status),
                    ),
                    BUTTON_LABEL_LIMIT,
                ),
                f"tkt:v:{id_of(complaint)}",
            )
        ]
        for complaint, _ in items
    ]
    nav = []
    if page > 0:
        nav.append((TEXTS.get("tombol_sebelumnya"), f"tkt:l:{page - 1}"))
    if page < pages - 1:
        nav.append((TEXTS.get("tombol_berikutnya"), f"tkt:l:{page + 1}"))
    if nav:
        buttons.append(nav)
    return title + "\n" + "\n".join(lines), keyboard(buttons)


async def staff_view(context: BotContext, complaint: Complaint) -> tuple[str, InlineKeyboardMarkup]:
    """One ticket for the unit: text, deadline, history, and what can be done next."""
    tz = context.settings.tz
    today = utcnow().astimezone(tz).date()
    async with context.db.session() as session:
        service = await service_of(session, complaint)
        unit = await session.get(Unit, complaint.unit_id)
        events = await history(session, id_of(complaint))
        note = await first_note(session, id_of(complaint))
    parts = [
        TEXTS.get(
            "rincian",
            nomor=complaint.nomor,
            layanan=service_label(service),
            unit=unit.nama if unit else "-",
            status=status_name(complaint.status),
            diterima=format_date_id(complaint.created_at.astimezone(tz).date()),
            tenggat=format_date_id(complaint.due_date),
            sisa=deadline(complaint.due_date, today),
            kontak=TEXTS.get("kontak_ada" if complaint.chat_id else "kontak_tidak_ada"),
            teks=complaint.text,
        )
    ]
    if note:
        parts.append(TEXTS.get("rincian_catatan", catatan=note))
    if complaint.answer and complaint.answered_at:
        parts.append(
            TEXTS.get(
                "rincian_jawaban",
                tanggal=format_date_id(complaint.answered_at.astimezone(tz).date()),
                jawaban=complaint.answer,
            )
        )
    lines = [
        TEXTS.get(
            "riwayat_baris",
            waktu=f"{event.at.astimezone(tz):%d/%m/%Y %H:%M}",
            status=status_name(event.status),
        )
        for event in events
    ]
    parts.append(TEXTS.get("rincian_riwayat", riwayat=Markup("\n".join(lines))))
    ticket = id_of(complaint)
    actions: list[tuple[str, str]] = []
    if complaint.status in (ComplaintStatus.RECEIVED, ComplaintStatus.REOPENED):
        actions.append((TEXTS.get("tombol_proses"), f"tkt:p:{ticket}"))
    if complaint.status in OPEN_STATUSES:
        actions.append((TEXTS.get("tombol_jawab"), f"tkt:j:{ticket}"))
    rows = [actions] if actions else []
    if complaint.status in NOT_CLOSED:
        rows.append([(TEXTS.get("tombol_tutup"), f"tkt:t:{ticket}")])
    rows.append([(TEXTS.get("tombol_daftar"), "tkt:l:0")])
    return "\n\n".join(parts), keyboard(rows)


async def citizen_view(
    context: BotContext, complaint: Complaint, service: Service | None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The ticket as the citizen who filed it sees it, with the answer and the reply buttons."""
    tz = context.settings.tz
    text = TEXTS.get(
        "rincian_warga",
        nomor=complaint.nomor,
        layanan=service_label(service),
        status=status_name(complaint.status),
        diterima=format_date_id(complaint.created_at.astimezone(tz).date()),
        tenggat=format_date_id(complaint.due_date),
        teks=complaint.text,
    )
    if complaint.answer and complaint.answered_at:
        text += "\n\n" + TEXTS.get(
            "rincian_warga_jawaban",
            tanggal=format_date_id(complaint.answered_at.astimezone(tz).date()),
            jawaban=complaint.answer,
        )
    markup = reply_buttons(complaint) if complaint.status == ComplaintStatus.ANSWERED else None
    return text, markup


def reply_buttons(complaint: Complaint) -> InlineKeyboardMarkup:
    ticket = id_of(complaint)
    return keyboard(
        [
            [
                (TEXTS.get("tombol_sudah_selesai"), f"tkt:ok:{ticket}"),
                (TEXTS.get("tombol_belum_selesai"), f"tkt:no:{ticket}"),
            ]
        ]
    )


# --- Notifications -------------------------------------------------------------------------


# --- /tiket and staff buttons ---------------------------------------------------------------


async def tiket_command(update: Update, context: BotContext) -> None:
    """/tiket: the staff's list, or a citizen's own tickets; /tiket NOMOR: one ticket."""
    message, person = update.effective_message, await current_person(update, context)
    if message is None or person is None:
        return
    if context.args:
        text, markup, photo_of = await ticket_by_number(context, person, context.args[0])
        await message.reply_text(text, reply_markup=markup)
        if photo_of is not None:
            await send_ticket_photo(context, message.chat_id, photo_of)
        return
    if is_staff(person):
        text, markup = await list_view(context, person, 0)
        await message.reply_text(text, reply_markup=markup)
    else:
        await message.reply_text(await own_tickets(context, person.telegram_id))


async def ticket_by_number(
    context: BotContext, person: Person, nomor: str
) -> tuple[str, InlineKeyboardMarkup | None, Complaint | None]:
    """The ticket as this person may see it, and the ticket again when its photo is theirs to
    see (staff who handle it)."""
    async with context.db.session() as session:
        complaint = await complaint_by_number(session, nomor[:40])
        service = await service_of(session, complaint) if complaint else None
        handles = (
            complaint is not None
            and is_staff(person)
            and await may_handle(session, person, complaint)
        )
    if complaint is None:
        return TEXTS.get("tidak_ditemukan", nomor=nomor[:40]), None, None
    if handles:
        return *await staff_view(context, complaint), complaint
    if complaint.chat_id is not None and complaint.chat_id == person.telegram_id:
        return *await citizen_view(context, complaint, service), None
    text = TEXTS.get(
        "status_saja",
        nomor=complaint.nomor,
        layanan=service_label(service),
        status=status_name(complaint.status),
        tenggat=format_date_id(complaint.due_date),
    )
    return text, None, None


async def send_ticket_photo(context: BotContext, chat_id: int, complaint: Complaint) -> None:
    """The photo the citizen sent with the ticket, captioned with its number (if there is one).
    A file_id is only valid for the bot that received it: a new token loses the photo."""
    if complaint.photo_file_id is None:
        return
    try:
        await context.bot.send_photo(chat_id, complaint.photo_file_id, caption=complaint.nomor)
    except BadRequest:
        log.warning("photo of ticket %s could not be sent", complaint.nomor)
        await context.bot.send_message(
            chat_id, TEXTS.get("rincian_foto_gagal", nomor=complaint.nomor)
        )


async def own_tickets(context: BotContext, telegram_id: int) -> str:
    async with context.db.session() as session:
        rows = await tickets_of_chat(session, telegram_id)
    if not rows:
        return TEXTS.get("tiket_warga_kosong")
    lines = [
        TEXTS.get(
            "tiket_warga_baris",
            nomor=complaint.nomor,
            layanan=service_label(service),
            status=status_name(complaint.status),
        )
        for complaint, service in rows
    ]
    return TEXTS.get("tiket_warga_daftar", daftar=Markup("\n".join(lines)))


async def _ticket_for_staff(update: Update, context: BotContext) -> tuple[Person, Complaint] | None:
    """The person and the ticket a staff button names, if they may handle it; else alert."""
    ticket_id, person = callback_int(update), await current_person(update, context)
    if ticket_id is None:
        await stale(update)
        return None
    if person is None:
        return None
    async with context.db.session() as session:
        complaint = await session.get(Complaint, ticket_id)
        allowed = complaint is not None and await may_handle(session, person, complaint)
    if complaint is None:
        await stale(update, TEXTS.get("peringatan_tidak_ada"))
        return None
    if not is_staff(person) or not allowed:
        await stale(update, TEXTS.get("peringatan_bukan_wewenang"))
        return None
    return person, complaint


async def list_page(update: Update, context: BotContext) -> None:
    """◀ / ▶ and "Daftar tiket": a page of the open tickets."""
    person, page = await current_person(update, context), callback_int(update)
    if page is None:
        await stale(update)
        return
    if person is None:
        return
    if not is_staff(person):
        await stale(update, TEXTS.get("peringatan_bukan_wewenang"))
        return
    text, markup = await list_view(context, person, page)
    await show(update, text, markup)


async def view_ticket(update: Update, context: BotContext) -> None:
    """Open one ticket from the list or a notification."""
    found = await _ticket_for_staff(update, context)
    if found is not None:
        await show(update, *await staff_view(context, found[1]))
        if update.effective_chat is not None:
            await send_ticket_photo(context, update.effective_chat.id, found[1])


async def mark_ticket_in_progress(update: Update, context: BotContext) -> None:
    """Tandai diproses."""
    found = await _ticket_for_staff(update, context)
    if found is None:
        return
    person, complaint = found
    try:
        async with context.db.session() as session:
            complaint = await session.get(Complaint, id_of(complaint)) or complaint
            await mark_in_progress(
                session, complaint, _employee_id(person), utcnow(), tz=context.settings.tz
            )
    except TransitionError as error:
        await stale(
            update, TEXTS.get("peringatan_status_berubah", status=status_name(error.status))
        )
        return
    await show(update, *await staff_view(context, complaint))


async def ask_close(update: Update, context: BotContext) -> None:
    """Tutup tiket: ask to confirm."""
    found = await _ticket_for_staff(update, context)
    if found is None:
        return
    complaint = found[1]
    ticket = id_of(complaint)
    markup = keyboard(
        [
            [
                (TEXTS.get("tombol_ya_tutup"), f"tkt:tt:{ticket}"),
                (TEXTS.get("tombol_batal"), f"tkt:v:{ticket}"),
            ]
        ]
    )
    await show(update, TEXTS.get("konfirmasi_tutup", nomor=complaint.nomor), markup)


async def close_ticket(update: Update, context: BotContext) -> None:
    """Ya, tutup tiket: close it and, in the same transaction, queue the citizen's notice if
    they left a contact (the courier sends it right after: once, a kill included)."""
    found = await _ticket_for_staff(update, context)
    if found is None:
        return
    person, complaint = found
    try:
        async with context.db.session() as session:
            complaint = await session.get(Complaint, id_of(complaint)) or complaint
            await close_complaint(session, complaint, utcnow(), employee_id=_employee_id(person))
            queued = await queue_closed_notice(
                session, context.settings.tz, complaint, automatic=False
            )
    except TransitionError as error:
        await stale(
            update, TEXTS.get("peringatan_status_berubah", status=status_name(error.status))
        )
        return
    if queued:
        context.send_queued_notices()
    await show(update, *await staff_view(context, complaint))


def _employee_id(person: Person) -> int | None:
    return id_of(person.employee) if person.employee is not None else None


# --- The citizen's reply to an answer -----------------------------------------------------


async def pressed_own_ticket(update: Update, context: BotContext) -> Complaint | None:
    """The ticket a citizen's button names, if it is theirs; else the press is answered."""
    user, ticket_id = update.effective_user, callback_int(update)
    if ticket_id is None or user is None:
        await stale(update)
        return None
    async with context.db.session() as session:
        complaint = await session.get(Complaint, ticket_id)
    if complaint is None or complaint.chat_id != user.id:
        await stale(update, TEXTS.get("peringatan_bukan_milik"))
        return None
    return complaint


async def ask_reopen(update: Update, context: BotContext) -> None:
    """Buka kembali under a closing notice: ask to confirm, while the window is open."""
    complaint = await pressed_own_ticket(update, context)
    if complaint is None:
        return
    ticket_id = id_of(complaint)
    tz = context.settings.tz
    if not may_reopen(complaint, utcnow().astimezone(tz).date(), tz):
        await stale(update, _not_reopenable(complaint))
        return
    markup = keyboard(
        [
            [(TEXTS.get("tombol_ya_buka_kembali"), f"tkt:no:{ticket_id}")],
            [(TEXTS.get("tombol_biarkan_selesai"), f"tkt:bs:{ticket_id}")],
        ]
    )
    await show(update, TEXTS.get("konfirmasi_buka_kembali", nomor=complaint.nomor), markup)


async def keep_closed(update: Update, context: BotContext) -> None:
    """Biarkan selesai: nothing changes; say so on the same message."""
    complaint = await pressed_own_ticket(update, context)
    if complaint is None:
        return
    await show(update, TEXTS.get("tetap_selesai", nomor=complaint.nomor))


def _not_reopenable(complaint: Complaint) -> str:
    """Why a reopen is refused: the window of a closed ticket passed, or another status."""
    if complaint.status == ComplaintStatus.CLOSED:
        return TEXTS.get("peringatan_batas_buka_lewat")
    return TEXTS.get("peringatan_status_berubah", status=status_name(complaint.status))


async def citizen_reply(update: Update, context: BotContext) -> None:
    """Sudah selesai → SELESAI; Belum selesai (or Ya, buka kembali under a closing notice,
    within its window) → DIBUKA KEMBALI (the unit is told)."""
    query, user, ticket_id = update.callback_query, update.effective_user, callback_int(update)
    if ticket_id is None:
        await stale(update)
        return
    if query is None or query.data is None or user is None:
        return
    action = query.data.split(":")[1]
    now, tz = utcnow(), context.settings.tz
    try:
        async with context.db.session() as session:
            complaint = await session.get(Complaint, ticket_id)
            if complaint is None or complaint.chat_id != user.id:
                await stale(update, TEXTS.get("peringatan_bukan_milik"))
                return
            if action == "ok" and complaint.status != ComplaintStatus.ANSWERED:
                raise TransitionError(complaint)
            if action != "ok" and not may_reopen(complaint, now.astimezone(tz).date(), tz):
                await stale(update, _not_reopenable(complaint))
                return
            if action == "ok":
                note = TEXTS.get("catatan_dikonfirmasi_warga")
                await close_complaint(session, complaint, now, note=note)
                text = TEXTS.get("warga_selesai", nomor=complaint.nomor)
            else:
                note = TEXTS.get("catatan_dibuka_warga")
                await reopen_complaint(session, complaint, now, tz, note)
                await queue_unit_notice(
                    session, context.settings, complaint, REOPENED_JOB, update_key(update)
                )
                text = TEXTS.get(
                    "warga_dibuka_kembali",
                    nomor=complaint.nomor,
                    tenggat=format_date_id(complaint.due_date),
                )
    except TransitionError as error:
        await stale(
            update, TEXTS.get("peringatan_status_berubah", status=status_name(error.status))
        )
        return
    await query.answer()
    if isinstance(query.message, Message):
        try:
            await query.edit_message_reply_markup(None)
        except BadRequest:
            log.debug("reply buttons of ticket %s already gone", complaint.nomor)
    if action != "ok":
        context.send_queued_notices()
    await context.bot.send_message(user.id, text)


# --- Answering: a conversation -------------------------------------------------------------


async def start_answer(update: Update, context: BotContext) -> int | None:
    """Jawab: ask for the answer text (keeps the ticket view as it is)."""
    found = await _ticket_for_staff(update, context)
    if found is None or context.user_data is None or update.callback_query is None:
        return None
    complaint = found[1]
    if complaint.status not in OPEN_STATUSES:
        await stale(
            update, TEXTS.get("peringatan_status_berubah", status=status_name(complaint.status))
        )
        return None
    ANSWER_DRAFT.new(context, {"id": id_of(complaint), "nomor": complaint.nomor})
    await update.callback_query.answer()
    await context.bot.send_message(
        found[0].telegram_id if update.effective_chat is None else update.effective_chat.id,
        TEXTS.get(
            "minta_jawaban", nomor=complaint.nomor, batas=ANSWER_MAX_CHARS, teks=complaint.text
        ),
    )
    return ANSWER


async def receive_answer(update: Update, context: BotContext) -> int:
    """The typed answer: check its length, then ask to confirm."""
    message = update.effective_message
    draft = ANSWER_DRAFT.get(context)
    if message is None or message.text is None or draft is None:
        return ConversationHandler.END
    if len(message.text) > ANSWER_MAX_CHARS:
        await message.reply_text(
            TEXTS.get("terlalu_panjang", panjang=len(message.text), batas=ANSWER_MAX_CHARS)
        )
        return ANSWER
    draft["text"] = message.text
    markup = keyboard(
        [
            [
                (TEXTS.get("tombol_kirim"), "tkt:k:kirim"),
                (TEXTS.get("tombol_ubah"), "tkt:k:ubah"),
                (TEXTS.get("tombol_batal"), "tkt:k:batal"),
            ]
        ]
    )
    await message.reply_text(
        TEXTS.get("konfirmasi_jawaban", nomor=draft["nomor"], jawaban=message.text),
        reply_markup=markup,
    )
    return CONFIRM


async def confirm_answer(update: Update, context: BotContext) -> int:
    """Kirim: save, deliver to the citizen with the reply buttons; Ubah: type again; Batal."""
    query = update.callback_query
    draft = ANSWER_DRAFT.get(context)
    if query is None or query.data is None or draft is None or context.user_data is None:
        return ConversationHandler.END
    choice = query.data.rsplit(":", 1)[1]
    if choice == "ubah":
        async with context.db.session() as session:
            complaint = await session.get(Complaint, draft["id"])
        teks = complaint.text if complaint is not None else "-"
        await show(
            update,
            TEXTS.get("minta_jawaban", nomor=draft["nomor"], batas=ANSWER_MAX_CHARS, teks=teks),
        )
        return ANSWER
    if choice == "batal":
        ANSWER_DRAFT.drop(context)
        await show(update, TEXTS.get("batal_jawab"))
        return ConversationHandler.END
    return await send_answer(update, context, draft)


def own_answer(stored: Complaint, employee_id: int | None, text: str) -> bool:
    """Whether the ticket holds this very answer of this person: the update that sent it,
    handled again after a kill, finds its own answer rather than someone else's."""
    return (
        stored.status == ComplaintStatus.ANSWERED
        and stored.answered_by_id == employee_id
        and stored.answer == text
    )


async def send_answer(update: Update, context: BotContext, draft: AnswerDraft) -> int:
    """Kirim: the answer is stored and, in the same transaction, queued for the citizen (sent
    right after by the outbox: once, a kill included)."""
    person = await current_person(update, context)
    if person is None or context.user_data is None:
        return ConversationHandler.END
    employee_id = _employee_id(person)
    try:
        async with context.db.session() as session:
            complaint = await session.get(Complaint, draft["id"])
            if (
                complaint is None
                or not is_staff(person)
                or not await may_handle(session, person, complaint)
            ):
                await stale(update, TEXTS.get("peringatan_bukan_wewenang"))
                return ConversationHandler.END
            await answer_complaint(session, complaint, employee_id, draft["text"], utcnow())
            service = await service_of(session, complaint)
            if complaint.chat_id is not None:
                text = TEXTS.get(
                    "jawaban_untuk_warga",
                    nomor=complaint.nomor,
                    layanan=service_label(service),
                    jawaban=complaint.answer,
                )
                await queue_notice(
                    session,
                    ANSWER_JOB,
                    update_key(update),
                    complaint.chat_id,
                    [text],
                    reply_buttons(complaint),
                )
    except TransitionError as error:
        ANSWER_DRAFT.drop(context)
        if not own_answer(error.complaint, employee_id, draft["text"]):
            # Another handler answered (or closed) it while this answer was being written.
            await show(
                update,
                TEXTS.get(
                    "jawaban_didahului", nomor=draft["nomor"], status=status_name(error.status)
                ),
            )
            return ConversationHandler.END
        complaint = error.complaint
    ANSWER_DRAFT.drop(context)
    if complaint.chat_id is None:
        outcome = "jawaban_tanpa_kontak"
    else:
        context.send_queued_notices()
        outcome = "jawaban_terkirim"
    await show(update, TEXTS.get(outcome, nomor=complaint.nomor))
    return ConversationHandler.END


async def timed_out(update: Update, context: BotContext) -> None:
    """The answer was left unfinished for 30 minutes."""
    if context.user_data is not None:
        ANSWER_DRAFT.drop(context)
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, TEXTS.get("habis_waktu"))


def build_answer_conversation() -> ConversationHandler[BotContext]:
    """Answering a ticket — states: ANSWER (typed text), CONFIRM (Kirim / Ubah / Batal)."""
    start = CallbackQueryHandler(start_answer, pattern=r"^tkt:j:\d+$")
    return conversation(
        "tiket_jawab",
        entry_points=[start],
        states={
            ANSWER: [MessageHandler(filters.TEXT & ~filters.COMMAND, receive_answer)],
            CONFIRM: [CallbackQueryHandler(confirm_answer, pattern=r"^tkt:k:(kirim|ubah|batal)$")],
        },
        fallbacks=[
            CommandHandler(
                "batal", cancel_forgetting(ANSWER_DRAFT.key, book=TEXTS, key="batal_jawab")
            ),
            start,
            MessageHandler(filters.COMMAND, answer_with(TEXTS, "sedang_menjawab")),
            MessageHandler(~filters.COMMAND & ~filters.TEXT, answer_with(TEXTS, "bukan_teks")),
        ],
        on_timeout=timed_out,
    )


def build_complaint_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """The answer conversation first (it owns /batal while answering), then /tiket and buttons."""
    return [
        build_answer_conversation(),
        build_direct_complaint_conversation(),
        CommandHandler("tiket", tiket_command),
        CallbackQueryHandler(list_page, pattern=r"^tkt:l:\d+$"),
        CallbackQueryHandler(view_ticket, pattern=r"^tkt:v:\d+$"),
        CallbackQueryHandler(mark_ticket_in_progress, pattern=r"^tkt:p:\d+$"),
        CallbackQueryHandler(ask_close, pattern=r"^tkt:t:\d+$"),
        CallbackQueryHandler(close_ticket, pattern=r"^tkt:tt:\d+$"),
        CallbackQueryHandler(citizen_reply, pattern=r"^tkt:(ok|no):\d+$"),
        CallbackQueryHandler(ask_reopen, pattern=r"^tkt:bk:\d+$"),
        CallbackQueryHandler(keep_closed, pattern=r"^tkt:bs:\d+$"),
    ]
