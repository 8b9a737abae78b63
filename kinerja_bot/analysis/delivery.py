"""The needs analysis ready to send: messages, chart and its caption. Shared by /analisis and
the quarterly scheduled job (which decides who gets it and records each delivery)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import Bot

from kinerja_bot.analysis.needs import (
    NeedsReport,
    build_needs_report,
    build_needs_report_for_units,
)
from kinerja_bot.analysis.render import TEXTS, render_needs_chart, render_needs_report
from kinerja_bot.core.rules.periods import Period

__all__ = ["NeedsDelivery", "prepare_needs_delivery", "send_needs_delivery"]


@dataclass(frozen=True)
class NeedsDelivery:
    """What one recipient gets: an optional chart (PNG) with its caption, then the messages."""

    report: NeedsReport
    messages: list[str]
    chart: bytes | None
    caption: str


async def prepare_needs_delivery(
    session: AsyncSession,
    period: Period,
    *,
    today: date,
    unit_id: int | None = None,
    unit_ids: Iterable[int] | None = None,
) -> NeedsDelivery:
    """Build, render and draw the needs of one unit tree, several (a head of more than one
    unit), or the whole city (neither given). The chart is drawn in a worker thread."""
    if unit_ids is not None:
        report = await build_needs_report_for_units(session, unit_ids, period, today=today)
    else:
        report = await build_needs_report(session, unit_id, period, today=today)
    return NeedsDelivery(
        report=report,
        messages=render_needs_report(report),
        chart=await render_needs_chart(report),
        caption=TEXTS.get("grafik_keterangan", periode=period.title),
    )


async def send_needs_delivery(bot: Bot, chat_id: int, delivery: NeedsDelivery) -> None:
    """Send the chart (if any) and then the messages, in order. Telegram errors propagate, so
    a scheduler can record and retry them."""
    if delivery.chart is not None:
        await bot.send_photo(chat_id, io.BytesIO(delivery.chart), caption=delivery.caption)
    for message in delivery.messages:
        await bot.send_message(chat_id, message)
