"""/pengembangan: JP this year against 20, requests from /lapor, matching offers, the catalog,
enrolment, the atasan's decision, completion with a certificate, the year's history.

Conversation `pengembangan` (per user), states:
- CERTIFICATE: a photo or PDF, after **Catat selesai** on an approved course or after MINUTES;
- TITLE → MINUTES: learning outside the catalog (its name, then minutes; JP = minutes ÷ 45);
- REASON: the atasan's typed reason after **Tolak** (an enrolment or self-recorded learning).
Every button naming an id is checked against the person pressing (see `service`).
"""

from __future__ import annotations

import logging
from typing import Any, TypedDict

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardMarkup, Message, Update
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
from kinerja_bot.core.models import (
    Employee,
    Enrolment,
    EnrolmentStatus,
    LearningRecord,
    LearningStatus,
    TrainingOffer,
    id_of,
    utcnow,
)
from kinerja_bot.core.outbox import TelegramFile, queue_notice
from kinerja_bot.core.people import current_person
from kinerja_bot.core.rules.numbers import NumberFormatError, parse_number
from kinerja_bot.core.rules.periods import format_date_id, wib_today
from kinerja_bot.core.telegram_ui import (
    Button,
    callback_int,
    cancel_forgetting,
    conversation,
    conversation_timed_out,
    keyboard,
    paginate,
    reply,
    shorten,
    show,
    take_press,
)
from kinerja_bot.core.texts import Markup
from kinerja_bot.development.rules import (
    CANCELLABLE,
    JP_PER_YEAR,
    MAX_MINUTES,
    MIN_MINUTES,
    format_jp,
    jp_bar,
    meets_target,
)
from kinerja_bot.development.service import (
    REASON_LIMIT,
    TITLE_LIMIT,
    Certificate,
    Enrolled,
    Refused,
    Year,
    approved_enrolment,
    cancel_enrolment,
    complete_enrolment,
    decide_enrolment,
    development_year,
    enrol,
    enrolment_for_decision,
    matching_offers,
    places_taken,
    record_for_verification,
    record_outside_catalog,
    standing_enrolments,
    training_requests,
    upcoming_offers,
    verify_record,
)
from kinerja_bot.development.texts import TEXTS, reason_of

log = logging.getLogger(__name__)


CERTIFICATE, TITLE, MINUTES, REASON = range(4)

# The outbox's jobs of the notices queued with the change they tell of (queue_notice), each
# keyed by the enrolment or record: sent right after the commit, once, a kill included.
REQUEST_JOB = "pkb-permohonan"  # an enrolment request, with the decision buttons, to the atasan
CANCELLED_JOB = "pkb-batal"  # a cancelled enrolment, to the atasan
PROMOTED_JOB = "pkb-naik"  # a place freed for the first on the waiting list, to them
DECISION_JOB = "pkb-keputusan"  # the atasan's decision on an enrolment, to the ASN
VERIFICATION_JOB = "pkb-verifikasi"  # a certificate to verify, to the atasan
VERIFIED_JOB = "pkb-verifikasi-hasil"  # the atasan's verification of a record, to the ASN


class DevelopmentDraft(TypedDict, total=False):
    """What the conversation collects: a decline's reason (for an enrolment or a record), or a
    certificate for an enrolment, or learning outside the catalog (title, then minutes)."""

    declining: str  # "enrolment" or "record": the atasan writes the reason
    item_id: int  # the enrolment or record declined
    enrolment_id: int  # the enrolment a certificate completes
    title: str  # learning outside the catalog, or the enrolled course's name
    minutes: int


DRAFT = DraftSlot[DevelopmentDraft]("pengembangan.v2")
CATALOG_PAGE = 6


# --- Shared wording ------------------------------------------------------------------------


