"""The reminder's snooze button: "Ingatkan 1 jam lagi"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
)

from kinerja_bot.core.context import BotContext
from kinerja_bot.core.guards import alert_with, is_asn, only
from kinerja_bot.core.models import Delivery, DeliveryStatus, id_of, utcnow
from kinerja_bot.core.people import Person
from kinerja_bot.core.rules.periods import (
    PeriodKind,
    current_period,
)
from kinerja_bot.core.telegram_ui import (
    take_press,
)
from kinerja_bot.reminders.jobs import TEXTS as REMINDER_TEXTS
from kinerja_bot.reminders.service import (
    SNOOZE_JOB,
    reported_this_week,
    snooze_period,
    snooze_waiting,
)


@only(is_asn, alert_with(REMINDER_TEXTS, "bukan_pegawai"))
async def snooze(update: Update, context: BotContext, person: Person) -> None:
    """Ingatkan 1 jam lagi: a pending delivery, due in SNOOZE_MINUTES, sent by the minute job."""
    now = utcnow()
    today = now.astimezone(context.settings.tz).date()
    minutes = context.settings.snooze_minutes
    async with context.db.session() as session:
        if await reported_this_week(session, [id_of(person.asn)], today):
            await take_press(update, REMINDER_TEXTS.get("peringatan_sudah_melapor"))
            return
        # One snooze waiting is enough (also for a press handled again after a kill).
        if not await snooze_waiting(session, person.telegram_id):
            week = current_period(PeriodKind.WEEK, today)
            try:
                async with session.begin_nested():
                    session.add(
                        Delivery(
                            job=SNOOZE_JOB,
                            chat_id=person.telegram_id,
                            status=DeliveryStatus.PENDING,
                            period=snooze_period(week.label, now + timedelta(minutes=minutes)),
                        )
                    )
            except IntegrityError:
                pass  # pressed twice at once: one snooze is enough
    await take_press(update, REMINDER_TEXTS.get("peringatan_ditunda", menit=minutes))


def build_reminder_handlers() -> list[BaseHandler[Update, BotContext, Any]]:
    return [CallbackQueryHandler(snooze, pattern=r"^ingat:tunda$")]
