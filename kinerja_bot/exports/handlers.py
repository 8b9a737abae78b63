"""An ASN's own files, one reply each: /evaluasi (their evaluation pack) and /laporansaya (their
progress reports), as spreadsheets."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from typing import Any, Literal

from sqlmodel import select
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from kinerja_bot.analysis.browse import report_for
from kinerja_bot.core.context import BotContext
from kinerja_bot.core.guards import alert_with, is_asn, is_head_or_admin, only, refuse_with
from kinerja_bot.core.models import Evaluation, id_of
from kinerja_bot.core.people import Person, visible_units
from kinerja_bot.core.rules.periods import (
    Period,
    PeriodError,
    PeriodKind,
    current_period,
    parse_period,
    wib_today,
)
from kinerja_bot.core.telegram_ui import callback_int, reply, stale
from kinerja_bot.evaluation import NotAnEvaluationPeriod, parse_evaluation_period
from kinerja_bot.exports.datasets import needs_table, reports_table, skm_tables
from kinerja_bot.exports.evaluation_pack import evaluation_packs, evaluation_xlsx_bytes
from kinerja_bot.exports.files import TEXTS, list_file
from kinerja_bot.exports.workbook import xlsx_bytes

# The "📎 Daftar lengkap (.xlsx)" buttons under /analisis and /ikm: `xlsx:<what>:<period>:<root>`
# (root as in analysis.browse: a unit's tree, or 0 for what the person sees by default).
XLSX_PATTERN = r"^xlsx:(ana|ikm):[^:]+:\d+$"


async def evaluation_period_or_explain(update: Update, text: str) -> Period | None:
    """A quarter or a year to evaluate; anything else is explained to the user."""
    try:
        return parse_evaluation_period(text)
    except NotAnEvaluationPeriod:
        await reply(update, TEXTS.get("bukan_periode_evaluasi", periode=text.strip()))
    except PeriodError as error:
        await reply(update, TEXTS.get("periode_salah", pesan=str(error)))
    return None


@only(is_asn, refuse_with(TEXTS, "bukan_pegawai"))
async def own_evaluation(update: Update, context: BotContext, person: Person) -> None:
    """/evaluasi [periode]: the ASN's own evaluation pack as a spreadsheet.

    Without a period: the latest period they were rated for, else the current triwulan.
    """
    if update.effective_chat is None:
        return
    employee = person.asn
    today = wib_today()
    if context.args:
        period = await evaluation_period_or_explain(update, " ".join(context.args))
        if period is None:
            return
    else:
        period = await _latest_rated_period(context, id_of(employee)) or current_period(
            PeriodKind.QUARTER, today
        )
    async with context.db.session() as session:
        packs = await evaluation_packs(session, period, today=today, employee_ids=[id_of(employee)])
    content = await _in_thread(evaluation_xlsx_bytes, packs)
    evaluation = packs[0].evaluation if packs else None
    status = (
        TEXTS.get("evaluasi_status_dinilai", predikat=evaluation.predikat)
        if evaluation
        else TEXTS.get("evaluasi_status_belum")
    )
    await update.effective_chat.send_document(
        document=io.BytesIO(content),
        filename=f"evaluasi-{employee.nip}-{period.label}.xlsx",
        caption=TEXTS.get(
            "evaluasi_keterangan", periode=period.title, nama=employee.nama, status=status
        ),
    )


async def _latest_rated_period(context: BotContext, employee_id: int) -> Period | None:
    async with context.db.session() as session:
        rows = (
            await session.exec(
                select(Evaluation.period).where(Evaluation.employee_id == employee_id)
            )
        ).all()
    periods = [parse_period(label) for label in rows]
    # The latest end first; at the same end (Q4 and the year) the year, the fuller evaluation.
    periods.sort(key=lambda p: (p.end, p.days), reverse=True)
    return periods[0] if periods else None


@only(is_asn, refuse_with(TEXTS, "bukan_pegawai"))
async def own_reports(update: Update, context: BotContext, person: Person) -> None:
    """/laporansaya [periode]: the ASN's own progress reports as a spreadsheet (default: the
    current year)."""
    if update.effective_chat is None:
        return
    employee = person.asn
    if context.args:
        try:
            period = parse_period(" ".join(context.args))
        except PeriodError as error:
            await reply(update, TEXTS.get("periode_salah", pesan=str(error)))
            return
    else:
        period = current_period(PeriodKind.YEAR, wib_today())
    async with context.db.session() as session:
        table = await reports_table(session, period, employee_id=id_of(employee))
    if not table.rows:
        await reply(update, TEXTS.get("laporansaya_kosong", periode=period.title))
        return
    content = await _in_thread(xlsx_bytes, [table])
    await update.effective_chat.send_document(
        document=io.BytesIO(content),
        filename=f"laporan-{employee.nip}-{period.label}.xlsx",
        caption=TEXTS.get("laporansaya_keterangan", periode=period.title, jumlah=len(table.rows)),
    )


@only(is_head_or_admin, alert_with(TEXTS, "peringatan_bukan_kepala"))
async def full_list(update: Update, context: BotContext, person: Person) -> None:
    """📎 Daftar lengkap: the whole needs analysis or IKM behind a one-screen summary, as the
    spreadsheet `kinerja-bot ekspor analisis|skm` writes, checked again for this person."""
    query, chat = update.callback_query, update.effective_chat
    parts = (query.data or "").split(":") if query else []
    root = callback_int(update)
    if query is None or chat is None or root is None or len(parts) != 4:
        await stale(update)
        return
    try:
        period = parse_period(parts[2])
    except PeriodError:
        await stale(update)
        return
    async with context.db.session() as session:
        if parts[1] == "ana":
            report = await report_for(session, person, period, root)
            tables = [needs_table(report)] if report is not None else None
        else:
            allowed, scope = await visible_units(session, person, root)
            tables = await skm_tables(session, period, scope=scope) if allowed else None
    if tables is None:
        await alert_with(TEXTS, "peringatan_bukan_kepala")(update, context)
        return
    await query.answer()
    kind: Literal["analisis", "ikm"] = "analisis" if parts[1] == "ana" else "ikm"
    sheet = await asyncio.to_thread(list_file, kind, period, tables)
    await chat.send_document(
        document=io.BytesIO(sheet.content), filename=sheet.filename, caption=sheet.caption
    )


async def _in_thread(function: Callable[..., bytes], *args: Any) -> bytes:
    """Spreadsheets are written in a worker thread: openpyxl blocks."""
    return await asyncio.to_thread(function, *args)


def build_export_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [
        CommandHandler("evaluasi", own_evaluation),
        CommandHandler("laporansaya", own_reports),
        CallbackQueryHandler(full_list, pattern=XLSX_PATTERN),
    ]