def enrolment_status(enrolment: Enrolment) -> str:
    if enrolment.status == EnrolmentStatus.DECLINED:
        return TEXTS.get("status_ditolak", alasan=enrolment.reason or "-")
    key = {
        EnrolmentStatus.PENDING: "status_menunggu",
        EnrolmentStatus.WAITING_LIST: "status_daftar_tunggu",
        EnrolmentStatus.APPROVED: "status_disetujui",
        EnrolmentStatus.CANCELLED: "status_dibatalkan",
        EnrolmentStatus.COMPLETED: "status_selesai",
    }[EnrolmentStatus(enrolment.status)]
    return TEXTS.get(key)


def route_label(jenis: str) -> str:
    return TEXTS.get(f"jenis_{jenis}")


def target_status(total: float) -> str:
    if meets_target(total):
        return TEXTS.get("status_tercapai")
    return TEXTS.get("status_kurang", sisa=format_jp(JP_PER_YEAR - total))


# --- The main page -------------------------------------------------------------------------


async def main_page(context: BotContext, employee: Employee) -> tuple[str, InlineKeyboardMarkup]:
    today = wib_today(utcnow())
    async with context.db.session() as session:
        year = await development_year(session, id_of(employee), today.year)
        requests = await training_requests(session, id_of(employee), today.year)
        enrolled = await standing_enrolments(session, id_of(employee))
        # Offers already enrolled in are listed under the enrolments, not proposed again.
        offers = [o for o in await upcoming_offers(session, today) if id_of(o) not in enrolled]
    matches = matching_offers(requests, offers)
    offer_by_id = {id_of(offer): offer for offer in offers}
    lines = [
        TEXTS.get(
            "baris_cocok",
            nama=m.offer.nama,
            penyelenggara=offer_by_id[m.offer.offer_id].penyelenggara,
            jp=format_jp(offer_by_id[m.offer.offer_id].jp),
            mulai=format_date_id(m.offer.mulai),
            alasan=reason_of(m),
        )
        for m in matches
    ]
    enrolments = [
        TEXTS.get(
            "baris_pendaftaran",
            nama=offer.nama,
            mulai=format_date_id(offer.mulai),
            status=enrolment_status(enrolment),
        )
        for enrolment, offer in year.enrolments
    ]
    text = TEXTS.get(
        "halaman",
        tahun=today.year,
        bar=jp_bar(year.total),
        status=target_status(year.total),
        permintaan=Markup(
            "\n".join(TEXTS.get("baris_permintaan", isi=r) for r in requests)
            or TEXTS.get("tanpa_permintaan")
        ),
        cocok=Markup("\n".join(lines) or TEXTS.get("tanpa_cocok")),
        pendaftaran=Markup("\n".join(enrolments) or TEXTS.get("tanpa_pendaftaran")),
    )
    rows: list[list[Button]] = [
        [
            (
                TEXTS.get("tombol_penawaran", nama=shorten(m.offer.nama, 40)),
                f"pkb:of:{m.offer.offer_id}",
            )
        ]
        for m in matches
    ]
    rows.append([(TEXTS.get("tombol_katalog"), "pkb:katalog:0")])
    rows.append(
        [(TEXTS.get("tombol_catat"), "pkb:catat"), (TEXTS.get("tombol_riwayat"), "pkb:riwayat")]
    )
    return text, keyboard(rows)


async def own_employee(update: Update, context: BotContext) -> Employee | None:
    """The linked employee behind the update; tells others what the feature is for."""
    person = await current_person(update, context)
    if person is None or person.employee is None:
        if update.callback_query is not None:
            await take_press(update, TEXTS.get("bukan_pegawai"))
        else:
            await reply(update, TEXTS.get("bukan_pegawai"))
        return None
    return person.employee


async def development_command(update: Update, context: BotContext) -> None:
    """/pengembangan"""
    employee = await own_employee(update, context)
    if employee is not None:
        await reply(update, *await main_page(context, employee))


async def back_to_main(update: Update, context: BotContext) -> None:
    employee = await own_employee(update, context)
    if employee is not None:
        await show(update, *await main_page(context, employee))


# --- The catalog and one offer ---------------------------------------------------------------


