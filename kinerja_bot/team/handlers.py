"""/tim and the feedback thread.

/tim shows this week's team status with a button per person; a person's page shows their
indicators and this week's reports with **Umpan balik** and **Tandai dibaca** per report, or
**Ingatkan** when they have not reported. Feedback conversation states: WRITE (typed text),
entered from **Umpan balik** (atasan) or **Balas** (either side of the thread).
"""

from __future__ import annotations

from typing import Any, TypedDict

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
from kinerja_bot.core.guards import alert_with, is_asn, is_atasan, only, refuse_with
from kinerja_bot.core.models import Employee, id_of, utcnow
from kinerja_bot.core.outbox import queue_notice
from kinerja_bot.core.people import Person, current_person
from kinerja_bot.core.rules.achievement import OnTrackStatus
from kinerja_bot.core.rules.formatting import format_number_id
from kinerja_bot.core.rules.periods import format_date_id, week_end, week_start, wib_today
from kinerja_bot.core.telegram_ui import (
    Button,
    answer_with,
    back_button,
    callback_int,
    cancel_forgetting,
    conversation,
    conversation_timed_out,
    edit_pressed,
    keyboard,
    reply,
    send_to_person,
    shorten,
    stale,
    take_press,
    update_key,
)
from kinerja_bot.core.texts import Markup, TextBook
from kinerja_bot.core.vocabulary import status_counts
from kinerja_bot.development import jp_bar, jp_totals
from kinerja_bot.reporting import describe, describe_evidence, describe_note
from kinerja_bot.team.service import (
    FEEDBACK_LIMIT,
    THREAD_SHOWN,
    MemberWeek,
    ReportContext,
    acknowledge,
    add_feedback,
    claim_nudge,
    evidence_of,
    mark_delivered,
    may_discuss,
    may_supervise,
    report_context,
    team_members,
    team_week,
    thread,
)

TEXTS = TextBook(
    "tim",
    {
        "bukan_atasan": (),
        "tim_kosong": (),
        "judul_tim": (),
        "judul_unit": (),
        "ringkasan": ("judul", "minggu", "sudah", "jumlah", "daftar"),
        "baris_sudah": ("nama", "laporan", "status"),
        "baris_belum": ("nama",),
        "tombol_orang": ("tanda", "nama"),
        "tombol_seluruh_unit": (),
        "tombol_bawahan_langsung": (),
        "orang": ("nama", "jabatan", "jp", "indikator", "laporan"),
        "baris_laporan": (
            "no",
            "indikator",
            "realisasi",
            "satuan",
            "tanggal",
            "dibaca",
            "bukti",
            "kendala",
            "dukungan",
        ),
        "dibaca": (),
        "belum_ada_laporan": (),
        "tanpa_indikator": (),
        "tombol_umpan_balik": ("no",),
        "tombol_tandai_dibaca": ("no",),
        "tombol_ingatkan": (),
        "tombol_apresiasi_laporan": ("no",),
        "tombol_apresiasi_minggu": (),
        "peringatan_bukan_bawahan": (),
        "peringatan_dibaca": (),
        "peringatan_pengingat_terkirim": ("nama",),
        "peringatan_sudah_diingatkan": ("nama",),
        "peringatan_sudah_melapor": ("nama",),
        "peringatan_belum_tertaut": ("nama",),
        "peringatan_gagal_terkirim": (),
        "tulis_umpan_balik": ("nama", "indikator", "tanggal"),
        "tulis_balasan": ("indikator", "tanggal"),
        "umpan_balik_masuk": ("indikator", "tanggal", "percakapan"),
        "baris_percakapan": ("nama", "waktu", "isi"),
        "tombol_balas": (),
        "terkirim": ("nama",),
        "tidak_terkirim": ("nama",),
        "terlalu_panjang": ("batas",),
        "sedang_menulis": (),
        "laporan_dibaca": ("nama", "indikator", "tanggal"),
        "pengingat": ("nama",),
    },
)

