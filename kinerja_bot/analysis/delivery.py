"""The needs analysis ready to send on a schedule: the one-screen summary of `/analisis` (its
buttons drill into a unit and a need, as in the chat) and the full list as the .xlsx the 📎
button sends. The quarterly job decides who gets it and records each delivery."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import InlineKeyboardMarkup

from kinerja_bot.analysis import browse
from kinerja_bot.analysis.needs import (
    NeedsReport,
    build_needs_report,
    build_needs_report_for_units,
)
from kinerja_bot.core.outbox import Document
from kinerja_bot.core.rules.periods import Period
from kinerja_bot.exports.datasets import needs_table
from kinerja_bot.exports.files import list_file

__all__ = ["NeedsDelivery", "prepare_needs_delivery"]


@dataclass(frozen=True)
class NeedsDelivery:
    """What one recipient gets: one short message with its buttons, and the spreadsheet (none
    when there is no need to list)."""

    report: NeedsReport
    summary: str
    markup: InlineKeyboardMarkup
    sheet: Document | None


async def prepare_needs_delivery(
    session: AsyncSession,
    period: Period,
    *,
    today: date,
    unit_ids: Iterable[int] | None = None,
) -> NeedsDelivery:
    """The needs of the trees of `unit_ids` (a head's units), or of the whole city (None): the
    summary as `/analisis` shows it to that person by default (root 0), and the sheet, written
    in a worker thread."""
    if unit_ids is not None:
        report = await build_needs_report_for_units(session, unit_ids, period, today=today)
    else:
        report = await build_needs_report(session, None, period, today=today)
    summary, markup = browse.summary_view(report, 0, attached=True)
    table = needs_table(report)
    sheet = None
    if table.rows:
        written = await asyncio.to_thread(list_file, "analisis", period, [table])
        sheet = Document(written.content, written.filename, written.caption)
    return NeedsDelivery(report=report, summary=summary, markup=markup, sheet=sheet)