async def catalog(update: Update, context: BotContext) -> None:
    page = callback_int(update) or 0
    async with context.db.session() as session:
        offers = await upcoming_offers(session, wib_today(utcnow()))
    if not offers:
        await show(update, TEXTS.get("katalog_kosong"), _back())
        return
    shown, page, pages = paginate(offers, page, CATALOG_PAGE)
    rows: list[list[Button]] = [
        [(TEXTS.get("tombol_penawaran", nama=shorten(o.nama, 40)), f"pkb:of:{o.id}")] for o in shown
    ]
    moves: list[Button] = []
    if page > 0:
        moves.append((TEXTS.get("tombol_sebelumnya"), f"pkb:katalog:{page - 1}"))
    if page < pages - 1:
        moves.append((TEXTS.get("tombol_berikutnya"), f"pkb:katalog:{page + 1}"))
    if moves:
        rows.append(moves)
    rows.append([(TEXTS.get("tombol_kembali"), "pkb:buka")])
    await show(update, TEXTS.get("katalog", halaman=page + 1, jumlah_halaman=pages), keyboard(rows))


def _back() -> InlineKeyboardMarkup:
    return keyboard([[(TEXTS.get("tombol_kembali"), "pkb:buka")]])


def quota_text(offer: TrainingOffer, taken: int) -> str:
    if offer.kuota is None:
        return TEXTS.get("kuota_bebas")
    if taken >= offer.kuota:
        return TEXTS.get("kuota_penuh", kuota=offer.kuota)
    return TEXTS.get("kuota_sisa", sisa=offer.kuota - taken, kuota=offer.kuota)


async def offer_page(update: Update, context: BotContext) -> None:
    """One offer; *Daftar* while enrolment is open and the person has not enrolled."""
    offer_id = callback_int(update)
    employee = await own_employee(update, context)
    if employee is None or offer_id is None:
        return
    async with context.db.session() as session:
        offer = await session.get(TrainingOffer, offer_id)
        taken = await places_taken(session, offer_id)
        mine = (await standing_enrolments(session, id_of(employee))).get(offer_id)
    if offer is None:
        await take_press(update, TEXTS.get("peringatan_tidak_ditemukan"))
        return
    text = TEXTS.get(
        "penawaran",
        nama=offer.nama,
        penyelenggara=offer.penyelenggara,
        jenis=route_label(offer.jenis),
        bentuk=offer.bentuk,
        kompetensi=offer.kompetensi,
        jp=format_jp(offer.jp),
        mulai=format_date_id(offer.mulai),
        selesai=format_date_id(offer.selesai),
        kuota=quota_text(offer, taken),
        topik=offer.kata_kunci.replace(";", ", "),
        tautan=TEXTS.get("tautan", tautan=offer.tautan) if offer.tautan else "",
    )
    rows: list[list[Button]] = []
    still_open = wib_today(utcnow()) < offer.mulai
    if mine is not None:
        text += "\n" + TEXTS.get("status_anda", status=enrolment_status(mine))
        if still_open and mine.status in CANCELLABLE:
            rows.append([(TEXTS.get("tombol_batalkan"), f"pkb:batal:{mine.id}")])
    elif still_open:
        rows.append([(TEXTS.get("tombol_daftar"), f"pkb:daftar:{offer.id}")])
    rows.append([(TEXTS.get("tombol_kembali"), "pkb:buka")])
    await show(update, text, keyboard(rows))