WRITE = 0
FEEDBACK_JOB = "umpan-balik"  # the outbox's job of feedback messages (queue_notice)
READ_JOB = "laporan-dibaca"  # the outbox's job of "your report was read", keyed by the report


class ThreadDraft(TypedDict):
    report_id: int  # the report whose feedback thread the user is writing in


THREAD_DRAFT = DraftSlot[ThreadDraft]("umpan_balik.v2")


# --- Pages ---------------------------------------------------------------------------------


def week_statuses(week: MemberWeek) -> str:
    counts = dict.fromkeys(OnTrackStatus, 0)
    for progress in week.progress:
        if progress.status is not None:
            counts[progress.status] += 1
    return status_counts(counts)


def team_page(
    weeks: list[MemberWeek], person: Person, whole_unit: bool
) -> tuple[str, InlineKeyboardMarkup]:
    today = wib_today(utcnow())
    lines = [
        TEXTS.get(
            "baris_sudah", nama=w.employee.nama, laporan=len(w.reports), status=week_statuses(w)
        )
        if w.reported
        else TEXTS.get("baris_belum", nama=w.employee.nama)
        for w in weeks
    ]
    minggu = f"{format_date_id(week_start(today))} – {format_date_id(week_end(today))}"
    title = TEXTS.get("judul_unit" if whole_unit else "judul_tim")
    text = TEXTS.get(
        "ringkasan",
        judul=title,
        minggu=minggu,
        sudah=sum(w.reported for w in weeks),
        jumlah=len(weeks),
        daftar=Markup("\n".join(lines)),
    )
    buttons: list[Button] = [
        (
            TEXTS.get(
                "tombol_orang",
                tanda="✅" if w.reported else "⏳",
                nama=shorten(w.employee.nama, 28),
            ),
            f"tim:org:{w.employee.id}" + (":unit" if whole_unit else ""),
        )
        for w in weeks
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if person.head_of_units:
        toggle = "tombol_bawahan_langsung" if whole_unit else "tombol_seluruh_unit"
        rows.append([(TEXTS.get(toggle), "tim:lingkup:" + ("langsung" if whole_unit else "unit"))])
    return text, keyboard(rows)


async def show_team(
    update: Update, context: BotContext, person: Person, *, whole_unit: bool = False
) -> None:
    """/tim: who has and hasn't reported this week."""
    async with context.db.session() as session:
        members = await team_members(session, person, whole_unit=whole_unit)
        weeks = await team_week(session, members, wib_today(utcnow()))
    if not weeks:
        await reply(update, TEXTS.get("tim_kosong"))
        return
    text, markup = team_page(weeks, person, whole_unit)
    await reply(update, text, markup)


not_an_atasan = refuse_with(TEXTS, "bukan_atasan")
not_your_team = alert_with(TEXTS, "peringatan_bukan_bawahan")


@only(is_atasan, not_an_atasan)
async def team_command(update: Update, context: BotContext, person: Person) -> None:
    await show_team(update, context, person)


@only(is_atasan, not_an_atasan)
async def open_team(update: Update, context: BotContext, person: Person) -> None:
    """Buka /tim (under the weekly summary)."""
    await take_press(update)
    await show_team(update, context, person)


@only(is_atasan, not_an_atasan)
async def switch_scope(update: Update, context: BotContext, person: Person) -> None:
    """Seluruh unit / Bawahan langsung (unit heads only)."""
    query = update.callback_query
    await take_press(update)
    if query is not None and query.data is not None:
        await show_team(update, context, person, whole_unit=query.data.endswith(":unit"))


def report_lines(week: MemberWeek, evidence: dict[int, dict[str, Any]]) -> str:
    if not week.reports:
        return TEXTS.get("belum_ada_laporan")
    indicators = {p.indicator.id: p.indicator for p in week.progress}
    lines = []
    for number, report in enumerate(week.reports, start=1):
        indicator = indicators.get(report.indicator_id)
        lines.append(
            TEXTS.get(
                "baris_laporan",
                no=number,
                indikator=indicator.nama if indicator else "-",
                realisasi=format_number_id(report.realisasi, 2, trim=True),
                satuan=indicator.satuan if indicator else "",
                tanggal=format_date_id(wib_today(report.submitted_at)),
                dibaca=TEXTS.get("dibaca") if report.acknowledged_at else "",
                bukti=describe_evidence(evidence.get(id_of(report))),
                kendala=describe_note("kendala", report.kendala_kategori, report.kendala),
                dukungan=describe_note("dukungan", report.dukungan_kategori, report.dukungan),
            )
        )
    return "\n".join(lines)


def back_to_team(whole_unit: bool) -> list[Button]:
    """◀ back to the list the person was opened from: the team, or the whole unit."""
    if whole_unit:
        return back_button(TEXTS.get("judul_unit"), "tim:lingkup:unit")
    return back_button(TEXTS.get("judul_tim"), "tim:buka")


def person_page(
    week: MemberWeek, evidence: dict[int, dict[str, Any]], jp: float, whole_unit: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    indicators = "\n\n".join(describe(p) for p in week.progress) or TEXTS.get("tanpa_indikator")
    text = TEXTS.get(
        "orang",
        nama=week.employee.nama,
        jabatan=week.employee.jabatan,
        jp=jp_bar(jp),
        indikator=Markup(indicators),
        laporan=Markup(report_lines(week, evidence)),
    )
    rows: list[list[Button]] = []
    for number, report in enumerate(week.reports, start=1):
        row = [(TEXTS.get("tombol_umpan_balik", no=number), f"tim:ub:{report.id}")]
        if report.acknowledged_at is None:
            row.append((TEXTS.get("tombol_tandai_dibaca", no=number), f"tim:baca:{report.id}"))
        # Apresiasi (the recognition feature answers `apr:` buttons).
        row.append((TEXTS.get("tombol_apresiasi_laporan", no=number), f"apr:lap:{report.id}"))
        rows.append(row)
    if not week.reported:
        rows.append([(TEXTS.get("tombol_ingatkan"), f"tim:ingat:{week.employee.id}")])
    rows.append([(TEXTS.get("tombol_apresiasi_minggu"), f"apr:mg:{week.employee.id}")])
    rows.append(back_to_team(whole_unit))
    return text, keyboard(rows)


async def member_page(
    context: BotContext, person: Person, employee_id: int, whole_unit: bool = False
) -> tuple[str, InlineKeyboardMarkup] | None:
    """A team member's page, or None if this person does not supervise them."""
    async with context.db.session() as session:
        employee = await session.get(Employee, employee_id)
        if employee is None or not await may_supervise(session, person, employee):
            return None
        today = wib_today(utcnow())
        (week,) = await team_week(session, [employee], today)
        evidence = await evidence_of(session, [id_of(r) for r in week.reports])
        jp = (await jp_totals(session, today.year, [id_of(employee)])).get(id_of(employee), 0.0)
    return person_page(week, evidence, jp, whole_unit)


@only(is_asn, not_your_team)
async def show_member(update: Update, context: BotContext, person: Person) -> None:
    """A person's button on /tim (`tim:org:<id>`, `:unit` when listed with the whole unit)."""
    employee_id = callback_int(update, 2)
    query = update.callback_query
    if employee_id is None or query is None:
        await stale(update)
        return
    page = await member_page(context, person, employee_id, (query.data or "").endswith(":unit"))
    if page is None:
        await take_press(update, TEXTS.get("peringatan_bukan_bawahan"))
        return
    await take_press(update)
    await reply(update, *page)


@only(is_asn, not_your_team)
async def mark_read(update: Update, context: BotContext, person: Person) -> None:
    """Tandai dibaca: acknowledge, refresh the page, tell the ASN (queued with the mark, once
    per report)."""
    report_id, query = callback_int(update), update.callback_query
    if report_id is None or query is None:
        await stale(update)
        return
    async with context.db.session() as session:
        acknowledged = await acknowledge(session, person, report_id, utcnow())
        told = False
        if acknowledged is not None and acknowledged.owner.telegram_id is not None:
            text = TEXTS.get(
                "laporan_dibaca",
                nama=person.asn.nama,
                indikator=acknowledged.indicator.nama,
                tanggal=format_date_id(wib_today(acknowledged.report.submitted_at)),
            )
            owner_chat = acknowledged.owner.telegram_id
            told = await queue_notice(session, READ_JOB, str(report_id), owner_chat, [text])
    if acknowledged is None:
        await take_press(update, TEXTS.get("peringatan_bukan_bawahan"))
        return
    if told:
        context.send_queued_notices()
    await query.answer(TEXTS.get("peringatan_dibaca"))
    page = await member_page(context, person, id_of(acknowledged.owner))
    if page is not None:
        await edit_pressed(query, page[0], page[1])


@only(is_asn, not_your_team)
async def nudge(update: Update, context: BotContext, person: Person) -> None:
    """Ingatkan: at most once a day per person, only to those who have not reported."""
    employee_id = callback_int(update)
    if employee_id is None:
        await stale(update)
        return
    now = utcnow()
    today = wib_today(now)
    async with context.db.session() as session:
        employee = await session.get(Employee, employee_id)
        if employee is None or not await may_supervise(session, person, employee):
            await take_press(update, TEXTS.get("peringatan_bukan_bawahan"))
            return
        (week,) = await team_week(session, [employee], today)
        if week.reported:
            alert = TEXTS.get("peringatan_sudah_melapor", nama=employee.nama)
        elif employee.telegram_id is None:
            alert = TEXTS.get("peringatan_belum_tertaut", nama=employee.nama)
        else:
            delivery = await claim_nudge(session, employee.telegram_id, today)
            if delivery is None:
                alert = TEXTS.get("peringatan_sudah_diingatkan", nama=employee.nama)
            else:
                sent = await send_to_person(
                    context.bot,
                    employee.telegram_id,
                    TEXTS.get("pengingat", nama=person.asn.nama),
                )
                mark_delivered(delivery, now, sent)
                session.add(delivery)
                alert = (
                    TEXTS.get("peringatan_pengingat_terkirim", nama=employee.nama)
                    if sent
                    else TEXTS.get("peringatan_gagal_terkirim")
                )
    if update.callback_query is not None:
        await update.callback_query.answer(alert, show_alert=True)


# --- The feedback thread -------------------------------------------------------------------


def thread_text(entries: list[tuple[Any, Employee]]) -> str:
    return "\n".join(
        TEXTS.get(
            "baris_percakapan",
            nama=author.nama,
            waktu=format_date_id(wib_today(feedback.created_at)),
            isi=feedback.text,
        )
        for feedback, author in entries[-THREAD_SHOWN:]
    )


async def discussable(
    update: Update, context: BotContext, report_id: int
) -> tuple[Person, ReportContext] | None:
    person = await current_person(update, context)
    if person is None or person.employee is None:
        return None
    async with context.db.session() as session:
        found = await report_context(session, report_id)
        if found is None or not await may_discuss(session, person, found):
            return None
    return person, found


async def start_writing(update: Update, context: BotContext) -> int:
    """Umpan balik (atasan) or Balas (either side): ask for the text."""
    report_id = callback_int(update)
    if report_id is None:
        await stale(update)
        return ConversationHandler.END
    found = await discussable(update, context, report_id)
    if found is None:
        await take_press(update, TEXTS.get("peringatan_bukan_bawahan"))
        return ConversationHandler.END
    person, report = found
    await take_press(update)
    THREAD_DRAFT.new(context, {"report_id": id_of(report.report)})
    tanggal = format_date_id(wib_today(report.report.submitted_at))
    if person.employee is not None and person.employee.id == report.owner.id:
        await reply(
            update, TEXTS.get("tulis_balasan", indikator=report.indicator.nama, tanggal=tanggal)
        )
    else:
        await reply(
            update,
            TEXTS.get(
                "tulis_umpan_balik",
                nama=report.owner.nama,
                indikator=report.indicator.nama,
                tanggal=tanggal,
            ),
        )
    return WRITE


async def end_quietly(update: Update, context: BotContext) -> int:
    return ConversationHandler.END


@only(is_asn, end_quietly)
async def receive_text(update: Update, context: BotContext, person: Person) -> int:
    """Store the message, deliver it with the thread to the other side."""
    message, draft = update.effective_message, THREAD_DRAFT.get(context)
    if message is None or message.text is None or draft is None:
        return ConversationHandler.END
    report_id = draft["report_id"]
    if len(message.text) > FEEDBACK_LIMIT:
        await reply(update, TEXTS.get("terlalu_panjang", batas=FEEDBACK_LIMIT))
        return WRITE
    async with context.db.session() as session:
        found = await report_context(session, report_id)
        if found is None or not await may_discuss(session, person, found):
            await reply(update, TEXTS.get("peringatan_bukan_bawahan"))
            return ConversationHandler.END
        recipient = await add_feedback(
            session, person.asn, found, message.text.strip(), utcnow(), update_key(update)
        )
        reachable = recipient is not None and recipient.telegram_id is not None
        if recipient is not None and recipient.telegram_id is not None:
            entries = await thread(session, report_id)
            # With the message, in its transaction: sent once, right after (core/outbox.py).
            await queue_notice(
                session,
                FEEDBACK_JOB,
                update_key(update),
                recipient.telegram_id,
                [
                    TEXTS.get(
                        "umpan_balik_masuk",
                        indikator=found.indicator.nama,
                        tanggal=format_date_id(wib_today(found.report.submitted_at)),
                        percakapan=Markup(thread_text(entries)),
                    )
                ],
                keyboard([[(TEXTS.get("tombol_balas"), f"ub:balas:{report_id}")]]),
            )
    THREAD_DRAFT.drop(context)
    if recipient is None:
        return ConversationHandler.END
    if reachable:
        context.send_queued_notices()
    await reply(
        update, TEXTS.get("terkirim" if reachable else "tidak_terkirim", nama=recipient.nama)
    )
    return ConversationHandler.END


def build_feedback_conversation() -> ConversationHandler[BotContext]:
    """Umpan balik / Balas — state WRITE (the typed message)."""
    return conversation(
        "umpan_balik",
        entry_points=[
            CallbackQueryHandler(start_writing, pattern=r"^tim:ub:\d+$"),
            CallbackQueryHandler(start_writing, pattern=r"^ub:balas:\d+$"),
        ],
        states={WRITE: [MessageHandler(filters.TEXT & ~filters.COMMAND, receive_text)]},
        fallbacks=[
            CommandHandler("batal", cancel_forgetting(THREAD_DRAFT.key)),
            MessageHandler(filters.ALL, answer_with(TEXTS, "sedang_menulis")),
        ],
        on_timeout=conversation_timed_out,
    )


def build_team_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    """The feedback conversation first: while someone writes, their text belongs to it."""
    return [
        build_feedback_conversation(),
        CommandHandler("tim", team_command),
        CallbackQueryHandler(open_team, pattern=r"^tim:buka$"),
        CallbackQueryHandler(switch_scope, pattern=r"^tim:lingkup:(unit|langsung)$"),
        CallbackQueryHandler(show_member, pattern=r"^tim:org:\d+(:unit)?$"),
        CallbackQueryHandler(mark_read, pattern=r"^tim:baca:\d+$"),
        CallbackQueryHandler(nudge, pattern=r"^tim:ingat:\d+$"),
    ]