async def queue_for(
    session: AsyncSession,
    job: str,
    about: int,
    employee: Employee | None,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """Queue a notice to another person, about enrolment or record `about`, in the caller's
    transaction; False when they cannot be reached (no account linked)."""
    if employee is None or employee.telegram_id is None:
        return False
    await queue_notice(session, job, str(about), employee.telegram_id, [text], markup)
    return True


def decision_buttons(enrolment_id: int) -> InlineKeyboardMarkup:
    return keyboard(
        [
            [
                (TEXTS.get("tombol_setujui"), f"pkb:ok:{enrolment_id}"),
                (TEXTS.get("tombol_tolak"), f"pkb:tolak:{enrolment_id}"),
            ]
        ]
    )


async def ask_atasan(session: AsyncSession, enrolled: Enrolled, owner: Employee) -> bool:
    """Queue the request for the atasan's chat, with the decision buttons."""
    year = await development_year(session, id_of(owner), wib_today(utcnow()).year)
    offer = enrolled.offer
    text = TEXTS.get(
        "permohonan",
        nama=owner.nama,
        jabatan=owner.jabatan,
        pelatihan=offer.nama,
        penyelenggara=offer.penyelenggara,
        jp=format_jp(offer.jp),
        mulai=format_date_id(offer.mulai),
        selesai=format_date_id(offer.selesai),
        bar=jp_bar(year.total),
    )
    enrolment_id = id_of(enrolled.enrolment)
    return await queue_for(
        session, REQUEST_JOB, enrolment_id, enrolled.atasan, text, decision_buttons(enrolment_id)
    )


async def enrol_pressed(update: Update, context: BotContext) -> None:
    """Daftar: a place (or the waiting list) and the request to the atasan."""
    offer_id = callback_int(update)
    employee = await own_employee(update, context)
    if employee is None or offer_id is None:
        return
    now = utcnow()
    try:
        async with context.db.session() as session:
            enrolled = await enrol(session, employee, offer_id, wib_today(now), now)
            waiting = enrolled.enrolment.status == EnrolmentStatus.WAITING_LIST
            asked = not waiting and await ask_atasan(session, enrolled, employee)
    except Refused as refused:
        await take_press(update, TEXTS.get(refused.key))
        return
    if asked:
        context.send_queued_notices()
    await take_press(update)
    nama = enrolled.offer.nama
    if waiting:
        await reply(update, TEXTS.get("daftar_tunggu", nama=nama))
    elif enrolled.atasan is None:
        await reply(update, TEXTS.get("terdaftar_tanpa_atasan", nama=nama))
    else:
        await reply(update, TEXTS.get("terdaftar", nama=nama, atasan=enrolled.atasan.nama))
        if not asked:
            await reply(update, TEXTS.get("tidak_terkirim", nama=enrolled.atasan.nama))


async def cancel_pressed(update: Update, context: BotContext) -> None:
    """Batalkan pendaftaran: the owner withdraws; the first on the waiting list moves up."""
    enrolment_id = callback_int(update)
    employee = await own_employee(update, context)
    if employee is None or enrolment_id is None:
        return
    now = utcnow()
    try:
        async with context.db.session() as session:
            cancelled = await cancel_enrolment(session, employee, enrolment_id, wib_today(now), now)
            nama = cancelled.offer.nama
            told = TEXTS.get("dibatalkan_atasan", nama=employee.nama, pelatihan=nama)
            await queue_for(session, CANCELLED_JOB, enrolment_id, cancelled.atasan_to_tell, told)
            if cancelled.promoted is not None:
                await announce_promotion(session, cancelled.promoted)
    except Refused as refused:
        await take_press(update, TEXTS.get(refused.key))
        return
    context.send_queued_notices()
    await take_press(update)
    await reply(update, TEXTS.get("dibatalkan", nama=nama))


# --- The atasan's decisions ------------------------------------------------------------------


async def deciding_atasan(update: Update, context: BotContext) -> Employee | None:
    person = await current_person(update, context)
    if person is None or person.employee is None:
        await take_press(update, TEXTS.get("peringatan_bukan_bawahan"))
        return None
    return person.employee


async def approve_pressed(update: Update, context: BotContext) -> None:
    enrolment_id = callback_int(update)
    atasan = await deciding_atasan(update, context)
    if atasan is None or enrolment_id is None:
        return
    try:
        async with context.db.session() as session:
            decided = await decide_enrolment(
                session, atasan, enrolment_id, approve=True, reason=None, now=utcnow()
            )
            offer = decided.offer
            text = TEXTS.get(
                "disetujui_asn",
                atasan=atasan.nama,
                pelatihan=offer.nama,
                mulai=format_date_id(offer.mulai),
                selesai=format_date_id(offer.selesai),
            )
            told = await queue_for(session, DECISION_JOB, enrolment_id, decided.owner, text)
    except Refused as refused:
        await take_press(update, TEXTS.get(refused.key))
        return
    if told:
        context.send_queued_notices()
    await take_press(update)
    await reply(
        update, TEXTS.get("disetujui_atasan", nama=decided.owner.nama, pelatihan=offer.nama)
    )
    if not told:
        await reply(update, TEXTS.get("tidak_terkirim", nama=decided.owner.nama))


async def start_declining(update: Update, context: BotContext) -> int:
    """Tolak (an enrolment or self-recorded learning): ask for the reason."""
    query = update.callback_query
    item_id = callback_int(update)
    atasan = await deciding_atasan(update, context)
    if atasan is None or item_id is None or query is None or query.data is None:
        return ConversationHandler.END
    verifying = query.data.startswith("pkb:vtolak:")
    try:
        async with context.db.session() as session:
            if verifying:
                record, owner = await record_for_verification(session, atasan, item_id)
                what = record.nama
            else:
                _, offer, owner = await enrolment_for_decision(session, atasan, item_id)
                what = offer.nama
    except Refused as refused:
        await take_press(update, TEXTS.get(refused.key))
        return ConversationHandler.END
    await take_press(update)
    DRAFT.new(context, {"declining": "record" if verifying else "enrolment", "item_id": item_id})
    await reply(update, TEXTS.get("tulis_alasan", nama=owner.nama, pelatihan=what))
    return REASON


async def receive_reason(update: Update, context: BotContext) -> int:
    message = update.effective_message
    draft = DRAFT.get(context) or {}
    person = await current_person(update, context)
    if message is None or message.text is None or "declining" not in draft or person is None:
        return ConversationHandler.END
    if person.employee is None:
        return ConversationHandler.END
    reason = message.text.strip()
    if len(reason) > REASON_LIMIT:
        await reply(update, TEXTS.get("alasan_terlalu_panjang", batas=REASON_LIMIT))
        return REASON
    atasan, now = person.employee, utcnow()
    DRAFT.drop(context)
    try:
        async with context.db.session() as session:
            if draft["declining"] == "record":
                record, owner = await verify_record(
                    session, atasan, draft["item_id"], approve=False, reason=reason, now=now
                )
                what = record.nama
                text = TEXTS.get(
                    "verifikasi_ditolak_asn", atasan=atasan.nama, kegiatan=what, alasan=reason
                )
                told = await queue_for(session, VERIFIED_JOB, draft["item_id"], owner, text)
            else:
                decided = await decide_enrolment(
                    session, atasan, draft["item_id"], approve=False, reason=reason, now=now
                )
                owner, what = decided.owner, decided.offer.nama
                text = TEXTS.get("ditolak_asn", atasan=atasan.nama, pelatihan=what, alasan=reason)
                told = await queue_for(session, DECISION_JOB, draft["item_id"], owner, text)
                if decided.promoted is not None:
                    await announce_promotion(session, decided.promoted)
    except Refused as refused:
        await reply(update, TEXTS.get(refused.key))
        return ConversationHandler.END
    context.send_queued_notices()
    await reply(update, TEXTS.get("ditolak_atasan", nama=owner.nama))
    if not told:
        await reply(update, TEXTS.get("tidak_terkirim", nama=owner.nama))
    return ConversationHandler.END


async def announce_promotion(session: AsyncSession, promoted: Enrolled) -> None:
    """Queue the notices of a place freed: to the person who moved up from the waiting list,
    and the request to their atasan."""
    owner = await session.get(Employee, promoted.enrolment.employee_id)
    if owner is None:
        return
    text = TEXTS.get("naik_daftar_tunggu", pelatihan=promoted.offer.nama)
    await queue_for(session, PROMOTED_JOB, id_of(promoted.enrolment), owner, text)
    await ask_atasan(session, promoted, owner)


async def verify_pressed(update: Update, context: BotContext) -> None:
    record_id = callback_int(update)
    atasan = await deciding_atasan(update, context)
    if atasan is None or record_id is None:
        return
    try:
        async with context.db.session() as session:
            record, owner = await verify_record(
                session, atasan, record_id, approve=True, reason=None, now=utcnow()
            )
            year = await development_year(session, id_of(owner), record.completed_on.year)
            jp = format_jp(record.jp)
            text = TEXTS.get(
                "verifikasi_diterima_asn",
                atasan=atasan.nama,
                kegiatan=record.nama,
                jp=jp,
                bar=jp_bar(year.total),
            )
            told = await queue_for(session, VERIFIED_JOB, record_id, owner, text)
    except Refused as refused:
        await take_press(update, TEXTS.get(refused.key))
        return
    if told:
        context.send_queued_notices()
    await take_press(update)
    await reply(
        update,
        TEXTS.get("verifikasi_diterima_atasan", kegiatan=record.nama, nama=owner.nama, jp=jp),
    )
    if not told:
        await reply(update, TEXTS.get("tidak_terkirim", nama=owner.nama))


# --- Recording completed learning ------------------------------------------------------------


async def choose_what_to_record(update: Update, context: BotContext) -> None:
    employee = await own_employee(update, context)
    if employee is None:
        return
    today = wib_today(utcnow())
    async with context.db.session() as session:
        year = await development_year(session, id_of(employee), today.year)
    ready = [(e, o) for e, o in year.approved if o.mulai <= today]
    rows: list[list[Button]] = [
        [(TEXTS.get("tombol_selesai", nama=shorten(o.nama, 40)), f"pkb:selesai:{e.id}")]
        for e, o in ready
    ]
    rows.append([(TEXTS.get("tombol_luar_katalog"), "pkb:luar")])
    rows.append([(TEXTS.get("tombol_kembali"), "pkb:buka")])
    await show(update, TEXTS.get("pilih_catat" if ready else "tanpa_yang_dicatat"), keyboard(rows))


async def start_completion(update: Update, context: BotContext) -> int:
    """Catat selesai on an approved course: ask for the certificate."""
    enrolment_id = callback_int(update)
    employee = await own_employee(update, context)
    if employee is None or enrolment_id is None:
        return ConversationHandler.END
    try:
        async with context.db.session() as session:
            _, offer = await approved_enrolment(
                session, employee, enrolment_id, wib_today(utcnow())
            )
    except Refused as refused:
        await take_press(update, TEXTS.get(refused.key))
        return ConversationHandler.END
    await take_press(update)
    DRAFT.new(context, {"enrolment_id": enrolment_id, "title": offer.nama})
    await reply(update, TEXTS.get("minta_sertifikat", nama=offer.nama))
    return CERTIFICATE


async def start_outside(update: Update, context: BotContext) -> int:
    employee = await own_employee(update, context)
    if employee is None:
        return ConversationHandler.END
    await take_press(update)
    DRAFT.new(context, {})
    await reply(update, TEXTS.get("minta_judul"))
    return TITLE


async def receive_title(update: Update, context: BotContext) -> int:
    message = update.effective_message
    if message is None or message.text is None:
        return ConversationHandler.END
    title = " ".join(message.text.split())
    if len(title) > TITLE_LIMIT:
        await reply(update, TEXTS.get("judul_terlalu_panjang", batas=TITLE_LIMIT))
        return TITLE
    DRAFT.new(context, {"title": title})
    await reply(update, TEXTS.get("minta_menit"))
    return MINUTES


def parse_minutes(text: str) -> int | None:
    try:
        number = parse_number(text.strip().lower().removesuffix("menit").strip())
    except NumberFormatError:
        return None
    if not number.is_integer() or not MIN_MINUTES <= number <= MAX_MINUTES:
        return None
    return int(number)


async def receive_minutes(update: Update, context: BotContext) -> int:
    message = update.effective_message
    if message is None or message.text is None:
        return ConversationHandler.END
    minutes = parse_minutes(message.text)
    if minutes is None:
        await reply(
            update,
            TEXTS.get(
                "menit_salah", nilai=message.text.strip()[:20], min=MIN_MINUTES, max=MAX_MINUTES
            ),
        )
        return MINUTES
    draft = DRAFT.new(context, {**(DRAFT.get(context) or {}), "minutes": minutes})
    await reply(update, TEXTS.get("minta_sertifikat", nama=draft.get("title", "")))
    return CERTIFICATE


def certificate_of(message: Message) -> Certificate | None:
    """A photo (its largest size) or a PDF document."""
    if message.photo:
        return Certificate(message.photo[-1].file_id, "photo")
    document = message.document
    if document is not None and (
        document.mime_type == "application/pdf"
        or (document.file_name or "").lower().endswith(".pdf")
    ):
        return Certificate(document.file_id, "document", document.file_name)
    return None


async def receive_certificate(update: Update, context: BotContext) -> int:
    message = update.effective_message
    employee = await own_employee(update, context)
    if message is None or employee is None:
        return ConversationHandler.END
    certificate = certificate_of(message)
    if certificate is None:
        await reply(update, TEXTS.get("sertifikat_salah"))
        return CERTIFICATE
    draft = DRAFT.get(context) or {}
    DRAFT.drop(context)
    today = wib_today(utcnow())
    try:
        async with context.db.session() as session:
            if "enrolment_id" in draft:
                record = await complete_enrolment(
                    session, employee, draft["enrolment_id"], certificate, today
                )
                atasan = None
            else:
                record, atasan = await record_outside_catalog(
                    session, employee, draft["title"], draft["minutes"], certificate, today
                )
            year = await development_year(session, id_of(employee), today.year)
            asked = record.status != LearningStatus.VERIFIED and await ask_verification(
                session, record, employee, atasan
            )
    except Refused as refused:
        await reply(update, TEXTS.get(refused.key))
        return ConversationHandler.END
    if asked:
        context.send_queued_notices()
    jp = format_jp(record.jp)
    if record.status == LearningStatus.VERIFIED:
        await reply(
            update, TEXTS.get("selesai_tercatat", nama=record.nama, jp=jp, bar=jp_bar(year.total))
        )
        return ConversationHandler.END
    key = "luar_tercatat" if atasan is not None else "luar_tanpa_atasan"
    await reply(update, TEXTS.get(key, nama=record.nama, menit=record.minutes, jp=jp))
    if atasan is not None and not asked:
        await reply(update, TEXTS.get("tidak_terkirim", nama=atasan.nama))
    return ConversationHandler.END


async def ask_verification(
    session: AsyncSession, record: LearningRecord, owner: Employee, atasan: Employee | None
) -> bool:
    """Queue the certificate for the atasan's chat, captioned, with Verifikasi / Tolak, keyed
    by the record (a certificate records once, so its request is queued once); False when
    there is no atasan to reach."""
    if atasan is None or atasan.telegram_id is None:
        return False
    caption = TEXTS.get(
        "verifikasi",
        nama=owner.nama,
        kegiatan=record.nama,
        menit=record.minutes,
        jp=format_jp(record.jp),
        tanggal=format_date_id(record.completed_on),
    )
    markup = keyboard(
        [
            [
                (TEXTS.get("tombol_verifikasi"), f"pkb:vok:{record.id}"),
                (TEXTS.get("tombol_tolak"), f"pkb:vtolak:{record.id}"),
            ]
        ]
    )
    certificate = TelegramFile(record.certificate_file_id, record.certificate_kind)
    await queue_notice(
        session,
        VERIFICATION_JOB,
        str(id_of(record)),
        atasan.telegram_id,
        [],
        markup,
        file=certificate,
        caption=caption,
    )
    return True


# --- History ---------------------------------------------------------------------------------


def history_text(year: Year, tahun: int) -> str:
    lines = []
    for record in year.records:
        if record.status == LearningStatus.DECLINED:
            status = TEXTS.get("riwayat_ditolak", alasan=record.reason or "-")
        elif record.status == LearningStatus.PENDING:
            status = TEXTS.get("riwayat_menunggu")
        else:
            status = TEXTS.get("riwayat_diverifikasi")
        lines.append(
            TEXTS.get(
                "baris_riwayat",
                tanggal=format_date_id(record.completed_on),
                nama=record.nama,
                jenis=route_label(record.jenis),
                jp=format_jp(record.jp),
                status=status,
            )
        )
    return TEXTS.get(
        "riwayat",
        tahun=tahun,
        bar=jp_bar(year.total),
        daftar=Markup("\n".join(lines) or TEXTS.get("riwayat_kosong")),
    )


async def history(update: Update, context: BotContext) -> None:
    employee = await own_employee(update, context)
    if employee is None:
        return
    tahun = wib_today(utcnow()).year
    async with context.db.session() as session:
        year = await development_year(session, id_of(employee), tahun)
    await show(update, history_text(year, tahun), _back())


# --- Registration ----------------------------------------------------------------------------


async def still_writing(update: Update, context: BotContext) -> None:
    """Something else arrived while a certificate, a name, minutes or a reason is awaited:
    say again what is awaited."""
    await reply(update, TEXTS.get(awaited(context)))


def awaited(context: BotContext) -> str:
    """The text that asks for what the conversation waits for, read from the draft."""
    draft = DRAFT.get(context) or {}
    if "declining" in draft:
        return "sedang_menulis_alasan"
    if "enrolment_id" in draft or "minutes" in draft:
        return "sertifikat_salah"
    return "minta_menit" if "title" in draft else "minta_judul"


def build_development_conversation() -> ConversationHandler[BotContext]:
    """Catat selesai / di luar katalog / Tolak — states CERTIFICATE, TITLE, MINUTES, REASON."""
    text = filters.TEXT & ~filters.COMMAND
    return conversation(
        "pengembangan",
        entry_points=[
            CallbackQueryHandler(start_completion, pattern=r"^pkb:selesai:\d+$"),
            CallbackQueryHandler(start_outside, pattern=r"^pkb:luar$"),
            CallbackQueryHandler(start_declining, pattern=r"^pkb:(v?tolak):\d+$"),
        ],
        states={
            CERTIFICATE: [
                MessageHandler(filters.PHOTO | filters.Document.ALL, receive_certificate)
            ],
            TITLE: [MessageHandler(text, receive_title)],
            MINUTES: [MessageHandler(text, receive_minutes)],
            REASON: [MessageHandler(text, receive_reason)],
        },
        fallbacks=[
            CommandHandler("batal", cancel_forgetting(DRAFT.key)),
            MessageHandler(filters.ALL, still_writing),
        ],
        on_timeout=conversation_timed_out,
    )


def build_development_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """The conversation first: while someone is asked for a text or file, it belongs to it."""
    return [
        build_development_conversation(),
        CommandHandler("pengembangan", development_command),
        CallbackQueryHandler(back_to_main, pattern=r"^pkb:buka$"),
        CallbackQueryHandler(catalog, pattern=r"^pkb:katalog:\d+$"),
        CallbackQueryHandler(offer_page, pattern=r"^pkb:of:\d+$"),
        CallbackQueryHandler(enrol_pressed, pattern=r"^pkb:daftar:\d+$"),
        CallbackQueryHandler(cancel_pressed, pattern=r"^pkb:batal:\d+$"),
        CallbackQueryHandler(approve_pressed, pattern=r"^pkb:ok:\d+$"),
        CallbackQueryHandler(verify_pressed, pattern=r"^pkb:vok:\d+$"),
        CallbackQueryHandler(choose_what_to_record, pattern=r"^pkb:catat$"),
        CallbackQueryHandler(history, pattern=r"^pkb:riwayat$"),
    ]
